// SPDX-License-Identifier: MIT
using BatteryZoom.Core.Units;

namespace BatteryZoom.Tomography.Fdk;

/// <summary>The redundancy and quadrature weights of FDK: angular steps, Parker short-scan and Wang offset-detector weights.</summary>
/// <remarks>Conventions (docs/conventions.md): at angle β a ray leaves the source with fan angle <c>γ = atan(u / D_sd)</c>,
/// u along u(β). Its conjugate (the same line reversed) is the ray at <c>β' = β + π − 2γ</c>, <c>γ' = −γ</c>. Every
/// redundancy weight w satisfies <c>w(β, γ) + w(β', γ') = 1</c>. docs/algorithms/fdk.md derives each one.</remarks>
public static class FdkWeights
{
    /// <summary>Classification of an angle set.</summary>
    /// <param name="IsFullScan">The angles cover a full turn (arc + one mean step ≥ 2π − ½ step).</param>
    /// <param name="Span">Last minus first angle (radians; positive).</param>
    /// <param name="Direction">+1 when angles increase, −1 when they decrease.</param>
    /// <param name="Quadrature">Δβᵢ (radians) for the angular integral, in acquisition order; sums to 2π (full) or the arc (short).</param>
    public sealed record AngleSet(bool IsFullScan, double Span, int Direction, double[] Quadrature);

    /// <summary>Classifies <paramref name="angles"/> and computes the quadrature weights.</summary>
    /// <remarks>Full scan: angles are reduced modulo 2π and each gets half the gap to its two neighbours on the circle
    /// (non-uniform sets allowed). Short scan: the trapezoid rule on the arc from the first to the last angle.</remarks>
    /// <exception cref="ArgumentException">No angles, a non-finite angle, or angles that are not monotonic in a short scan.</exception>
    public static AngleSet Classify(IReadOnlyList<Angle> angles)
    {
        ArgumentNullException.ThrowIfNull(angles);
        int n = angles.Count;
        if (n == 0) throw new ArgumentException("no angles.", nameof(angles));
        for (int i = 0; i < n; i++)
            if (!double.IsFinite(angles[i].Radians)) throw new ArgumentException($"angle {i} is not finite.", nameof(angles));
        double first = angles[0].Radians, last = angles[n - 1].Radians;
        int direction = last >= first ? 1 : -1;
        double min = angles.Min(a => a.Radians), max = angles.Max(a => a.Radians);
        double span = max - min;
        double step = n > 1 ? span / (n - 1) : 2 * Math.PI;
        var q = new double[n];
        if (span + step >= 2 * Math.PI - 0.5 * step)
        {
            var order = new (double Theta, int Index)[n];
            for (int i = 0; i < n; i++)
            {
                double r = angles[i].Radians % (2 * Math.PI);
                if (r < 0) r += 2 * Math.PI;
                order[i] = (r, i);
            }
            Array.Sort(order, (a, b) => a.Theta.CompareTo(b.Theta));
            for (int k = 0; k < n; k++)
            {
                double prev = order[(k - 1 + n) % n].Theta - (k == 0 ? 2 * Math.PI : 0);
                double next = order[(k + 1) % n].Theta + (k == n - 1 ? 2 * Math.PI : 0);
                q[order[k].Index] = n == 1 ? 2 * Math.PI : (next - prev) / 2;
            }
            return new AngleSet(true, span, direction, q);
        }
        for (int i = 1; i < n; i++)
            if ((angles[i].Radians - angles[i - 1].Radians) * direction <= 0)
                throw new ArgumentException($"a short scan needs strictly monotonic angles; angle {i} ({angles[i]}) does not follow angle {i - 1} ({angles[i - 1]}).", nameof(angles));
        for (int i = 0; i < n; i++)
        {
            double prev = i > 0 ? Math.Abs(angles[i].Radians - angles[i - 1].Radians) : 0;
            double next = i < n - 1 ? Math.Abs(angles[i + 1].Radians - angles[i].Radians) : 0;
            q[i] = (prev + next) / 2;
        }
        return new AngleSet(false, span, direction, q);
    }

    /// <summary>Parker's weight for relative angle <paramref name="beta"/> ∈ [0, π + 2δ] and Parker fan angle <paramref name="gamma"/>.</summary>
    /// <remarks><c>w = sin²(π/4 · β/(δ − γ))</c> for β &lt; 2δ − 2γ; 1 up to π − 2γ; <c>sin²(π/4 · (π + 2δ − β)/(δ + γ))</c> up to π + 2δ;
    /// 0 outside. Here γ is Parker's fan angle, whose conjugate is β + π + 2γ: the negative of ours for increasing angles
    /// (see <see cref="ParkerFanAngle"/>). δ = (arc − π)/2 ≥ half the fan angle for complete data.</remarks>
    public static double Parker(double beta, double gamma, double delta)
    {
        if (beta < 0 || beta > Math.PI + 2 * delta) return 0;
        if (beta < 2 * delta - 2 * gamma)
        {
            double s = Math.Sin(Math.PI / 4 * beta / (delta - gamma));
            return s * s;
        }
        if (beta <= Math.PI - 2 * gamma) return 1;
        double t = Math.Sin(Math.PI / 4 * (Math.PI + 2 * delta - beta) / (delta + gamma));
        return t * t;
    }

    /// <summary>Parker's fan angle for a ray at detector coordinate <paramref name="u"/> (m): −direction · atan(u / D_sd).</summary>
    public static double ParkerFanAngle(double u, double sourceToDetector, int direction) => -direction * Math.Atan(u / sourceToDetector);

    /// <summary>Wang's offset-detector weight at detector coordinate <paramref name="u"/> (m) for a detector covering [uMin, uMax].</summary>
    /// <remarks>With the long side towards +u and overlap half-width Δ = −uMin: 0 for u &lt; −Δ, <c>sin²(π/4 · (u + Δ)/Δ)</c> on
    /// |u| ≤ Δ, 1 beyond; mirrored when the long side is −u. Then w(u) + w(−u) = 1 (Wang 2002).</remarks>
    public static double Wang(double u, double uMin, double uMax, double minimumOverlap)
    {
        bool longPositive = uMax >= -uMin;
        if (!longPositive) { (uMin, uMax) = (-uMax, -uMin); u = -u; }
        double delta = Math.Max(-uMin, minimumOverlap);
        if (u <= -delta) return 0;
        if (u >= delta) return 1;
        double s = Math.Sin(Math.PI / 4 * (u + delta) / delta);
        return s * s;
    }
}
