namespace BatteryZoom.Cli.Tests;

[Collection("Console")]
public class ErrorReportingTests
{
    [Fact]
    public void BareNumberForAUnitOption_IsAUsageError_OfOneLine()
    {
        string output = Path.Combine(CliRunner.TempFolder(), "d");
        var (code, _, stderr) = CliRunner.Run("demo", "--out", output, "--memory", "512");
        Assert.Equal(2, code);
        Assert.Contains("has no unit", stderr);
        Assert.Single(stderr.Trim().Split('\n'));
    }

    [Fact]
    public void Verbose_AddsTheStack()
    {
        string output = Path.Combine(CliRunner.TempFolder(), "d");
        var (_, _, stderr) = CliRunner.Run("demo", "--out", output, "--memory", "512", "--verbose");
        Assert.Contains("   at ", stderr);
    }

    [Fact]
    public void MissingInputFile_IsAUsageError_NamingTheFile()
    {
        var (code, _, stderr) = CliRunner.Run("info", Path.Combine(CliRunner.TempFolder(), "nothing.h5"));
        Assert.Equal(2, code);
        Assert.Contains("nothing.h5' does not exist", stderr);
    }
}

[Collection("Console")]
public class ConvertCommandTests
{
    [Fact]
    public void Convert_VolumeToTiffAndBack_KeepsValuesAndVoxelSize()
    {
        string dir = CliRunner.TempFolder();
        string demo = Path.Combine(dir, "demo");
        Assert.Equal(0, CliRunner.Run("demo", "--out", demo).Code);
        string truth = Path.Combine(demo, "phantom_parallel.h5");
        string tif = Path.Combine(dir, "truth.tif"), back = Path.Combine(dir, "back.h5");
        var r1 = CliRunner.Run("convert", truth, tif);
        Assert.True(r1.Code == 0, r1.Err);
        var r2 = CliRunner.Run("convert", tif, back);
        Assert.True(r2.Code == 0, r2.Err);
        using var a = IO.FileFormats.OpenReader(truth);
        using var b = IO.FileFormats.OpenReader(back);
        Assert.Equal(a.Metadata.Dx, b.Metadata.Dx);
        var fa = new float[a.Rows * a.Columns];
        var fb = new float[b.Rows * b.Columns];
        for (int z = 0; z < a.Count; z += 7)
        {
            IO.FrameIO.ReadFrame(a, z, fa.AsSpan());
            IO.FrameIO.ReadFrame(b, z, fb.AsSpan());
            Assert.Equal(fa, fb);
        }
    }

    [Fact]
    public void Convert_RefusesInputAsOutput_AndExistingOutput()
    {
        string dir = CliRunner.TempFolder();
        string f = Path.Combine(dir, "a.raw");
        File.WriteAllBytes(f, new byte[4 * 8]);
        var same = CliRunner.Run("convert", f, f, "--shape", "2x2x2");
        Assert.Equal(2, same.Code);
        Assert.Contains("is also an input", same.Err);
        string existing = Path.Combine(dir, "b.tif");
        File.WriteAllText(existing, "x");
        var exists = CliRunner.Run("convert", f, existing, "--shape", "2x2x2");
        Assert.Equal(2, exists.Code);
        Assert.Contains("already exists; pass --overwrite", exists.Err);
    }
}
