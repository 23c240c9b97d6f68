// SPDX-License-Identifier: MIT
using BatteryZoom.Core.Geometry;

namespace BatteryZoom.Simulation.Phantoms;

/// <summary>A solid finite right circular cylinder of constant value (values of overlapping shapes sum).</summary>
/// <param name="Centre">Centre of the cylinder (midway between its end caps), lab frame (m).</param>
/// <param name="Axis">Direction of the cylinder axis (need not be unit; normalised on use).</param>
/// <param name="Radius">Radius (m).</param>
/// <param name="HalfHeight">Half the length along the axis (m); <see cref="double.PositiveInfinity"/> for an endless cylinder.</param>
/// <param name="Value">Value added inside (e.g. μ in 1/m).</param>
public sealed record Cylinder(Vec3 Centre, Vec3 Axis, double Radius, double HalfHeight, double Value)
{
    /// <summary>An upright cylinder (axis +z).</summary>
    public static Cylinder Upright(Vec3 centre, double radius, double halfHeight, double value) =>
        new(centre, new Vec3(0, 0, 1), radius, halfHeight, value);

    /// <summary>True when the point lies inside (boundary included).</summary>
    public bool Contains(Vec3 p)
    {
        var a = Axis.Normalized();
        var q = p - Centre;
        double along = Vec3.Dot(q, a);
        var radial = q - a * along;
        return Math.Abs(along) <= HalfHeight && Vec3.Dot(radial, radial) <= Radius * Radius;
    }

    /// <summary>Exact length (m) of the chord cut by the line <c>p + t·d</c>.</summary>
    /// <remarks>The line meets the infinite cylinder for t in the roots of <c>|q⊥ + t·e⊥|² = r²</c> and the slab between the
    /// caps for <c>|q·a + t·d·a| ≤ h</c>; the chord is the length of the intersection of both t intervals times |d|.</remarks>
    public double ChordLength(Vec3 p, Vec3 d)
    {
        var a = Axis.Normalized();
        var q = p - Centre;
        double qa = Vec3.Dot(q, a), da = Vec3.Dot(d, a);
        var qp = q - a * qa;
        var dp = d - a * da;
        double lo = double.NegativeInfinity, hi = double.PositiveInfinity;
        double A = Vec3.Dot(dp, dp), B = 2 * Vec3.Dot(qp, dp), C = Vec3.Dot(qp, qp) - Radius * Radius;
        if (A <= 1e-30 * Vec3.Dot(d, d))
        {
            if (C > 0) return 0;          // parallel to the axis and outside the radius
        }
        else
        {
            double disc = B * B - 4 * A * C;
            if (disc <= 0) return 0;
            double sq = Math.Sqrt(disc);
            lo = (-B - sq) / (2 * A);
            hi = (-B + sq) / (2 * A);
        }
        if (double.IsFinite(HalfHeight))
        {
            if (Math.Abs(da) <= 1e-300)
            {
                if (Math.Abs(qa) > HalfHeight) return 0;
            }
            else
            {
                double t1 = (-HalfHeight - qa) / da, t2 = (HalfHeight - qa) / da;
                lo = Math.Max(lo, Math.Min(t1, t2));
                hi = Math.Min(hi, Math.Max(t1, t2));
            }
        }
        if (!(hi > lo) || double.IsInfinity(hi - lo)) return hi > lo ? double.PositiveInfinity : 0;
        return (hi - lo) * d.Norm;
    }
}
