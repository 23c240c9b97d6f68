using BatteryZoom.Core.Data;
using BatteryZoom.Core.Diagnostics;
using BatteryZoom.Core.Geometry;
using BatteryZoom.Core.Steps;

namespace BatteryZoom.Segmentation;

/// <summary>Shared helpers: in-memory volumes made of our own slice arrays, shape checks, provenance.</summary>
internal static class VolumeAccess
{
    /// <summary>A zero-filled in-memory volume; the caller keeps <paramref name="slices"/> for direct access to its slices.</summary>
    /// <remarks>Large volumes come from Core's huge-page blocks (first touches of 4 KiB pages are slow on VMs; docs/benchmarks.md).</remarks>
    public static Volume<T> NewInMemory<T>(VoxelGrid grid, Quantity quantity, Provenance provenance, out Slices<T> slices) where T : unmanaged
    {
        var stack = NewScratch<T>(grid, out slices);
        return new Volume<T>(grid, stack, quantity, provenance);
    }

    /// <summary>A zero-filled in-memory stack of the grid's slices, for scratch volumes that are never returned.</summary>
    public static ImageStack<T> NewScratch<T>(VoxelGrid grid, out Slices<T> slices) where T : unmanaged
    {
        var stack = ImageStack<T>.Create(grid.Size.Nz, grid.Size.Ny, grid.Size.Nx, StorageOptions.InMemory);
        slices = new Slices<T>(stack);
        return stack;
    }

    /// <summary>A zero-filled in-memory volume made of one array per slice (for per-voxel random access across slices).</summary>
    public static Volume<T> NewInMemoryFrameArrays<T>(VoxelGrid grid, Quantity quantity, Provenance provenance, out T[][] slices) where T : unmanaged
    {
        slices = new T[grid.Size.Nz][];
        int len = checked(grid.Size.Nx * grid.Size.Ny);
        for (int z = 0; z < slices.Length; z++) slices[z] = new T[len];
        return new Volume<T>(grid, ImageStack<T>.FromFrames(slices, grid.Size.Ny, grid.Size.Nx), quantity, provenance);
    }

    /// <summary>Span access to the slices of an in-memory stack.</summary>
    public readonly struct Slices<T>(ImageStack<T> stack) where T : unmanaged
    {
        /// <summary>Slice <paramref name="z"/> [y, x].</summary>
        public Span<T> this[int z] => stack.GetFrame(z);
        /// <summary>Number of slices.</summary>
        public int Count => stack.Count;
    }

    /// <summary>The volume itself when its slices are in memory, otherwise an in-memory copy (the caller disposes it when <paramref name="copied"/>).</summary>
    public static Volume<T> RequireInMemory<T>(Volume<T> volume, out bool copied) where T : unmanaged
    {
        copied = !volume.Slices.IsInMemory;
        return copied ? volume.Copy(StorageOptions.InMemory) : volume;
    }

    /// <summary>Throws <see cref="IncompatibleInputException"/> when the two volumes differ in shape.</summary>
    public static void CheckSameShape<TA, TB>(Volume<TA> a, Volume<TB> b, string step, string nameA, string nameB)
        where TA : unmanaged where TB : unmanaged
    {
        if (a.Grid.Size != b.Grid.Size)
            throw new IncompatibleInputException($"{step}: {nameB} must have the shape of {nameA} ({a.Grid.Size}); got {b.Grid.Size}. Resample or crop it to the same grid.");
    }

    /// <summary>Provenance of <paramref name="input"/> with one entry for this step.</summary>
    public static Provenance Step(Provenance input, string step, int version, RunContext context, DateTimeOffset started, params (string Key, string Value)[] parameters) =>
        input.Append(step, version, parameters.Select(p => new KeyValuePair<string, string>(p.Key, p.Value)), context.Backend, started,
            (DateTimeOffset.UtcNow - started).TotalSeconds);
}
