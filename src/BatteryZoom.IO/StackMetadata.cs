using BatteryZoom.Core.Data;
using BatteryZoom.Core.Geometry;
using BatteryZoom.Core.Units;

namespace BatteryZoom.IO;

/// <summary>What a file says about its stack besides the numbers: voxel size, origin, quantity and provenance (each may be unknown).</summary>
/// <remarks>Axis names follow docs/conventions.md: frames are z (slices) or projections, rows are y, columns are x.</remarks>
public sealed record StackMetadata
{
    /// <summary>Nothing known.</summary>
    public static StackMetadata Empty { get; } = new();
    /// <summary>Spacing of columns (x), if stored.</summary>
    public Length? Dx { get; init; }
    /// <summary>Spacing of rows (y), if stored.</summary>
    public Length? Dy { get; init; }
    /// <summary>Spacing of frames (z), if stored.</summary>
    public Length? Dz { get; init; }
    /// <summary>Centre of element (0,0,0) in metres, if stored.</summary>
    public Vec3? Origin { get; init; }
    /// <summary>What the values mean, if stored.</summary>
    public Quantity? Quantity { get; init; }
    /// <summary>How the data were made, if stored.</summary>
    public Provenance? Provenance { get; init; }

    /// <summary>True when all three spacings are known.</summary>
    public bool HasVoxelSize => Dx is not null && Dy is not null && Dz is not null;

    /// <summary>Metadata describing <paramref name="grid"/>, <paramref name="quantity"/> and <paramref name="provenance"/>.</summary>
    public static StackMetadata FromVolume(VoxelGrid grid, Quantity? quantity, Provenance? provenance)
    {
        ArgumentNullException.ThrowIfNull(grid);
        return new() { Dx = grid.Dx, Dy = grid.Dy, Dz = grid.Dz, Origin = grid.Origin, Quantity = quantity, Provenance = provenance };
    }

    /// <summary>A grid of <paramref name="size"/> with the stored spacing (missing spacings from <paramref name="defaultVoxel"/>)
    /// and the stored origin (else centred on the lab origin).</summary>
    /// <exception cref="ArgumentException">A spacing is missing and no default is given.</exception>
    public VoxelGrid ToGrid(GridSize size, Length? defaultVoxel = null)
    {
        Length dx = Dx ?? defaultVoxel ?? throw new ArgumentException("the file stores no voxel size; pass a default voxel size.", nameof(defaultVoxel));
        Length dy = Dy ?? defaultVoxel ?? dx;
        Length dz = Dz ?? defaultVoxel ?? dx;
        return Origin is { } o ? new VoxelGrid(size, dx, dy, dz, o) : VoxelGrid.Centered(size, dx, dy, dz);
    }
}
