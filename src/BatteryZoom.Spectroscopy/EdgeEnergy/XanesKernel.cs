using BatteryZoom.Spectroscopy.Normalisation;

namespace BatteryZoom.Spectroscopy.EdgeEnergy;

/// <summary>Per-spectrum work on one energy grid: normalisation by a <see cref="PreEdgePlan"/>, edge energy at a level, white line,
/// edge step and residual. One instance per thread (it owns scratch buffers).</summary>
/// <remarks>
/// Edge energy: from the grid point nearest E0 the normalised spectrum is walked down (if it is at or above the level there) or
/// up (if below) to the first pair of points that brackets the level, and interpolated linearly between them. With
/// <see cref="EdgeEnergyOptions.LocalFit"/>, a least-squares polynomial over ±half-width around that estimate is solved for the level
/// (root nearest the window centre; two re-centring passes): noise no longer biases the result toward the first bracketing pair.
/// Then (<see cref="EdgeEnergyOptions.LocalFitBiasCorrection"/>) the second-order bias of inverting a curved edge at a noisy level is
/// removed: E½ += ½·(n''/n'³)·σ², σ² = σ_n²·(xᵀ(AᵀA)⁻¹x + Σ_j(∂n(E½)/∂μ_j·S)²), σ_n the dof-corrected RMS of the pre/post fits over S.
/// With a <see cref="LocalFitCalibration"/> table (and <see cref="EdgeEnergyOptions.LocalFitCalibration"/>) the simulated noise bias
/// b(ŝ), ŝ = σ_n, is subtracted instead: it also removes the window-selection bias that the second-order term leaves (≈ −0.1 eV at 20 %).
/// White line: highest normalised point within the search range above the edge energy, refined by the vertex of the parabola
/// through it and its two neighbours (non-uniform spacing allowed).
/// </remarks>
public sealed class XanesKernel
{
    private readonly PreEdgePlan _plan;
    private readonly EdgeEnergyOptions _options;
    private readonly LocalFitCalibration? _calibration;
    private readonly double[] _e;
    private readonly double[] _norm;
    private readonly double[] _gamma;
    private readonly int _searchLo, _searchHi;
    private readonly double[] _ata = new double[36];
    private readonly double[] _atb = new double[6];
    private readonly double[] _coef = new double[6];
    private readonly double[] _lev = new double[6];
    private readonly double[] _z = new double[6];
    private bool _fitOk;
    private double _fitLeverage, _fitSlope, _fitCurvature;    // of the last local fit at its root: xᵀ(AᵀA)⁻¹x, n'(E) (1/eV), n''(E) (1/eV²)

    /// <summary>Creates a kernel for one plan.</summary>
    /// <param name="plan">Normalisation plan.</param>
    /// <param name="options">Edge options.</param>
    /// <param name="calibration">With <see cref="EdgeEnergyOptions.LocalFit"/> and <see cref="EdgeEnergyOptions.LocalFitCalibration"/>:
    /// the noise-bias table b(s) subtracted from every local-fit result at the spectrum's own relative noise; null: none.</param>
    public XanesKernel(PreEdgePlan plan, EdgeEnergyOptions? options = null, LocalFitCalibration? calibration = null)
    {
        ArgumentNullException.ThrowIfNull(plan);
        _plan = plan;
        _options = options ?? EdgeEnergyOptions.Default;
        _options.Validate();
        _calibration = _options.LocalFit && _options.LocalFitCalibration ? calibration : null;
        _e = plan.Energies.ToArray();
        _norm = new double[_e.Length];
        _gamma = new double[plan.FunctionalCount - 2];
        double e0 = plan.Ranges.E0.ElectronVolts, hw = _options.SearchHalfWidth.ElectronVolts;
        _searchLo = 0; while (_searchLo < _e.Length - 1 && _e[_searchLo] < e0 - hw) _searchLo++;
        _searchHi = _e.Length - 1; while (_searchHi > 0 && _e[_searchHi] > e0 + hw) _searchHi--;
    }

    /// <summary>The normalised spectrum of the last <see cref="Evaluate"/> call.</summary>
    public ReadOnlySpan<double> LastNormalised => _norm;

    /// <summary>Relative noise ŝ = σ̂/step of the last <see cref="Evaluate"/> call (σ̂: dof-corrected RMS of the pre/post fits): the
    /// level at which a <see cref="LocalFitCalibration"/> table is read; NaN when the spectrum had no finite step.</summary>
    public double LastRelativeNoise { get; private set; } = double.NaN;

    /// <summary>What the last <see cref="Evaluate"/> call added to the local-fit edge energy to remove its noise bias (eV): −b(ŝ)
    /// with a table, the analytic second-order term without one, 0 when neither applied (no local fit, correction off, masked).</summary>
    public double LastBiasCorrection { get; private set; }

    /// <summary>Whether the last <see cref="Evaluate"/> call subtracted the table's b(ŝ) (true) or not.</summary>
    public bool LastUsedTable { get; private set; }

    /// <summary>Normalises one spectrum and finds its features.</summary>
    /// <param name="mu">μ on the plan's energies.</param>
    /// <param name="minimumStep">Steps below this (μ units) give <see cref="SpectrumStatus.BelowStepThreshold"/>; 0 disables.</param>
    public SpectrumFeatures Evaluate(ReadOnlySpan<double> mu, double minimumStep = 0)
    {
        (LastRelativeNoise, LastBiasCorrection, LastUsedTable) = (double.NaN, 0, false);
        for (int i = 0; i < mu.Length; i++) if (!double.IsFinite(mu[i])) return SpectrumFeatures.Masked(SpectrumStatus.NotFinite);
        _plan.Coefficients(mu, out double alpha, out double beta, _gamma);
        double step = _plan.FixedStep ?? _gamma[0];
        double rss = _plan.Residual(mu, alpha, beta, _gamma, out int count);
        if (step > 0) LastRelativeNoise = Math.Sqrt(rss / Math.Max(1, count - _plan.FunctionalCount)) / step;
        double rms = Math.Sqrt(rss / Math.Max(1, count));
        double relResidual = rms / Math.Abs(step);
        if (!(step > 0) || step < _options.MinimumStepToResidual * rms) return SpectrumFeatures.Masked(SpectrumStatus.NoEdge, step, relResidual);
        _plan.Normalise(mu, alpha, beta, step, _norm);
        var status = step < minimumStep ? SpectrumStatus.BelowStepThreshold : SpectrumStatus.Ok;

        if (!Crossing(out double eHalf, out int above)) return SpectrumFeatures.Masked(SpectrumStatus.NoCrossing, step, relResidual);
        if (_options.LocalFit)
        {
            // Two stages: a wide window first (less sensitive to the noisy bracketing pair it starts from), then the narrow
            // window that keeps the polynomial's model error small.
            double hw = _options.LocalFitHalfWidth.ElectronVolts;
            eHalf = RefineByLocalFit(RefineByLocalFit(eHalf, 2 * hw), hw);
            if (_calibration is not null)
            {
                // Simulated noise bias at this spectrum's relative noise ŝ = σ̂/step (σ̂: dof-corrected RMS of the pre/post fits).
                // It contains the Jensen term below, which is therefore left out.
                LastBiasCorrection = -_calibration.BiasAt(LastRelativeNoise);   // step > 0 here, so ŝ is set
                LastUsedTable = true;
                eHalf += LastBiasCorrection;
            }
            else if (_options.LocalFitBiasCorrection && _fitOk)
            {
                // Noise σ_n of one normalised point from the fit residual (dof-corrected), then the variance of the level at the root:
                // local fit (σ_n² · xᵀ(AᵀA)⁻¹x) plus normalisation (σ_n² · Σ (∂n/∂μ · S)²).
                double sigmaN2 = rss / Math.Max(1, count - _plan.FunctionalCount) / (step * step);
                double variance = sigmaN2 * (_fitLeverage + _plan.NormalisationVarianceFactor(eHalf, _options.Level));
                double d1 = _fitSlope, d2 = _fitCurvature;
                if (d1 > 0)
                {
                    double correction = 0.5 * d2 / (d1 * d1 * d1) * variance;
                    // Bounded: the expansion is second order; a correction beyond a quarter of the window means the fit is not trusted.
                    if (Math.Abs(correction) < 0.25 * hw) { eHalf += correction; LastBiasCorrection = correction; }
                }
            }
        }
        var (wlE, wlH) = WhiteLine(eHalf, above);
        return new SpectrumFeatures(status, eHalf, wlE, wlH, step, relResidual);
    }

    private bool Crossing(out double energy, out int above)
    {
        double level = _options.Level;
        int s = _plan.Ranges.E0Index;
        energy = double.NaN; above = -1;
        if (_norm[s] >= level)
        {
            for (int i = s - 1; i >= _searchLo; i--)
                if (_norm[i] < level) { above = i + 1; energy = Interpolate(i, level); return true; }
        }
        else
        {
            for (int i = s + 1; i <= _searchHi; i++)
                if (_norm[i] >= level) { above = i; energy = Interpolate(i - 1, level); return true; }
        }
        return false;
    }

    private double Interpolate(int lo, double level)
    {
        double n0 = _norm[lo], n1 = _norm[lo + 1];
        return _e[lo] + (level - n0) * (_e[lo + 1] - _e[lo]) / (n1 - n0);
    }

    private double RefineByLocalFit(double center, double hw)
    {
        double level = _options.Level;
        int degree = _options.LocalFitDegree, p = degree + 1;
        double c = center;
        Span<double> pw = stackalloc double[11];
        _fitOk = false;
        for (int pass = 0; pass < 3; pass++)
        {
            int lo = LowerBound(c - hw), hi = UpperBound(c + hw);
            if (hi - lo + 1 < p + 1) return c;
            Array.Clear(_ata); Array.Clear(_atb);
            for (int i = lo; i <= hi; i++)
            {
                double u = (_e[i] - c) / hw, v = 1;
                for (int k = 0; k < 2 * p - 1; k++) { pw[k] = v; v *= u; }
                for (int a = 0; a < p; a++)
                {
                    _atb[a] += pw[a] * _norm[i];
                    for (int b = 0; b < p; b++) _ata[a * p + b] += pw[a + b];
                }
            }
            if (!SolveSymmetric(_ata, _atb, _coef, p)) return c;
            double root = RootNearestZero(_coef, p, level);
            if (double.IsNaN(root)) return c;
            // Leverage of the fitted value at the root, and the derivatives there (for the bias correction).
            double x = 1;
            for (int k = 0; k < p; k++) { _lev[k] = x; x *= root; }
            if (SolveSymmetric(_ata, _lev, _z, p))
            {
                double lev = 0, d1 = 0, d2 = 0;
                x = 1;
                for (int k = 0; k < p; k++) lev += _lev[k] * _z[k];
                for (int k = 1; k < p; k++) d1 += k * _coef[k] * Math.Pow(root, k - 1);
                for (int k = 2; k < p; k++) d2 += k * (k - 1) * _coef[k] * Math.Pow(root, k - 2);
                (_fitLeverage, _fitSlope, _fitCurvature, _fitOk) = (lev, d1 / hw, d2 / (hw * hw), true);
            }
            double next = c + root * hw;
            if (Math.Abs(next - c) < 1e-4) return next;
            c = next;
        }
        return c;
    }

    private int LowerBound(double e) { int i = 0; while (i < _e.Length && _e[i] < e) i++; return Math.Min(i, _e.Length - 1); }
    private int UpperBound(double e) { int i = _e.Length - 1; while (i > 0 && _e[i] > e) i--; return i; }

    private static double Poly(double[] c, int p, double u) { double v = 0; for (int k = p - 1; k >= 0; k--) v = v * u + c[k]; return v; }

    // Root of poly(u) = level in [−1, 1] nearest u = 0: Newton from 0 when it converges inside [−0.5, 0.5] (the usual case),
    // else scan 40 sub-intervals outward from the centre and bisect.
    private static double RootNearestZero(double[] c, int p, double level)
    {
        double u = 0;
        for (int it = 0; it < 12; it++)
        {
            double f = Poly(c, p, u) - level, d = 0;
            for (int k = p - 1; k >= 1; k--) d = d * u + k * c[k];
            if (!(d > 0)) break;
            double next = u - f / d;
            if (Math.Abs(next) > 0.5) break;
            if (Math.Abs(next - u) < 1e-10) return next;
            u = next;
        }
        return RootByScan(c, p, level);
    }

    private static double RootByScan(double[] c, int p, double level)
    {
        const int half = 20;
        double best = double.NaN;
        for (int k = 0; k < half && double.IsNaN(best); k++)
        {
            for (int sgn = 1; sgn >= -1; sgn -= 2)
            {
                double a = sgn * k / (double)half, b = sgn * (k + 1) / (double)half;
                double fa = Poly(c, p, a) - level, fb = Poly(c, p, b) - level;
                if (fa == 0) return a;
                if (fa * fb < 0)
                {
                    for (int it = 0; it < 50; it++)
                    {
                        double m = 0.5 * (a + b), fm = Poly(c, p, m) - level;
                        if (fa * fm <= 0) { b = m; } else { a = m; fa = fm; }
                    }
                    double r = 0.5 * (a + b);
                    if (double.IsNaN(best) || Math.Abs(r) < Math.Abs(best)) best = r;
                }
            }
        }
        return best;
    }

    // The p×p normal equations (p ≤ 6), solved on stack copies so that a and b stay intact for the caller.
    private static bool SolveSymmetric(double[] a, double[] b, double[] x, int p)
    {
        Span<double> m = stackalloc double[36];
        Span<double> r = stackalloc double[6];
        a.AsSpan(0, p * p).CopyTo(m);
        b.AsSpan(0, p).CopyTo(r);
        if (!SmallLinearSystem.SolveInPlace(m, r, p)) return false;
        r[..p].CopyTo(x);
        return true;
    }

    private (double Energy, double Height) WhiteLine(double eHalf, int start)
    {
        double limit = eHalf + _options.WhiteLineSearch.ElectronVolts;
        int best = -1; double h = double.NegativeInfinity;
        for (int i = Math.Max(0, start); i < _e.Length && _e[i] <= limit; i++)
            if (_norm[i] > h) { h = _norm[i]; best = i; }
        if (best < 0) return (double.NaN, double.NaN);
        if (best == 0 || best == _e.Length - 1) return (_e[best], h);
        // Parabola through (x0,y0), (x1,y1), (x2,y2): vertex from divided differences.
        double x0 = _e[best - 1], x1 = _e[best], x2 = _e[best + 1];
        double y0 = _norm[best - 1], y1 = _norm[best], y2 = _norm[best + 1];
        double d01 = (y1 - y0) / (x1 - x0), d12 = (y2 - y1) / (x2 - x1);
        double a = (d12 - d01) / (x2 - x0);
        if (!(a < 0)) return (x1, y1);
        double b = d01 - a * (x0 + x1);
        double xv = -b / (2 * a);
        if (xv < x0 || xv > x2) return (x1, y1);
        double yv = y0 + (xv - x0) * (d01 + a * (xv - x1));
        return (xv, yv);
    }
}
