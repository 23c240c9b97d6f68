using BatteryZoom.Core.Geometry;
using BatteryZoom.Core.Units;

namespace BatteryZoom.Simulation.Phantoms;

/// <summary>A solid ellipsoid of constant value added to a phantom (values of overlapping ellipsoids sum).</summary>
/// <param name="Centre">Centre in the lab frame (m).</param>
/// <param name="SemiAxes">Semi-axes a, b, c along the ellipsoid's own x', y', z' (m).</param>
/// <param name="Rotation">Rotation of x' from the lab x axis, counter-clockwise about +z.</param>
/// <param name="Value">Value added inside (e.g. μ in 1/m).</param>
public sealed record Ellipsoid(Vec3 Centre, Vec3 SemiAxes, Angle Rotation, double Value)
{
    /// <summary>True when the point lies inside (boundary included).</summary>
    public bool Contains(Vec3 p)
    {
        var q = ToUnitSphere(p - Centre);
        return q.X * q.X + q.Y * q.Y + q.Z * q.Z <= 1.0;
    }

    /// <summary>Length (m) of the chord cut by the line <c>p + t·d</c> (d need not be unit; the result is in metres along it).</summary>
    /// <remarks>In the frame where the ellipsoid is the unit sphere the line is q + t·e; |q + t·e|² = 1 has roots
    /// separated by Δt = √(B² − 4AC)/A, and the chord is Δt·|d|.</remarks>
    public double ChordLength(Vec3 p, Vec3 d)
    {
        var q = ToUnitSphere(p - Centre);
        var e = ToUnitSphere(d);
        double a = e.X * e.X + e.Y * e.Y + e.Z * e.Z;
        double b = 2 * (q.X * e.X + q.Y * e.Y + q.Z * e.Z);
        double c = q.X * q.X + q.Y * q.Y + q.Z * q.Z - 1;
        double disc = b * b - 4 * a * c;
        return disc <= 0 ? 0 : Math.Sqrt(disc) / a * d.Norm;
    }

    private Vec3 ToUnitSphere(Vec3 v)
    {
        double cs = Math.Cos(Rotation.Radians), sn = Math.Sin(Rotation.Radians);
        double x = v.X * cs + v.Y * sn, y = -v.X * sn + v.Y * cs;
        return new Vec3(x / SemiAxes.X, y / SemiAxes.Y, v.Z / SemiAxes.Z);
    }
}
