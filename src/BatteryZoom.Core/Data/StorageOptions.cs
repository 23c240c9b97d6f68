using BatteryZoom.Core.Units;

namespace BatteryZoom.Core.Data;

/// <summary>Where a stack of frames lives: in memory when it fits the budget, otherwise in a scratch file read and written frame by frame.</summary>
/// <param name="Budget">Largest in-memory size; larger stacks go to a scratch file.</param>
/// <param name="ScratchDirectory">Folder for scratch files (default: the system temp folder).</param>
public sealed record StorageOptions(MemorySize Budget, string? ScratchDirectory = null)
{
    /// <summary>Default: 2 GiB in memory, the temp folder for anything larger.</summary>
    public static StorageOptions Default { get; } = new(MemorySize.FromGibibytes(2));
    /// <summary>Always in memory (small test data).</summary>
    public static StorageOptions InMemory { get; } = new(new MemorySize(long.MaxValue));
    /// <summary>Always in a scratch file, whatever the size.</summary>
    public static StorageOptions OnDisk(string? directory = null) => new(new MemorySize(0), directory);
}
