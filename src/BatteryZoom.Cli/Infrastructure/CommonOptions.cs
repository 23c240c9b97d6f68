using System.CommandLine;
using BatteryZoom.Core.Units;

namespace BatteryZoom.Cli.Infrastructure;

/// <summary>Options shared by several commands.</summary>
internal static class CommonOptions
{
    public static readonly Option<bool> Verbose = new("--verbose", "-v") { Description = "Print stack traces with errors and more detail.", Recursive = true };

    public static Option<bool> Overwrite() => new("--overwrite") { Description = "Replace an existing output." };

    public static Option<string> Out(string description, bool required = true) => new("--out", "-o") { Description = description, Required = required };

    public static Option<string?> Memory() => new("--memory") { Description = "Memory budget for volumes held in RAM, e.g. \"2 GiB\"; larger data stream through scratch files." };

    /// <summary>Parses a --memory value, or the default budget when absent.</summary>
    public static MemorySize ParseMemory(string? text) => text is null ? MemorySize.FromGibibytes(2) : MemorySize.Parse(text);
}
