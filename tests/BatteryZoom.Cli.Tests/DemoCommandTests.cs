namespace BatteryZoom.Cli.Tests;

[Collection("Console")]
public class DemoCommandTests
{
    [Fact]
    public void Demo_WritesReportAndStageFiles_AndLogsCompletion()
    {
        string root = CliRunner.TempFolder();
        string output = Path.Combine(root, "demo");
        var (code, stdout, stderr) = CliRunner.Run("demo", "--out", output);
        Assert.True(code == 0, $"exit {code}: {stderr}");
        Assert.True(File.Exists(Path.Combine(output, "report.md")));
        Assert.True(File.Exists(Path.Combine(output, "report.json")));
        Assert.True(File.Exists(Path.Combine(output, "scan_parallel.h5")));
        // Figures: PNGs (signature checked) linked from the report.
        foreach (var png in new[] { "parallel_slice.png", "cell_slice.png", "electrode_delta.png", "xanes_soc.png" })
        {
            string figure = Path.Combine(output, "figures", png);
            Assert.True(File.Exists(figure), figure);
            Assert.Equal(new byte[] { 137, 80, 78, 71 }, File.ReadAllBytes(figure)[..4]);
            Assert.Contains($"(figures/{png})", File.ReadAllText(Path.Combine(output, "report.md")), StringComparison.Ordinal);
        }
        Assert.Contains("done:", stdout);                       // plain progress lines in logs, including completion
        Assert.Empty(Directory.GetDirectories(root, "*.partial-*"));
    }

    [Fact]
    public void Demo_RefusesExistingOutput_WithoutOverwrite()
    {
        string output = CliRunner.TempFolder();
        File.WriteAllText(Path.Combine(output, "keep.txt"), "x");
        var (code, _, stderr) = CliRunner.Run("demo", "--out", output);
        Assert.Equal(2, code);
        Assert.Contains("exists and is not empty; pass --overwrite", stderr);
        Assert.DoesNotContain("   at ", stderr);             // no stack trace without --verbose
        Assert.True(File.Exists(Path.Combine(output, "keep.txt")));
    }

    [Fact]
    public async Task Demo_Cancelled_LeavesNoOutputUnderItsFinalName()
    {
        string root = CliRunner.TempFolder();
        string output = Path.Combine(root, "demo");
        // Ctrl+C cancels the invocation's token; an already-cancelled token makes the test deterministic.
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        var (oldOut, oldErr) = (Console.Out, Console.Error);
        using var stderr = new StringWriter();
        Console.SetOut(TextWriter.Null);
        Console.SetError(stderr);
        int code;
        try { code = await BzoomApp.RunAsync(["demo", "--out", output], cts.Token); }
        finally { Console.SetOut(oldOut); Console.SetError(oldErr); }
        Assert.Equal(130, code);
        Assert.Contains("cancelled", stderr.ToString());
        Assert.False(Directory.Exists(output));
        Assert.Empty(Directory.GetDirectories(root));
    }
}
