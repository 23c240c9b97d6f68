namespace BatteryZoom.Core.Units;

/// <summary>An amount of memory in bytes, e.g. a <c>--memory</c> budget.</summary>
/// <remarks>Parse accepts "512 MB", "4GiB", "2 GB" (decimal kB/MB/GB/TB and binary KiB/MiB/GiB/TiB) and "B".</remarks>
public readonly record struct MemorySize(long Bytes) : IComparable<MemorySize>
{
    private static readonly Dictionary<string, double> Factors = new(StringComparer.OrdinalIgnoreCase)
    {
        ["B"] = 1, ["kB"] = 1e3, ["MB"] = 1e6, ["GB"] = 1e9, ["TB"] = 1e12,
        ["KiB"] = 1024, ["MiB"] = 1024.0 * 1024, ["GiB"] = 1024.0 * 1024 * 1024, ["TiB"] = 1024.0 * 1024 * 1024 * 1024,
    };

    /// <summary>From mebibytes.</summary>
    public static MemorySize FromMebibytes(double mib) => new((long)(mib * 1024 * 1024));
    /// <summary>From gibibytes.</summary>
    public static MemorySize FromGibibytes(double gib) => new((long)(gib * 1024 * 1024 * 1024));

    /// <summary>Parses a memory size with its unit.</summary>
    /// <exception cref="FormatException">No unit, an unknown unit, a negative value, or not a number.</exception>
    public static MemorySize Parse(string text)
    {
        double bytes = UnitParser.Parse(text, "memory size", Factors);
        if (bytes < 0) throw new FormatException($"memory size '{text}' is negative.");
        return new MemorySize((long)bytes);
    }

    /// <summary>Prints in MiB or GiB.</summary>
    public override string ToString() =>
        Bytes >= 1L << 30 ? UnitParser.Format(Bytes / (double)(1L << 30), "GiB") : UnitParser.Format(Bytes / (double)(1L << 20), "MiB");

    /// <inheritdoc/>
    public int CompareTo(MemorySize other) => Bytes.CompareTo(other.Bytes);
    /// <summary>Ordering.</summary>
    public static bool operator <(MemorySize a, MemorySize b) => a.Bytes < b.Bytes;
    /// <summary>Ordering.</summary>
    public static bool operator >(MemorySize a, MemorySize b) => a.Bytes > b.Bytes;
    /// <summary>Ordering.</summary>
    public static bool operator <=(MemorySize a, MemorySize b) => a.Bytes <= b.Bytes;
    /// <summary>Ordering.</summary>
    public static bool operator >=(MemorySize a, MemorySize b) => a.Bytes >= b.Bytes;
}
