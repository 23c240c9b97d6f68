using BatteryZoom.Core.Data;
using BatteryZoom.Core.Diagnostics;
using BatteryZoom.Core.Geometry;
using BatteryZoom.Core.Units;
using BatteryZoom.Simulation.Phantoms;
using BatteryZoom.Tomography.ConeBeam;
using BatteryZoom.Tomography.Fdk;

namespace BatteryZoom.Tomography.Cone.Tests;

public sealed class ErrorTests
{
    private static ProjectionSet SmallScan(CircularConeBeam g) =>
        ConeTestData.Project(EllipsoidPhantom.Sphere(Length.FromMillimeters(1), 50), g);

    [Fact]
    public void SourceInsideTheVolume_Throws()
    {
        var g = ConeTestData.Geometry(projections: 8, sourceAxis: Length.FromMillimeters(3));
        using var scan = SmallScan(g);
        var ex = Assert.Throws<IncompatibleInputException>(() => FdkReconstruction.Reconstruct(scan, ConeTestData.Grid(64), null, ConeTestData.Context));
        Assert.Contains("inside the reconstruction volume", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(50, 50)]
    [InlineData(50, 30)]
    [InlineData(0, 30)]
    public void DetectorNotBeyondSource_Throws(double sourceAxisMm, double sourceDetectorMm)
    {
        var det = new Detector(8, 8, Length.FromMicrometers(100));
        var ex = Assert.Throws<UsageException>(() => ConeGeometry.Circular(det, ConeGeometry.FullTurn(4),
            Length.FromMillimeters(sourceAxisMm), Length.FromMillimeters(sourceDetectorMm)));
        Assert.Contains("source", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ProjectionCountNotMatchingAngles_Throws()
    {
        var g = ConeTestData.Geometry(projections: 10, columns: 8, rows: 8);
        var stack = ImageStack<float>.Create(9, 8, 8, StorageOptions.InMemory);
        var ex = Assert.Throws<IncompatibleInputException>(() => new ProjectionSet(stack, g, IntensityDomain.LineIntegral));
        Assert.Contains("10 angles", ex.Message, StringComparison.Ordinal);
        Assert.Contains("9 projections", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(-1, 4)]
    [InlineData(10, 70)]
    [InlineData(5, 5)]
    public void SlabRangeOutsideTheVolume_Throws(int first, int end)
    {
        using var scan = SmallScan(ConeTestData.Geometry(projections: 8));
        var ex = Assert.Throws<UsageException>(() => FdkReconstruction.Reconstruct(scan, ConeTestData.Grid(16),
            new FdkOptions { FirstSlice = first, EndSlice = end }, ConeTestData.Context));
        Assert.Contains("slice range", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SlabOutsideTheGrid_Throws()
    {
        var plan = FdkPlan.Create(ConeTestData.Geometry(projections: 8), ConeTestData.Grid(16));
        Assert.Throws<ArgumentOutOfRangeException>(() => plan.RowsForSlab(10, 8));
    }

    [Fact]
    public void ParallelBeamOrRawScan_Throws()
    {
        var det = new Detector(8, 8, Length.FromMicrometers(100));
        var parallel = new ParallelBeam(det, ConeGeometry.FullTurn(4));
        using var p = new ProjectionSet(ImageStack<float>.Create(4, 8, 8, StorageOptions.InMemory), parallel, IntensityDomain.LineIntegral);
        Assert.Contains("reconstruct.fbp", Assert.Throws<IncompatibleInputException>(() => FdkReconstruction.Reconstruct(p, ConeTestData.Grid(8))).Message, StringComparison.Ordinal);
        var cone = ConeTestData.Geometry(projections: 4, columns: 8, rows: 8);
        using var raw = new ProjectionSet(ImageStack<float>.Create(4, 8, 8, StorageOptions.InMemory), cone, IntensityDomain.Raw);
        Assert.Contains("line integrals", Assert.Throws<IncompatibleInputException>(() => FdkReconstruction.Reconstruct(raw, ConeTestData.Grid(8))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BudgetTooSmall_Throws()
    {
        using var scan = SmallScan(ConeTestData.Geometry(projections: 8));
        var ex = Assert.Throws<IncompatibleInputException>(() => FdkReconstruction.Reconstruct(scan, ConeTestData.Grid(64),
            new FdkOptions { MemoryBudget = MemorySize.FromMebibytes(40) }, ConeTestData.Context));
        Assert.Contains("memory budget", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BadOptions_Throw()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new FdkOptions { Cutoff = 0 }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new FdkOptions { PaddingFactor = 0.5 }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new FdkOptions { SlabSlices = 0 }.Validate());
    }
}
