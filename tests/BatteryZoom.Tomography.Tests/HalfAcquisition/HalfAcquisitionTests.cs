using BatteryZoom.Core.Geometry;
using BatteryZoom.Tomography.HalfAcquisition;
using BatteryZoom.Tomography.Preprocessing;

namespace BatteryZoom.Tomography.Tests.HalfAcquisition;

public class HalfAcquisitionTests
{
    [Fact]
    public void OffsetAxis360_ReconstructsLikeThe180Truth()
    {
        const int wide = 160, n = 100, na = 360;
        // Phantom of radius 75 px; the 100-column detector has the axis at column 79.5 (offset +30 px).
        var phantom = TestScans.SheppLogan(150);
        var gWide = TestScans.Geometry(wide, na / 2);
        using var wideScan = TestScans.Scan(phantom, gWide);
        var reference = TestScans.Fbp(TestScans.Sinogram(wideScan), gWide);
        var truth = TestScans.Truth(phantom, wide);
        double referenceRmse = TestScans.DiscRmse(reference, truth, wide, frac: 0.9);

        var g360 = TestScans.Geometry(n, na, 360, axisOffsetPixels: 30);
        using var half = TestScans.Scan(phantom, g360);
        var log = new List<string>();
        using var stitched = HalfAcquisitionStitching.To180(half, context: new Core.Steps.RunContext { Log = log.Add, Storage = Core.Data.StorageOptions.InMemory });
        var g = (ParallelBeam)stitched.Geometry;
        Assert.Equal(180, g.ProjectionCount);
        Assert.Contains(log, l => l.Contains("overlap", StringComparison.Ordinal));
        var rec = TestScans.Fbp(TestScans.Sinogram(stitched), g, new Tomography.Fbp.FbpOptions { OutputSize = wide });
        double rmse = TestScans.DiscRmse(rec, truth, wide, frac: 0.9);
        // 10 %: the blend and the sub-pixel resampling of the opposite half add a little smoothing.
        Assert.True(rmse < 1.1 * referenceRmse, $"half-acquisition {rmse:0.00000} vs 180° truth {referenceRmse:0.00000}");
    }

    [Fact]
    public void OffsetAxis_IsFoundAutomatically()
    {
        const int n = 100;
        var g = TestScans.Geometry(n, 360, 360, axisOffsetPixels: 30.3);
        using var scan = TestScans.Scan(TestScans.SheppLogan(150), g);
        Assert.InRange(RotationCenter.EstimateOffsetAxis(scan), g.CenterOfRotationPixels - 0.25, g.CenterOfRotationPixels + 0.25);
    }
}
