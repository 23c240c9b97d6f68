using BatteryZoom.Core.Units;

namespace BatteryZoom.Spectroscopy.Normalisation;

/// <summary>E0, the energy of the steepest rise of μ(E), found as Larch's <c>find_e0</c> does.</summary>
/// <remarks>
/// Reproduces xraylarch's <c>find_e0</c> (larch/xafs/pre_edge.py, the version named in docs/algorithms/xanes.md): a first pass on the
/// unsmoothed derivative dμ/dE finds the largest value that has high-derivative neighbours on both sides (values rescaled to
/// [0, 1] over the inner 96 % of points, threshold 0.6, lowered to 0.3 and 0.15 when fewer than 3 points pass); a second pass
/// over ±75 points around it repeats the search on the derivative convolved with a Lorentzian of width
/// <c>estep = ½(clamp(Δ, 0.01, 1) + clamp(E1/25000, 0.01, 1))</c> eV. Like Larch the result is a grid energy, not interpolated.
/// </remarks>
public static class EdgeFinder
{
    /// <summary>Larch's find_e0 on strictly increasing energies (eV) and μ.</summary>
    /// <exception cref="ArgumentException">Fewer than 10 points, or lengths differ.</exception>
    public static Energy FindE0(ReadOnlySpan<double> energiesEv, ReadOnlySpan<double> mu)
    {
        if (energiesEv.Length != mu.Length) throw new ArgumentException($"energies ({energiesEv.Length}) and mu ({mu.Length}) differ in length.", nameof(mu));
        if (energiesEv.Length < 10) throw new ArgumentException($"find_e0 needs at least 10 points; got {energiesEv.Length}.", nameof(energiesEv));
        int n = energiesEv.Length;
        var (e1, ie0, estep1) = FindE0Pass(energiesEv, mu, double.NaN, useSmooth: false);
        int istart = Math.Max(3, ie0 - 75), istop = Math.Min(ie0 + 75, n - 3);
        if (ie0 < 0.05 * n)
        {
            // Larch: e0 in the first 5 % of points is most likely a glitch; widen the refinement window.
            double mean = 0; foreach (var e in energiesEv) mean += e;
            e1 = mean / n;
            istart = Math.Max(3, ie0 - 20);
            istop = n - 3;
        }
        double estep = 0.5 * (ClampLikePython(estep1) + Math.Max(0.01, Math.Min(1.0, e1 / 25000.0)));
        if (istop - istart < 4) return new Energy(e1);
        var (e0, ix, _) = FindE0Pass(energiesEv[istart..istop], mu[istart..istop], estep, useSmooth: true);
        if (ix < 1) e0 = energiesEv[istart + 2];
        return new Energy(e0);
    }

    // Python's max(0.01, min(1.0, v)) returns 1.0 for v = NaN (NaN compares false): keep that.
    private static double ClampLikePython(double v) => Math.Max(0.01, double.IsNaN(v) ? 1.0 : Math.Min(1.0, v));

    private static (double E, int Index, double Estep) FindE0Pass(ReadOnlySpan<double> energyIn, ReadOnlySpan<double> muIn, double estep, bool useSmooth)
    {
        // Larch keeps only the points where np.diff(np.argsort(en)) == 1, which for sorted data drops the last point.
        int n = energyIn.Length - 1;
        var en = energyIn[..n];
        var mu = muIn[..n];
        if (double.IsNaN(estep) && !useSmooth) estep = LarchNumerics.FindEnergyStep(en);
        int nmin = Math.Max(3, (int)(n * 0.02));
        double[] dmu = LarchNumerics.DerivativeRatio(en, mu);
        if (useSmooth) dmu = LarchNumerics.SmoothLorentzian(en, dmu, estep, estep);
        for (int i = 0; i < n; i++) if (!double.IsFinite(dmu[i])) dmu[i] = -1.0;
        if (n - 2 * nmin <= 0) return (en[0], 0, estep);
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        for (int i = nmin; i < n - nmin; i++) { min = Math.Min(min, dmu[i]); max = Math.Max(max, dmu[i]); }
        double ptp = Math.Max(1e-10, max - min);
        for (int i = 0; i < n; i++) dmu[i] = (dmu[i] - min) / ptp;
        double dhigh = n > 20 ? 0.60 : 0.30;
        var high = Above(dmu, dhigh);
        if (high.Count < 3)
        {
            for (int k = 0; k < 2; k++)
            {
                if (high.Count > 3) break;
                dhigh *= 0.5;
                high = Above(dmu, dhigh);
            }
        }
        if (high.Count < 3) { high = []; for (int i = 0; i < n; i++) if (double.IsFinite(dmu[i])) high.Add(i); }
        var set = new HashSet<int>(high);
        int imax = 0; double dmax = 0;
        foreach (int i in high)
        {
            if (i < nmin || i > n - nmin) continue;
            if (dmu[i] > dmax && set.Contains(i + 1) && set.Contains(i - 1)) { imax = i; dmax = dmu[i]; }
        }
        return (en[imax], imax, estep);
    }

    private static List<int> Above(double[] d, double t)
    {
        var l = new List<int>();
        for (int i = 0; i < d.Length; i++) if (d[i] > t) l.Add(i);
        return l;
    }
}
