namespace BatteryZoom.Core.Units;

/// <summary>A plane angle, stored in radians.</summary>
/// <remarks>Parse accepts "90 deg", "90°", "1.5708 rad", "20 mrad". Positive angles turn counter-clockwise seen from +z (docs/conventions.md).</remarks>
public readonly record struct Angle(double Radians) : IComparable<Angle>
{
    private static readonly Dictionary<string, double> Factors = new(StringComparer.Ordinal)
    {
        ["rad"] = 1, ["mrad"] = 1e-3, ["urad"] = 1e-6, ["deg"] = Math.PI / 180, ["°"] = Math.PI / 180,
    };

    /// <summary>Zero angle.</summary>
    public static Angle Zero => new(0);
    /// <summary>The angle in degrees.</summary>
    public double Degrees => Radians * 180 / Math.PI;
    /// <summary>From degrees.</summary>
    public static Angle FromDegrees(double degrees) => new(degrees * Math.PI / 180);

    /// <summary>Parses an angle with its unit (rad, mrad, urad, deg, °).</summary>
    /// <exception cref="FormatException">No unit, an unknown unit, or not a number.</exception>
    public static Angle Parse(string text) => new(UnitParser.Parse(text, "angle", Factors));

    /// <summary>Prints in degrees.</summary>
    public override string ToString() => UnitParser.Format(Degrees, "deg");

    /// <inheritdoc/>
    public int CompareTo(Angle other) => Radians.CompareTo(other.Radians);
    /// <summary>Sum.</summary>
    public static Angle operator +(Angle a, Angle b) => new(a.Radians + b.Radians);
    /// <summary>Difference.</summary>
    public static Angle operator -(Angle a, Angle b) => new(a.Radians - b.Radians);
    /// <summary>Scaling.</summary>
    public static Angle operator *(Angle a, double s) => new(a.Radians * s);
    /// <summary>Ordering.</summary>
    public static bool operator <(Angle a, Angle b) => a.Radians < b.Radians;
    /// <summary>Ordering.</summary>
    public static bool operator >(Angle a, Angle b) => a.Radians > b.Radians;
    /// <summary>Ordering.</summary>
    public static bool operator <=(Angle a, Angle b) => a.Radians <= b.Radians;
    /// <summary>Ordering.</summary>
    public static bool operator >=(Angle a, Angle b) => a.Radians >= b.Radians;
}
