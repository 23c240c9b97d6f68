namespace BatteryZoom.Core.Units;

/// <summary>A length, stored in metres (SI).</summary>
/// <remarks>Parse accepts "0.65 um", "0.65 µm", "35 mm", "70 nm", "1.2 m"; a bare number is an error.</remarks>
public readonly record struct Length(double Meters) : IComparable<Length>
{
    private static readonly Dictionary<string, double> Factors = new(StringComparer.Ordinal)
    {
        ["m"] = 1, ["cm"] = 1e-2, ["mm"] = 1e-3, ["um"] = 1e-6, ["µm"] = 1e-6, ["μm"] = 1e-6, ["nm"] = 1e-9, ["pm"] = 1e-12, ["A"] = 1e-10, ["Å"] = 1e-10,
    };

    /// <summary>Zero length.</summary>
    public static Length Zero => new(0);
    /// <summary>Length in millimetres.</summary>
    public double Millimeters => Meters * 1e3;
    /// <summary>Length in micrometres.</summary>
    public double Micrometers => Meters * 1e6;
    /// <summary>Length in nanometres.</summary>
    public double Nanometers => Meters * 1e9;

    /// <summary>From millimetres.</summary>
    public static Length FromMillimeters(double mm) => new(mm * 1e-3);
    /// <summary>From micrometres.</summary>
    public static Length FromMicrometers(double um) => new(um * 1e-6);
    /// <summary>From nanometres.</summary>
    public static Length FromNanometers(double nm) => new(nm * 1e-9);

    /// <summary>Parses a length with its unit (m, cm, mm, um/µm, nm, pm, A/Å).</summary>
    /// <exception cref="FormatException">No unit, an unknown unit, or not a number.</exception>
    public static Length Parse(string text) => new(UnitParser.Parse(text, "length", Factors));

    /// <summary>Prints in the most readable of m, mm, um, nm.</summary>
    public override string ToString()
    {
        double a = Math.Abs(Meters);
        if (a == 0) return "0 m";
        if (a >= 1) return UnitParser.Format(Meters, "m");
        if (a >= 1e-3) return UnitParser.Format(Millimeters, "mm");
        if (a >= 1e-6) return UnitParser.Format(Micrometers, "um");
        return UnitParser.Format(Nanometers, "nm");
    }

    /// <inheritdoc/>
    public int CompareTo(Length other) => Meters.CompareTo(other.Meters);
    /// <summary>Sum.</summary>
    public static Length operator +(Length a, Length b) => new(a.Meters + b.Meters);
    /// <summary>Difference.</summary>
    public static Length operator -(Length a, Length b) => new(a.Meters - b.Meters);
    /// <summary>Scaling.</summary>
    public static Length operator *(Length a, double s) => new(a.Meters * s);
    /// <summary>Scaling.</summary>
    public static Length operator *(double s, Length a) => new(a.Meters * s);
    /// <summary>Scaling.</summary>
    public static Length operator /(Length a, double s) => new(a.Meters / s);
    /// <summary>Dimensionless ratio.</summary>
    public static double operator /(Length a, Length b) => a.Meters / b.Meters;
    /// <summary>Ordering.</summary>
    public static bool operator <(Length a, Length b) => a.Meters < b.Meters;
    /// <summary>Ordering.</summary>
    public static bool operator >(Length a, Length b) => a.Meters > b.Meters;
    /// <summary>Ordering.</summary>
    public static bool operator <=(Length a, Length b) => a.Meters <= b.Meters;
    /// <summary>Ordering.</summary>
    public static bool operator >=(Length a, Length b) => a.Meters >= b.Meters;
}
