namespace BatteryZoom.Core.Geometry;

/// <summary>A point or direction in the lab frame, components in metres (or dimensionless for directions), float64.</summary>
/// <remarks>Right-handed lab frame, rotation axis along +z (docs/conventions.md). Geometry is kept in float64 because
/// high magnification (source–axis of millimetres, pixels of micrometres) loses float32 precision.</remarks>
public readonly record struct Vec3(double X, double Y, double Z)
{
    /// <summary>The origin.</summary>
    public static Vec3 Zero => new(0, 0, 0);
    /// <summary>Euclidean norm.</summary>
    public double Norm => Math.Sqrt(X * X + Y * Y + Z * Z);
    /// <summary>Unit vector of the same direction.</summary>
    public Vec3 Normalized() { double n = Norm; return new(X / n, Y / n, Z / n); }
    /// <summary>Dot product.</summary>
    public static double Dot(Vec3 a, Vec3 b) => a.X * b.X + a.Y * b.Y + a.Z * b.Z;
    /// <summary>Cross product.</summary>
    public static Vec3 Cross(Vec3 a, Vec3 b) => new(a.Y * b.Z - a.Z * b.Y, a.Z * b.X - a.X * b.Z, a.X * b.Y - a.Y * b.X);
    /// <summary>Sum.</summary>
    public static Vec3 operator +(Vec3 a, Vec3 b) => new(a.X + b.X, a.Y + b.Y, a.Z + b.Z);
    /// <summary>Difference.</summary>
    public static Vec3 operator -(Vec3 a, Vec3 b) => new(a.X - b.X, a.Y - b.Y, a.Z - b.Z);
    /// <summary>Negation.</summary>
    public static Vec3 operator -(Vec3 a) => new(-a.X, -a.Y, -a.Z);
    /// <summary>Scaling.</summary>
    public static Vec3 operator *(Vec3 a, double s) => new(a.X * s, a.Y * s, a.Z * s);
    /// <summary>Scaling.</summary>
    public static Vec3 operator *(double s, Vec3 a) => new(a.X * s, a.Y * s, a.Z * s);
}
