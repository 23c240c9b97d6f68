using BatteryZoom.Core.Geometry;
using BatteryZoom.Core.Units;
using BatteryZoom.Simulation.Phantoms;
using BatteryZoom.Tomography.Fdk;

namespace BatteryZoom.Tomography.Cone.Tests;

public sealed class FdkAccuracyTests(ITestOutputHelper output)
{
    private const double Mu = 50.0;   // 1/m

    [Fact]
    public void Sphere_CoreMeanWithinTolerance()
    {
        var sphere = EllipsoidPhantom.Sphere(Length.FromMillimeters(2.5), Mu);
        var g = ConeTestData.Geometry();
        using var scan = ConeTestData.Project(sphere, g);
        using var vol = FdkReconstruction.Reconstruct(scan, ConeTestData.Grid(), new FdkOptions(), ConeTestData.Context);
        double mean = ConeTestData.Mean(vol, p => p.Norm < 0.8 * 2.5e-3);
        output.WriteLine($"sphere core mean {mean:F4} (truth {Mu})");
        Assert.InRange(mean, Mu * 0.98, Mu * 1.02);
    }
}
