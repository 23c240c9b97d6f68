using BatteryZoom.Core.Units;

namespace BatteryZoom.Core.Geometry;

/// <summary>A regular 3D grid in the lab frame: voxel counts, spacing per axis and the position of the centre of voxel (0,0,0).</summary>
/// <remarks>The centre of voxel (ix, iy, iz) lies at <c>Origin + (ix·Dx, iy·Dy, iz·Dz)</c> (docs/conventions.md).</remarks>
public sealed record VoxelGrid
{
    /// <summary>Creates a grid.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A spacing is not positive and finite.</exception>
    public VoxelGrid(GridSize size, Length dx, Length dy, Length dz, Vec3 origin)
    {
        CheckSpacing(dx, nameof(dx)); CheckSpacing(dy, nameof(dy)); CheckSpacing(dz, nameof(dz));
        (Size, Dx, Dy, Dz, Origin) = (size, dx, dy, dz, origin);
    }

    /// <summary>Voxel counts.</summary>
    public GridSize Size { get; }
    /// <summary>Spacing along x.</summary>
    public Length Dx { get; }
    /// <summary>Spacing along y.</summary>
    public Length Dy { get; }
    /// <summary>Spacing along z.</summary>
    public Length Dz { get; }
    /// <summary>Centre of voxel (0,0,0), metres.</summary>
    public Vec3 Origin { get; }

    /// <summary>An isotropic grid centred on the rotation axis at z = 0.</summary>
    public static VoxelGrid Centered(GridSize size, Length voxel) => Centered(size, voxel, voxel, voxel);

    /// <summary>A grid centred on the lab origin.</summary>
    public static VoxelGrid Centered(GridSize size, Length dx, Length dy, Length dz) =>
        new(size, dx, dy, dz, new Vec3(-(size.Nx - 1) / 2.0 * dx.Meters, -(size.Ny - 1) / 2.0 * dy.Meters, -(size.Nz - 1) / 2.0 * dz.Meters));

    /// <summary>Lab position of a voxel centre (fractional indices allowed).</summary>
    public Vec3 Position(double ix, double iy, double iz) =>
        new(Origin.X + ix * Dx.Meters, Origin.Y + iy * Dy.Meters, Origin.Z + iz * Dz.Meters);

    /// <summary>The same grid restricted to slices [z0, z0+count).</summary>
    public VoxelGrid Slab(int z0, int count)
    {
        if (z0 < 0 || count <= 0 || z0 + count > Size.Nz)
            throw new ArgumentOutOfRangeException(nameof(z0), $"slab [{z0}, {z0 + count}) is outside the grid's {Size.Nz} slices.");
        return new VoxelGrid(new GridSize(Size.Nx, Size.Ny, count), Dx, Dy, Dz, Position(0, 0, z0));
    }

    /// <summary>True when Dx = Dy = Dz to 1e-9 relative.</summary>
    public bool IsIsotropic => Math.Abs(Dx.Meters - Dy.Meters) <= 1e-9 * Dx.Meters && Math.Abs(Dx.Meters - Dz.Meters) <= 1e-9 * Dx.Meters;

    private static void CheckSpacing(Length d, string name)
    {
        if (!(d.Meters > 0) || !double.IsFinite(d.Meters))
            throw new ArgumentOutOfRangeException(name, $"voxel spacing must be positive and finite; got {d}.");
    }
}
