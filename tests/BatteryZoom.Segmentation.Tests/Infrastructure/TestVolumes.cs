using BatteryZoom.Core.Data;
using BatteryZoom.Core.Geometry;
using BatteryZoom.Core.Random;
using BatteryZoom.Core.Units;

namespace BatteryZoom.Segmentation.Tests.Infrastructure;

/// <summary>Seeded synthetic volumes for tests.</summary>
internal static class TestVolumes
{
    public static VoxelGrid Grid(int nx, int ny, int nz, double dx = 1, double dy = 1, double dz = 1) =>
        new(new GridSize(nx, ny, nz), Length.FromMicrometers(dx), Length.FromMicrometers(dy), Length.FromMicrometers(dz), Vec3.Zero);

    public static Volume<T> Make<T>(VoxelGrid grid, Func<int, int, int, T> f, StorageOptions? storage = null) where T : unmanaged
    {
        var v = Volume<T>.Create(grid, null, storage ?? StorageOptions.InMemory);
        var buf = new T[v.Slices.FrameLength];
        for (int z = 0; z < v.Nz; z++)
        {
            for (int y = 0; y < v.Ny; y++)
                for (int x = 0; x < v.Nx; x++) buf[y * v.Nx + x] = f(x, y, z);
            v.WriteSlice(z, buf);
        }
        return v;
    }

    /// <summary>Union of seeded random balls (radius in voxels) as a 0/1 mask.</summary>
    public static Volume<byte> Balls(VoxelGrid grid, int count, double rmin, double rmax, ulong seed, StorageOptions? storage = null)
    {
        var rng = new CounterRandom(seed);
        var balls = new (double X, double Y, double Z, double R)[count];
        for (int i = 0; i < count; i++)
            balls[i] = (rng.Uniform((ulong)(4 * i)) * grid.Size.Nx, rng.Uniform((ulong)(4 * i + 1)) * grid.Size.Ny,
                rng.Uniform((ulong)(4 * i + 2)) * grid.Size.Nz, rmin + (rmax - rmin) * rng.Uniform((ulong)(4 * i + 3)));
        return Make<byte>(grid, (x, y, z) =>
        {
            foreach (var b in balls)
            {
                double dx = x - b.X, dy = y - b.Y, dz = z - b.Z;
                if (dx * dx + dy * dy + dz * dz <= b.R * b.R) return 1;
            }
            return 0;
        }, storage);
    }

    /// <summary>Random mask with about <paramref name="fraction"/> foreground, voxel-independent (many small, diagonal-touching objects).</summary>
    public static Volume<byte> Speckle(VoxelGrid grid, double fraction, ulong seed)
    {
        var rng = new CounterRandom(seed);
        int nx = grid.Size.Nx, ny = grid.Size.Ny;
        return Make<byte>(grid, (x, y, z) => rng.Uniform((ulong)((z * ny + y) * nx + x)) < fraction ? (byte)1 : (byte)0);
    }

    /// <summary>Uniform random floats in [0, 1), all distinct in practice (tie-free).</summary>
    public static Volume<float> Noise(VoxelGrid grid, ulong seed)
    {
        var rng = new CounterRandom(seed);
        int nx = grid.Size.Nx, ny = grid.Size.Ny;
        return Make<float>(grid, (x, y, z) => (float)rng.Uniform((ulong)((z * ny + y) * nx + x)));
    }

    public static T[] Flatten<T>(Volume<T> v) where T : unmanaged
    {
        var all = new T[v.Grid.Size.VoxelCount];
        for (int z = 0; z < v.Nz; z++) v.ReadSlice(z, all.AsSpan(z * v.Slices.FrameLength, v.Slices.FrameLength));
        return all;
    }
}
