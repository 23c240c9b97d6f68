using BatteryZoom.Core.Data;
using BatteryZoom.Core.Diagnostics;
using BatteryZoom.Core.Geometry;
using BatteryZoom.Core.Steps;

namespace BatteryZoom.Segmentation;

/// <summary>Shared helpers: in-memory volumes made of our own slice arrays, shape checks, provenance.</summary>
internal static class VolumeAccess
{
    /// <summary>A zero-filled in-memory volume whose slice arrays the caller keeps for fast random access.</summary>
    public static Volume<T> NewInMemory<T>(VoxelGrid grid, Quantity quantity, Provenance provenance, out T[][] slices) where T : unmanaged
    {
        slices = new T[grid.Size.Nz][];
        int len = checked(grid.Size.Nx * grid.Size.Ny);
        for (int z = 0; z < slices.Length; z++) slices[z] = new T[len];
        return new Volume<T>(grid, ImageStack<T>.FromFrames(slices, grid.Size.Ny, grid.Size.Nx), quantity, provenance);
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
