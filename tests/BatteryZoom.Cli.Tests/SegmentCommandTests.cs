using BatteryZoom.Core.Data;
using BatteryZoom.Core.Geometry;
using BatteryZoom.Core.Units;
using BatteryZoom.IO;

namespace BatteryZoom.Cli.Tests;

[Collection("Console")]
public class SegmentCommandTests
{
    private static string WriteTwoBalls(string dir)
    {
        var grid = new VoxelGrid(new GridSize(40, 24, 24), Length.FromMicrometers(1), Length.FromMicrometers(1), Length.FromMicrometers(1), Vec3.Zero);
        using var mask = Volume<byte>.Create(grid, Quantity.Mask);
        for (int z = 0; z < 24; z++)
        {
            var s = mask.GetSlice(z);
            for (int y = 0; y < 24; y++)
                for (int x = 0; x < 40; x++)
                    s[y * 40 + x] = Sq(x - 12) + Sq(y - 12) + Sq(z - 12) <= 64 || Sq(x - 25) + Sq(y - 12) + Sq(z - 12) <= 64 ? (byte)1 : (byte)0;
        }
        string path = Path.Combine(dir, "mask.h5");
        VolumeFile.Write(path, mask);
        return path;
        static int Sq(int a) => a * a;
    }

    [Fact]
    public void Watershed_HMaxima_SplitsTwoTouchingBalls()
    {
        string dir = CliRunner.TempFolder();
        string mask = WriteTwoBalls(dir), output = Path.Combine(dir, "labels.h5");
        var (code, stdout, stderr) = CliRunner.Run("segment", "watershed", mask, "--connectivity", "26", "--h-maxima", "2vx", "--out", output);
        Assert.True(code == 0, stderr);
        Assert.Contains("2 objects", stdout, StringComparison.Ordinal);
        using var labels = VolumeFile.Read<uint>(output);
        Assert.NotEqual(labels.GetSlice(12)[12 * 40 + 12], labels.GetSlice(12)[12 * 40 + 25]);
    }

    [Fact]
    public void Watershed_SeedOptions_ExactlyOne()
    {
        string dir = CliRunner.TempFolder();
        string mask = WriteTwoBalls(dir), output = Path.Combine(dir, "labels.h5");
        var neither = CliRunner.Run("segment", "watershed", mask, "--connectivity", "6", "--out", output);
        Assert.Equal(2, neither.Code);
        Assert.Contains("exactly one of --min-separation", neither.Err, StringComparison.Ordinal);
        var both = CliRunner.Run("segment", "watershed", mask, "--connectivity", "6", "--min-separation", "3um", "--h-maxima", "2vx", "--out", output);
        Assert.Equal(2, both.Code);
        Assert.Contains("got both", both.Err, StringComparison.Ordinal);
        var bad = CliRunner.Run("segment", "watershed", mask, "--connectivity", "6", "--h-maxima", "2", "--out", output);
        Assert.Equal(2, bad.Code);
        Assert.Contains("--h-maxima", bad.Err, StringComparison.Ordinal);
    }
}
