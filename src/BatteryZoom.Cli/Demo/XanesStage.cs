using System.Diagnostics;
using System.Globalization;
using BatteryZoom.Cli.Commands;
using BatteryZoom.Core.Geometry;
using BatteryZoom.Core.Random;
using BatteryZoom.Core.Units;
using BatteryZoom.IO;
using BatteryZoom.Simulation.Particles;
using BatteryZoom.Spectroscopy;
using BatteryZoom.Spectroscopy.Data;
using BatteryZoom.Spectroscopy.EdgeEnergy;
using BatteryZoom.Spectroscopy.EnergyAlignment;
using BatteryZoom.Spectroscopy.Normalisation;
using BatteryZoom.Spectroscopy.Reconstruction;
using BatteryZoom.Spectroscopy.StateOfCharge;

namespace BatteryZoom.Cli.Demo;

/// <summary>XANES stage: a particle of grains at different states of charge, imaged by a simulated TXM at the 63 energies of the
/// Ni K edge over −90..+90° (181 views), each energy with its own random detector shift and magnification; the projections are
/// aligned across energies, reconstructed per energy (FBP), mapped voxel by voxel (edge energy at half step → SOC) and compared
/// grain by grain with the truth.</summary>
internal sealed class XanesStage : IDemoStage
{
    public const string EdgeEnergyFile = "xanes_edge_energy.h5";
    public const string SocFile = "xanes_soc.h5";
    public const string AlignmentFile = "xanes_alignment.tsv";
    private const int Size = 32, Grains = 6;
    private const double Noise = 0.5, MaskStep = 0.5, MaxShift = 3, ScaleSpread = 0.05;

    public string Name => "xanes";
    public string Description => "TXM spectro-tomography of a simulated multi-grain particle: projections at 63 energies with drift and magnification → align → FBP → edge energy and SOC";

    public void Run(DemoContext context)
    {
        var inv = CultureInfo.InvariantCulture;
        var grid = VoxelGrid.Centered(new GridSize(Size, Size, Size), Length.FromNanometers(30));
        var phantom = new XanesParticlePhantom(new XanesParticleOptions { Grid = grid, GrainCount = Grains, RadiusFraction = 0.62, Seed = 11 });
        double[] energies = NiKEdgeModel.TxmEnergyGrid();
        int reference = energies.Length - 1;
        var rng = new CounterRandom(11, 40);
        var truth = energies.Select((_, i) => i == reference ? DetectorDistortion.None : new DetectorDistortion(
            MaxShift * (2 * rng.Uniform((ulong)(3 * i)) - 1), MaxShift * (2 * rng.Uniform((ulong)(3 * i + 1)) - 1),
            1 + ScaleSpread * (2 * rng.Uniform((ulong)(3 * i + 2)) - 1))).ToArray();

        var clock = Stopwatch.StartNew();
        using var series = Simulate(phantom, energies, truth, context);
        double tSim = clock.Elapsed.TotalSeconds;
        clock.Restart();
        var alignment = EnergySeriesAligner.Estimate(series, context: context.Run);
        using var aligned = EnergySeriesAligner.Apply(series, alignment, context.Run);
        double tAlign = clock.Elapsed.TotalSeconds;
        clock.Restart();
        using var volume = EnergySeriesReconstruction.Run(aligned, context: context.Run);
        double tRecon = clock.Elapsed.TotalSeconds;
        clock.Restart();

        // E0 from the mean spectrum once, then fixed so that the SOC references (noiseless SOC 0 and SOC 1 model spectra) go
        // through exactly the plan every voxel uses.
        var pre = new PreEdgeOptions { Pre2 = new Energy(-25), Norm1 = new Energy(30) };
        var e0 = PreEdgePlan.Create(energies, pre, XanesMapper.MeanSpectrum(volume)).Ranges.E0;
        pre = pre with { E0 = e0 };
        var kernel = new XanesKernel(PreEdgePlan.Create(energies, pre));
        var model = phantom.Options.Model;
        double r0 = kernel.Evaluate([.. energies.Select(e => model.Mu(e, 0))]).EdgeEnergy;
        double r1 = kernel.Evaluate([.. energies.Select(e => model.Mu(e, 1))]).EdgeEnergy;
        var options = new XanesMapOptions { PreEdge = pre, MaskStep = MaskStep, Soc = new SocCalibration(new Energy(r0), new Energy(r1)) };
        using var maps = XanesMapper.Map(volume, options, context.Run);
        double tMap = clock.Elapsed.TotalSeconds;

        VolumeFile.Write(context.PathOf(EdgeEnergyFile), maps.EdgeEnergy, context: context.Run);
        VolumeFile.Write(context.PathOf(SocFile), maps.Soc!, context: context.Run);
        XanesCommand.WriteAlignment(context.PathOf(AlignmentFile), volume.Energies, alignment);

        double worstShift = 0, worstScale = 0;
        for (int i = 0; i < energies.Length; i++)
        {
            var t = alignment.Transforms[i];
            worstShift = Math.Max(worstShift, Math.Max(Math.Abs(t.ShiftX - truth[i].ShiftX), Math.Abs(t.ShiftY - truth[i].ShiftY)));
            worstScale = Math.Max(worstScale, Math.Abs(t.Scale - truth[i].Scale));
        }

        // Per-grain mean SOC over interior voxels (all 6 neighbours in the same grain, ≥ 2 voxels inside the rim): FBP blurs
        // grain borders, which a per-grain statistic should not mix in.
        var grains = phantom.InteriorGrainMeans(maps.Soc!, maps.Mask);
        var rows = new List<string>();
        double maxError = 0;
        foreach (var (g, mean, voxels) in grains)
        {
            double t = phantom.GrainSoc[g - 1];
            maxError = Math.Max(maxError, Math.Abs(mean - t));
            rows.Add(string.Create(inv, $"{g}: {mean:F3} vs {t:F3} ({voxels} vx)"));
        }
        long total = grid.Size.VoxelCount, mapped = maps.CountOf(SpectrumStatus.Ok);
        context.Note(Name, "scan", string.Create(inv, $"{Size}³ voxels of 30 nm, {Grains} grains (seed 11); {energies.Length} energies ({energies[0]:F0}–{energies[^1]:F0} eV) × 181 views (−90..+90°, 1°); noise σ = {Noise} × one voxel's edge jump per pixel"));
        context.Note(Name, "misregistration (truth)", string.Create(inv, $"per energy: shift uniform in ±{MaxShift} px, scale uniform in 1 ± {ScaleSpread}; reference {energies[reference]:F0} eV"));
        context.Note(Name, "alignment error (worst over energies)", string.Create(inv, $"shift {worstShift:F3} px, scale {worstScale * 100:F2} % ({AlignmentFile})"));
        context.Note(Name, "reconstruction", $"{EnergySeriesReconstruction.ChooseMethod(aligned, new XanesReconstructionOptions())} per energy, end views ±90° weighted ½ each");
        context.Note(Name, "ranges", string.Create(inv, $"E0 {e0.ElectronVolts:F1} eV (find_e0 on the mean spectrum), pre2 −25 eV, norm1 +30 eV; SOC references {r0:F2} / {r1:F2} eV"));
        context.Note(Name, "voxels mapped / masked", string.Create(inv, $"{mapped} / {total - mapped} of {total}"));
        context.Note(Name, "per-grain mean SOC vs truth (interior voxels)", string.Join("; ", rows));
        context.Note(Name, "max |mean SOC − truth| over grains", string.Create(inv, $"{maxError:F4}"));
        context.Note(Name, "runtime", string.Create(inv, $"simulate {tSim:F2} s, align {tAlign:F2} s, reconstruct {tRecon:F2} s, map {tMap:F2} s"));
        context.Note(Name, "files", $"{EdgeEnergyFile} (eV, NaN where masked), {SocFile}, {AlignmentFile}");
        context.Shared["xanes.max_soc_error"] = maxError;
        context.Shared["xanes.alignment_worst_shift_px"] = worstShift;
    }

    /// <summary>Projections per energy: Σ_k μ_k(E)·L_k from the grains' path lengths on the reference detector, resampled to the energy's
    /// misregistration (pixel q shows reference position T⁻¹(q); Keys cubic), plus Gaussian noise. Resampling 63 × 181 frames costs far
    /// less than re-projecting the particle per energy (XanesProjectionSimulator.Project, used by the tests for an exact truth).</summary>
    private static EnergySeries Simulate(XanesParticlePhantom phantom, double[] energies, DetectorDistortion[] truth, DemoContext context)
    {
        var grid = phantom.Options.Grid;
        var angles = XanesProjectionSimulator.TxmAngles();
        var paths = XanesProjectionSimulator.GrainPathLengths(phantom, angles);
        int na = angles.Length, rows = grid.Size.Nz, cols = grid.Size.Nx, frame = rows * cols;
        var model = phantom.Options.Model;
        double sigma = Noise * model.Step * grid.Dx.Meters;
        var geometry = new ParallelBeam(new Detector(cols, rows, grid.Dx, grid.Dz), angles);
        var sets = new BatteryZoom.Core.Data.ProjectionSet[energies.Length];
        Parallel.For(0, energies.Length, context.Run.ParallelOptions, e =>
        {
            var mu = phantom.GrainSoc.Select(soc => (float)model.Mu(energies[e], soc)).ToArray();
            var d = truth[e];
            var inverse = new SimilarityTransform(-d.ShiftX / d.Scale, -d.ShiftY / d.Scale, 1 / d.Scale);
            var stack = BatteryZoom.Core.Data.ImageStack<float>.Create(na, rows, cols, context.Run.Storage);
            var sum = new float[frame];
            var warped = new float[frame];
            var noise = new Random(1200 + e);     // per energy, so the parallel loop stays deterministic
            for (int a = 0; a < na; a++)
            {
                Array.Clear(sum);
                for (int k = 0; k < mu.Length; k++)
                {
                    var p = paths[k].AsSpan(a * frame, frame);
                    for (int v = 0; v < frame; v++) sum[v] += mu[k] * p[v];
                }
                ImageAligner.Warp(sum, rows, cols, inverse, warped);
                for (int v = 0; v < frame; v += 2)
                {
                    // Box–Muller: two normal deviates per pair of uniforms.
                    double u1 = 1 - noise.NextDouble(), u2 = noise.NextDouble(), rad = sigma * Math.Sqrt(-2 * Math.Log(u1));
                    warped[v] += (float)(rad * Math.Cos(2 * Math.PI * u2));
                    if (v + 1 < frame) warped[v + 1] += (float)(rad * Math.Sin(2 * Math.PI * u2));
                }
                stack.WriteFrame(a, warped);
            }
            sets[e] = new BatteryZoom.Core.Data.ProjectionSet(stack, geometry, BatteryZoom.Core.Data.IntensityDomain.LineIntegral, energy: new Energy(energies[e]));
        });
        return new EnergySeries(sets);
    }
}
