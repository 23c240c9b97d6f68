using BatteryZoom.Core.Data;
using BatteryZoom.Core.Diagnostics;
using BatteryZoom.Core.Geometry;
using BatteryZoom.Core.Units;
using BatteryZoom.Simulation.Phantoms;
using BatteryZoom.Tomography.Fdk;
using BatteryZoom.Tomography.Stitching;

namespace BatteryZoom.Tomography.Cone.Tests;

public sealed class StitchingTests(ITestOutputHelper output)
{
    private static readonly Length Voxel = Length.FromMicrometers(100);
    private static readonly EllipsoidPhantom Phantom = SheppLogan.Create3D(Length.FromMillimeters(2.2), 50);

    // The upper half is really 24.4 slices above the lower one but its grid says 24 (stage error of 40 µm).
    private const double TrueShift = 24.4;
    // Registration finds the shift to ±0.1 slice; the stitched volume matches the whole phantom to 1.5 % of its peak (MAE),
    // the residual being the linear z interpolation of partial-volume edges.
    private const double ShiftTolerance = 0.1;
    private const double MaeTolerance = 0.015 * 50;

    private static VoxelGrid Slab(double firstSlice, int count) =>
        new(new GridSize(40, 40, count), Voxel, Voxel, Voxel, new Vec3(-19.5 * Voxel.Meters, -19.5 * Voxel.Meters, (firstSlice - 31.5) * Voxel.Meters));

    [Fact]
    public void TwoOverlappingHalves_StitchBackToTheWhole()
    {
        using var lower = Phantom.Voxelize(Slab(0, 40), 2, StorageOptions.InMemory);
        var upperTrue = Phantom.Voxelize(Slab(TrueShift, 40), 2, StorageOptions.InMemory);
        using var upper = new Volume<float>(Slab(24, 40), upperTrue.Slices, upperTrue.Quantity);
        var positions = VerticalStitcher.Register([upper, lower], new StitchOptions(), ConeTestData.Context);
        double found = (positions[0].Meters - positions[1].Meters) / Voxel.Meters;
        output.WriteLine($"shift found {found:F3} slices (true {TrueShift})");
        Assert.InRange(found, TrueShift - ShiftTolerance, TrueShift + ShiftTolerance);

        using var stitched = VerticalStitcher.Stitch([upper, lower], new StitchOptions { ConeZoneSlices = 2 }, ConeTestData.Context);
        Assert.Equal(lower.Grid.Origin.Z, stitched.Grid.Origin.Z, 12);
        Assert.InRange(stitched.Nz, 63, 65);
        using var truth = Phantom.Voxelize(stitched.Grid, 2, StorageOptions.InMemory);
        var (mae, psnr, _) = ConeTestData.Compare(stitched, truth, _ => true);
        output.WriteLine($"stitched vs whole: MAE {mae:F3} /m, PSNR {psnr:F1} dB, Nz {stitched.Nz}");
        Assert.True(mae < MaeTolerance, $"MAE {mae}");
        Assert.Equal(VerticalStitcher.StepId, stitched.Provenance.Entries[^1].Step);
    }

    [Fact]
    public void FdkScansOfTwoHeights_StitchWithConeZoneDownWeighted()
    {
        // A tall phantom scanned at two stage heights 3 mm apart; each scan reconstructs 40 slices (4 mm), overlap 1 mm.
        var tall = new CompositePhantom([new Ellipsoid(new Vec3(0.4e-3, 0, 0), new Vec3(0.8e-3, 0.8e-3, 0.8e-3), Angle.Zero, 20)],
            [Cylinder.Upright(new Vec3(0, 0, 1.5e-3), 2.0e-3, 3.5e-3, 50)]);
        var g = ConeTestData.Geometry(projections: 120, rows: 48);
        var grid = ConeTestData.Grid(40, 40);
        var volumes = new List<Volume<float>>();
        foreach (double stage in new[] { 0.0, 3.0e-3 })
        {
            using var scan = ConeTestData.Project(tall.Shifted(new Vec3(0, 0, -stage)), g);
            var v = FdkReconstruction.Reconstruct(scan, grid, null, ConeTestData.Context);
            volumes.Add(new Volume<float>(new VoxelGrid(grid.Size, grid.Dx, grid.Dy, grid.Dz, grid.Origin + new Vec3(0, 0, stage)), v.Slices, v.Quantity));
        }
        using var stitched = VerticalStitcher.Stitch(volumes, new StitchOptions { ConeZoneSlices = 3 }, ConeTestData.Context);
        Assert.InRange(stitched.Nz, 69, 71);
        using var truth = tall.Voxelize(stitched.Grid, 2, StorageOptions.InMemory);
        var (mae, _, bias) = ConeTestData.Compare(stitched, truth, p => Math.Sqrt(p.X * p.X + p.Y * p.Y) < 1.6e-3 && p.Z > -1.5e-3 && p.Z < 4.5e-3);
        output.WriteLine($"FDK stitch: MAE {mae:F3} /m, bias {bias:F3} /m over the joined core");
        Assert.True(mae < 0.03 * 50, $"MAE {mae}");
        foreach (var v in volumes) v.Dispose();
    }

    [Fact]
    public void MismatchedOrDisjointVolumes_Throw()
    {
        using var a = Volume<float>.Create(Slab(0, 10), storage: StorageOptions.InMemory);
        using var far = Volume<float>.Create(Slab(30, 10), storage: StorageOptions.InMemory);
        Assert.Contains("overlap", Assert.Throws<IncompatibleInputException>(() => VerticalStitcher.Stitch([a, far])).Message, StringComparison.Ordinal);
        var other = new VoxelGrid(new GridSize(30, 40, 10), Voxel, Voxel, Voxel, Vec3.Zero);
        using var b = Volume<float>.Create(other, storage: StorageOptions.InMemory);
        Assert.Throws<IncompatibleInputException>(() => VerticalStitcher.Stitch([a, b]));
    }

    [Fact]
    public void Ramp_IsZeroInConeZoneAndSmooth()
    {
        Assert.Equal(0, VerticalStitcher.Ramp(1, 2, 10));
        Assert.Equal(1, VerticalStitcher.Ramp(20, 2, 10));
        double prev = 0;
        for (double e = 2; e <= 13; e += 0.5) { double w = VerticalStitcher.Ramp(e, 2, 10); Assert.True(w >= prev); prev = w; }
    }
}
