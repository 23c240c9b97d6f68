using System.Numerics.Tensors;
using BatteryZoom.Core.Diagnostics;
using BatteryZoom.Core.Units;

namespace BatteryZoom.Spectroscopy.Normalisation;

/// <summary>Larch's pre_edge as linear functionals on one energy grid, precomputed once and applied to any number of spectra.</summary>
/// <remarks>
/// With E0 and the fit ranges fixed, the pre-edge line coefficients, the post-edge polynomial coefficients and the edge step are
/// linear in μ: each is a dot product with a weight vector. The weights are found by running the least-squares fits on the unit
/// vectors (double precision, Householder QR, polynomials in (E − E0)/100 eV), so applying the plan equals fitting each spectrum.
/// Model: <c>pre(E) = (α + β·(E − E0))·E^−nvict</c> fitted to μ·E^nvict on [PreStart, PreEnd);
/// <c>post(E) = pre(E) + Σₖ γₖ((E − E0)/100 eV)ᵏ</c> fitted to μ − pre on [NormStart, NormEnd); step = post(E0) − pre(E0) = γ₀.
/// </remarks>
public sealed class PreEdgePlan
{
    private const double PolyScale = 100.0;   // eV: keeps the Vandermonde columns of order 1
    private readonly double[] _energies;
    private readonly double[] _wAlpha, _wBeta;
    private readonly double[][] _wGamma;
    private readonly double[] _victoreen;     // E^−nvict per point

    private PreEdgePlan(double[] energies, PreEdgeRanges ranges, double? fixedStep)
    {
        _energies = energies;
        Ranges = ranges;
        FixedStep = fixedStep;
        int n = energies.Length;
        _victoreen = new double[n];
        for (int i = 0; i < n; i++) _victoreen[i] = Math.Pow(energies[i], -ranges.NVict);
        _wAlpha = new double[n]; _wBeta = new double[n];
        _wGamma = new double[ranges.NNorm + 1][];
        for (int k = 0; k <= ranges.NNorm; k++) _wGamma[k] = new double[n];
        var unit = new double[n];
        for (int j = 0; j < n; j++)
        {
            Array.Clear(unit); unit[j] = 1;
            var (a, b, g) = FitDirect(unit);
            _wAlpha[j] = a; _wBeta[j] = b;
            for (int k = 0; k < g.Length; k++) _wGamma[k][j] = g[k];
        }
    }

    /// <summary>The resolved ranges and indices.</summary>
    public PreEdgeRanges Ranges { get; }
    /// <summary>A fixed edge step, or null.</summary>
    public double? FixedStep { get; }
    /// <summary>Number of energies.</summary>
    public int Count => _energies.Length;
    /// <summary>The energies (eV).</summary>
    public ReadOnlySpan<double> Energies => _energies;

    /// <summary>Applies Larch's range rules and precomputes the weights.</summary>
    /// <param name="energiesEv">Strictly increasing energies, eV.</param>
    /// <param name="options">Ranges; null entries take Larch's defaults.</param>
    /// <param name="muForE0">A spectrum for find_e0 when <see cref="PreEdgeOptions.E0"/> is null (e.g. the mean spectrum of a volume).</param>
    /// <exception cref="IncompatibleInputException">Energies not strictly increasing or not finite; E0 missing with no spectrum to
    /// find it; too few points before or after the edge for the chosen ranges.</exception>
    public static PreEdgePlan Create(ReadOnlySpan<double> energiesEv, PreEdgeOptions? options = null, ReadOnlySpan<double> muForE0 = default)
    {
        options ??= PreEdgeOptions.Default;
        CheckEnergies(energiesEv);
        var e = energiesEv.ToArray();
        int n = e.Length;
        double e0;
        if (options.E0 is { } given && given.ElectronVolts >= e[1] && given.ElectronVolts <= e[n - 2]) e0 = given.ElectronVolts;
        else
        {
            if (muForE0.Length != n)
                throw new IncompatibleInputException($"pre_edge: E0 {(options.E0 is null ? "was not given" : $"= {options.E0} lies outside {e[1]}..{e[n - 2]} eV")} and no spectrum of {n} points was supplied to find it.");
            e0 = EdgeFinder.FindE0(e, muForE0).ElectronVolts;
        }
        var ranges = Resolve(e, e0, options);
        return new PreEdgePlan(e, ranges, options.Step);
    }

    /// <summary>Checks that energies are finite and strictly increasing, with at least 8 points.</summary>
    /// <exception cref="IncompatibleInputException">They are not.</exception>
    public static void CheckEnergies(ReadOnlySpan<double> e)
    {
        if (e.Length < 8) throw new IncompatibleInputException($"a XANES spectrum needs at least 8 energies; got {e.Length}.");
        for (int i = 0; i < e.Length; i++)
        {
            if (!double.IsFinite(e[i])) throw new IncompatibleInputException($"energy [{i}] is {e[i]}; energies must be finite.");
            if (i > 0 && !(e[i] > e[i - 1]))
                throw new IncompatibleInputException($"energies must be strictly increasing; E[{i}] = {e[i]} eV ≤ E[{i - 1}] = {e[i - 1]} eV. Sort the data and merge repeated energies first.");
        }
    }

    private static PreEdgeRanges Resolve(double[] e, double e0In, PreEdgeOptions o)
    {
        int n = e.Length;
        int ie0 = LarchNumerics.IndexNearest(e, e0In);
        double e0 = e[ie0];
        double emin = e[0] - e0, emax = e[n - 1] - e0;
        var rel = new double[n];
        for (int i = 0; i < n; i++) rel[i] = e[i] - e0;
        int nvict = o.NVict;

        double pre1 = o.Pre1?.ElectronVolts ?? (ie0 > 20 ? 5.0 * Math.Round((e[1] - e0) / 5.0) : 2.0 * Math.Round((e[1] - e0) / 2.0));
        pre1 = Math.Max(pre1, emin);
        double pre2 = o.Pre2?.ElectronVolts ?? 0.5 * pre1;
        if (pre1 > pre2) (pre1, pre2) = (pre2, pre1);
        int ipre1 = LarchNumerics.IndexOf(rel, pre1), ipre2 = LarchNumerics.IndexOf(rel, pre2);
        if (ipre2 < ipre1 + 2 + nvict) pre2 = rel[Math.Min(n - 1, ipre1 + 2 + nvict)];

        double norm2 = o.Norm2?.ElectronVolts ?? 5.0 * Math.Round(emax / 5.0);
        if (norm2 < 0) norm2 = emax - norm2;
        norm2 = Math.Min(norm2, emax);
        double norm1 = o.Norm1?.ElectronVolts ?? Math.Min(25, 5.0 * Math.Round(norm2 / 15.0));
        if (norm1 > norm2) (norm1, norm2) = (norm2, norm1);
        norm1 = Math.Min(norm1, norm2 - 10);
        int nnorm = o.NNorm ?? (norm2 - norm1 < 30 ? 0 : norm2 - norm1 < 300 ? 1 : 2);
        nnorm = Math.Clamp(nnorm, 0, 5);

        int p1 = LarchNumerics.IndexOf(e, pre1 + e0), p2 = LarchNumerics.IndexNearest(e, pre2 + e0);
        if (p2 - p1 < 2) p2 = Math.Min(n, p1 + 2);
        int q1 = LarchNumerics.IndexOf(e, norm1 + e0), q2 = LarchNumerics.IndexNearest(e, norm2 + e0);
        if (q2 - q1 < 2) q2 = Math.Min(n, q1 + 2);
        if (q2 - q1 < 2) q1 -= 2;

        // Ranges the caller set explicitly must hold data themselves: Larch would silently clamp them to the data and
        // extend them by two points, which turns "no pre-edge measured" into a fit through the edge.
        if (o.Pre1 is { } r1 && o.Pre2 is { } r2)
        {
            int inside = CountInside(e, e0 + Math.Min(r1.ElectronVolts, r2.ElectronVolts), e0 + Math.Max(r1.ElectronVolts, r2.ElectronVolts));
            if (inside < 2 + nvict)
                throw new IncompatibleInputException(
                    $"pre_edge: the requested pre-edge range E0{Math.Min(r1.ElectronVolts, r2.ElectronVolts):+0.###;-0.###} .. E0{Math.Max(r1.ElectronVolts, r2.ElectronVolts):+0.###;-0.###} eV (E0 = {e0} eV) holds {inside} points below E0; at least {2 + nvict} are needed. " +
                    "Measure further below the edge or move pre1/pre2.");
        }
        if (o.Norm1 is { } n1 && o.Norm2 is { } n2 && n2.ElectronVolts >= 0)
        {
            int inside = CountInside(e, e0 + Math.Min(n1.ElectronVolts, n2.ElectronVolts), e0 + Math.Max(n1.ElectronVolts, n2.ElectronVolts));
            if (inside < nnorm + 1)
                throw new IncompatibleInputException(
                    $"pre_edge: the requested post-edge range E0+{Math.Min(n1.ElectronVolts, n2.ElectronVolts):0.###} .. E0+{Math.Max(n1.ElectronVolts, n2.ElectronVolts):0.###} eV (E0 = {e0} eV) holds {inside} points above E0; a degree-{nnorm} polynomial needs at least {nnorm + 1}. " +
                    "Measure further above the edge, move norm1/norm2 or lower nnorm.");
        }
        if (p2 - p1 < 2 || p2 - 1 >= ie0)
            throw new IncompatibleInputException(
                $"pre_edge: the pre-edge range E0{pre1:+0.###;-0.###} .. E0{pre2:+0.###;-0.###} eV (E0 = {e0} eV) holds {Math.Max(0, Math.Min(p2, ie0) - p1)} points below E0; at least 2 are needed. " +
                "Measure further below the edge or move pre1/pre2.");
        if (q2 - q1 < nnorm + 1 || q1 <= ie0 || q1 < 0)
            throw new IncompatibleInputException(
                $"pre_edge: the post-edge range E0+{norm1:0.###} .. E0+{norm2:0.###} eV (E0 = {e0} eV) holds {Math.Max(0, q2 - Math.Max(q1, ie0 + 1))} points above E0; a degree-{nnorm} polynomial needs at least {nnorm + 1}. " +
                "Measure further above the edge, move norm1/norm2 or lower nnorm.");
        return new PreEdgeRanges(new Energy(e0), ie0, new Energy(pre1), new Energy(pre2), new Energy(norm1), new Energy(norm2), nnorm, nvict, p1, p2, q1, q2);
    }

    private static int CountInside(double[] e, double lo, double hi)
    {
        int c = 0;
        foreach (var x in e) if (x >= lo && x <= hi) c++;
        return c;
    }

    // The fits themselves, in double precision; used on unit vectors to build the weights and by tests as the reference.
    internal (double Alpha, double Beta, double[] Gamma) FitDirect(ReadOnlySpan<double> mu)
    {
        var r = Ranges;
        double e0 = r.E0.ElectronVolts;
        int m = r.PreEnd - r.PreStart;
        var ex = _energies.AsSpan(r.PreStart, m);
        var omu = new double[m];
        for (int i = 0; i < m; i++) omu[i] = mu[r.PreStart + i] * Math.Pow(ex[i], r.NVict);
        var pc = LarchNumerics.PolyFit(ex, omu, 1, e0, 1.0);
        int q = r.NormEnd - r.NormStart;
        var presub = new double[q];
        for (int i = 0; i < q; i++)
        {
            int j = r.NormStart + i;
            presub[i] = mu[j] - (pc[0] + pc[1] * (_energies[j] - e0)) * _victoreen[j];
        }
        var g = LarchNumerics.PolyFit(_energies.AsSpan(r.NormStart, q), presub, r.NNorm, e0, PolyScale);
        return (pc[0], pc[1], g);
    }

    /// <summary>Number of linear functionals per spectrum: α, β and nnorm + 1 post-edge coefficients.</summary>
    internal int FunctionalCount => 2 + _wGamma.Length;

    /// <summary>Applies the plan to one spectrum: coefficients, step, fit residual and the normalised spectrum.</summary>
    /// <param name="mu">μ on the plan's energies.</param>
    /// <param name="norm">Receives (μ − pre)/step; may be empty.</param>
    public PreEdgeFit Apply(ReadOnlySpan<double> mu, Span<double> norm)
    {
        if (mu.Length != Count) throw new ArgumentException($"mu holds {mu.Length} points; the plan has {Count} energies.", nameof(mu));
        double alpha = TensorPrimitives.Dot(_wAlpha, mu), beta = TensorPrimitives.Dot(_wBeta, mu);
        var gamma = new double[_wGamma.Length];
        for (int k = 0; k < gamma.Length; k++) gamma[k] = TensorPrimitives.Dot(_wGamma[k], mu);
        double step = FixedStep ?? gamma[0];
        double rss = Residual(mu, alpha, beta, gamma, out int count);
        if (!norm.IsEmpty) Normalise(mu, alpha, beta, step, norm);
        return new PreEdgeFit(Ranges, alpha, beta, gamma, step, Math.Sqrt(rss / Math.Max(1, count)));
    }

    internal void Coefficients(ReadOnlySpan<double> mu, out double alpha, out double beta, Span<double> gamma)
    {
        alpha = TensorPrimitives.Dot(_wAlpha, mu);
        beta = TensorPrimitives.Dot(_wBeta, mu);
        for (int k = 0; k < _wGamma.Length; k++) gamma[k] = TensorPrimitives.Dot(_wGamma[k], mu);
    }

    /// <summary>Σ_j (∂n(E)/∂μ_j · step)² restricted to the fit functionals: the variance of the normalised value at
    /// <paramref name="energy"/> caused by white noise of unit variance in μ through the pre-edge line and the step, times step².
    /// n = (μ − pre(E))/S, δn = −[v(E)(δα + (E − E0)δβ) + n·δS]/S, with δα = Σ w_α,j ε_j etc.</summary>
    internal double NormalisationVarianceFactor(double energy, double level)
    {
        double e0 = Ranges.E0.ElectronVolts, v = Math.Pow(energy, -Ranges.NVict), t = energy - e0, s = 0;
        var wg = _wGamma[0];
        bool fixedStep = FixedStep is not null;
        for (int j = 0; j < _energies.Length; j++)
        {
            double d = v * (_wAlpha[j] + t * _wBeta[j]) + (fixedStep ? 0 : level * wg[j]);
            s += d * d;
        }
        return s;
    }

    internal void Normalise(ReadOnlySpan<double> mu, double alpha, double beta, double step, Span<double> norm)
    {
        double e0 = Ranges.E0.ElectronVolts, inv = 1.0 / step;
        for (int i = 0; i < mu.Length; i++) norm[i] = (mu[i] - (alpha + beta * (_energies[i] - e0)) * _victoreen[i]) * inv;
    }

    /// <summary>Sum of squared residuals of the pre-edge line and the post-edge polynomial over their fit ranges.</summary>
    internal double Residual(ReadOnlySpan<double> mu, double alpha, double beta, ReadOnlySpan<double> gamma, out int count)
    {
        var r = Ranges;
        double e0 = r.E0.ElectronVolts, s = 0;
        for (int i = r.PreStart; i < r.PreEnd; i++)
        {
            double d = mu[i] - (alpha + beta * (_energies[i] - e0)) * _victoreen[i];
            s += d * d;
        }
        for (int i = r.NormStart; i < r.NormEnd; i++)
        {
            double t = (_energies[i] - e0) / PolyScale, p = 0;
            for (int k = gamma.Length - 1; k >= 0; k--) p = p * t + gamma[k];
            double d = mu[i] - (alpha + beta * (_energies[i] - e0)) * _victoreen[i] - p;
            s += d * d;
        }
        count = (r.PreEnd - r.PreStart) + (r.NormEnd - r.NormStart);
        return s;
    }

    /// <summary>Pre-edge line value at an energy.</summary>
    internal double PreLine(double alpha, double beta, double energy) =>
        (alpha + beta * (energy - Ranges.E0.ElectronVolts)) * Math.Pow(energy, -Ranges.NVict);
}

/// <summary>Result of the pre-edge/post-edge fits of one spectrum.</summary>
/// <param name="Ranges">Ranges and indices used.</param>
/// <param name="Alpha">Pre-edge line (of μ·E^nvict) at E0.</param>
/// <param name="Beta">Pre-edge line slope, per eV.</param>
/// <param name="Gamma">Post-edge polynomial coefficients in ((E − E0)/100 eV)ᵏ, added to the pre-edge line.</param>
/// <param name="EdgeStep">post(E0) − pre(E0), or the fixed step (signed; Larch reports its absolute value).</param>
/// <param name="ResidualRms">RMS residual of both fits over their ranges (μ units).</param>
public sealed record PreEdgeFit(PreEdgeRanges Ranges, double Alpha, double Beta, IReadOnlyList<double> Gamma, double EdgeStep, double ResidualRms)
{
    /// <summary>Larch's pre_offset and pre_slope: pre(E) = (offset + slope·E)·E^−nvict.</summary>
    public (double Offset, double Slope) LarchPreCoefficients => (Alpha - Beta * Ranges.E0.ElectronVolts, Beta);

    /// <summary>Larch's norm_c0..norm_cn: post(E) − pre(E) = Σₖ cₖ Eᵏ (absolute energy powers; ill-conditioned for printing only).</summary>
    public IReadOnlyList<double> LarchNormCoefficients
    {
        get
        {
            // Expand Σ γₖ((E − E0)/S)ᵏ into powers of E.
            int p = Gamma.Count;
            var c = new double[p];
            double e0 = Ranges.E0.ElectronVolts;
            for (int k = 0; k < p; k++)
            {
                double scale = Gamma[k] / Math.Pow(100.0, k);
                for (int j = 0; j <= k; j++) c[j] += scale * Binomial(k, j) * Math.Pow(-e0, k - j);
            }
            return c;
        }
    }

    private static double Binomial(int n, int k) { double r = 1; for (int i = 1; i <= k; i++) r = r * (n - k + i) / i; return r; }
}
