// SPDX-License-Identifier: MIT
using BatteryZoom.Core.Data;
using BatteryZoom.Core.Geometry;
using BatteryZoom.Core.Units;

namespace BatteryZoom.Simulation.Phantoms;

/// <summary>A sum of constant-valued ellipsoids and finite cylinders with exact voxel values and exact line integrals.</summary>
/// <remarks>Extends <see cref="EllipsoidPhantom"/> (kept unchanged) with <see cref="Cylinder"/>s, e.g. a cell can or a
/// uniform cylinder whose flat end caps test cone-beam reconstruction.</remarks>
public sealed class CompositePhantom
{
    /// <summary>Creates a phantom from its shapes.</summary>
    public CompositePhantom(IReadOnlyList<Ellipsoid> ellipsoids, IReadOnlyList<Cylinder> cylinders, Quantity? quantity = null)
    {
        ArgumentNullException.ThrowIfNull(ellipsoids);
        ArgumentNullException.ThrowIfNull(cylinders);
        (Ellipsoids, Cylinders) = (ellipsoids, cylinders);
        Quantity = quantity ?? Quantity.LinearAttenuation;
    }

    /// <summary>Wraps an ellipsoid phantom.</summary>
    public static CompositePhantom From(EllipsoidPhantom phantom)
    {
        ArgumentNullException.ThrowIfNull(phantom);
        return new CompositePhantom(phantom.Ellipsoids, [], phantom.Quantity);
    }

    /// <summary>A single uniform upright cylinder centred at <paramref name="centre"/> (default the origin).</summary>
    public static CompositePhantom UniformCylinder(Length radius, Length height, double value, Vec3? centre = null) =>
        new([], [Cylinder.Upright(centre ?? Vec3.Zero, radius.Meters, height.Meters / 2, value)]);

    /// <summary>The ellipsoids.</summary>
    public IReadOnlyList<Ellipsoid> Ellipsoids { get; }
    /// <summary>The cylinders.</summary>
    public IReadOnlyList<Cylinder> Cylinders { get; }
    /// <summary>What the values mean (default μ in 1/m).</summary>
    public Quantity Quantity { get; }

    /// <summary>Value at a point.</summary>
    public double ValueAt(Vec3 p)
    {
        double v = 0;
        foreach (var e in Ellipsoids) if (e.Contains(p)) v += e.Value;
        foreach (var c in Cylinders) if (c.Contains(p)) v += c.Value;
        return v;
    }

    /// <summary>∫ f ds along the whole line p + t·d (d unit), in value·m.</summary>
    public double LineIntegral(Vec3 p, Vec3 d)
    {
        double s = 0;
        foreach (var e in Ellipsoids) s += e.Value * e.ChordLength(p, d);
        foreach (var c in Cylinders) s += c.Value * c.ChordLength(p, d);
        return s;
    }

    /// <summary>The same phantom with more shapes.</summary>
    public CompositePhantom With(IEnumerable<Ellipsoid>? ellipsoids = null, IEnumerable<Cylinder>? cylinders = null) =>
        new([.. Ellipsoids, .. ellipsoids ?? []], [.. Cylinders, .. cylinders ?? []], Quantity);

    /// <summary>The same phantom moved by <paramref name="shift"/>.</summary>
    public CompositePhantom Shifted(Vec3 shift) =>
        new(Ellipsoids.Select(e => e with { Centre = e.Centre + shift }).ToArray(),
            Cylinders.Select(c => c with { Centre = c.Centre + shift }).ToArray(), Quantity);

    /// <summary>Samples the phantom on a grid, averaging <paramref name="oversample"/>³ sub-voxel points (1 = voxel centres).</summary>
    public Volume<float> Voxelize(VoxelGrid grid, int oversample = 1, StorageOptions? storage = null)
    {
        ArgumentNullException.ThrowIfNull(grid);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(oversample);
        var volume = Volume<float>.Create(grid, Quantity, storage);
        int nx = grid.Size.Nx, ny = grid.Size.Ny;
        Parallel.For(0, grid.Size.Nz, z =>
        {
            var slice = new float[nx * ny];
            for (int y = 0; y < ny; y++)
                for (int x = 0; x < nx; x++)
                {
                    double sum = 0;
                    for (int sz = 0; sz < oversample; sz++)
                        for (int sy = 0; sy < oversample; sy++)
                            for (int sx = 0; sx < oversample; sx++)
                                sum += ValueAt(grid.Position(
                                    x + (sx + 0.5) / oversample - 0.5,
                                    y + (sy + 0.5) / oversample - 0.5,
                                    z + (sz + 0.5) / oversample - 0.5));
                    slice[y * nx + x] = (float)(sum / (oversample * oversample * oversample));
                }
            volume.WriteSlice(z, slice);
        });
        return volume;
    }
}
