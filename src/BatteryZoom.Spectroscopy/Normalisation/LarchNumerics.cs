using System.Numerics.Tensors;

namespace BatteryZoom.Spectroscopy.Normalisation;

/// <summary>The small numerical helpers that Larch's pre_edge and find_e0 rely on, reproduced with their exact index rules.</summary>
/// <remarks>Written from a reading of larch/math (index_of, index_nearest, smooth, polyfit) and larch/xafs/pre_edge.py
/// (find_energy_step); see docs/algorithms/xanes.md. NumPy's conventions (banker's rounding, one-sided gradient ends,
/// 'valid' convolution) are kept because they decide which grid points enter a fit.</remarks>
internal static class LarchNumerics
{
    /// <summary>Larch index_of: the last index with a[i] ≤ value, or 0 when value is below a[0].</summary>
    public static int IndexOf(ReadOnlySpan<double> a, double value)
    {
        if (value < Min(a)) return 0;
        int found = 0;
        for (int i = 0; i < a.Length; i++) if (a[i] <= value) found = i;
        return found;
    }

    /// <summary>Larch index_nearest: the first index minimising |a[i] − value|.</summary>
    public static int IndexNearest(ReadOnlySpan<double> a, double value)
    {
        int best = 0; double d = double.PositiveInfinity;
        for (int i = 0; i < a.Length; i++)
        {
            double e = Math.Abs(a[i] - value);
            if (e < d) { d = e; best = i; }
        }
        return best;
    }

    private static double Min(ReadOnlySpan<double> a) { double m = double.PositiveInfinity; foreach (var v in a) if (v < m) m = v; return m; }

    /// <summary>np.gradient(y)/np.gradient(x) with unit spacing: central differences inside, one-sided at the ends.</summary>
    public static double[] DerivativeRatio(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        int n = x.Length;
        var d = new double[n];
        if (n < 2) return d;
        d[0] = (y[1] - y[0]) / (x[1] - x[0]);
        d[n - 1] = (y[n - 1] - y[n - 2]) / (x[n - 1] - x[n - 2]);
        for (int i = 1; i < n - 1; i++) d[i] = (y[i + 1] - y[i - 1]) / (x[i + 1] - x[i - 1]);
        return d;
    }

    /// <summary>Larch find_energy_step: mean of the smallest steps after skipping 1 % (NaN when fewer than 100 points, as in Larch).</summary>
    public static double FindEnergyStep(ReadOnlySpan<double> energy, double fracIgnore = 0.01, int nave = 10)
    {
        int n = energy.Length;
        int nskip = (int)(fracIgnore * n);
        // energy[e_ordered] is energy[0..n-2] for sorted input; NumPy's [nskip:-nskip] is empty when nskip = 0.
        int lo = nskip, hi = nskip == 0 ? 0 : (n - 1) - nskip;
        if (hi - lo < 2) return double.NaN;
        var diffs = new double[hi - lo - 1];
        for (int i = lo; i < hi - 1; i++) diffs[i - lo] = energy[i + 1] - energy[i];
        Array.Sort(diffs);
        int a = Math.Min(nskip, diffs.Length), b = Math.Min(nskip + nave, diffs.Length);
        if (b <= a) return double.NaN;
        double s = 0; for (int i = a; i < b; i++) s += diffs[i];
        return s / (b - a);
    }

    /// <summary>Larch smooth(x, y, sigma, xstep) with its default Lorentzian form and npad = 5.</summary>
    public static double[] SmoothLorentzian(ReadOnlySpan<double> x, ReadOnlySpan<double> y, double sigma, double xstep)
    {
        const int npad = 5;
        double xmin = xstep * Math.Truncate((x[0] - npad * xstep) / xstep);
        double xmax = xstep * Math.Truncate((x[^1] + npad * xstep) / xstep);
        int npts1 = 1 + (int)(Math.Abs(xmax - xmin + xstep * 0.1) / xstep);
        int npts = Math.Min(npts1, 50 * x.Length);
        var x0 = new double[npts];
        for (int i = 0; i < npts; i++) x0[i] = npts == 1 ? xmin : xmin + (xmax - xmin) * i / (npts - 1);
        var y0 = new double[npts];
        for (int i = 0; i < npts; i++) y0[i] = Interp(x0[i], x, y);
        double s = sigma / xstep;
        // Window w[m] = L(m − npts), m = 0..2npts−1, normalised to unit sum.
        var w = new double[2 * npts];
        double sum = 0;
        for (int m = 0; m < w.Length; m++) { double u = (m - npts) / s; w[m] = 1.0 / (1.0 + u * u); sum += w[m]; }
        // 'valid' convolution with the reflected extension y1 = y0[npts-1..1], y0, y0[npts-1..0]: out[k] = Σ_m w[m]·y1[k+2npts−1−m].
        var y1 = new double[3 * npts - 1];
        for (int i = 0; i < npts - 1; i++) y1[i] = y0[npts - 1 - i];
        Array.Copy(y0, 0, y1, npts - 1, npts);
        for (int i = 0; i < npts; i++) y1[2 * npts - 1 + i] = y0[npts - 1 - i];
        var wr = new double[2 * npts];
        for (int m = 0; m < wr.Length; m++) wr[m] = w[wr.Length - 1 - m] / sum;
        var y2 = new double[npts];
        for (int k = 0; k < npts; k++) y2[k] = TensorPrimitives.Dot<double>(wr, y1.AsSpan(k, 2 * npts));
        var result = new double[x.Length];
        for (int i = 0; i < x.Length; i++) result[i] = Interp(x[i], x0, y2);
        return result;
    }

    /// <summary>np.interp: linear, clamped to the end values outside the table.</summary>
    public static double Interp(double xv, ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        if (xv <= x[0]) return y[0];
        if (xv >= x[^1]) return y[^1];
        int lo = 0, hi = x.Length - 1;
        while (hi - lo > 1) { int mid = (lo + hi) >> 1; if (x[mid] <= xv) lo = mid; else hi = mid; }
        double t = (xv - x[lo]) / (x[hi] - x[lo]);
        return y[lo] + t * (y[hi] - y[lo]);
    }

    /// <summary>Least-squares polynomial of degree <paramref name="degree"/> in the variable (x − <paramref name="origin"/>)/<paramref name="scale"/>,
    /// coefficients in increasing order. Householder QR on the scaled Vandermonde matrix (as NumPy's Polynomial.fit maps x to [−1, 1]).</summary>
    /// <exception cref="ArgumentException">Fewer points than coefficients.</exception>
    public static double[] PolyFit(ReadOnlySpan<double> x, ReadOnlySpan<double> y, int degree, double origin, double scale)
    {
        int m = x.Length, p = degree + 1;
        if (m < p) throw new ArgumentException($"a degree-{degree} fit needs at least {p} points; got {m}.", nameof(x));
        var a = new double[m, p];
        var b = new double[m];
        for (int i = 0; i < m; i++)
        {
            double t = (x[i] - origin) / scale, v = 1;
            for (int j = 0; j < p; j++) { a[i, j] = v; v *= t; }
            b[i] = y[i];
        }
        return SolveLeastSquares(a, b, m, p);
    }

    private static double[] SolveLeastSquares(double[,] a, double[] b, int m, int p)
    {
        for (int k = 0; k < p; k++)
        {
            double norm = 0;
            for (int i = k; i < m; i++) norm += a[i, k] * a[i, k];
            norm = Math.Sqrt(norm);
            if (norm == 0) continue;
            double alpha = a[k, k] > 0 ? -norm : norm;
            double v0 = a[k, k] - alpha;
            // Householder vector v = (v0, a[k+1..m-1, k]); H = I − 2vvᵀ/(vᵀv).
            double vtv = v0 * v0;
            for (int i = k + 1; i < m; i++) vtv += a[i, k] * a[i, k];
            if (vtv == 0) continue;
            for (int j = k + 1; j < p; j++)
            {
                double s = v0 * a[k, j];
                for (int i = k + 1; i < m; i++) s += a[i, k] * a[i, j];
                s = 2 * s / vtv;
                a[k, j] -= s * v0;
                for (int i = k + 1; i < m; i++) a[i, j] -= s * a[i, k];
            }
            {
                double s = v0 * b[k];
                for (int i = k + 1; i < m; i++) s += a[i, k] * b[i];
                s = 2 * s / vtv;
                b[k] -= s * v0;
                for (int i = k + 1; i < m; i++) b[i] -= s * a[i, k];
            }
            a[k, k] = alpha;
        }
        var c = new double[p];
        for (int k = p - 1; k >= 0; k--)
        {
            double s = b[k];
            for (int j = k + 1; j < p; j++) s -= a[k, j] * c[j];
            c[k] = a[k, k] == 0 ? 0 : s / a[k, k];
        }
        return c;
    }
}
