using BatteryZoom.Core.Data;
using BatteryZoom.Core.Geometry;
using BatteryZoom.Core.Random;
using BatteryZoom.Core.Units;
using BatteryZoom.Simulation.Phantoms;
using BatteryZoom.Tomography.ConeBeam;

namespace BatteryZoom.Tomography.Cone.Tests;

public sealed class ConeProjectorTests
{
    private static CircularConeBeam SmallGeometry(int projections) =>
        ConeGeometry.Circular(new Detector(30, 22, Length.FromMicrometers(200)), ConeGeometry.FullTurn(projections),
            Length.FromMillimeters(20), Length.FromMillimeters(40));

    [Theory]
    [InlineData(1u)]
    [InlineData(7u)]
    [InlineData(42u)]
    public void Projector_IsAdjointOfBackprojector(uint seed)
    {
        var grid = VoxelGrid.Centered(new GridSize(20, 18, 16), Length.FromMicrometers(100));
        AcquisitionGeometry g = seed == 7u
            ? ConeGeometry.WithTilt(SmallGeometry(13), new DetectorTilt(Angle.FromDegrees(4), Angle.FromDegrees(-3), Angle.FromDegrees(6)))
            : SmallGeometry(13);
        var rng = new CounterRandom(seed);
        ulong idx = 0;
        using var x = Volume<float>.Create(grid, storage: StorageOptions.InMemory);
        for (int z = 0; z < grid.Size.Nz; z++)
        {
            var s = x.GetSlice(z);
            for (int i = 0; i < s.Length; i++) s[i] = (float)rng.Uniform(idx++);
        }
        var y = ImageStack<float>.Create(13, 22, 30, StorageOptions.InMemory);
        for (int a = 0; a < 13; a++)
        {
            var f = y.GetFrame(a);
            for (int i = 0; i < f.Length; i++) f[i] = (float)(rng.Uniform(idx++) - 0.3);
        }
        using var ax = ConeProjector.Project(x, g, ConeTestData.Context);
        using var aty = ConeProjector.Backproject(y, g, grid, ConeTestData.Context);
        double lhs = 0, rhs = 0;
        for (int a = 0; a < 13; a++)
        {
            var p = ax.Projections.GetFrame(a); var q = y.GetFrame(a);
            for (int i = 0; i < p.Length; i++) lhs += (double)p[i] * q[i];
        }
        for (int z = 0; z < grid.Size.Nz; z++)
        {
            var p = x.GetSlice(z); var q = aty.GetSlice(z);
            for (int i = 0; i < p.Length; i++) rhs += (double)p[i] * q[i];
        }
        Assert.True(lhs > 0);
        Assert.True(Math.Abs(lhs - rhs) <= 1e-5 * Math.Abs(lhs), $"<Ax,y> = {lhs}, <x,Aᵀy> = {rhs}");
    }

    [Fact]
    public void Projector_OfVoxelisedSphere_MatchesAnalyticProjection()
    {
        var grid = VoxelGrid.Centered(new GridSize(48, 48, 48), Length.FromMicrometers(100));
        var sphere = EllipsoidPhantom.Sphere(Length.FromMillimeters(1.6), 50);
        using var vox = sphere.Voxelize(grid, 3, StorageOptions.InMemory);
        var g = ConeGeometry.Circular(new Detector(64, 64, Length.FromMicrometers(200)), ConeGeometry.FullTurn(4),
            Length.FromMillimeters(50), Length.FromMillimeters(100));
        using var numeric = ConeProjector.Project(vox, g, ConeTestData.Context);
        using var exact = ConeTestData.Project(sphere, g);
        double peak = 2 * 1.6e-3 * 50, worst = 0, sumAbs = 0;
        for (int a = 0; a < 4; a++)
        {
            var p = numeric.Projections.GetFrame(a); var q = exact.Projections.GetFrame(a);
            for (int i = 0; i < p.Length; i++) { worst = Math.Max(worst, Math.Abs(p[i] - q[i])); sumAbs += Math.Abs(p[i] - q[i]); }
        }
        // Voxelisation blurs the rim by ~1 voxel: large errors only at the edge, small on average.
        Assert.True(sumAbs / (4 * 64 * 64) < 0.01 * peak, $"mean |Δ| {sumAbs / (4 * 64 * 64)}");
        Assert.True(worst < 0.35 * peak, $"worst {worst}");
    }

    [Fact]
    public void Cylinder_ChordLengthsAreExact()
    {
        var c = Cylinder.Upright(Vec3.Zero, 2e-3, 3e-3, 1);
        Assert.Equal(4e-3, c.ChordLength(new Vec3(-1, 0, 0), new Vec3(1, 0, 0)), 12);           // across the axis
        Assert.Equal(6e-3, c.ChordLength(new Vec3(0, 0, -1), new Vec3(0, 0, 1)), 12);           // along the axis
        Assert.Equal(2 * Math.Sqrt(4e-6 - 1e-6), c.ChordLength(new Vec3(-1, 1e-3, 0), new Vec3(1, 0, 0)), 12);
        Assert.Equal(0, c.ChordLength(new Vec3(-1, 0, 3.5e-3), new Vec3(1, 0, 0)));            // above the cap
        // Diagonal through the centre, leaving through the caps: t where |z| = h, length h·√2 per side.
        var d = new Vec3(1, 0, 1).Normalized();
        Assert.Equal(2 * 2e-3 * Math.Sqrt(2), c.ChordLength(Vec3.Zero, d), 12);
        var tilted = new Cylinder(Vec3.Zero, new Vec3(1, 0, 0), 1e-3, 5e-3, 1);
        Assert.Equal(10e-3, tilted.ChordLength(new Vec3(-1, 0, 0), new Vec3(1, 0, 0)), 12);
    }
}
