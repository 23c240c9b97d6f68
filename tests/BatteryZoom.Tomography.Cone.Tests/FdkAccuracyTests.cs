using BatteryZoom.Core.Data;
using BatteryZoom.Core.Geometry;
using BatteryZoom.Core.Units;
using BatteryZoom.Simulation.Phantoms;
using BatteryZoom.Tomography.ConeBeam;
using BatteryZoom.Tomography.Fdk;

namespace BatteryZoom.Tomography.Cone.Tests;

/// <summary>FDK against analytic truth: 64³ voxels of 100 µm, source 50 mm from the axis, half cone angle ≈ 4.6°.
/// Projections are exact line integrals through pixel centres (no inverse crime).</summary>
public sealed class FdkAccuracyTests(ITestOutputHelper output)
{
    private const double Mu = 50.0;   // 1/m
    // 2 %: mean μ in the core of a centred sphere/cylinder at ≤ 5° half cone angle (docs/algorithms/fdk.md, study table).
    private const double MeanTolerance = 0.02;
    // Shepp–Logan 3D (contrast 0..1 × 50/m), inner 80 % cylinder and central 70 % of slices, 180 views:
    // measured MAE 1.5 % of peak and PSNR 28.6 dB; the limits leave margin for platform rounding.
    private const double SheppLoganMaeLimit = 0.025 * Mu;
    private const double SheppLoganPsnrLimit = 26.0;

    private static readonly Length SphereRadius = Length.FromMillimeters(2.5);

    private static bool Core(Vec3 p) => p.Norm < 0.8 * SphereRadius.Meters;

    private double SphereMean(CircularConeBeam g, FdkOptions? options = null, Vec3? centre = null)
    {
        var sphere = EllipsoidPhantom.Sphere(SphereRadius, Mu, centre);
        using var scan = ConeTestData.Project(sphere, g);
        using var vol = FdkReconstruction.Reconstruct(scan, ConeTestData.Grid(), options ?? new FdkOptions(), ConeTestData.Context);
        var c = centre ?? Vec3.Zero;
        return ConeTestData.Mean(vol, p => (p - c).Norm < 0.8 * SphereRadius.Meters);
    }

    [Fact]
    public void Sphere_CoreMeanWithinTolerance()
    {
        double mean = SphereMean(ConeTestData.Geometry());
        output.WriteLine($"sphere core mean {mean:F4} (truth {Mu})");
        Assert.InRange(mean, Mu * (1 - MeanTolerance), Mu * (1 + MeanTolerance));
    }

    [Fact]
    public void UniformCylinder_ReconstructsWithin2Percent()
    {
        var cylinder = CompositePhantom.UniformCylinder(Length.FromMillimeters(2.5), Length.FromMillimeters(4), Mu);
        using var scan = ConeTestData.Project(cylinder, ConeTestData.Geometry());
        using var vol = FdkReconstruction.Reconstruct(scan, ConeTestData.Grid(), new FdkOptions(), ConeTestData.Context);
        double mean = ConeTestData.Mean(vol, p => Math.Sqrt(p.X * p.X + p.Y * p.Y) < 2.0e-3 && Math.Abs(p.Z) < 1.5e-3);
        output.WriteLine($"cylinder core mean {mean:F4} (truth {Mu})");
        Assert.InRange(mean, Mu * 0.98, Mu * 1.02);
    }

    [Fact]
    public void SheppLogan3D_MaeAndPsnrWithinThresholds()
    {
        var phantom = SheppLogan.Create3D(Length.FromMillimeters(3.1), Mu);
        var grid = ConeTestData.Grid();
        using var scan = ConeTestData.Project(phantom, ConeTestData.Geometry());
        using var vol = FdkReconstruction.Reconstruct(scan, grid, new FdkOptions(), ConeTestData.Context);
        using var truth = phantom.Voxelize(grid, oversample: 3, StorageOptions.InMemory);
        var (mae, psnr, bias) = ConeTestData.Compare(vol, truth, p => Math.Sqrt(p.X * p.X + p.Y * p.Y) < 0.8 * 3.2e-3 && Math.Abs(p.Z) < 0.7 * 3.2e-3);
        output.WriteLine($"Shepp–Logan 3D: MAE {mae:F3} /m ({mae / Mu:P2} of peak), PSNR {psnr:F1} dB, bias {bias:F3} /m");
        Assert.True(mae < SheppLoganMaeLimit, $"MAE {mae}");
        Assert.True(psnr > SheppLoganPsnrLimit, $"PSNR {psnr}");
    }

    [Fact]
    public void ShortScan_ParkerRecoversSphere_UnweightedDoesNot()
    {
        // 180° + fan angle (half-fan 2.3° for 80 columns of 200 µm at 100 mm) + a margin.
        double halfFan = Math.Atan(40 * 200e-6 / 0.1);
        var g = ConeTestData.Geometry(projections: 121, arcRadians: Math.PI + 2 * halfFan + 0.05, includeEnd: true);
        double parker = SphereMean(g, new FdkOptions { ShortScan = ShortScanWeighting.Parker });
        double none = SphereMean(g, new FdkOptions { ShortScan = ShortScanWeighting.None });
        output.WriteLine($"short scan: Parker {parker:F3}, unweighted {none:F3} (truth {Mu})");
        Assert.InRange(parker, Mu * (1 - MeanTolerance), Mu * (1 + MeanTolerance));
        Assert.True(Math.Abs(none - Mu) > 3 * Math.Abs(parker - Mu));
    }

    [Fact]
    public void ShortScan_DecreasingAngles_ParkerRecoversSphere()
    {
        double halfFan = Math.Atan(40 * 200e-6 / 0.1);
        var inc = ConeTestData.Geometry(projections: 121, arcRadians: Math.PI + 2 * halfFan + 0.05, includeEnd: true);
        var dec = ConeGeometry.Circular(inc.Detector, inc.Angles.Select(a => new Angle(1.0 - a.Radians)).ToArray(), inc.SourceToAxis, inc.SourceToDetector);
        double mean = SphereMean(dec, centre: new Vec3(0.5e-3, -0.3e-3, 0));
        output.WriteLine($"short scan, decreasing angles: {mean:F3}");
        Assert.InRange(mean, Mu * (1 - MeanTolerance), Mu * (1 + MeanTolerance));
    }

    [Fact]
    public void OffsetDetector_WangRecoversSphereBeyondHalfField()
    {
        // 56 columns shifted by 20 pixels: the detector covers u ∈ [−7.5, +47.5] pixels around the central ray, so the sphere
        // (radius 25 voxels = 50 px at the detector) is seen whole only over a full turn (half-fan acquisition).
        var g = ConeTestData.Geometry(projections: 240, columns: 56, offsetU: Length.FromMicrometers(200 * 20));
        double wang = SphereMean(g);
        double none = SphereMean(g, new FdkOptions { OffsetDetector = OffsetDetectorWeighting.None });
        output.WriteLine($"offset detector: Wang {wang:F3}, unweighted {none:F3} (truth {Mu})");
        Assert.InRange(wang, Mu * (1 - MeanTolerance), Mu * (1 + MeanTolerance));
        Assert.True(Math.Abs(none - Mu) > 3 * Math.Abs(wang - Mu));
    }

    [Fact]
    public void DetectorOffsetV_ShiftsTheSliceRowsConsistently()
    {
        var sphere = EllipsoidPhantom.Sphere(Length.FromMillimeters(1.5), Mu, new Vec3(0, 0, 1.0e-3));
        var g = ConeTestData.Geometry(offsetV: Length.FromMicrometers(200 * 7.5));
        using var scan = ConeTestData.Project(sphere, g);
        using var vol = FdkReconstruction.Reconstruct(scan, ConeTestData.Grid(), new FdkOptions(), ConeTestData.Context);
        double mean = ConeTestData.Mean(vol, p => (p - new Vec3(0, 0, 1.0e-3)).Norm < 1.1e-3);
        Assert.InRange(mean, Mu * (1 - MeanTolerance), Mu * (1 + MeanTolerance));
    }

    [Fact]
    public void TiltedDetector_RectifiedThenReconstructed_MatchesUntilted()
    {
        var sphere = EllipsoidPhantom.Sphere(SphereRadius, Mu);
        var g = ConeTestData.Geometry(projections: 120);
        var tilt = new DetectorTilt(Angle.FromDegrees(1.5), Angle.FromDegrees(3), Angle.FromDegrees(-2));
        var tilted = ConeGeometry.WithTilt(g, tilt);
        using var raw = ConeTestData.Project(sphere, tilted);
        var ex = Assert.Throws<Core.Diagnostics.IncompatibleInputException>(() => FdkReconstruction.Reconstruct(raw, ConeTestData.Grid(), null, ConeTestData.Context));
        Assert.Contains("TiltRectifier", ex.Message, StringComparison.Ordinal);
        using var rectified = TiltRectifier.Rectify(raw, g, tilt, ConeTestData.Context);
        using var vol = FdkReconstruction.Reconstruct(rectified, ConeTestData.Grid(), null, ConeTestData.Context);
        double mean = ConeTestData.Mean(vol, Core);
        output.WriteLine($"tilted then rectified: {mean:F3}");
        Assert.InRange(mean, Mu * (1 - MeanTolerance), Mu * (1 + MeanTolerance));
    }

    [Fact]
    public void ProvenanceRecordsStepAndWeighting()
    {
        var sphere = EllipsoidPhantom.Sphere(SphereRadius, Mu);
        using var scan = ConeTestData.Project(sphere, ConeTestData.Geometry(projections: 60));
        using var vol = FdkReconstruction.Reconstruct(scan, ConeTestData.Grid(32), null, ConeTestData.Context);
        var entry = Assert.Single(vol.Provenance.Entries);
        Assert.Equal(FdkReconstruction.StepId, entry.Step);
        Assert.Equal("FullScan", entry.Parameters["weighting"]);
        Assert.Equal("50 mm", entry.Parameters["source_axis"]);
        Assert.Equal(Quantity.LinearAttenuation, vol.Quantity);
    }
}
