using BatteryZoom.Core.Data;
using BatteryZoom.Core.Diagnostics;
using BatteryZoom.Core.Geometry;
using BatteryZoom.Core.Units;
using BatteryZoom.Simulation.Phantoms;
using BatteryZoom.Tomography.ConeBeam;
using BatteryZoom.Tomography.Fbp;
using BatteryZoom.Tomography.Fdk;
using BatteryZoom.Tomography.RoiFill;

namespace BatteryZoom.Tomography.Cone.Tests;

/// <summary>ROI study: a 12 mm "cell" (can, electrolyte-filled interior, a dense particle outside the region of interest)
/// scanned whole at 250 µm voxels, then locally at 50 µm with a detector that sees only the central 3.2 mm.</summary>
public sealed class RoiFillTests(ITestOutputHelper output)
{
    internal static readonly CompositePhantom Cell = new(
        [
            new Ellipsoid(new Vec3(0.4e-3, 0.2e-3, 0), new Vec3(0.5e-3, 0.5e-3, 0.5e-3), Angle.Zero, 30),     // inside the ROI
            new Ellipsoid(new Vec3(3.5e-3, -2.0e-3, 0), new Vec3(1.5e-3, 1.5e-3, 1.5e-3), Angle.Zero, 60),    // outside it
        ],
        [
            Cylinder.Upright(Vec3.Zero, 6.0e-3, 30e-3, 40),      // can wall + interior
            Cylinder.Upright(Vec3.Zero, 5.7e-3, 30e-3, -20),     // interior 20/m
        ]);

    internal static CircularConeBeam RoiGeometry() =>
        ConeGeometry.Circular(new Detector(64, 56, Length.FromMicrometers(200)), ConeGeometry.FullTurn(100), Length.FromMillimeters(30), Length.FromMillimeters(120));

    internal static VoxelGrid RoiGrid() => VoxelGrid.Centered(new GridSize(56, 56, 40), Length.FromMicrometers(50));

    internal static Volume<float> LowResolution()
    {
        var g = ConeGeometry.Circular(new Detector(80, 64, Length.FromMicrometers(400)), ConeGeometry.FullTurn(120), Length.FromMillimeters(60), Length.FromMillimeters(120));
        using var scan = ConeTestData.Project(Cell, g);
        return FdkReconstruction.Reconstruct(scan, VoxelGrid.Centered(new GridSize(56, 56, 40), Length.FromMicrometers(250)), new FdkOptions { Padding = FbpPadding.Zero }, ConeTestData.Context);
    }

    private static bool RoiCore(Vec3 p) => Math.Sqrt(p.X * p.X + p.Y * p.Y) < 1.2e-3 && Math.Abs(p.Z) < 0.8e-3;

    private static (double Bias, double Mae) RoiError(Volume<float> v)
    {
        double bias = 0, mae = 0; long n = 0;
        var buffer = new float[v.Slices.FrameLength];
        for (int z = 0; z < v.Nz; z++)
        {
            v.ReadSlice(z, buffer);
            for (int y = 0; y < v.Ny; y++)
                for (int x = 0; x < v.Nx; x++)
                {
                    var p = v.Grid.Position(x, y, z);
                    if (!RoiCore(p)) continue;
                    double d = buffer[y * v.Nx + x] - Cell.ValueAt(p);
                    bias += d; mae += Math.Abs(d); n++;
                }
        }
        return (bias / n, mae / n);
    }

    [Fact]
    public void RoiFill_ReducesRoiBiasWellBelowPaddingAlone()
    {
        var g = RoiGeometry();
        using var roi = ConeTestData.Project(Cell, g);
        var grid = RoiGrid();
        using var padded = FdkReconstruction.Reconstruct(roi, grid, new FdkOptions { Padding = FbpPadding.SmoothExtrapolation, PaddingFactor = 4 }, ConeTestData.Context);
        using var edge = FdkReconstruction.Reconstruct(roi, grid, new FdkOptions { Padding = FbpPadding.Edge, PaddingFactor = 4 }, ConeTestData.Context);
        using var low = LowResolution();
        using var filled = RoiFill.RoiFill.Fill(roi, low, new RoiFillOptions(), ConeTestData.Context);
        Assert.True(filled.Projections.Columns > 2 * 64);
        using var fixedVolume = FdkReconstruction.Reconstruct(filled, grid, new FdkOptions { Padding = FbpPadding.Zero }, ConeTestData.Context);
        var pad = RoiError(padded);
        var edg = RoiError(edge);
        var fill = RoiError(fixedVolume);
        output.WriteLine($"ROI core (μ 20–50/m): smooth-extrapolation padding bias {pad.Bias:F3} /m, MAE {pad.Mae:F3}; edge padding bias {edg.Bias:F3}, MAE {edg.Mae:F3}; " +
            $"re-projection fill bias {fill.Bias:F3} /m, MAE {fill.Mae:F3}; {filled.Projections.Columns} columns after fill");
        Assert.True(Math.Abs(fill.Bias) < 0.25 * Math.Abs(pad.Bias), $"fill {fill.Bias} vs padding {pad.Bias}");
        // 2.5 % of the 20/m interior: the low-resolution volume itself carries FDK and voxelisation errors.
        Assert.True(Math.Abs(fill.Bias) < 0.025 * 20, $"fill bias {fill.Bias}");
        Assert.True(fill.Mae < pad.Mae);
        Assert.Equal(RoiFill.RoiFill.StepId, filled.Provenance.Entries[^1].Step);
    }

    [Fact]
    public void RoiGeometryNotOverlappingTheLowResolutionVolume_Throws()
    {
        using var low = Volume<float>.Create(VoxelGrid.Centered(new GridSize(8, 8, 8), Length.FromMicrometers(250)), storage: StorageOptions.InMemory);
        low.GetSlice(4)[36] = 1;
        var g = ConeGeometry.Circular(new Detector(16, 12, Length.FromMicrometers(200)), ConeGeometry.FullTurn(8), Length.FromMillimeters(30), Length.FromMillimeters(120));
        using var roi = new ProjectionSet(ImageStack<float>.Create(8, 12, 16, StorageOptions.InMemory), g, IntensityDomain.LineIntegral);
        var ex = Assert.Throws<IncompatibleInputException>(() => RoiFill.RoiFill.Fill(roi, low, new RoiFillOptions { LowResolutionOffset = new Vec3(0, 0, 20e-3) }, ConeTestData.Context));
        Assert.Contains("does not overlap", ex.Message, StringComparison.Ordinal);
        Assert.Throws<IncompatibleInputException>(() => RoiFill.RoiFill.Fill(roi, low, new RoiFillOptions { LowResolutionOffset = new Vec3(10e-3, 0, 0) }, ConeTestData.Context));
    }
}
