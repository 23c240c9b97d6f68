using BatteryZoom.Core.Data;
using BatteryZoom.Core.Geometry;
using BatteryZoom.Core.Random;
using BatteryZoom.Core.Units;
using BatteryZoom.Simulation.Particles;
using BatteryZoom.Spectroscopy.Data;
using BatteryZoom.Spectroscopy.EdgeEnergy;
using BatteryZoom.Spectroscopy.EnergyAlignment;
using BatteryZoom.Spectroscopy.Normalisation;
using BatteryZoom.Spectroscopy.Reconstruction;
using BatteryZoom.Spectroscopy.StateOfCharge;

namespace BatteryZoom.Spectroscopy.Tests.Reconstruction;

/// <summary>The whole chain on a simulated particle: projections per energy with a random shift and magnification →
/// alignment → FBP per energy → per-voxel edge energy → SOC per grain against the truth.</summary>
public class XanesChainTests(ITestOutputHelper output)
{
    internal const int N = 32;

    internal static DetectorDistortion[] RandomDistortions(int count, int reference, ulong seed)
    {
        var rng = new CounterRandom(seed, 21);
        return [.. Enumerable.Range(0, count).Select(i => i == reference ? DetectorDistortion.None : new DetectorDistortion(
            -3 + 6 * rng.Uniform((ulong)(3 * i)), -3 + 6 * rng.Uniform((ulong)(3 * i + 1)), 0.95 + 0.1 * rng.Uniform((ulong)(3 * i + 2))))];
    }

    internal static XanesParticlePhantom Phantom() => new(new XanesParticleOptions
    {
        Grid = VoxelGrid.Centered(new GridSize(N, N, N), Length.FromNanometers(30)),
        GrainCount = 5, RadiusFraction = 0.62, Seed = 11,
    });

    [Fact]
    public void SimulatedParticle_AlignReconstructMap_SocPerGrainMatchesTruth()
    {
        var phantom = Phantom();
        double[] energies = NiKEdgeModel.TxmEnergyGrid();
        var truth = RandomDistortions(energies.Length, energies.Length - 1, 5);
        // Noise σ = 0.5 × the edge jump of one voxel's path, per detector pixel: ≈ 2 % of the largest line integral.
        using var series = new EnergySeries(XanesProjectionSimulator.Project(phantom, energies, XanesProjectionSimulator.TxmAngles(), truth, noise: 0.5, seed: 3));

        var alignment = EnergySeriesAligner.Estimate(series);
        double worstShift = 0, worstScale = 0;
        var log = new System.Text.StringBuilder();
        for (int i = 0; i < energies.Length; i++)
        {
            var t = alignment.Transforms[i];
            log.Append(System.Globalization.CultureInfo.InvariantCulture, $"{energies[i]}: {t} vs {truth[i]}\n");
            worstShift = Math.Max(worstShift, Math.Max(Math.Abs(t.ShiftX - truth[i].ShiftX), Math.Abs(t.ShiftY - truth[i].ShiftY)));
            worstScale = Math.Max(worstScale, Math.Abs(t.Scale - truth[i].Scale));
        }
        // Mean projection of 181 noisy views of a 20 px particle on a 32 px detector: measured ≤ 0.05 px and ≤ 0.7 % scale. The
        // scale lever arm is only the 10 px radius (0.04 px at the rim is 0.4 %), and the simulated truth itself is uncertain at that
        // level: the detector point-samples a sharp-rimmed sphere (chord 2√(r² − d²), not band-limited), and resampling the same
        // data by a known transform (no re-simulation) recovers the scale to 1e-4, while re-simulating at the nominal pitch reads
        // 0.3–0.4 % off. Hence 1 % here; the 96 px band-limited image test holds the estimator to 0.1 %.
        Assert.True(worstShift <= 0.1, $"worst shift error {worstShift:F3} px\n{log}");
        Assert.True(worstScale <= 1e-2, $"worst scale error {worstScale:E2}\n{log}");

        using var aligned = EnergySeriesAligner.Apply(series, alignment);
        using var volume = EnergySeriesReconstruction.Run(aligned);
        Assert.Equal(energies.Length, volume.Count);

        var pre = new PreEdgeOptions { E0 = new Energy(8344), Pre2 = new Energy(-25), Norm1 = new Energy(30) };
        var kernel = new XanesKernel(PreEdgePlan.Create(energies, pre));
        var model = phantom.Options.Model;
        double r0 = kernel.Evaluate([.. energies.Select(e => model.Mu(e, 0))]).EdgeEnergy;
        double r1 = kernel.Evaluate([.. energies.Select(e => model.Mu(e, 1))]).EdgeEnergy;
        using var maps = XanesMapper.Map(volume, new XanesMapOptions { PreEdge = pre, MaskStep = 0.5, Soc = new SocCalibration(new Energy(r0), new Energy(r1)) });
        var errors = GrainSocErrors(phantom, maps, volume.Grid);
        // Per-grain mean over interior voxels (all 6 neighbours in the same grain, ≥ 2 voxels inside the rim): FBP blur mixes
        // neighbouring grains only at their borders; the residual misalignment (≤ 0.06 px), two cubic resamplings and 2 % noise
        // leave measured errors ≤ 0.015 SOC per grain (0.03 eV of edge energy) over 120–520 voxels; 0.03 bounds that with margin
        // for seeds (one SOC unit = 2 eV, so 0.03 SOC = 0.06 eV, below the 0.1 eV accuracy the issue asks of single spectra).
        var text = string.Join("; ", errors.Select(e => $"grain {e.Grain}: {e.Error:F3} ({e.Voxels} vx)"));
        output.WriteLine($"alignment: worst shift {worstShift:F3} px, worst scale {worstScale:E2}; SOC per grain: {text}");
        Assert.True(errors.All(e => Math.Abs(e.Error) <= 0.03), text);
        Assert.True(errors.Count >= 4, $"only {errors.Count} grains had interior voxels");
    }

    internal static List<(int Grain, double Error, int Voxels)> GrainSocErrors(XanesParticlePhantom phantom, XanesMaps maps, VoxelGrid grid) =>
        [.. phantom.InteriorGrainMeans(maps.Soc!, maps.Mask).Select(g => (g.Grain, g.Mean - phantom.GrainSoc[g.Grain - 1], g.Voxels))];
}
