using BatteryZoom.Core.Data;
using BatteryZoom.Core.Diagnostics;
using BatteryZoom.Core.Steps;
using BatteryZoom.Core.Units;
using BatteryZoom.IO.Hdf5;
using BatteryZoom.IO.Raw;
using BatteryZoom.IO.Tests.Hdf5;

namespace BatteryZoom.IO.Tests;

public class FormatTests
{
    [Theory]
    [InlineData("v.h5", true)]
    [InlineData("v.tif", true)]
    [InlineData("slices/", true)]
    [InlineData("v.edf", false)]
    [InlineData("v.raw", false)]
    public void VolumeFile_RoundTripsThroughEveryFormat(string name, bool keepsVoxelSize)
    {
        using var dir = new TempDir();
        string path = dir.File(name);
        using var volume = Hdf5VolumeTests.PatternVolume(3, 4, 5, Length.FromMicrometers(2));
        VolumeFile.Write(path, volume);
        var options = new VolumeReadOptions
        {
            DefaultVoxelSize = Length.FromMicrometers(9),
            Open = new StackOpenOptions { RawLayout = new RawLayout(3, 4, 5, ElementType.Float32) },
        };
        using var back = VolumeFile.Read(path, options);
        Assert.Equal(volume.Grid.Size, back.Grid.Size);
        Assert.Equal(keepsVoxelSize || name.EndsWith(".edf") ? 2e-6 : 9e-6, back.Grid.Dx.Meters, 12);
        for (int z = 0; z < 3; z++) Assert.Equal(volume.GetSlice(z).ToArray(), back.GetSlice(z).ToArray());
    }

    [Fact]
    public void UnknownExtension_IsUsageError()
    {
        var ex = Assert.Throws<UsageException>(() => FileFormats.Detect("volume.xyz"));
        Assert.Contains("unknown format '.xyz'", ex.Message);
    }

    [Fact]
    public void RawWithoutLayout_AsksForShape()
    {
        using var dir = new TempDir();
        File.WriteAllBytes(dir.File("a.raw"), new byte[16]);
        var ex = Assert.Throws<UsageException>(() => VolumeFile.Read(dir.File("a.raw")));
        Assert.Contains("give its shape and element type", ex.Message);
    }

    [Fact]
    public void ReadIntoSmallBudget_GoesToScratchFile()
    {
        using var dir = new TempDir();
        string path = dir.File("v.h5");
        using var volume = Hdf5VolumeTests.PatternVolume(4, 8, 8);
        VolumeFile.Write(path, volume);
        using var back = VolumeFile.Read(path, context: new RunContext { Storage = StorageOptions.OnDisk(dir.Path) });
        Assert.False(back.Slices.IsInMemory);
        var slice = new float[64];
        back.ReadSlice(3, slice);
        Assert.Equal(volume.GetSlice(3).ToArray(), slice);
    }

    [Fact]
    public void Inspect_GivesShapeTypeVoxelAndRange()
    {
        using var dir = new TempDir();
        string path = dir.File("v.h5");
        using var volume = Hdf5VolumeTests.PatternVolume(3, 4, 5);
        volume.GetSlice(1)[0] = float.NaN;
        VolumeFile.Write(path, volume);
        var s = FileInspector.Inspect(path);
        Assert.Equal("HDF5 volume", s.Layout);
        Assert.Equal((3, 4, 5, ElementType.Float32), (s.Frames, s.Rows, s.Columns, s.ElementType));
        Assert.Equal(0.65e-6, s.Metadata.Dx!.Value.Meters, 15);
        Assert.Equal(0, s.Min);
        Assert.Equal(2032, s.Max);
        Assert.Equal(1, s.NonFinite);
        Assert.Contains("3×4×5 (frames×rows×columns), float32", s.ToString());
    }

    [Fact]
    public void Inspect_Scan_ShowsAnglesFlatsEnergy()
    {
        using var dir = new TempDir();
        string path = dir.File("scan.h5");
        using (var scan = ScanTests.PatternScan()) DataExchange.Write(path, scan);
        var s = FileInspector.Inspect(path);
        Assert.Equal("APS Data Exchange", s.Layout);
        Assert.Equal((2, 1), (s.Flats, s.Darks));
        Assert.Equal(6, s.Angles!.Value.Count);
        Assert.Equal(150, s.Angles.Value.Last.Degrees, 9);
        Assert.Equal(1.3e-6, s.PixelSize!.Value.Meters, 15);
        Assert.Equal(33.6, s.Energy!.Value.KiloElectronVolts, 9);

        string nx = dir.File("scan.nxs");
        ScanTests.WriteNxTomo(nx, [2, 1, 0, 0, 0], [0, 0, 10, 20, 30]);
        var n = FileInspector.Inspect(nx);
        Assert.Equal("NXtomo", n.Layout);
        Assert.Equal(3, n.Frames);
        Assert.Equal(30, n.Angles!.Value.Last.Degrees, 9);
    }

    [Fact]
    public void Convert_ChainKeepsValuesAndMetadata()
    {
        using var dir = new TempDir();
        using var volume = Hdf5VolumeTests.PatternVolume(3, 4, 5);
        string h5 = dir.File("a.h5"), tif = dir.File("b.tif"), raw = dir.File("c.raw"), edf = dir.File("d.edf"), back = dir.File("e.h5");
        VolumeFile.Write(h5, volume);
        var reports = new List<StepProgress>();
        FileConverter.Convert(h5, tif, context: new RunContext { Progress = new SyncProgress(reports.Add) });
        Assert.Equal(3, reports.Count);
        Assert.Equal(3, reports[^1].Done);
        FileConverter.Convert(tif, raw, new ConvertOptions { ByteOrder = ByteOrder.BigEndian });
        FileConverter.Convert(raw, edf, new ConvertOptions { Input = new StackOpenOptions { RawLayout = new RawLayout(3, 4, 5, ElementType.Float32, ByteOrder.BigEndian) } });
        FileConverter.Convert(edf, back, new ConvertOptions { DefaultVoxelSize = Length.FromMicrometers(0.65) });
        using var result = VolumeFile.Read(back);
        for (int z = 0; z < 3; z++) Assert.Equal(volume.GetSlice(z).ToArray(), result.GetSlice(z).ToArray());
        using var viaTiff = VolumeFile.Read(tif);
        Assert.Equal(volume.Grid, viaTiff.Grid);
        Assert.Equal(volume.Quantity, viaTiff.Quantity);
    }

    [Fact]
    public void Convert_ToUInt16Tiff()
    {
        using var dir = new TempDir();
        using var volume = Hdf5VolumeTests.PatternVolume(2, 2, 2);
        VolumeFile.Write(dir.File("a.h5"), volume);
        FileConverter.Convert(dir.File("a.h5"), dir.File("a.tif"), new ConvertOptions { ElementType = ElementType.UInt16 });
        using var r = VolumeFile.OpenReader(dir.File("a.tif"));
        Assert.Equal(ElementType.UInt16, r.ElementType);
    }

    [Fact]
    public void ProjectionFile_FromTiffNeedsAngles()
    {
        using var dir = new TempDir();
        string path = dir.File("p.tif");
        using (var volume = Hdf5VolumeTests.PatternVolume(3, 2, 4)) VolumeFile.Write(path, volume);
        var ex = Assert.Throws<UsageException>(() => ProjectionFile.Read(path));
        Assert.Contains("stores no rotation angles", ex.Message);
        var angles = ParallelBeam(3);
        var wrong = Assert.Throws<DataFormatException>(() => ProjectionFile.Read(path, new ProjectionReadOptions { Angles = ParallelBeam(2) }));
        Assert.Contains("expected one rotation angle per projection (3); found 2 angles", wrong.Message);
        using var scan = ProjectionFile.Read(path, new ProjectionReadOptions { Angles = angles });
        Assert.Equal(0.65e-6, scan.Geometry.Detector.PixelWidth.Meters, 15);
        Assert.Equal(3, scan.Projections.Count);
    }

    private static IReadOnlyList<Angle> ParallelBeam(int n) => Core.Geometry.ParallelBeam.UniformAngles(n, Angle.Zero, Angle.FromDegrees(180));
}
