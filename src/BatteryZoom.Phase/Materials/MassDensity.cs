// SPDX-License-Identifier: MIT
using System.Globalization;

namespace BatteryZoom.Phase.Materials;

/// <summary>A mass density, stored in kg/m³ (SI).</summary>
/// <remarks>Parse accepts "4.77 g/cm3", "4.77 g/cm³", "2699 kg/m3"; a bare number is an error (docs/conventions.md).</remarks>
public readonly record struct MassDensity(double KilogramsPerCubicMeter) : IComparable<MassDensity>
{
    /// <summary>The density in g/cm³.</summary>
    public double GramsPerCubicCentimeter => KilogramsPerCubicMeter * 1e-3;

    /// <summary>From g/cm³.</summary>
    public static MassDensity FromGramsPerCubicCentimeter(double gramsPerCubicCentimeter) => new(gramsPerCubicCentimeter * 1e3);

    /// <summary>Parses a density with its unit (g/cm3, g/cm³, g/cc, kg/m3, kg/m³).</summary>
    /// <exception cref="FormatException">No unit, an unknown unit, not a number, or not positive and finite.</exception>
    public static MassDensity Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string t = text.Trim();
        int split = 0;
        while (split < t.Length && (char.IsDigit(t[split]) || t[split] is '.' or '-' or '+' || (t[split] is 'e' or 'E' && split + 1 < t.Length && (char.IsDigit(t[split + 1]) || t[split + 1] is '-' or '+'))))
            split++;
        string unit = t[split..].Trim();
        if (unit.Length == 0)
            throw new FormatException($"density '{text}' has no unit; expected g/cm3 or kg/m3 (e.g. \"4.77 g/cm3\").");
        if (!double.TryParse(t[..split], NumberStyles.Float, CultureInfo.InvariantCulture, out double v))
            throw new FormatException($"density '{text}': '{t[..split]}' is not a number.");
        double factor = unit switch
        {
            "g/cm3" or "g/cm³" or "g/cc" => 1e3,
            "kg/m3" or "kg/m³" => 1,
            _ => throw new FormatException($"density '{text}': unknown unit '{unit}'; expected g/cm3 or kg/m3."),
        };
        if (!(v > 0) || !double.IsFinite(v))
            throw new FormatException($"density '{text}' must be positive and finite.");
        return new MassDensity(v * factor);
    }

    /// <summary>Prints in g/cm³.</summary>
    public override string ToString() => GramsPerCubicCentimeter.ToString("G6", CultureInfo.InvariantCulture) + " g/cm3";

    /// <inheritdoc/>
    public int CompareTo(MassDensity other) => KilogramsPerCubicMeter.CompareTo(other.KilogramsPerCubicMeter);
    /// <summary>Ordering.</summary>
    public static bool operator <(MassDensity a, MassDensity b) => a.KilogramsPerCubicMeter < b.KilogramsPerCubicMeter;
    /// <summary>Ordering.</summary>
    public static bool operator >(MassDensity a, MassDensity b) => a.KilogramsPerCubicMeter > b.KilogramsPerCubicMeter;
    /// <summary>Ordering.</summary>
    public static bool operator <=(MassDensity a, MassDensity b) => a.KilogramsPerCubicMeter <= b.KilogramsPerCubicMeter;
    /// <summary>Ordering.</summary>
    public static bool operator >=(MassDensity a, MassDensity b) => a.KilogramsPerCubicMeter >= b.KilogramsPerCubicMeter;
}
