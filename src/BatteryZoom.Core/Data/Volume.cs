using BatteryZoom.Core.Geometry;

namespace BatteryZoom.Core.Data;

/// <summary>A 3D image on a <see cref="VoxelGrid"/>, addressed by z-slice; each slice is contiguous [y, x].</summary>
/// <remarks>Storage is an <see cref="ImageStack{T}"/>: in memory under the budget, a scratch file beyond it.
/// A step never changes its input volume; it returns a new one with one more <see cref="Provenance"/> entry.</remarks>
public sealed class Volume<T> : IDisposable where T : unmanaged
{
    /// <summary>Wraps slices already stored in <paramref name="slices"/> (taken over: disposed with the volume).</summary>
    /// <exception cref="ArgumentException">The stack's shape differs from the grid's.</exception>
    public Volume(VoxelGrid grid, ImageStack<T> slices, Quantity? quantity = null, Provenance? provenance = null)
    {
        ArgumentNullException.ThrowIfNull(grid);
        ArgumentNullException.ThrowIfNull(slices);
        if (slices.Count != grid.Size.Nz || slices.Rows != grid.Size.Ny || slices.Columns != grid.Size.Nx)
            throw new ArgumentException($"slices are {slices.Count}×{slices.Rows}×{slices.Columns} but the grid is {grid.Size}.", nameof(slices));
        (Grid, Slices) = (grid, slices);
        Quantity = quantity ?? Quantity.Unknown;
        Provenance = provenance ?? Provenance.Empty;
    }

    /// <summary>A zero-filled volume, in memory when it fits <paramref name="storage"/>'s budget.</summary>
    public static Volume<T> Create(VoxelGrid grid, Quantity? quantity = null, StorageOptions? storage = null, Provenance? provenance = null)
    {
        ArgumentNullException.ThrowIfNull(grid);
        return new Volume<T>(grid, ImageStack<T>.Create(grid.Size.Nz, grid.Size.Ny, grid.Size.Nx, storage), quantity, provenance);
    }

    /// <summary>Grid (size, spacing, origin).</summary>
    public VoxelGrid Grid { get; }
    /// <summary>Slice storage [z][y, x].</summary>
    public ImageStack<T> Slices { get; }
    /// <summary>What the values mean.</summary>
    public Quantity Quantity { get; init; }
    /// <summary>How this volume was made.</summary>
    public Provenance Provenance { get; init; }

    /// <summary>Columns (x).</summary>
    public int Nx => Grid.Size.Nx;
    /// <summary>Rows (y).</summary>
    public int Ny => Grid.Size.Ny;
    /// <summary>Slices (z).</summary>
    public int Nz => Grid.Size.Nz;

    /// <summary>Span on slice z (in-memory volumes only).</summary>
    public Span<T> GetSlice(int z) => Slices.GetFrame(z);
    /// <summary>Copies slice z out.</summary>
    public void ReadSlice(int z, Span<T> destination) => Slices.ReadFrame(z, destination);
    /// <summary>Copies slice z in.</summary>
    public void WriteSlice(int z, ReadOnlySpan<T> source) => Slices.WriteFrame(z, source);

    /// <summary>Same grid, quantity and provenance, new storage copied slice by slice.</summary>
    public Volume<T> Copy(StorageOptions? storage = null)
    {
        var copy = Create(Grid, Quantity, storage, Provenance);
        var buffer = new T[Slices.FrameLength];
        for (int z = 0; z < Nz; z++) { ReadSlice(z, buffer); copy.WriteSlice(z, buffer); }
        return copy;
    }

    /// <summary>Disposes the storage.</summary>
    public void Dispose() => Slices.Dispose();
}
