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
    public void MissingInputFile_IsADataError()
    {
        var (code, _, stderr) = CliRunner.Run("info", Path.Combine(CliRunner.TempFolder(), "nothing.h5"));
        Assert.Equal(3, code);
        Assert.Contains("nothing.h5", stderr);
    }
}
