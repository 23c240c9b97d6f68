using System.Text;
using BatteryZoom.Core.Diagnostics;
using BatteryZoom.Core.Units;
using BatteryZoom.IO.Edf;

namespace BatteryZoom.IO.Tests.Edf;

public class EdfTests
{
    internal static byte[] Header(string body)
    {
        var text = "{\n" + body;
        int padded = (text.Length + 2 + 511) / 512 * 512;
        return Encoding.ASCII.GetBytes(text + new string(' ', padded - 2 - text.Length) + "}\n");
    }

    [Fact]
    public void WriterThenReader_MultiFrame()
    {
        using var dir = new TempDir();
        string path = dir.File("a.edf");
        using (var w = new EdfWriter(path, 3, 4, 5, ElementType.Float32, Length.FromMicrometers(1.5)))
        {
            for (int f = 0; f < 3; f++) w.WriteFrame<float>(Pattern.Frame(f, 4, 5));
            w.Complete();
        }
        using var r = new EdfReader(path);
        Assert.Equal((3, 4, 5, ElementType.Float32), (r.Count, r.Rows, r.Columns, r.ElementType));
        var frame = new float[20];
        r.ReadFrame<float>(2, frame);
        Assert.Equal(Pattern.Frame(2, 4, 5), frame);
        Assert.Equal(1.5e-6, r.Metadata.Dx!.Value.Meters, 15);
    }

    [Fact]
    public void BigEndianUnsignedShort_IsSwapped()
    {
        using var dir = new TempDir();
        string path = dir.File("be.edf");
        var header = Header("HeaderID = EH:000001:000000:000000 ;\nByteOrder = HighByteFirst ;\nDataType = UnsignedShort ;\nDim_1 = 3 ;\nDim_2 = 1 ;\nSize = 6 ;\n");
        Assert.Equal(0, header.Length % 512);
        File.WriteAllBytes(path, [.. header, 0x01, 0x00, 0x00, 0x02, 0xFF, 0xFF]);
        using var r = new EdfReader(path);
        var frame = new float[3];
        r.ReadFrame<float>(0, frame);
        Assert.Equal(new float[] { 256, 2, 65535 }, frame);
    }

    [Fact]
    public void Truncated_ThrowsNamingFile()
    {
        using var dir = new TempDir();
        string path = dir.File("t.edf");
        File.WriteAllBytes(path, [.. Header("DataType = FloatValue ;\nDim_1 = 4 ;\nDim_2 = 4 ;\nSize = 64 ;\n"), .. new byte[10]]);
        var ex = Assert.Throws<DataFormatException>(() => new EdfReader(path));
        Assert.Equal(path, ex.Path);
        Assert.Contains("64 data bytes", ex.Message);
        Assert.Contains("10 bytes (truncated)", ex.Message);
    }

    [Fact]
    public void NotEdf_ThrowsNamingFile()
    {
        using var dir = new TempDir();
        string path = dir.File("x.edf");
        File.WriteAllText(path, "hello world, no header");
        var ex = Assert.Throws<DataFormatException>(() => new EdfReader(path));
        Assert.Contains("expected an EDF header starting with '{'", ex.Message);
        Assert.Contains(path, ex.Message);
    }

    [Fact]
    public void UnknownDataType_Throws()
    {
        using var dir = new TempDir();
        string path = dir.File("c.edf");
        File.WriteAllBytes(path, [.. Header("DataType = Complex ;\nDim_1 = 1 ;\nDim_2 = 1 ;\nSize = 8 ;\n"), .. new byte[8]]);
        var ex = Assert.Throws<DataFormatException>(() => new EdfReader(path));
        Assert.Contains("found DataType = Complex", ex.Message);
    }

    [Fact]
    public void MissingDim_Throws()
    {
        using var dir = new TempDir();
        string path = dir.File("d.edf");
        File.WriteAllBytes(path, [.. Header("DataType = FloatValue ;\nSize = 8 ;\n"), .. new byte[8]]);
        var ex = Assert.Throws<DataFormatException>(() => new EdfReader(path));
        Assert.Contains("header key Dim_1", ex.Message);
    }
}
