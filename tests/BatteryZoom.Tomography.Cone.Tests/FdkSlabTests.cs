using BatteryZoom.Core.Data;
using BatteryZoom.Core.Geometry;
using BatteryZoom.Core.Units;
using BatteryZoom.Simulation.Phantoms;
using BatteryZoom.Tomography.Fdk;

namespace BatteryZoom.Tomography.Cone.Tests;

/// <summary>Out-of-core slabs: any slab height, projection chunking and slice range give the same voxels.</summary>
public sealed class FdkSlabTests
{
    private static readonly EllipsoidPhantom Phantom = SheppLogan.Create3D(Length.FromMillimeters(3.1), 50);

    [Fact]
    public void SlabsAndChunks_GiveTheSameVolumeAsOnePass()
    {
        var g = ConeTestData.Geometry(projections: 90);
        var grid = ConeTestData.Grid(48, 40);
        using var scan = ConeTestData.Project(Phantom, g);
        using var whole = FdkReconstruction.Reconstruct(scan, grid, new FdkOptions { SlabSlices = 40 }, ConeTestData.Context);
        // 7-slice slabs and a budget that holds only a few projections at once.
        var plan = FdkPlan.Create(g, grid);
        int rows = plan.MaxRowsForSlabs(0, 40, 7);
        long bytes = FdkReconstruction.RuntimeAllowance.Bytes + 2L * 4 * 48 * 48 * 7 + 5 * 4 * plan.BufferLength(rows) + 4 * (plan.WorkspaceBytes(rows) + 4L * (rows + 80));
        var tight = new FdkOptions { SlabSlices = 7, MemoryBudget = new MemorySize(bytes) };
        var layout = FdkReconstruction.Layout(scan, grid, tight, ConeTestData.Context with { MaxDegreeOfParallelism = 2 });
        Assert.InRange(layout.ProjectionChunk, 1, 89);
        using var slabbed = FdkReconstruction.Reconstruct(scan, grid, tight, ConeTestData.Context with { MaxDegreeOfParallelism = 2 });
        var a = ConeTestData.ToArray(whole);
        var b = ConeTestData.ToArray(slabbed);
        for (int i = 0; i < a.Length; i++) Assert.True(Math.Abs(a[i] - b[i]) <= 1e-4f * 50, $"voxel {i}: {a[i]} vs {b[i]}");
    }

    [Fact]
    public void SliceRange_MatchesTheSameSlicesOfTheWholeVolume()
    {
        var g = ConeTestData.Geometry(projections: 60);
        var grid = ConeTestData.Grid(32, 32);
        using var scan = ConeTestData.Project(Phantom, g);
        using var whole = FdkReconstruction.Reconstruct(scan, grid, null, ConeTestData.Context);
        using var part = FdkReconstruction.Reconstruct(scan, grid, new FdkOptions { FirstSlice = 10, EndSlice = 17 }, ConeTestData.Context);
        Assert.Equal(7, part.Nz);
        Assert.Equal(grid.Position(0, 0, 10), part.Grid.Origin);
        for (int z = 0; z < 7; z++)
        {
            var s = part.GetSlice(z).ToArray();
            var w = whole.GetSlice(z + 10).ToArray();
            for (int i = 0; i < s.Length; i++) Assert.Equal(w[i], s[i], 1e-4f);
        }
    }

    [Fact]
    public void SlabRows_CoverEveryVoxelProjection()
    {
        var g = ConeTestData.Geometry(projections: 36);
        var grid = ConeTestData.Grid(64);
        var plan = FdkPlan.Create(g, grid);
        double r = FdkReconstruction.GridRadius(grid);
        for (int z0 = 0; z0 < 64; z0 += 16)
        {
            var rows = plan.RowsForSlab(z0, 16);
            Assert.True(rows.Count < 40, $"slab {z0} reads {rows.Count} rows");
            foreach (int z in new[] { z0, z0 + 15 })
                foreach (double l in new[] { 0.05 - r, 0.05 + r })
                {
                    double row = (grid.Position(0, 0, z).Z * 0.1 / l) / 200e-6 + 39.5;
                    if (row < 0 || row > 79) continue;
                    Assert.InRange(row, rows.First, rows.Last);
                }
        }
    }

    // Voxels of 100 µm are one detector row tall (M = 2, 200 µm pixels); at 180 µm they are 1.5–2.3 rows tall across the
    // field, so the AVX-512 permute kernel and its fall-backs (b > 1.9) both run within one slab. 40 slices leave a
    // 16-voxel tail for the scalar remainder after two permute runs.
    [Theory]
    [InlineData(100, 24)]
    [InlineData(180, 40)]
    public void SimdKernels_MatchScalar(int voxelMicrometers, int slices)
    {
        var g = ConeTestData.Geometry(projections: 24);
        var grid = VoxelGrid.Centered(new GridSize(40, 40, slices), Length.FromMicrometers(voxelMicrometers));
        using var scan = ConeTestData.Project(Phantom, g);
        var plan = FdkPlan.Create(g, grid);
        var rows = plan.RowsForSlab(0, slices);
        var ws = plan.CreateWorkspace(rows.Count);
        var buffers = new float[24][];
        for (int a = 0; a < 24; a++) plan.FilterProjection(scan.Projections, a, rows, buffers[a] = new float[plan.BufferLength(rows.Count)], ws);
        float[] Run(BackprojectionKernel k)
        {
            var acc = new float[40 * 40 * slices];
            plan.Backproject(buffers, 0, 24, rows, 0, slices, acc, new ParallelOptions(), k);
            return acc;
        }
        var scalar = Run(BackprojectionKernel.Scalar);
        Assert.True(scalar.Max(Math.Abs) > 0, "the phantom must reach the slab");
        foreach (var k in new[] { BackprojectionKernel.FourTap, BackprojectionKernel.Blend, BackprojectionKernel.Permute, BackprojectionKernel.Auto })
        {
            var v = Run(k);
            double maxAbs = scalar.Max(Math.Abs);
            for (int i = 0; i < v.Length; i++) Assert.True(Math.Abs(v[i] - scalar[i]) <= 1e-4 * maxAbs, $"{k} voxel {i}: {v[i]} vs {scalar[i]}");
        }
    }
}
