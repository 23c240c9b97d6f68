using BatteryZoom.Core.Data;
using BatteryZoom.Core.Geometry;
using BatteryZoom.Core.Units;
using BatteryZoom.IO;

namespace BatteryZoom.Cli.Tests;

[Collection("Console")]
public class FigureCommandTests
{
    private static string Ramp(string dir)
    {
        string path = Path.Combine(dir, "ramp.h5");
        var grid = VoxelGrid.Centered(new GridSize(8, 6, 4), Length.FromMicrometers(1));
        using var v = Volume<float>.Create(grid, Quantity.LinearAttenuation, StorageOptions.InMemory);
        for (int z = 0; z < 4; z++)
        {
            var s = v.GetSlice(z);
            for (int i = 0; i < s.Length; i++) s[i] = 10 * z + i % 8;
        }
        VolumeFile.Write(path, v);
        return path;
    }

    [Fact]
    public void Figure_WritesAPng_AndPrintsTheColourRange()
    {
        string dir = CliRunner.TempFolder();
        string input = Ramp(dir), output = Path.Combine(dir, "cut.png");
        var (code, stdout, stderr) = CliRunner.Run("figure", input, "--axis", "y", "--colormap", "viridis", "--range", "0:37", "--out", output);
        Assert.True(code == 0, stderr);
        Assert.Contains("y = 3 of", stdout, StringComparison.Ordinal);
        Assert.Contains("viridis 0 .. 37 1/m", stdout, StringComparison.Ordinal);
        Assert.Equal(new byte[] { 137, 80, 78, 71 }, File.ReadAllBytes(output)[..4]);
    }

    [Theory]
    [InlineData("--axis", "w", "--axis: expected z, y or x; got 'w'")]
    [InlineData("--colormap", "jet", "--colormap: expected gray, viridis or diverging; got 'jet'")]
    [InlineData("--range", "5:1", "--range: LO must be below HI")]
    [InlineData("--range", "a:b", "--range: expected LO:HI")]
    [InlineData("--index", "9", "--index: plane 9 is outside the volume's 4 z planes (0..3)")]
    public void Figure_BadOptions_AreOneLineUsageErrors(string option, string value, string message)
    {
        string dir = CliRunner.TempFolder();
        string input = Ramp(dir), output = Path.Combine(dir, "f.png");
        var (code, _, stderr) = CliRunner.Run("figure", input, option, value, "--out", output);
        Assert.Equal(2, code);
        Assert.Contains(message, stderr, StringComparison.Ordinal);
        Assert.Single(stderr.Trim().Split('\n'));
        Assert.False(File.Exists(output));
    }
}
