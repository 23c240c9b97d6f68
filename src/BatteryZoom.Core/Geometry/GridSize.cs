namespace BatteryZoom.Core.Geometry;

/// <summary>Voxel counts of a 3D grid; arrays are stored [z, y, x] with x fastest.</summary>
public readonly record struct GridSize
{
    /// <summary>Creates a size; every count must be positive.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A count is zero or negative.</exception>
    public GridSize(int nx, int ny, int nz)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(nx);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(ny);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(nz);
        (Nx, Ny, Nz) = (nx, ny, nz);
    }

    /// <summary>Columns (x).</summary>
    public int Nx { get; }
    /// <summary>Rows (y).</summary>
    public int Ny { get; }
    /// <summary>Slices (z).</summary>
    public int Nz { get; }
    /// <summary>Voxels per slice, Nx·Ny.</summary>
    public long SliceLength => (long)Nx * Ny;
    /// <summary>All voxels, Nx·Ny·Nz.</summary>
    public long VoxelCount => SliceLength * Nz;
    /// <inheritdoc/>
    public override string ToString() => $"{Nz}×{Ny}×{Nx} (z×y×x)";
}
