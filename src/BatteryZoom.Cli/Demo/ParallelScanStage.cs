using BatteryZoom.Core.Geometry;
using BatteryZoom.Core.Units;
using BatteryZoom.Simulation.Acquisition;
using BatteryZoom.Simulation.Phantoms;

namespace BatteryZoom.Cli.Demo;

/// <summary>Foundation stage: a 3D Shepp–Logan phantom, an exact parallel-beam scan with Poisson noise, flats and darks,
/// written as APS Data Exchange HDF5 (what TomoPy reads) with the phantom as ground truth.</summary>
internal sealed class ParallelScanStage : IDemoStage
{
    public const string ScanFile = "scan_parallel.h5";
    public const string TruthFile = "phantom_parallel.h5";
    public static readonly Length Pixel = Length.FromMicrometers(10);
    public const double MuScale = 1000;   // 1/m: the phantom's brightest ellipse attenuates 10/cm, like a light metal at 30 keV.

    public string Name => "scan";
    public string Description => "simulate a synchrotron parallel-beam scan of a 3D Shepp–Logan phantom";

    public void Run(DemoContext context)
    {
        const int columns = 128, rows = 24, angles = 181;   // 0..180° with both ends: the 0°/180° pair fixes the rotation centre
        var phantom = SheppLogan.Create3D(Pixel * (columns / 2.0 - 4), MuScale);
        var detector = new Detector(columns, rows, Pixel);
        var geometry = new ParallelBeam(detector, ParallelBeam.UniformAngles(angles, Angle.Zero, Angle.FromDegrees(180), includeEnd: true));
        using var lineIntegrals = AnalyticProjector.Project(phantom, geometry, context.Run);
        using var raw = new DetectorModel(FlatCounts: 20_000, DarkCounts: 100, FlatFrames: 10, DarkFrames: 5, Seed: 2026).Record(lineIntegrals, context.Run);
        DemoIO.WriteDataExchange(context.PathOf(ScanFile), raw, context);

        var grid = VoxelGrid.Centered(new GridSize(columns, columns, rows), Pixel);
        using var truth = phantom.Voxelize(grid, oversample: 2, context.Run.Storage);
        DemoIO.WriteVolume(context.PathOf(TruthFile), truth, context);

        context.Shared["parallel.phantom"] = phantom;
        context.Shared["parallel.geometry"] = geometry;
        context.Note(Name, "projections", $"{angles} × {rows} × {columns} (angles × rows × columns), 0..180° inclusive, pixel {Pixel}");
        context.Note(Name, "flats / darks", "10 / 5 frames, I0 = 20000 counts, Poisson noise, seed 2026");
        context.Note(Name, "files", $"{ScanFile} (Data Exchange), {TruthFile} (truth μ, 1/m)");
    }
}
