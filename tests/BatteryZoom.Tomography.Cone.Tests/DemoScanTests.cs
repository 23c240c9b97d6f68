using BatteryZoom.Simulation.Acquisition;
using BatteryZoom.Tomography.Fdk;

namespace BatteryZoom.Tomography.Cone.Tests;

public sealed class DemoScanTests
{
    [Fact]
    public void DemoScan_ReconstructsTheCellInterior()
    {
        using var scan = ConeBeamDemoScan.Create(ConeTestData.Context);
        using var vol = FdkReconstruction.Reconstruct(scan, ConeBeamDemoScan.Grid, null, ConeTestData.Context);
        double interior = ConeTestData.Mean(vol, p => Math.Abs(p.X + 0.5e-3) < 0.3e-3 && Math.Abs(p.Y + 1.5e-3) < 0.3e-3 && Math.Abs(p.Z) < 1e-3);
        Assert.InRange(interior, 20 * 0.97, 20 * 1.03);
        Assert.Equal(2, vol.Provenance.Entries.Count);
    }
}
