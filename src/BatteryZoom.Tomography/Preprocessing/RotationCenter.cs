// SPDX-License-Identifier: MIT
using BatteryZoom.Core.Data;
using BatteryZoom.Core.Diagnostics;
using BatteryZoom.Core.Geometry;
using BatteryZoom.Core.Units;

namespace BatteryZoom.Tomography.Preprocessing;

/// <summary>Rotation-axis estimation for parallel-beam scans, in pixels from the centre of column 0 (TomoPy's "center").</summary>
/// <remarks>
/// A projection at θ + π is the mirror image of the one at θ about the axis column c: <c>p_{θ+π}[j] = p_θ[2c − j]</c>.
/// <see cref="FromOpposingProjections"/> finds the shift s = 2c − (N − 1) that best aligns p_θ with the reversed p_{θ+π}
/// by normalised cross-correlation (the 0°/180° method; a parabola through the peak gives sub-pixel precision).
/// <see cref="FromSinogram"/> uses every opposing pair of a sinogram and minimises the mean squared mismatch
/// <c>Σ (p_a[k] − p_b[2c − k])²</c> with linear interpolation, on a coarse then a 0.01-px grid: noise averages over pairs.
/// See docs/algorithms/fbp.md ("Preprocessing").
/// </remarks>
public static class RotationCenter
{
    /// <summary>Centre from two projections (or two rows) taken 180° apart.</summary>
    /// <exception cref="ArgumentException">Different lengths or fewer than 8 columns.</exception>
    public static double FromOpposingProjections(ReadOnlySpan<float> at0, ReadOnlySpan<float> at180)
    {
        int n = at0.Length;
        if (at180.Length != n) throw new ArgumentException($"the projections have {n} and {at180.Length} columns.", nameof(at180));
        if (n < 8) throw new ArgumentException("need at least 8 columns.", nameof(at0));
        var flipped = new double[n];
        for (int k = 0; k < n; k++) flipped[k] = at180[n - 1 - k];
        var a = new double[n];
        for (int k = 0; k < n; k++) a[k] = at0[k];
        int maxShift = n / 2;
        var score = new double[2 * maxShift + 1];
        for (int s = -maxShift; s <= maxShift; s++) score[s + maxShift] = Ncc(a, flipped, s);
        int best = 0;
        for (int i = 1; i < score.Length; i++) if (score[i] > score[best]) best = i;
        double sub = 0;
        if (best > 0 && best < score.Length - 1)
        {
            double l = score[best - 1], m = score[best], r = score[best + 1], den = l - 2 * m + r;
            if (den < 0) sub = 0.5 * (l - r) / den;
        }
        double shift = best - maxShift + sub;
        return (shift + n - 1) / 2.0;
    }

    // Normalised cross-correlation of a[k + s] with b[k] over their overlap.
    private static double Ncc(double[] a, double[] b, int s)
    {
        int n = a.Length, k0 = Math.Max(0, -s), k1 = Math.Min(n, n - s);
        if (k1 - k0 < n / 4) return double.NegativeInfinity;
        double ma = 0, mb = 0;
        for (int k = k0; k < k1; k++) { ma += a[k + s]; mb += b[k]; }
        ma /= k1 - k0; mb /= k1 - k0;
        double sab = 0, saa = 0, sbb = 0;
        for (int k = k0; k < k1; k++)
        {
            double x = a[k + s] - ma, y = b[k] - mb;
            sab += x * y; saa += x * x; sbb += y * y;
        }
        return saa > 0 && sbb > 0 ? sab / Math.Sqrt(saa * sbb) : double.NegativeInfinity;
    }

    /// <summary>Centre from one sinogram [angle, column] using every pair of angles 180° apart (to half an angular step).</summary>
    /// <exception cref="IncompatibleInputException">No two angles are 180° apart (e.g. a scan over less than 180°).</exception>
    public static double FromSinogram(ReadOnlySpan<float> sinogram, IReadOnlyList<Angle> angles, int columns)
    {
        ArgumentNullException.ThrowIfNull(angles);
        var rows = new List<float[]>();
        var pairs = Pairs(angles);
        if (pairs.Count == 0)
            throw new IncompatibleInputException(
                $"rotation centre: no two of the {angles.Count} angles ({angles.Min()} .. {angles.Max()}) are 180° apart; include the 180° projection or give --center.");
        foreach (var (a, b) in pairs)
        {
            rows.Add(sinogram.Slice(a * columns, columns).ToArray());
            rows.Add(sinogram.Slice(b * columns, columns).ToArray());
        }
        return Minimise(rows, columns);
    }

    /// <summary>Centre of a scan from the sinograms of a band of rows around <paramref name="row"/> (default: the middle row).</summary>
    /// <exception cref="IncompatibleInputException">Not parallel beam, raw counts, or no angles 180° apart.</exception>
    public static double Estimate(ProjectionSet scan, int? row = null, int band = 5) => Estimate(scan, row, band, 0.25);

    /// <summary>Centre by the opposing-pair search when two angles are 180° apart, otherwise by Vo's Fourier-space metric
    /// (<see cref="FourierCentreMetric"/>, angles uniform over [0°, 180°)); <paramref name="method"/> names the one used.</summary>
    /// <exception cref="IncompatibleInputException">Not parallel beam, raw counts, or neither method applies.</exception>
    public static double EstimateAuto(ProjectionSet scan, out string method)
    {
        ArgumentNullException.ThrowIfNull(scan);
        if (scan.Geometry is ParallelBeam g && Pairs(g.Angles).Count == 0)
        {
            method = "Fourier-space metric (Vo et al. 2014)";
            return FourierCentreMetric.Estimate(scan);
        }
        method = "opposing projections";
        return Estimate(scan);
    }

    /// <summary>Like <see cref="Estimate(ProjectionSet, int?, int)"/> but searches the whole detector (the axis of a 360°
    /// half-acquisition scan sits near one edge; at least 5 % of the detector must overlap).</summary>
    /// <exception cref="IncompatibleInputException">Not parallel beam, raw counts, or no angles 180° apart.</exception>
    public static double EstimateOffsetAxis(ProjectionSet scan, int? row = null, int band = 5) => Estimate(scan, row, band, 0.025);

    private static double Estimate(ProjectionSet scan, int? row, int band, double margin)
    {
        ArgumentNullException.ThrowIfNull(scan);
        if (scan.Geometry is not ParallelBeam geometry)
            throw new IncompatibleInputException($"rotation centre: needs ParallelBeam geometry; got {scan.Geometry.GetType().Name}.");
        if (scan.Domain == IntensityDomain.Raw)
            throw new IncompatibleInputException("rotation centre: needs normalised data; the scan holds raw counts. Run preprocess.flatfield first.");
        int nr = scan.Projections.Rows, nc = scan.Projections.Columns;
        int r0 = row ?? nr / 2;
        var pairs = Pairs(geometry.Angles);
        if (pairs.Count == 0)
            throw new IncompatibleInputException(
                $"rotation centre: no two of the {geometry.Angles.Count} angles are 180° apart; include the 180° projection or give --center.");
        var rows = new List<float[]>();
        for (int r = Math.Max(0, r0 - band / 2); r <= Math.Min(nr - 1, r0 + band / 2); r++)
            foreach (var (a, b) in pairs)
            {
                var x = new float[nc]; var y = new float[nc];
                scan.Projections.ReadRow(a, r, x);
                scan.Projections.ReadRow(b, r, y);
                rows.Add(x); rows.Add(y);
            }
        return Minimise(rows, nc, margin);
    }

    /// <summary>Index pairs (a, b) with θ_b ≈ θ_a + π, at most 64 spread over the scan.</summary>
    internal static List<(int A, int B)> Pairs(IReadOnlyList<Angle> angles)
    {
        var result = AllPairs(angles);
        if (result.Count <= 64) return result;
        var thinned = new List<(int, int)>();
        for (int i = 0; i < 64; i++) thinned.Add(result[(int)((long)i * result.Count / 64)]);
        return thinned;
    }

    /// <summary>Every index pair (a, b) with θ_b ≈ θ_a + π (to half an angular step).</summary>
    internal static List<(int A, int B)> AllPairs(IReadOnlyList<Angle> angles)
    {
        int n = angles.Count;
        var result = new List<(int, int)>();
        if (n < 2) return result;
        var sorted = angles.Select(a => a.Radians).Order().ToArray();
        double step = n > 1 ? (sorted[^1] - sorted[0]) / (n - 1) : 0;
        double tolerance = Math.Max(0.5 * step, 1e-6);
        for (int a = 0; a < n; a++)
        {
            int best = -1; double bestErr = double.MaxValue;
            for (int b = 0; b < n; b++)
            {
                double d = angles[b].Radians - angles[a].Radians - Math.PI;
                d = Math.IEEERemainder(d, 2 * Math.PI);
                if (Math.Abs(d) < bestErr) { bestErr = Math.Abs(d); best = b; }
            }
            if (bestErr <= tolerance && angles[best].Radians > angles[a].Radians) result.Add((a, best));
        }
        return result;
    }

    private static double Minimise(List<float[]> rows, int n, double margin = 0.25)
    {
        // Coarse: 0.5-px steps over centres that keep at least 2·margin of the detector overlapping.
        double lo = margin * n, hi = (1 - margin) * n - 1;
        double best = Search(rows, n, lo, hi, 0.5);
        best = Search(rows, n, best - 0.75, best + 0.75, 0.05);
        return Search(rows, n, best - 0.06, best + 0.06, 0.005);
    }

    private static double Search(List<float[]> rows, int n, double lo, double hi, double step)
    {
        double bestC = lo, bestCost = double.MaxValue;
        for (double c = lo; c <= hi + 1e-9; c += step)
        {
            double cost = Cost(rows, n, c);
            if (cost < bestCost) { bestCost = cost; bestC = c; }
        }
        return bestC;
    }

    // Squared mismatch between p_a[k] and p_b(2c − k) over the overlap, relative to the energy there, so a small overlap
    // of empty (air) columns does not win.
    private static double Cost(List<float[]> rows, int n, double c)
    {
        double total = 0, energy = 0;
        for (int p = 0; p < rows.Count; p += 2)
        {
            var a = rows[p]; var b = rows[p + 1];
            for (int k = 0; k < n; k++)
            {
                double j = 2 * c - k;
                if (j < 0 || j > n - 1) continue;
                int j0 = Math.Min((int)j, n - 2);
                double w = j - j0;
                double v = b[j0] + w * (b[j0 + 1] - b[j0]);
                double d = a[k] - v;
                total += d * d;
                energy += a[k] * a[k] + v * v;
            }
        }
        return energy <= 0 ? double.MaxValue : total / energy;
    }
}
