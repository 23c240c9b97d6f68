using BatteryZoom.Core.Data;
using BatteryZoom.Core.Diagnostics;
using BatteryZoom.Core.Units;
using BatteryZoom.Segmentation.Commands;
using BatteryZoom.Segmentation.Measurements;
using BatteryZoom.Segmentation.Tests.Infrastructure;

namespace BatteryZoom.Segmentation.Tests.Commands;

public sealed class SegmentCommandsTests
{
    [Fact, Trait("Category", "fast")]
    public void Chain_ThresholdLabelWatershedMeasure()
    {
        var grid = TestVolumes.Grid(48, 40, 32);
        using var balls = TestVolumes.Balls(grid, 12, 3, 7, seed: 5);
        using var image = TestVolumes.Make<float>(grid, (x, y, z) => 0.2f + 0.6f * balls.GetSlice(z)[y * 48 + x]);
        var th = SegmentCommands.Threshold(image, ThresholdMethod.Otsu, smoothing: Length.FromMicrometers(0.5));
        using var mask = th.Mask;
        Assert.InRange(th.Thresholds[0], 0.2, 0.8);
        using var labels = SegmentCommands.Label(mask, SegmentCommands.ParseConnectivity("26"), minVoxels: 10);
        using var ws = SegmentCommands.Watershed(mask, Length.FromMicrometers(4), Connectivity.Faces6);
        Assert.True(ws.Count >= labels.Count);
        var (table, dists) = SegmentCommands.Measure(ws.Labels, image, null, new SizeBins(Length.FromMicrometers(1), Length.FromMicrometers(30), 6, BinSpacing.Linear));
        Assert.Equal(table.Rows.Sum(r => r.VoxelCount), TestVolumes.Flatten(mask).Sum(b => (long)b));
        Assert.Single(dists!);
        using var w = new StringWriter();
        th.WriteCsv(w);
        Assert.StartsWith("method,index,threshold", w.ToString());
    }

    [Fact, Trait("Category", "fast")]
    public void Watershed_HMaximaSeeds_SplitTwoTouchingBalls()
    {
        var grid = TestVolumes.Grid(40, 24, 24, 0.5, 0.5, 0.5);
        using var mask = TestVolumes.Make<byte>(grid, (x, y, z) =>
            (Sq(x - 12) + Sq(y - 12) + Sq(z - 12) <= 64 || Sq(x - 25) + Sq(y - 12) + Sq(z - 12) <= 64) ? (byte)1 : (byte)0);
        // 2 voxels of 0.5 µm = 1 µm; the neck is ~4 voxels below the ball centres.
        var h = SegmentCommands.ParseHMaxima("2vx", grid);
        Assert.Equal(1e-6, h.Meters, 1e-18);
        using var ws = SegmentCommands.Watershed(mask, SeedRule.HMaxima(h), Connectivity.Vertices26);
        Assert.Equal(2u, ws.Count);
        using var merged = SegmentCommands.Watershed(mask, SeedRule.HMaxima(SegmentCommands.ParseHMaxima("3um", grid)), Connectivity.Vertices26);
        Assert.Equal(1u, merged.Count);
        static int Sq(int a) => a * a;
    }

    [Theory, Trait("Category", "fast")]
    [InlineData("2vx", 2.0)]
    [InlineData("1.5 voxels", 1.5)]
    [InlineData("1 voxel", 1.0)]
    [InlineData("0.65um", 0.65 / 0.5)]
    public void ParseHMaxima_VoxelsAreTheSmallestSpacing(string text, double voxels)
    {
        var grid = TestVolumes.Grid(4, 4, 4, 0.5, 1.0, 2.0);
        Assert.Equal(voxels * 0.5e-6, SegmentCommands.ParseHMaxima(text, grid).Meters, 1e-15);
    }

    [Theory, Trait("Category", "fast")]
    [InlineData("2")]
    [InlineData("xvx")]
    [InlineData("0vx")]
    [InlineData("-1um")]
    public void ParseHMaxima_Bad_IsUsageError(string text)
    {
        var e = Assert.Throws<UsageException>(() => SegmentCommands.ParseHMaxima(text, TestVolumes.Grid(4, 4, 4)));
        Assert.Contains("--h-maxima", e.Message);
    }

    [Fact, Trait("Category", "fast")]
    public void BadOptions_AreUsageErrors()
    {
        Assert.Throws<UsageException>(() => SegmentCommands.ParseConnectivity("8"));
        Assert.Throws<UsageException>(() => SegmentCommands.ParseThresholdMethod("li"));
        using var image = TestVolumes.Noise(TestVolumes.Grid(4, 4, 4), 1);
        Assert.Throws<UsageException>(() => SegmentCommands.Threshold(image, ThresholdMethod.Manual));
        Assert.Throws<UsageException>(() => SegmentCommands.Threshold(image, ThresholdMethod.Otsu, 0.5));
        using var empty = TestVolumes.Make<byte>(TestVolumes.Grid(4, 4, 4), (_, _, _) => 0);
        Assert.Throws<IncompatibleInputException>(() => SegmentCommands.Label(empty, Connectivity.Faces6));
        _ = Quantity.Mask;
    }
}
