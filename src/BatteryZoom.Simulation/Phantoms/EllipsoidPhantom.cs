using BatteryZoom.Core.Data;
using BatteryZoom.Core.Geometry;
using BatteryZoom.Core.Units;

namespace BatteryZoom.Simulation.Phantoms;

/// <summary>A sum of constant-valued ellipsoids: exact voxel values and exact line integrals, for tests without inverse crime.</summary>
public sealed class EllipsoidPhantom
{
    /// <summary>Creates a phantom from its ellipsoids.</summary>
    public EllipsoidPhantom(IReadOnlyList<Ellipsoid> ellipsoids, Quantity? quantity = null)
    {
        ArgumentNullException.ThrowIfNull(ellipsoids);
        Ellipsoids = ellipsoids;
        Quantity = quantity ?? Quantity.LinearAttenuation;
    }

    /// <summary>The ellipsoids.</summary>
    public IReadOnlyList<Ellipsoid> Ellipsoids { get; }
    /// <summary>What the values mean (default μ in 1/m).</summary>
    public Quantity Quantity { get; }

    /// <summary>Value at a point.</summary>
    public double ValueAt(Vec3 p)
    {
        double v = 0;
        foreach (var e in Ellipsoids) if (e.Contains(p)) v += e.Value;
        return v;
    }

    /// <summary>∫ f ds along the whole line p + t·d (d unit), in value·m.</summary>
    public double LineIntegral(Vec3 p, Vec3 d)
    {
        double s = 0;
        foreach (var e in Ellipsoids) s += e.Value * e.ChordLength(p, d);
        return s;
    }

    /// <summary>Samples the phantom on a grid, averaging <paramref name="oversample"/>³ sub-voxel points (1 = voxel centres).</summary>
    public Volume<float> Voxelize(VoxelGrid grid, int oversample = 1, StorageOptions? storage = null)
    {
        ArgumentNullException.ThrowIfNull(grid);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(oversample);
        var volume = Volume<float>.Create(grid, Quantity, storage);
        int nx = grid.Size.Nx, ny = grid.Size.Ny;
        int subZ = grid.Size.Nz == 1 ? 1 : oversample;
        Parallel.For(0, grid.Size.Nz, z =>
        {
            var slice = new float[nx * ny];
            for (int y = 0; y < ny; y++)
                for (int x = 0; x < nx; x++)
                {
                    double sum = 0;
                    for (int sz = 0; sz < subZ; sz++)
                        for (int sy = 0; sy < oversample; sy++)
                            for (int sx = 0; sx < oversample; sx++)
                                sum += ValueAt(grid.Position(
                                    x + (sx + 0.5) / oversample - 0.5,
                                    y + (sy + 0.5) / oversample - 0.5,
                                    z + (subZ == 1 ? 0 : (sz + 0.5) / oversample - 0.5)));
                    slice[y * nx + x] = (float)(sum / (subZ * oversample * oversample));
                }
            volume.WriteSlice(z, slice);
        });
        return volume;
    }

    /// <summary>The same phantom with every value multiplied by <paramref name="factor"/>.</summary>
    public EllipsoidPhantom Scaled(double factor) =>
        new(Ellipsoids.Select(e => e with { Value = e.Value * factor }).ToArray(), Quantity);

    /// <summary>The same phantom moved by <paramref name="shift"/>.</summary>
    public EllipsoidPhantom Shifted(Vec3 shift) =>
        new(Ellipsoids.Select(e => e with { Centre = e.Centre + shift }).ToArray(), Quantity);

    /// <summary>A single sphere.</summary>
    public static EllipsoidPhantom Sphere(Length radius, double value, Vec3? centre = null) =>
        new([new Ellipsoid(centre ?? Vec3.Zero, new Vec3(radius.Meters, radius.Meters, radius.Meters), Angle.Zero, value)]);

    /// <summary>An upright elliptic cylinder much taller than any test volume (an ellipsoid with c = 1 km): a uniform disc in every slice.</summary>
    public static EllipsoidPhantom Disc(Length radius, double value) =>
        new([new Ellipsoid(Vec3.Zero, new Vec3(radius.Meters, radius.Meters, 1e3), Angle.Zero, value)]);
}
