using BatteryZoom.Core.Data;
using CsCheck;
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
    public void Projector_IsAdjointOfBackprojector_ForRandomGeometries()
    {
        // ⟨A x, y⟩ = ⟨x, Aᵀ y⟩ over random magnifications, detector offsets, tilts, angle counts and anisotropic grids
        // (CsCheck shrinks a failure to the smallest case). Sums of ~10⁴ float32 products: 1e-5 relative is float32 rounding.
        Gen.Select(Gen.Int[2, 7], Gen.Double[1.3, 4.0], Gen.Double[-1.5, 1.5], Gen.Double[-1.5, 1.5], Gen.Bool, Gen.UInt)
            .Select((na, m, du, dv, tilt, seed) => (na, m, du, dv, tilt, seed))
            .Sample(c =>
            {
                var rng = new CounterRandom(c.seed);
                var pixel = Length.FromMicrometers(200);
                var det = new Detector(26, 18, pixel, pixel, pixel * c.du, pixel * c.dv);
                var angles = Enumerable.Range(0, c.na).Select(i => new Angle(rng.Uniform((ulong)i) * 2 * Math.PI)).ToArray();
                var cone = ConeGeometry.Circular(det, angles, Length.FromMillimeters(20), Length.FromMillimeters(20 * c.m));
                AcquisitionGeometry g = c.tilt
                    ? ConeGeometry.WithTilt(cone, new DetectorTilt(Angle.FromDegrees(3), Angle.FromDegrees(-2), Angle.FromDegrees(5)))
                    : cone;
                var grid = new VoxelGrid(new GridSize(12, 10, 9), Length.FromMicrometers(110), Length.FromMicrometers(90), Length.FromMicrometers(130),
                    new Vec3(-0.6e-3, -0.45e-3, -0.52e-3));
                ulong idx = 1000;
                using var x = Volume<float>.Create(grid, storage: StorageOptions.InMemory);
                for (int z = 0; z < grid.Size.Nz; z++)
                {
                    var sl = x.GetSlice(z);
                    for (int i = 0; i < sl.Length; i++) sl[i] = (float)rng.Uniform(idx++);
                }
                using var y = ImageStack<float>.Create(c.na, 18, 26, StorageOptions.InMemory);
                for (int a = 0; a < c.na; a++)
                {
                    var f = y.GetFrame(a);
                    for (int i = 0; i < f.Length; i++) f[i] = (float)(rng.Uniform(idx++) - 0.3);
                }
                using var ax = ConeProjector.Project(x, g, ConeTestData.Context);
                using var aty = ConeProjector.Backproject(y, g, grid, ConeTestData.Context);
                double lhs = 0, rhs = 0, scale = 0;
                for (int a = 0; a < c.na; a++)
                {
                    var p = ax.Projections.GetFrame(a); var q = y.GetFrame(a);
                    for (int i = 0; i < p.Length; i++) { lhs += (double)p[i] * q[i]; scale += Math.Abs((double)p[i] * q[i]); }
                }
                for (int z = 0; z < grid.Size.Nz; z++)
                {
                    var p = x.GetSlice(z); var q = aty.GetSlice(z);
                    for (int i = 0; i < p.Length; i++) rhs += (double)p[i] * q[i];
                }
                return scale > 0 && Math.Abs(lhs - rhs) <= 1e-5 * scale;
            }, iter: 25);
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
