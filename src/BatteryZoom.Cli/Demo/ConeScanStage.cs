using System.Globalization;
using BatteryZoom.Cli.Commands;
using BatteryZoom.Core.Data;
using BatteryZoom.Core.Geometry;
using BatteryZoom.Core.Units;
using BatteryZoom.IO;
using BatteryZoom.Simulation.Acquisition;
using BatteryZoom.Simulation.Phantoms;

namespace BatteryZoom.Cli.Demo;

/// <summary>Cell stage: a miniature cylindrical cell (steel can, cathode and anode windings as concentric shells, a delamination
/// void), a lab cone-beam scan over 360° with Poisson noise, FDK, and the error against the truth.</summary>
/// <remarks>Scaled down from the seed's 18650 (a 0.4 mm cell instead of 18 mm) so the stage runs in seconds; the geometry
/// (magnification 5, 10 µm voxels from 50 µm pixels) follows the seed's lab microscope.</remarks>
internal sealed class ConeScanStage : IDemoStage
{
    public const string ScanFile = "scan_cone.h5", TruthFile = "phantom_cell.h5", ReconFile = "recon_cell.h5";
    private const double CanMu = 3000, CathodeMu = 1500, AnodeMu = 300;   // 1/m, lab source ~60 keV effective

    public string Name => "cell";
    public string Description => "cone-beam micro-CT of a miniature cell: simulate, FDK (magnification 5), compare with the truth";

    public void Run(DemoContext context)
    {
        var pixel = Length.FromMicrometers(50);
        var sourceAxis = Length.FromMillimeters(50);
        var sourceDetector = Length.FromMillimeters(250);
        var detector = new Detector(96, 40, pixel);
        var angles = ParallelBeam.UniformAngles(180, Angle.Zero, Angle.FromDegrees(360));
        var geometry = new CircularConeBeam(detector, angles, sourceAxis, sourceDetector);
        var phantom = MiniCell();

        using (var lineIntegrals = CompositeProjector.Project(phantom, geometry, context.Run))
        using (var raw = new DetectorModel(FlatCounts: 30_000, DarkCounts: 100, Seed: 18650).Record(lineIntegrals, context.Run))
        {
            // The cone distances travel in the file (bzoom recon fdk reads them; --source-axis/--source-detector override).
            using var stored = new ProjectionSet(raw.Projections, geometry, IntensityDomain.Raw, raw.Flats, raw.Darks);
            DemoIO.WriteDataExchange(context.PathOf(ScanFile), stored, context);
        }

        var request = new ConeReconstructionRequest();
        using (var scan = ProjectionFile.Read(context.PathOf(ScanFile), context: context.Run))
        {
            var cone = ConeReconstruction.WithConeGeometry(scan, request, ScanFile);
            foreach (var n in ConeReconstruction.Run(cone, request, context.PathOf(ReconFile), overwrite: false, context.Run))
                context.Note(Name, "step", n);
        }

        var grid = ConeReconstruction.Target(geometry, request);
        using var truth = phantom.Voxelize(grid, oversample: 2, context.Run.Storage);
        DemoIO.WriteVolume(context.PathOf(TruthFile), truth, context);
        using var recon = VolumeFile.Read(context.PathOf(ReconFile), context: context.Run);
        // Central slices only: FDK is exact in the mid-plane and the cone angle here is ±2.3°.
        var cathode = RegionMean(recon, truth, CathodeMu, grid.Size.Nz / 4, 3 * grid.Size.Nz / 4);
        context.Note(Name, "scan", $"{angles.Count} projections over 360°, {detector.Columns}×{detector.Rows} pixels of {pixel}, M = 5, I0 = 30000 counts");
        context.Note(Name, "mean μ in the cathode winding", string.Create(CultureInfo.InvariantCulture,
            $"{cathode.Mean:F0} 1/m (truth {CathodeMu:F0}; {cathode.Mean / CathodeMu - 1:+0.0%;-0.0%}, {cathode.Voxels} voxels)"));
        context.Note(Name, "files", $"{ScanFile}, {ReconFile}, {TruthFile}");
    }

    /// <summary>A can, two cathode shells around an anode shell, and a flat void (delamination) in the outer cathode.</summary>
    private static CompositePhantom MiniCell()
    {
        const double h = 0.5e-3;   // half-height: taller than the field of view
        Cylinder Shell(double r, double value) => Cylinder.Upright(Vec3.Zero, r, h, value);
        var cylinders = new[]
        {
            Shell(400e-6, CanMu), Shell(370e-6, -CanMu),                 // steel can, 30 µm wall
            Shell(340e-6, CathodeMu), Shell(280e-6, -CathodeMu),         // outer cathode, 60 µm (the seed's thickness)
            Shell(280e-6, AnodeMu), Shell(200e-6, -AnodeMu),             // anode
            Shell(200e-6, CathodeMu), Shell(140e-6, -CathodeMu),         // inner cathode
        };
        var voids = new[] { new Ellipsoid(new Vec3(0, 310e-6, 0), new Vec3(80e-6, 12e-6, 60e-6), Angle.Zero, -CathodeMu) };
        return new CompositePhantom(voids, cylinders);
    }

    private static (double Mean, long Voxels) RegionMean(Volume<float> recon, Volume<float> truth, double value, int z0, int z1)
    {
        var a = new float[recon.Nx * recon.Ny];
        var b = new float[truth.Nx * truth.Ny];
        double sum = 0; long n = 0;
        for (int z = z0; z < z1; z++)
        {
            recon.ReadSlice(z, a);
            truth.ReadSlice(z, b);
            for (int i = 0; i < a.Length; i++)
                if (Math.Abs(b[i] - value) < 1e-3 * value) { sum += a[i]; n++; }
        }
        return (n > 0 ? sum / n : double.NaN, n);
    }
}
