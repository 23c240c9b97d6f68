using BatteryZoom.Core.Diagnostics;
using BatteryZoom.IO.Raw;

namespace BatteryZoom.IO.Tests.Raw;

public class RawTests
{
    [Theory]
    [InlineData(ElementType.Float32, ByteOrder.LittleEndian)]
    [InlineData(ElementType.Float32, ByteOrder.BigEndian)]
    [InlineData(ElementType.UInt16, ByteOrder.BigEndian)]
    [InlineData(ElementType.Float64, ByteOrder.LittleEndian)]
    public void WriteThenRead_GivesSameValues(ElementType type, ByteOrder order)
    {
        using var dir = new TempDir();
        string path = dir.File("a.raw");
        using (var w = new RawWriter(path, 3, 4, 5, type, order))
        {
            for (int f = 0; f < 3; f++) w.WriteFrame<float>(Pattern.Frame(f, 4, 5));
            w.Complete();
        }
        Assert.Equal(3 * 4 * 5 * type.SizeOf(), new FileInfo(path).Length);
        using var r = new RawReader(path, new RawLayout(3, 4, 5, type, order));
        var frame = new float[20];
        for (int f = 0; f < 3; f++)
        {
            r.ReadFrame<float>(f, frame);
            var expected = Pattern.Frame(f, 4, 5);
            if (type == ElementType.UInt16) expected = [.. expected.Select(v => MathF.Round(v, MidpointRounding.ToEven))];
            Assert.Equal(expected, frame);
        }
    }

    [Fact]
    public void BigEndianBytes_AreMostSignificantFirst()
    {
        using var dir = new TempDir();
        string path = dir.File("be.raw");
        using (var w = new RawWriter(path, 1, 1, 2, ElementType.UInt16, ByteOrder.BigEndian))
        {
            w.WriteFrame<ushort>([0x0102, 0x0304]);
            w.Complete();
        }
        Assert.Equal(new byte[] { 1, 2, 3, 4 }, File.ReadAllBytes(path));
    }

    [Fact]
    public void ReadRows_ReadsOnlyTheBand()
    {
        using var dir = new TempDir();
        string path = dir.File("a.raw");
        using (var w = new RawWriter(path, 2, 6, 3, ElementType.Float32))
        {
            for (int f = 0; f < 2; f++) w.WriteFrame<float>(Pattern.Frame(f, 6, 3));
            w.Complete();
        }
        using var r = new RawReader(path, new RawLayout(2, 6, 3, ElementType.Float32));
        var band = new float[2 * 3];
        r.ReadRows<float>(1, 2, 2, band);
        Assert.Equal(Pattern.Frame(1, 6, 3).AsSpan(2 * 3, 2 * 3).ToArray(), band);
    }

    [Fact]
    public void Truncated_ThrowsNamingFileAndSizes()
    {
        using var dir = new TempDir();
        string path = dir.File("short.raw");
        File.WriteAllBytes(path, new byte[100]);
        var ex = Assert.Throws<DataFormatException>(() => new RawReader(path, new RawLayout(2, 4, 5, ElementType.Float32)));
        Assert.Contains(path, ex.Message);
        Assert.Contains("160 bytes", ex.Message);
        Assert.Contains("found 100 bytes (truncated", ex.Message);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Fact]
    public void ParseShape()
    {
        var l = RawLayout.Parse("100x512x256", ElementType.UInt16, ByteOrder.BigEndian);
        Assert.Equal((100, 512, 256), (l.Count, l.Rows, l.Columns));
        var ex = Assert.Throws<UsageException>(() => RawLayout.Parse("100x512", ElementType.UInt16));
        Assert.Contains("frames×rows×columns", ex.Message);
    }

    [Fact]
    public void WrongElementTypeName_Throws()
    {
        var ex = Assert.Throws<FormatException>(() => ElementTypes.Parse("complex64"));
        Assert.Contains("complex64", ex.Message);
        Assert.Equal(ElementType.UInt16, ElementTypes.Parse("u2"));
    }
}
