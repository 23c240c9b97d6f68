using BatteryZoom.Core.Data;
using BatteryZoom.Core.Diagnostics;
using BatteryZoom.Core.Geometry;
using BatteryZoom.Core.Steps;
using BatteryZoom.Core.Units;
using BatteryZoom.IO.Hdf5;
using PureHDF;

namespace BatteryZoom.IO.Tests.Hdf5;

public class ScanTests
{
    internal static ProjectionSet PatternScan(int projections = 6, int rows = 4, int columns = 5, int flats = 2, int darks = 1)
    {
        ImageStack<float> Stack(int n, int offset)
        {
            var s = ImageStack<float>.Create(n, rows, columns, StorageOptions.InMemory);
            for (int i = 0; i < n; i++) s.WriteFrame(i, Pattern.Frame(i + offset, rows, columns));
            return s;
        }
        var detector = new Detector(columns, rows, Length.FromMicrometers(1.3));
        var angles = ParallelBeam.UniformAngles(projections, Angle.Zero, Angle.FromDegrees(180));
        return new ProjectionSet(Stack(projections, 0), new ParallelBeam(detector, angles, Length.FromMicrometers(2)), IntensityDomain.Raw,
            Stack(flats, 100), Stack(darks, 200), Energy.FromKiloElectronVolts(33.6));
    }

    [Fact]
    public void DataExchange_RoundTrip()
    {
        using var dir = new TempDir();
        string path = dir.File("scan.h5");
        using var scan = PatternScan();
        ProjectionFile.Write(path, scan);
        using var back = ProjectionFile.Read(path);
        var g = Assert.IsType<ParallelBeam>(back.Geometry);
        var g0 = (ParallelBeam)scan.Geometry;
        Assert.Equal(6, g.Angles.Count);
        for (int i = 0; i < 6; i++) Assert.Equal(g0.Angles[i].Radians, g.Angles[i].Radians, 12);
        Assert.Equal(1.3e-6, g.Detector.PixelWidth.Meters, 15);
        Assert.Equal(2e-6, g.AxisOffset.Meters, 15);
        Assert.Equal(33.6, back.Energy!.Value.KiloElectronVolts, 9);
        Assert.Equal(2, back.Flats!.Count);
        Assert.Equal(1, back.Darks!.Count);
        Assert.Equal(Pattern.Frame(5, 4, 5), back.Projections.GetFrame(5).ToArray());
        Assert.Equal(Pattern.Frame(101, 4, 5), back.Flats.GetFrame(1).ToArray());
        Assert.Equal(Pattern.Frame(200, 4, 5), back.Darks.GetFrame(0).ToArray());
    }

    [Fact]
    public void DataExchange_ConeBeamRoundTrip_KeepsDistancesAndDetectorOffsets()
    {
        using var dir = new TempDir();
        string path = dir.File("cone.h5");
        using var parallel = PatternScan(rows: 8);
        var det = new Detector(5, 8, Length.FromMicrometers(49.5), Length.FromMicrometers(49.5), Length.FromMicrometers(120), Length.FromMicrometers(-30));
        var cone = new CircularConeBeam(det, ((ParallelBeam)parallel.Geometry).Angles, Length.FromMillimeters(50), Length.FromMillimeters(250));
        using (var scan = new ProjectionSet(parallel.Projections, cone, IntensityDomain.Raw, parallel.Flats, parallel.Darks))
            DataExchange.Write(path, scan);
        using var back = DataExchange.Read(path);
        var g = Assert.IsType<CircularConeBeam>(back.Geometry);
        Assert.Equal(50e-3, g.SourceToAxis.Meters, 12);
        Assert.Equal(250e-3, g.SourceToDetector.Meters, 12);
        Assert.Equal(120e-6, g.Detector.OffsetU.Meters, 12);
        Assert.Equal(49.5e-6, g.Detector.PixelWidth.Meters, 12);
        Assert.Equal(cone.Angles[3].Radians, g.Angles[3].Radians, 12);
        Assert.Equal(-30e-6, g.Detector.OffsetV.Meters, 12);
        // A row slab shifts the vertical offset by its centre, as for parallel beams: rows 2 and 3 of 8 are centred one row
        // below the middle (3.5).
        using var slab = DataExchange.Read(path, new ProjectionReadOptions { Rows = 2..4 });
        var gs = Assert.IsType<CircularConeBeam>(slab.Geometry);
        Assert.Equal(-30e-6 - 49.5e-6, gs.Detector.OffsetV.Meters, 12);
    }

    [Fact]
    public void DataExchange_ConeMarkerWithoutDistance_NamesTheDataset()
    {
        using var dir = new TempDir();
        string path = dir.File("cone.h5");
        new H5File
        {
            ["exchange"] = new H5Group
            {
                Attributes = new() { [DataExchange.BeamAttribute] = DataExchange.ConeBeamValue },
                ["data"] = new H5Dataset(new float[4], fileDims: [1, 2, 2]),
                ["theta"] = new double[] { 0 },
            },
            ["measurement"] = new H5Group
            {
                ["instrument"] = new H5Group { ["source"] = new H5Group { ["distance"] = new H5Dataset(50.0) { Attributes = new() { ["units"] = "mm" } } } },
            },
        }.Write(path);
        var ex = Assert.Throws<DataFormatException>(() => DataExchange.Read(path, new ProjectionReadOptions { DefaultPixelSize = new Length(1e-6) }));
        Assert.Contains($"{path}:{DataExchange.DetectorDistancePath}", ex.Message);
        Assert.Contains("missing or not positive", ex.Message);
    }

    [Fact]
    public void DataExchange_DistancesWithoutConeMarker_StayParallel()
    {
        // Foreign files may carry a detector distance for phase retrieval; only our marker makes a scan conical.
        using var dir = new TempDir();
        string path = dir.File("parallel.h5");
        new H5File
        {
            ["exchange"] = new H5Group { ["data"] = new H5Dataset(new float[4], fileDims: [1, 2, 2]), ["theta"] = new double[] { 0 } },
            ["measurement"] = new H5Group
            {
                ["instrument"] = new H5Group
                {
                    ["source"] = new H5Group { ["distance"] = new H5Dataset(145.0) { Attributes = new() { ["units"] = "m" } } },
                    ["detector"] = new H5Group { ["distance"] = new H5Dataset(20.0) { Attributes = new() { ["units"] = "mm" } } },
                },
            },
        }.Write(path);
        using var scan = DataExchange.Read(path, new ProjectionReadOptions { DefaultPixelSize = new Length(1e-6) });
        Assert.IsType<ParallelBeam>(scan.Geometry);
    }

    [Fact]
    public void DataExchange_SinogramSlabAndProjectionSubset()
    {
        using var dir = new TempDir();
        string path = dir.File("scan.h5");
        using var scan = PatternScan(rows: 8);
        DataExchange.Write(path, scan);
        using var slab = DataExchange.Read(path, new ProjectionReadOptions { Rows = 2..4, Projections = 1..5 });
        Assert.Equal((4, 2, 5), (slab.Projections.Count, slab.Projections.Rows, slab.Projections.Columns));
        Assert.Equal((2, 2), (slab.Flats!.Count, slab.Flats.Rows));
        Assert.Equal(Pattern.Frame(3, 8, 5).AsSpan(10, 10).ToArray(), slab.Projections.GetFrame(2).ToArray());
        var g = (ParallelBeam)slab.Geometry;
        Assert.Equal(((ParallelBeam)scan.Geometry).Angles[1], g.Angles[0]);
        // Rows 2..3 of 8: centre at row 2.5 against 3.5 for the full detector → one pixel below.
        Assert.Equal(-1.3e-6, g.Detector.OffsetV.Meters, 15);
    }

    [Fact]
    public void DataExchange_ThetaOfWrongLength_Throws()
    {
        using var dir = new TempDir();
        string path = dir.File("bad.h5");
        new H5File
        {
            ["exchange"] = new H5Group
            {
                ["data"] = new H5Dataset(new float[3 * 2 * 2], fileDims: [3, 2, 2]),
                ["theta"] = new double[] { 0, 90 },
            },
        }.Write(path);
        var ex = Assert.Throws<DataFormatException>(() => DataExchange.Read(path, new ProjectionReadOptions { DefaultPixelSize = new Length(1e-6) }));
        Assert.Equal($"{path}:/exchange/theta: expected one rotation angle per projection (3); found 2 angles.", ex.Message);
    }

    [Fact]
    public void DataExchange_FlatsOfOtherShape_Throws()
    {
        using var dir = new TempDir();
        string path = dir.File("bad.h5");
        new H5File
        {
            ["exchange"] = new H5Group
            {
                ["data"] = new H5Dataset(new float[3 * 2 * 2], fileDims: [3, 2, 2]),
                ["data_white"] = new H5Dataset(new float[2 * 2 * 3], fileDims: [2, 2, 3]),
                ["theta"] = new double[] { 0, 60, 120 },
            },
        }.Write(path);
        var ex = Assert.Throws<DataFormatException>(() => DataExchange.Read(path, new ProjectionReadOptions { DefaultPixelSize = new Length(1e-6) }));
        Assert.Equal($"{path}:/exchange/data_white: expected flats of 2×2 (rows×columns) like the projections; found 2×3.", ex.Message);
    }

    [Fact]
    public void DataExchange_DarksOfOtherShape_Throws()
    {
        using var dir = new TempDir();
        string path = dir.File("bad.h5");
        new H5File
        {
            ["exchange"] = new H5Group
            {
                ["data"] = new H5Dataset(new float[3 * 2 * 2], fileDims: [3, 2, 2]),
                ["data_dark"] = new H5Dataset(new float[4], fileDims: [1, 4, 1]),
                ["theta"] = new double[] { 0, 60, 120 },
            },
        }.Write(path);
        var ex = Assert.Throws<DataFormatException>(() => DataExchange.Read(path, new ProjectionReadOptions { DefaultPixelSize = new Length(1e-6) }));
        Assert.Contains("/exchange/data_dark: expected darks of 2×2", ex.Message);
    }

    [Fact]
    public void DataExchange_Int64Theta_AsNumpyWritesIt_IsRead()
    {
        using var dir = new TempDir();
        string path = dir.File("int64.h5");
        new H5File { ["exchange"] = new H5Group { ["data"] = new H5Dataset(new float[8], fileDims: [2, 2, 2]), ["theta"] = new long[] { -90, 90 } } }.Write(path);
        using var scan = DataExchange.Read(path, new ProjectionReadOptions { DefaultPixelSize = new Length(1e-6) });
        var g = (ParallelBeam)scan.Geometry;
        Assert.Equal(-90, g.Angles[0].Degrees, 12);
        Assert.Equal(90, g.Angles[1].Degrees, 12);
    }

    [Fact]
    public void DataExchange_MissingPixelSize_AsksForOne()
    {
        using var dir = new TempDir();
        string path = dir.File("nopix.h5");
        new H5File { ["exchange"] = new H5Group { ["data"] = new H5Dataset(new float[4], fileDims: [1, 2, 2]), ["theta"] = new double[] { 0 } } }.Write(path);
        var ex = Assert.Throws<UsageException>(() => DataExchange.Read(path));
        Assert.Contains("stores no pixel size", ex.Message);
        using var ok = DataExchange.Read(path, new ProjectionReadOptions { DefaultPixelSize = Length.FromMicrometers(3) });
        Assert.Equal(3e-6, ok.Geometry.Detector.PixelWidth.Meters, 15);
        Assert.Null(ok.Energy);
    }

    [Fact]
    public void DataExchange_MissingTheta_Throws()
    {
        using var dir = new TempDir();
        string path = dir.File("notheta.h5");
        new H5File { ["exchange"] = new H5Group { ["data"] = new H5Dataset(new float[4], fileDims: [1, 2, 2]) } }.Write(path);
        var ex = Assert.Throws<DataFormatException>(() => DataExchange.Read(path, new ProjectionReadOptions { DefaultPixelSize = new Length(1e-6) }));
        Assert.Equal($"{path}:/exchange/theta: expected a dataset (rotation angles in degrees); found no such dataset.", ex.Message);
    }

    [Fact]
    public void DataExchange_NonFiniteProjection_NamesFrame()
    {
        using var dir = new TempDir();
        string path = dir.File("inf.h5");
        using var scan = PatternScan();
        scan.Projections.GetFrame(4)[7] = float.PositiveInfinity;
        DataExchange.Write(path, scan);
        var ex = Assert.Throws<DataFormatException>(() => DataExchange.Read(path));
        Assert.Equal($"{path}:/exchange/data: expected finite values; found +inf at frame 4, row 1, column 2.", ex.Message);
    }

    [Fact]
    public void DataExchange_VectorGeometry_IsRefused()
    {
        using var dir = new TempDir();
        var detector = new Detector(2, 2, Length.FromMicrometers(10));
        var cone = new CircularConeBeam(detector, [Angle.Zero], Length.FromMillimeters(10), Length.FromMillimeters(100));
        using var scan = new ProjectionSet(ImageStack<float>.Create(1, 2, 2), VectorGeometry.From(cone), IntensityDomain.Raw);
        var ex = Assert.Throws<IncompatibleInputException>(() => DataExchange.Write(dir.File("c.h5"), scan));
        Assert.Contains("parallel-beam and circular cone-beam", ex.Message);
        Assert.Empty(Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void DataExchange_Cancelled_LeavesNoFile()
    {
        using var dir = new TempDir();
        using var scan = PatternScan();
        using var cts = new CancellationTokenSource();
        var progress = new SyncProgress(p => { if (p.Done == 3) cts.Cancel(); });
        Assert.ThrowsAny<OperationCanceledException>(() =>
            DataExchange.Write(dir.File("x.h5"), scan, context: new RunContext { Cancellation = cts.Token, Progress = progress }));
        Assert.Empty(Directory.GetFileSystemEntries(dir.Path));
    }

    internal static void WriteNxTomo(string path, int[] keys, double[] angles, int rows = 3, int columns = 4)
    {
        int n = keys.Length;
        var data = new float[n * rows * columns];
        for (int i = 0; i < n; i++) Pattern.Frame(i, rows, columns).CopyTo(data, i * rows * columns);
        new H5File
        {
            ["entry0000"] = new H5Group
            {
                Attributes = new() { ["NX_class"] = "NXentry" },
                ["definition"] = "NXtomo",
                ["instrument"] = new H5Group
                {
                    ["detector"] = new H5Group
                    {
                        ["data"] = new H5Dataset(data, fileDims: [(ulong)n, (ulong)rows, (ulong)columns]),
                        ["image_key"] = keys,
                        ["x_pixel_size"] = new H5Dataset(6.5e-7) { Attributes = new() { ["units"] = "m" } },
                        ["y_pixel_size"] = new H5Dataset(6.5e-7) { Attributes = new() { ["units"] = "m" } },
                    },
                },
                ["sample"] = new H5Group { ["rotation_angle"] = new H5Dataset(angles) { Attributes = new() { ["units"] = "degree" } } },
                ["beam"] = new H5Group { ["incident_energy"] = new H5Dataset(19.0) { Attributes = new() { ["units"] = "keV" } } },
            },
        }.Write(path);
    }

    [Fact]
    public void NxTomo_SplitsByImageKey()
    {
        using var dir = new TempDir();
        string path = dir.File("scan.nx");
        // dark, flat, 4 projections, alignment (3), flat
        WriteNxTomo(path, [2, 1, 0, 0, 0, 0, 3, 1], [0, 0, 0, 45, 90, 135, 0, 180]);
        using var scan = ProjectionFile.Read(path);
        Assert.Equal(4, scan.Projections.Count);
        Assert.Equal(2, scan.Flats!.Count);
        Assert.Equal(1, scan.Darks!.Count);
        Assert.Equal(Pattern.Frame(3, 3, 4), scan.Projections.GetFrame(1).ToArray());
        Assert.Equal(Pattern.Frame(7, 3, 4), scan.Flats.GetFrame(1).ToArray());
        Assert.Equal(Pattern.Frame(0, 3, 4), scan.Darks.GetFrame(0).ToArray());
        var g = (ParallelBeam)scan.Geometry;
        Assert.Equal([0, 45, 90, 135], g.Angles.Select(a => Math.Round(a.Degrees, 9)));
        Assert.Equal(6.5e-7, g.Detector.PixelWidth.Meters, 15);
        Assert.Equal(19.0, scan.Energy!.Value.KiloElectronVolts, 9);
    }

    [Fact]
    public void NxTomo_AnglesOfWrongLength_Throws()
    {
        using var dir = new TempDir();
        string path = dir.File("bad.nxs");
        WriteNxTomo(path, [0, 0, 0], [0, 90]);
        var ex = Assert.Throws<DataFormatException>(() => NxTomo.Read(path));
        Assert.Equal($"{path}:/entry0000/sample/rotation_angle: expected one rotation angle per frame (3); found 2 angles.", ex.Message);
    }

    [Fact]
    public void Hdf5WithoutScan_Throws()
    {
        using var dir = new TempDir();
        string path = dir.File("none.h5");
        new H5File { ["x"] = new[] { 1.0 } }.Write(path);
        var ex = Assert.Throws<DataFormatException>(() => ProjectionFile.Read(path));
        Assert.Contains("expected a scan: /exchange/data (Data Exchange) or an NXtomo entry; found neither", ex.Message);
    }
}

/// <summary>IProgress that reports synchronously on the calling thread.</summary>
public sealed class SyncProgress(Action<StepProgress> report) : IProgress<StepProgress>
{
    public void Report(StepProgress value) => report(value);
}
