using BatteryZoom.Core.Data;
using BatteryZoom.Core.Geometry;
using BatteryZoom.Core.Units;
using BatteryZoom.IO;
using BatteryZoom.Simulation.Acquisition;
using BatteryZoom.Simulation.Phantoms;

namespace BatteryZoom.Cli.Tests;

[Collection("Console")]
public class ReconFdkCommandTests
{
    private const double Mu = 400;   // 1/m

    // A uniform cylinder (radius 1 mm, taller than the field) on a 48 × 24 detector of 100 µm at magnification 2.
    private static ProjectionSet CylinderScan(bool cone)
    {
        var detector = new Detector(48, 24, Length.FromMicrometers(100));
        var angles = ParallelBeam.UniformAngles(120, Angle.Zero, Angle.FromDegrees(360));
        var geometry = new CircularConeBeam(detector, angles, Length.FromMillimeters(40), Length.FromMillimeters(80));
        var phantom = CompositePhantom.UniformCylinder(Length.FromMillimeters(1), Length.FromMillimeters(10), Mu);
        var lineIntegrals = CompositeProjector.Project(phantom, geometry);
        return cone ? lineIntegrals : new ProjectionSet(lineIntegrals.Projections, new ParallelBeam(detector, angles), lineIntegrals.Domain);
    }

    [Fact]
    public void ReconFdk_ReadsTheConeGeometryFromTheFile()
    {
        string dir = CliRunner.TempFolder();
        string scanPath = Path.Combine(dir, "cone.h5"), outPath = Path.Combine(dir, "mu.h5");
        using (var scan = CylinderScan(cone: true)) ProjectionFile.Write(scanPath, scan);
        var (code, stdout, stderr) = CliRunner.Run("recon", "fdk", scanPath, "--out", outPath);
        Assert.True(code == 0, stderr);
        Assert.Contains("magnification 2.000", stdout, StringComparison.Ordinal);
        using var volume = VolumeFile.Read(outPath);
        Assert.Equal(new GridSize(48, 48, 24), volume.Grid.Size);
        Assert.Equal(50e-6, volume.Grid.Dx.Meters, 12);   // pixel / M
        // Mid-plane voxels well inside the cylinder: FDK is exact there up to discretisation (±3 %, 120 views, 20 voxel radius).
        var slice = volume.GetSlice(12);
        double sum = 0; int n = 0;
        for (int y = 14; y < 34; y++)
            for (int x = 14; x < 34; x++)
                if ((x - 23.5) * (x - 23.5) + (y - 23.5) * (y - 23.5) < 8 * 8) { sum += slice[y * 48 + x]; n++; }
        Assert.InRange(sum / n, 0.97 * Mu, 1.03 * Mu);
    }

    [Fact]
    public void ReconFdk_OptionsOverrideTheFile_AndAParallelFileNeedsThem()
    {
        string dir = CliRunner.TempFolder();
        string parallel = Path.Combine(dir, "parallel.h5");
        using (var scan = CylinderScan(cone: false)) ProjectionFile.Write(parallel, scan);
        var missing = CliRunner.Run("recon", "fdk", parallel, "--out", Path.Combine(dir, "a.h5"));
        Assert.Equal(2, missing.Code);
        Assert.Contains("--source-axis", missing.Err, StringComparison.Ordinal);
        Assert.Contains("stores no cone-beam distances", missing.Err, StringComparison.Ordinal);
        Assert.Single(missing.Err.Trim().Split('\n'));

        var given = CliRunner.Run("recon", "fdk", parallel, "--source-axis", "40mm", "--source-detector", "80mm", "--out", Path.Combine(dir, "b.h5"));
        Assert.True(given.Code == 0, given.Err);
        var inverted = CliRunner.Run("recon", "fdk", parallel, "--source-axis", "80mm", "--source-detector", "40mm", "--out", Path.Combine(dir, "c.h5"));
        Assert.Equal(2, inverted.Code);
        Assert.Contains("must lie beyond the rotation axis", inverted.Err, StringComparison.Ordinal);
    }
}
