// SPDX-License-Identifier: MIT
using BatteryZoom.Core.Units;

namespace BatteryZoom.Tomography.Fbp;

/// <summary>Quadrature weights Δθᵢ of the FBP angular integral for arbitrary, non-uniform, 180° or 360° angle sets.</summary>
/// <remarks>A parallel ray at θ + π is the ray at θ reversed, so angles are reduced modulo π and each gets half the gap to
/// its neighbours on that circle (a Voronoi cell); coincident angles (θ and θ + π of a 360° scan) share their cell.
/// The weights sum to π for any set that covers the half circle, so 180°, 360° and interleaved scans need no special case.</remarks>
public static class AngleWeights
{
    /// <summary>Weights in radians, in the order of <paramref name="angles"/>.</summary>
    /// <exception cref="ArgumentException">No angles, or a non-finite angle.</exception>
    public static double[] Compute(IReadOnlyList<Angle> angles)
    {
        ArgumentNullException.ThrowIfNull(angles);
        if (angles.Count == 0) throw new ArgumentException("no angles.", nameof(angles));
        int n = angles.Count;
        var reduced = new (double Theta, int Index)[n];
        for (int i = 0; i < n; i++)
        {
            double r = angles[i].Radians;
            if (!double.IsFinite(r)) throw new ArgumentException($"angle {i} is not finite ({r}).", nameof(angles));
            r %= Math.PI;
            if (r < 0) r += Math.PI;
            reduced[i] = (r, i);
        }
        Array.Sort(reduced, (a, b) => a.Theta.CompareTo(b.Theta));
        var weights = new double[n];
        if (n == 1) { weights[0] = Math.PI; return weights; }
        // Group angles closer than a tiny tolerance: they are the same line set.
        const double Tolerance = 1e-9;
        var groups = new List<(double Theta, int Start, int Count)>();
        for (int i = 0; i < n;)
        {
            int j = i + 1;
            while (j < n && reduced[j].Theta - reduced[i].Theta < Tolerance) j++;
            groups.Add((reduced[i].Theta, i, j - i));
            i = j;
        }
        // Also merge the last group with the first across the π wrap.
        int g = groups.Count;
        if (g > 1 && groups[0].Theta + Math.PI - groups[g - 1].Theta < Tolerance)
        {
            var last = groups[g - 1];
            groups.RemoveAt(g - 1);
            groups[0] = (groups[0].Theta, last.Start, last.Count + groups[0].Count);   // indices wrap; handled below
            g--;
        }
        if (g == 1)
        {
            for (int i = 0; i < n; i++) weights[i] = Math.PI / n;
            return weights;
        }
        for (int k = 0; k < g; k++)
        {
            double prev = groups[(k - 1 + g) % g].Theta - (k == 0 ? Math.PI : 0);
            double next = groups[(k + 1) % g].Theta + (k == g - 1 ? Math.PI : 0);
            double cell = (next - prev) / 2;
            var grp = groups[k];
            for (int m = 0; m < grp.Count; m++) weights[reduced[(grp.Start + m) % n].Index] = cell / grp.Count;
        }
        return weights;
    }
}
