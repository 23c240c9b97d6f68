using BatteryZoom.Core.Diagnostics;
using System.Globalization;

namespace BatteryZoom.Cli.Infrastructure;

/// <summary>Parses "A:B" (rows A up to, not including, B), as Python slices; either end may be omitted.</summary>
internal static class SliceRange
{
    public static (int? First, int? End) Parse(string? text, string option)
    {
        if (string.IsNullOrWhiteSpace(text)) return (null, null);
        var parts = text.Split(':');
        if (parts.Length != 2)
            throw new UsageException($"{option}: expected A:B (first row, row after the last); got '{text}'.");
        return (ParseEnd(parts[0], option, text), ParseEnd(parts[1], option, text));
    }

    private static int? ParseEnd(string s, string option, string text)
    {
        if (s.Trim().Length == 0) return null;
        if (!int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) || v < 0)
            throw new UsageException($"{option}: '{s}' in '{text}' is not a non-negative row index.");
        return v;
    }
}
