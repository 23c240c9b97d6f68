using BatteryZoom.Core.Diagnostics;
using BatteryZoom.Core.Units;
using BatteryZoom.IO.Tiff;
using BitMiracle.LibTiff.Classic;

namespace BatteryZoom.IO.Tests.Tiff;

public class TiffTests
{
    private static void WriteStack(string path, ElementType type, int count = 3, int rows = 4, int columns = 5, TiffWriteOptions? options = null)
    {
        using var w = new TiffStackWriter(path, count, rows, columns, (options ?? new()) with { ElementType = type });
        for (int f = 0; f < count; f++) w.WriteFrame<float>(Pattern.Frame(f, rows, columns));
        w.Complete();
    }

    [Theory]
    [InlineData(ElementType.Float32)]
    [InlineData(ElementType.UInt16)]
    [InlineData(ElementType.UInt8)]
    [InlineData(ElementType.UInt32)]
    public void Multipage_RoundTrip_ConvertsToFloat(ElementType type)
    {
        using var dir = new TempDir();
        string path = dir.File("a.tif");
        int rows = 4, columns = 5, count = type == ElementType.UInt8 ? 1 : 3;
        WriteStack(path, type, count, rows, columns);
        using var r = new TiffStackReader(path);
        Assert.Equal((count, rows, columns, type), (r.Count, r.Rows, r.Columns, r.ElementType));
        var frame = new float[rows * columns];
        for (int f = 0; f < count; f++)
        {
            r.ReadFrame<float>(f, frame);
            var expected = Pattern.Frame(f, rows, columns);
            if (type != ElementType.Float32) expected = [.. expected.Select(v => MathF.Round(v, MidpointRounding.ToEven))];
            Assert.Equal(expected, frame);
        }
    }

    [Fact]
    public void Metadata_RoundTripsThroughDescriptionJson()
    {
        using var dir = new TempDir();
        string path = dir.File("m.tif");
        var md = new StackMetadata
        {
            Dx = Length.FromMicrometers(0.65), Dy = Length.FromMicrometers(0.7), Dz = Length.FromMicrometers(2),
            Origin = new(1e-3, 2e-3, 3e-3), Quantity = Core.Data.Quantity.Phase,
        };
        WriteStack(path, ElementType.Float32, options: new TiffWriteOptions { Metadata = md });
        using var r = new TiffStackReader(path);
        Assert.Equal(0.65e-6, r.Metadata.Dx!.Value.Meters, 15);
        Assert.Equal(0.7e-6, r.Metadata.Dy!.Value.Meters, 15);
        Assert.Equal(2e-6, r.Metadata.Dz!.Value.Meters, 15);
        Assert.Equal(new Core.Geometry.Vec3(1e-3, 2e-3, 3e-3), r.Metadata.Origin);
        Assert.Equal(Core.Data.Quantity.Phase, r.Metadata.Quantity);
    }

    [Fact]
    public void ResolutionTags_GivePixelSizeWithoutJson()
    {
        using var dir = new TempDir();
        string path = dir.File("res.tif");
        using (var tif = BitMiracle.LibTiff.Classic.Tiff.Open(path, "w"))
        {
            tif.SetField(TiffTag.IMAGEWIDTH, 2); tif.SetField(TiffTag.IMAGELENGTH, 1);
            tif.SetField(TiffTag.BITSPERSAMPLE, 16); tif.SetField(TiffTag.SAMPLESPERPIXEL, 1);
            tif.SetField(TiffTag.PHOTOMETRIC, Photometric.MINISBLACK); tif.SetField(TiffTag.ROWSPERSTRIP, 1);
            tif.SetField(TiffTag.RESOLUTIONUNIT, ResUnit.CENTIMETER);
            tif.SetField(TiffTag.XRESOLUTION, 10000.0); tif.SetField(TiffTag.YRESOLUTION, 5000.0);
            tif.WriteScanline(new byte[4], 0);
        }
        using var r = new TiffStackReader(path);
        Assert.Equal(1e-6, r.Metadata.Dx!.Value.Meters, 12);
        Assert.Equal(2e-6, r.Metadata.Dy!.Value.Meters, 12);
        Assert.Null(r.Metadata.Dz);
    }

    [Fact]
    public void Folder_RoundTrip_InNaturalOrder()
    {
        using var dir = new TempDir();
        string folder = dir.File("slices");
        using (var w = new TiffFolderWriter(folder, 12, 3, 2))
        {
            for (int f = 0; f < 12; f++) w.WriteFrame<float>(Pattern.Frame(f, 3, 2));
            w.Complete();
        }
        Assert.Equal(12, Directory.GetFiles(folder, "*.tif").Length);
        // Names without zero padding must still sort numerically.
        foreach (var file in Directory.GetFiles(folder)) File.Move(file, Path.Combine(folder, "img_" + int.Parse(Path.GetFileNameWithoutExtension(file)[6..]) + ".tif"));
        using var r = new TiffFolderReader(folder);
        Assert.Equal(12, r.Count);
        Assert.EndsWith("img_2.tif", r.Files[2]);
        var frame = new float[6];
        r.ReadFrame<float>(10, frame);
        Assert.Equal(Pattern.Frame(10, 3, 2), frame);
    }

    [Fact]
    public void BigTiff_WhenForced_IsReadable()
    {
        using var dir = new TempDir();
        string path = dir.File("big.tif");
        WriteStack(path, ElementType.Float32, options: new TiffWriteOptions { BigTiff = true });
        var head = File.ReadAllBytes(path)[..4];
        Assert.Equal(new byte[] { 0x49, 0x49, 43, 0 }, head); // "II", version 43 = BigTIFF
        using var r = new TiffStackReader(path);
        var frame = new float[20];
        r.ReadFrame<float>(2, frame);
        Assert.Equal(Pattern.Frame(2, 4, 5), frame);
    }

    [Fact]
    public void BigTiff_ChosenAutomaticallyBySize()
    {
        using var dir = new TempDir();
        using (var small = new TiffStackWriter(dir.File("s.tif"), 10, 64, 64)) Assert.False(small.IsBigTiff);
        // 1100 frames of 1024² float32 = 4.6 GB: BigTIFF. Nothing is written before the first frame.
        using (var large = new TiffStackWriter(dir.File("l.tif"), 1100, 1024, 1024)) Assert.True(large.IsBigTiff);
        Assert.Empty(Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void RowBand_OfEveryFrame()
    {
        using var dir = new TempDir();
        string path = dir.File("a.tif");
        WriteStack(path, ElementType.Float32, 3, 8, 5);
        using var r = new TiffStackReader(path);
        using var slab = r.ReadStack<float>(new StackReadOptions { Rows = 2..5, Frames = 1..3 });
        Assert.Equal((2, 3, 5), (slab.Count, slab.Rows, slab.Columns));
        Assert.Equal(Pattern.Frame(2, 8, 5).AsSpan(10, 15).ToArray(), slab.GetFrame(1).ToArray());
    }

    [Fact]
    public void Truncated_ThrowsNamingFile()
    {
        using var dir = new TempDir();
        string path = dir.File("t.tif");
        WriteStack(path, ElementType.Float32, 3, 64, 64);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        var ex = Assert.ThrowsAny<DataFormatException>(() =>
        {
            using var r = new TiffStackReader(path);
            var frame = new float[64 * 64];
            for (int i = 0; i < r.Count; i++) r.ReadFrame<float>(i, frame);
        });
        Assert.Contains(path, ex.Message);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Fact]
    public void NotATiff_ThrowsNamingFile()
    {
        using var dir = new TempDir();
        string path = dir.File("n.tif");
        File.WriteAllText(path, "this is not a tiff at all, just text");
        var ex = Assert.Throws<DataFormatException>(() => new TiffStackReader(path));
        Assert.StartsWith(path + ": expected a TIFF file; found ", ex.Message);
    }

    [Fact]
    public void RgbTiff_IsWrongElementType()
    {
        using var dir = new TempDir();
        string path = dir.File("rgb.tif");
        using (var tif = BitMiracle.LibTiff.Classic.Tiff.Open(path, "w"))
        {
            tif.SetField(TiffTag.IMAGEWIDTH, 2); tif.SetField(TiffTag.IMAGELENGTH, 1);
            tif.SetField(TiffTag.BITSPERSAMPLE, 8); tif.SetField(TiffTag.SAMPLESPERPIXEL, 3);
            tif.SetField(TiffTag.PHOTOMETRIC, Photometric.RGB); tif.SetField(TiffTag.PLANARCONFIG, PlanarConfig.CONTIG);
            tif.SetField(TiffTag.ROWSPERSTRIP, 1);
            tif.WriteScanline(new byte[6], 0);
        }
        var ex = Assert.Throws<DataFormatException>(() => new TiffStackReader(path));
        Assert.Contains("expected one sample per pixel (grayscale); found 3 samples per pixel on page 0", ex.Message);
    }

    [Fact]
    public void Int16Output_IsRefused()
    {
        using var dir = new TempDir();
        var ex = Assert.Throws<UsageException>(() => new TiffStackWriter(dir.File("x.tif"), 1, 1, 1, new TiffWriteOptions { ElementType = ElementType.Float64 }));
        Assert.Contains("float32, uint16, uint8 or uint32; got float64", ex.Message);
    }
}
