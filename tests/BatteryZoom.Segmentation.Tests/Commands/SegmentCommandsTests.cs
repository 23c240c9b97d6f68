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
