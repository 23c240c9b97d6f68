using System.Globalization;
using BatteryZoom.Core.Data;
using BatteryZoom.Core.Geometry;
using BatteryZoom.Core.Units;
using BatteryZoom.Phase.Holotomography;
using BatteryZoom.Phase.Materials;
using BatteryZoom.Phase.Propagation;
using BatteryZoom.Segmentation;
using BatteryZoom.Segmentation.Commands;
using BatteryZoom.Simulation.Acquisition;
using BatteryZoom.Simulation.Holotomography;

namespace BatteryZoom.Cli.Demo;

/// <summary>Nano-holotomography stage: an NMC532 electrode at 33.6 keV recorded at four cone-beam distances, CTF retrieval
/// and FBP to δ, compared with the truth inside the particles; then Otsu, watershed and a particle table.</summary>
internal sealed class HoloStage : IDemoStage
{
    public const string DeltaFile = "delta_electrode.h5";
    public const string ParticleFile = "particles.csv";
    public static readonly Energy Energy = Energy.FromKiloElectronVolts(33.6);
    public static readonly Length Pixel = Length.FromNanometers(70);

    public string Name => "holo";
    public string Description => "simulate nano-holotomography of an NMC532 electrode (4 cone-beam distances, 33.6 keV), CTF + FBP to δ, segment the particles";

    public void Run(DemoContext context)
    {
        const int n = 112, angles = 64, clusters = 3;
        var nmc = XrayOptics.RefractiveIndex("LiNi0.5Mn0.3Co0.2O2", MassDensity.FromGramsPerCubicCentimeter(4.77), Energy);
        var carbon = XrayOptics.RefractiveIndex("C", MassDensity.FromGramsPerCubicCentimeter(1.8), Energy);
        var active = new RefractiveValues(nmc.Delta, nmc.Beta);
        var phantom = RefractivePhantom.NmcElectrode(Pixel * 50, Pixel * 50, Pixel * 20, clusters, active, new RefractiveValues(carbon.Delta, carbon.Beta), 1);
        var focusToDetector = Length.FromMillimeters(300);
        double[] z1 = [2.0, 2.3, 2.6, 2.9];
        var planes = z1.Select(z => HoloPlane.ConeBeam(Length.FromMillimeters(z), focusToDetector)).ToArray();
        var detectorPixel = Pixel * planes[0].Magnification;   // finest sample-plane pixel = Pixel
        using var sim = HolotomographySimulator.Simulate(phantom, new HolotomographySimulationOptions
        {
            Energy = Energy, Detector = new Detector(n, n, detectorPixel), Planes = planes,
            Angles = ParallelBeam.UniformAngles(angles, Angle.Zero, Angle.FromDegrees(180)), DetectorModel = new DetectorModel(Seed: 1),
        }, FresnelPropagator.Intensity, context.Run);
        var set = HolotomoSet.FromConeBeamScans(sim.Scans);
        context.Note(Name, "sample", string.Create(CultureInfo.InvariantCulture,
            $"{clusters} NMC532 secondary particles (4.77 g/cm3: δ = {nmc.Delta:E3}, β = {nmc.Beta:E3}, δ/β = {nmc.DeltaOverBeta:F0}) with carbon–binder blobs, 33.6 keV"));
        context.Note(Name, "scan", string.Create(CultureInfo.InvariantCulture,
            $"{planes.Length} distances z1 = {string.Join("/", z1)} mm (focus–detector 300 mm; z_eff = {string.Join(", ", set.EffectiveDistances.Select(z => z.Millimeters.ToString("F2", CultureInfo.InvariantCulture)))} mm), {angles} angles over 180°, {n}² detector, sample pixel {set.ReferencePixel}, Poisson noise at 10⁴ counts"));

        using var delta = HolotomographyPipeline.Reconstruct(set, new HolotomographyOptions { DeltaOverBeta = nmc.DeltaOverBeta }, context.Run);
        DemoIO.WriteVolume(context.PathOf(DeltaFile), delta, context);
        double meanCore = MeanInCores(delta, phantom, active, Pixel * 20);
        context.Note(Name, "mean δ inside the NMC particles", string.Create(CultureInfo.InvariantCulture,
            $"{meanCore:E3} (truth {nmc.Delta:E3}; {meanCore / nmc.Delta - 1:+0.0%;-0.0%})"));
        context.Shared["holo.delta_error"] = meanCore / nmc.Delta - 1;

        var threshold = SegmentCommands.Threshold(delta, ThresholdMethod.Otsu, context: context.Run);
        using var mask = threshold.Mask;
        using var labels = SegmentCommands.Watershed(mask, Pixel * 8, Connectivity.Vertices26, context.Run);
        var (table, _) = SegmentCommands.Measure(labels.Labels, delta, null, null, context.Run);
        using (var writer = new StreamWriter(context.PathOf(ParticleFile))) table.WriteCsv(writer);
        // Fragments: primary grains cut off their cluster by the watershed and carbon–binder blobs above the threshold.
        var all = table.Rows.Select(r => r.EquivalentDiameter.Micrometers).ToArray();
        var particles = all.Where(d => d >= MinimumParticleDiameter.Micrometers).ToArray();
        var truth = TrueDiameters(phantom, active, Pixel * 20);
        context.Note(Name, "Otsu threshold on δ", string.Create(CultureInfo.InvariantCulture, $"{threshold.Thresholds[0]:E3}"));
        context.Note(Name, "objects found (watershed, 26-connectivity, seeds ≥ 8 px apart)", string.Create(CultureInfo.InvariantCulture,
            $"{all.Length}: {particles.Length} particles ≥ {MinimumParticleDiameter.Micrometers:F1} µm (phantom: {truth.Length} secondary particles) and {all.Length - particles.Length} smaller fragments (cut-off grains, binder)"));
        context.Note(Name, "median equivalent diameter of the particles", string.Create(CultureInfo.InvariantCulture,
            $"{Median(particles):F2} µm (phantom {Median(truth):F2} µm, from core + grain volumes with overlaps counted twice, an upper bound)"));
        context.Shared["holo.particles"] = particles.Length;
        context.Note(Name, "files", $"{DeltaFile} (δ), {ParticleFile} (one row per particle)");
    }

    private static readonly Length MinimumParticleDiameter = Length.FromMicrometers(1.2);

    private static double Median(double[] values)
    {
        var v = values.Order().ToArray();
        return v.Length == 0 ? double.NaN : v.Length % 2 == 1 ? v[v.Length / 2] : 0.5 * (v[v.Length / 2 - 1] + v[v.Length / 2]);
    }

    /// <summary>Equivalent diameter (µm) of each phantom cluster: its core followed by its grains in the part list.</summary>
    private static double[] TrueDiameters(RefractivePhantom phantom, RefractiveValues active, Length clusterRadius)
    {
        var volumes = new List<double>();
        foreach (var (shape, material) in phantom.Parts)
        {
            if (material != active) continue;
            double v = 4.0 / 3 * Math.PI * shape.SemiAxes.X * shape.SemiAxes.Y * shape.SemiAxes.Z;
            if (shape.SemiAxes.X >= 0.45 * clusterRadius.Meters) volumes.Add(v);
            else if (volumes.Count > 0) volumes[^1] += v;
        }
        return volumes.Select(v => Math.Cbrt(6 * v / Math.PI) * 1e6).ToArray();
    }

    /// <summary>Mean δ over voxels within 60 % of each particle core's radius (where the truth is exactly the material's δ).</summary>
    private static double MeanInCores(Volume<float> delta, RefractivePhantom phantom, RefractiveValues active, Length clusterRadius)
    {
        var cores = phantom.Parts.Where(p => p.Material == active && p.Shape.SemiAxes.X >= 0.45 * clusterRadius.Meters).Select(p => p.Shape).ToArray();
        var g = delta.Grid;
        var slice = new float[g.Size.Nx * g.Size.Ny];
        double sum = 0;
        long count = 0;
        for (int z = 0; z < g.Size.Nz; z++)
        {
            delta.ReadSlice(z, slice);
            for (int y = 0; y < g.Size.Ny; y++)
                for (int x = 0; x < g.Size.Nx; x++)
                {
                    var p = g.Position(x, y, z);
                    if (cores.Any(c => (p - c.Centre).Norm <= 0.6 * c.SemiAxes.X)) { sum += slice[y * g.Size.Nx + x]; count++; }
                }
        }
        return count == 0 ? double.NaN : sum / count;
    }
}
