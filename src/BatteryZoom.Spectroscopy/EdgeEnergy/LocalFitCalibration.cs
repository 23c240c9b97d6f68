using BatteryZoom.Core.Random;
using BatteryZoom.Spectroscopy.Normalisation;

namespace BatteryZoom.Spectroscopy.EdgeEnergy;

/// <summary>Simulation-calibrated noise bias of the local-fit edge energy (indirect inference): b(s) = E[Ê½(T + s·z)] − Ê½(T)
/// for a noiseless template spectrum T (normalised, step 1), white Gaussian noise z of unit variance per point and relative noise
/// levels s on a ladder. <see cref="XanesKernel"/> subtracts b(ŝ), with ŝ the spectrum's own noise estimate (dof-corrected RMS of the
/// pre/post fits over the step). Tabulated once per plan and template; per voxel it costs one table look-up.</summary>
/// <remarks>
/// Why: the local fit's window is placed from the same noisy data it then fits, so the points in the window are correlated with their
/// noise and Ê½ is biased (≈ −0.11 eV at 20 % noise on the TXM grid, nearly independent of SOC; docs/algorithms/xanes.md). The
/// bias depends smoothly on the noise level relative to the step and on the edge shape, both of which a template carries.
/// Draws come in antithetic pairs (z, −z): the first-order (zero-mean) part of Ê½ − Ê½(T) cancels within each pair, which cuts the
/// Monte-Carlo error of b by ≈ 5× (at 20 % noise the single-draw SD is ≈ 1 eV). The same draws are used at every level (common
/// random numbers), so b(s) is smooth in s. Seeded: the table is the same on every run and machine.
/// </remarks>
public sealed class LocalFitCalibration
{
    /// <summary>Default relative noise levels: 0, 2.5, …, 30 % of the step.</summary>
    public static IReadOnlyList<double> DefaultLevels { get; } = [.. Enumerable.Range(0, 13).Select(i => 0.025 * i)];

    private readonly double[] _levels, _bias, _se;

    private LocalFitCalibration(double[] levels, double[] bias, double[] se, double templateEdge, int pairs, int excluded)
        => (_levels, _bias, _se, TemplateEdgeEnergy, ReferenceEdgeEnergy, Pairs, ExcludedPairs) = (levels, bias, se, templateEdge, templateEdge, pairs, excluded);

    /// <summary>The same table with its noisy levels' b measured against <paramref name="reference"/> instead of Ê½(T):
    /// b(s) = E[Ê½(T + s·z)] − reference for s &gt; 0 (b(0) stays 0).</summary>
    private LocalFitCalibration RelativeTo(double reference)
    {
        var bias = (double[])_bias.Clone();
        for (int l = 1; l < bias.Length; l++) bias[l] += TemplateEdgeEnergy - reference;
        return new LocalFitCalibration(_levels, bias, _se, TemplateEdgeEnergy, Pairs, ExcludedPairs) { ReferenceEdgeEnergy = reference };
    }

    /// <summary>Relative noise levels s (noise SD / edge step) of the table, increasing, the first 0.</summary>
    public IReadOnlyList<double> NoiseLevels => _levels;
    /// <summary>b(s) in eV at each level: mean of Ê½ over the noisy draws minus Ê½ of the template.</summary>
    public IReadOnlyList<double> Bias => _bias;
    /// <summary>Monte-Carlo standard error of each b(s), eV.</summary>
    public IReadOnlyList<double> StandardError => _se;
    /// <summary>Ê½ of the noiseless template, eV.</summary>
    public double TemplateEdgeEnergy { get; }
    /// <summary>The template's edge energy that b is measured against, eV: <see cref="TemplateEdgeEnergy"/> (Ê½ of the sampled
    /// template; volumes), or, for one spectrum (<see cref="ForSpectrum"/>), the level crossing of the continuous edge model normalised
    /// by the plan, so that b also holds the local fit's own grid error on that template (it jumps with the template's shape and
    /// grid phase; docs/algorithms/xanes.md).</summary>
    public double ReferenceEdgeEnergy { get; private init; }
    /// <summary>Antithetic pairs per level.</summary>
    public int Pairs { get; }
    /// <summary>Pairs left out over all levels (a draw masked, or farther than the exclusion distance from the template's Ê½).</summary>
    public int ExcludedPairs { get; }

    /// <summary>Default antithetic pairs per level: Monte-Carlo SE of b ≈ 0.004 eV at 20 % noise.</summary>
    public const int DefaultPairs = 10000;

    /// <summary>Draws whose Ê½ lies farther than this from the template's are treated as failures, not averaged (eV).</summary>
    public const double ExclusionDistance = 20.0;

    /// <summary>b at relative noise <paramref name="s"/>: linear interpolation in the table; beyond the last level b grows in
    /// proportion to s (the measured growth is ≈ s^1.1); 0 for s ≤ 0 or NaN.</summary>
    public double BiasAt(double s)
    {
        if (!(s > 0)) return 0;
        int last = _levels.Length - 1;
        if (s >= _levels[last]) return _bias[last] * s / _levels[last];
        int i = 1;
        while (_levels[i] < s) i++;
        double t = (s - _levels[i - 1]) / (_levels[i] - _levels[i - 1]);
        return _bias[i - 1] + t * (_bias[i] - _bias[i - 1]);
    }

    /// <summary>Default antithetic pairs of a one-spectrum table (<see cref="ForSpectrum"/>), all at the spectrum's own noise level:
    /// Monte-Carlo SE of b ≈ 0.004 eV at 20 % noise (per-pair SD ≈ 0.4 eV), against a per-spectrum SD of E½ of ≈ 0.9 eV and a
    /// template error of ≈ 0.01 eV (measured; docs/algorithms/xanes.md).</summary>
    public const int DefaultSpectrumPairs = 10000;

    /// <summary>Pairs of the pilot run of a one-spectrum table (<see cref="ForSpectrum"/>).</summary>
    public const int PilotSpectrumPairs = 1000;

    /// <summary>Monte-Carlo SE of b (eV) that a one-spectrum table stops at, when the pilot does not already reach it: 0.004 eV, the
    /// volume table's SE at 20 % noise, ≪ the template error (≈ 0.01 eV) and the per-spectrum SD (≈ 0.95 eV at 20 % noise).</summary>
    public const double SpectrumTargetStandardError = 0.004;

    /// <summary>A one-spectrum template whose Ê½ lies farther than this from the spectrum's own (uncorrected) Ê½ is rejected as a
    /// misfit (eV): 5 × the per-spectrum SD at 20 % noise (≈ 0.9 eV on the TXM grid), so a sound fit is hardly ever rejected.</summary>
    public const double TemplateMismatchDistance = 5.0;


    /// <summary>The noise-bias table of one spectrum, which has no noiseless template of its own: an <see cref="EdgeModel"/> (pre-edge
    /// line, arctan step, Gaussian white line) is fitted to the spectrum (<see cref="EdgeModelFit"/>), and b is simulated from that
    /// noise-free curve at the spectrum's own relative noise ŝ only (one level: the kernel then subtracts exactly b(ŝ)).</summary>
    /// <remarks>The table's b is measured against the model's continuous level crossing (<see cref="ReferenceEdgeEnergy"/>), not
    /// against Ê½ of the sampled model: E[Ê½(T + s·z)] is smooth in the template's shape and position, Ê½(T) is not (the local fit's
    /// window jumps between grid points), and a fitted template's shape and grid phase are random. The model's Γ is bounded below by
    /// the grid spacing at the edge (<see cref="EdgeModelFit.DefaultMinimumWidthToSpacing"/>). With both, fitted templates give b
    /// within ≈ 0.01 eV of the true model's at 20 % noise (before: +0.03 eV), where a smoothed copy of the noisy spectrum is far off
    /// (its residual noise and broadening shrink b by half). When there is no model (no edge, the fit fails, its step is not positive) or its edge lies more
    /// than <see cref="TemplateMismatchDistance"/> from the spectrum's, <see cref="SpectrumCalibration.Table"/> is null and the
    /// kernel falls back to the analytic correction; <see cref="SpectrumCalibration.Note"/> says why.</remarks>
    /// <param name="plan">The spectrum's plan.</param>
    /// <param name="options">Edge options of the kernel (the local fit is switched on here whatever they say).</param>
    /// <param name="mu">The spectrum, μ on the plan's energies.</param>
    /// <param name="pairs">At most this many antithetic pairs (2 draws each) at ŝ: <see cref="PilotSpectrumPairs"/> first, more only
    /// while the SE of b is above <see cref="SpectrumTargetStandardError"/>.</param>
    /// <param name="seed">Seed of the noise draws.</param>
    /// <param name="prior">Shape priors of the edge model; null: none (plain least squares, the default: the priors tried narrow the
    /// spread of b between templates but not its mean; docs/algorithms/xanes.md).</param>
    public static SpectrumCalibration ForSpectrum(PreEdgePlan plan, EdgeEnergyOptions options, ReadOnlySpan<double> mu,
        int pairs = DefaultSpectrumPairs, ulong seed = 0x5EED_E1A5, EdgeModelPrior? prior = null)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(pairs, 1);
        var raw = new XanesKernel(plan, options with { LocalFit = true, LocalFitBiasCorrection = false, LocalFitCalibration = false });
        var f = raw.Evaluate(mu);
        double s = raw.LastRelativeNoise;
        var fit = EdgeModelFit.Fit(plan, mu, options, prior);
        if (!fit.Ok) return new(null, fit, null, s, $"no table: {fit.Failure}; analytic correction");
        if (f.Status != SpectrumStatus.Ok || !double.IsFinite(s)) return new(null, fit, null, s, $"no table: the spectrum has no usable edge ({f.Status}); analytic correction");
        var template = fit.Model!.Evaluate(plan.Energies);
        // One level at ŝ (at least 0.5 %, below which b is < 0.01 eV and linear in s: BiasAt interpolates from 0).
        double level = Math.Max(s, 0.005);
        LocalFitCalibration table;
        try
        {
            // A pilot of PilotSpectrumPairs pairs; then, only if its Monte-Carlo SE is above the target, the number of pairs that
            // reaches it (SE ∝ 1/√pairs), at most `pairs`. The same seed, so the pilot's pairs are the first ones of the final table
            // (common random numbers) and the result is deterministic. At low noise (or on dense grids, where a pair costs more and
            // ŝ is small) the pilot is the table.
            int pilot = Math.Min(pairs, PilotSpectrumPairs);
            table = Create(plan, options, template, pilot, [0, level], seed);
            double se = table.StandardError[1];
            if (pilot < pairs && se > SpectrumTargetStandardError)
            {
                int need = (int)Math.Min(pairs, Math.Ceiling(pilot * (se / SpectrumTargetStandardError) * (se / SpectrumTargetStandardError)));
                if (need > pilot) table = Create(plan, options, template, need, [0, level], seed);
            }
        }
        catch (ArgumentException ex) { return new(null, fit, template, s, $"no table: edge model: {ex.Message}; analytic correction"); }
        if (!(Math.Abs(table.TemplateEdgeEnergy - f.EdgeEnergy) <= TemplateMismatchDistance))
            return new(null, fit, template, s, FormattableString.Invariant(
                $"no table: the edge model's E½ {table.TemplateEdgeEnergy:0.##} eV is more than {TemplateMismatchDistance} eV from the spectrum's {f.EdgeEnergy:0.##} eV; analytic correction"));
        // b against the model's continuous crossing, not against Ê½ of the sampled model: Ê½(T) carries the local fit's grid error on
        // that template, which jumps with the fitted shape and its grid phase (b(20 %) +0.09 to −0.15 eV for Γ 0.05–1.5 eV or a
        // shift of ±0.5 eV, against −0.12 to −0.14 for E[Ê½] − crossing); a fitted template then averages b over those jumps.
        double reference = ModelCrossing(plan, fit.Model, template, options.Level, table.TemplateEdgeEnergy);
        if (double.IsFinite(reference)) table = table.RelativeTo(reference);
        string against = double.IsFinite(reference) ? "model crossing" : "Ê½ of the sampled model (no continuous crossing within 5 eV)";
        return new(table, fit, template, s, FormattableString.Invariant(
            $"edge model (Γ {fit.Model.Width:0.##} eV, white line {fit.Model.WhiteLineHeight / fit.Model.Step:0.##} × step at +{fit.Model.WhiteLineOffset:0.#} eV), {table.Pairs} pairs at ŝ {s:P2}: b {table.BiasAt(s):+0.000;-0.000} ± {table.StandardError[1]:0.000} eV against the {against}"));
    }

    /// <summary>Where the continuous model, normalised by the plan's pre-edge line and step (fitted to its samples on the grid), crosses
    /// <paramref name="level"/>: the upward crossing nearest <paramref name="near"/> within ±5 eV (0.02 eV scan, then bisection); NaN when
    /// there is none.</summary>
    internal static double ModelCrossing(PreEdgePlan plan, EdgeModel model, ReadOnlySpan<double> template, double level, double near)
    {
        var fit = plan.Apply(template, default);
        if (!(fit.EdgeStep > 0)) return double.NaN;
        double G(double e) => (model.Mu(e) - plan.PreLine(fit.Alpha, fit.Beta, e)) / fit.EdgeStep - level;
        const double range = 5, h = 0.02;
        double best = double.NaN;
        for (int k = 0; k * h < range; k++)
        {
            for (int side = 0; side < 2; side++)
            {
                double a = side == 0 ? near + k * h : near - (k + 1) * h, b = a + h;
                if (!(G(a) < 0 && G(b) >= 0)) continue;
                for (int it = 0; it < 50; it++)
                {
                    double m = 0.5 * (a + b);
                    if (G(m) < 0) a = m; else b = m;
                }
                double r = 0.5 * (a + b);
                if (double.IsNaN(best) || Math.Abs(r - near) < Math.Abs(best - near)) best = r;
            }
            if (!double.IsNaN(best)) return best;
        }
        return best;
    }

    /// <summary>Tabulates b(s) for one plan, one set of edge options and a template spectrum.</summary>
    /// <param name="plan">The plan the kernel will use.</param>
    /// <param name="options">Edge options of the kernel (the local fit is switched on here whatever they say).</param>
    /// <param name="template">μ of a (nearly) noiseless spectrum of the same shape as the data on the plan's energies, any scale and
    /// offset: for a volume the mean normalised spectrum of the voxels with an edge; for one spectrum a smoothed copy or a model.</param>
    /// <param name="pairs">Antithetic pairs per level (2 draws each).</param>
    /// <param name="levels">Relative noise levels, increasing, starting at 0; null: <see cref="DefaultLevels"/>.</param>
    /// <param name="seed">Seed of the noise draws.</param>
    /// <exception cref="ArgumentException">The template has the wrong length, no edge, or no crossing; bad levels.</exception>
    public static LocalFitCalibration Create(PreEdgePlan plan, EdgeEnergyOptions options, ReadOnlySpan<double> template,
        int pairs = DefaultPairs, IReadOnlyList<double>? levels = null, ulong seed = 0x5EED_E1A5)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(pairs, 1);
        if (template.Length != plan.Count) throw new ArgumentException($"template holds {template.Length} points; the plan has {plan.Count} energies.", nameof(template));
        var lv = (levels ?? DefaultLevels).ToArray();
        if (lv.Length < 2 || lv[0] != 0) throw new ArgumentException("levels must start at 0 and hold at least two values.", nameof(levels));
        for (int i = 1; i < lv.Length; i++) if (!(lv[i] > lv[i - 1])) throw new ArgumentException("levels must increase strictly.", nameof(levels));

        // The table belongs to the plain local fit: with a table the kernel leaves out the analytic (Jensen) correction, which the
        // table already contains and which adds variance (plug-in n', n'' from the noisy fit).
        var fitOptions = options with { LocalFit = true, LocalFitBiasCorrection = false };
        int n = plan.Count;
        var clean = new double[n];
        var fit = plan.Apply(template, clean);     // normalised template: pre-edge 0, step 1, so s is the noise per point directly
        if (!(fit.EdgeStep > 0)) throw new ArgumentException($"the template has no positive edge step ({fit.EdgeStep:G4}).", nameof(template));
        var f0 = new XanesKernel(plan, fitOptions).Evaluate(clean);
        if (f0.Status != SpectrumStatus.Ok) throw new ArgumentException($"the template has no usable edge energy ({f0.Status}).", nameof(template));
        double e0 = f0.EdgeEnergy;

        // Blocks of pairs in parallel; each block sums per level, blocks are combined in order (the result does not depend on
        // the number of threads). One draw z per pair serves every level (common random numbers).
        const int blockSize = 256;
        int blocks = (pairs + blockSize - 1) / blockSize, nl = lv.Length;
        var partial = new double[blocks][];
        var rng = new CounterRandom(seed, 0xCA1B);
        Parallel.For(0, blocks,
            () => (Kernel: new XanesKernel(plan, fitOptions), Z: new double[n], Plus: new double[n], Minus: new double[n]),
            (blk, _, w) =>
            {
                var acc = new double[3 * nl + 1];     // per level: sum, sum of squares, count; then excluded pairs
                int hi = Math.Min(pairs, (blk + 1) * blockSize);
                for (int k = blk * blockSize; k < hi; k++)
                {
                    for (int i = 0; i < n; i++) w.Z[i] = rng.Normal((ulong)k * (ulong)n + (ulong)i);
                    for (int l = 1; l < nl; l++)
                    {
                        double sl = lv[l];
                        for (int i = 0; i < n; i++) { w.Plus[i] = clean[i] + sl * w.Z[i]; w.Minus[i] = clean[i] - sl * w.Z[i]; }
                        var a = w.Kernel.Evaluate(w.Plus);
                        var b = w.Kernel.Evaluate(w.Minus);
                        if (a.Status != SpectrumStatus.Ok || b.Status != SpectrumStatus.Ok
                            || !(Math.Abs(a.EdgeEnergy - e0) <= ExclusionDistance) || !(Math.Abs(b.EdgeEnergy - e0) <= ExclusionDistance))
                        {
                            acc[3 * nl]++;
                            continue;
                        }
                        double d = 0.5 * (a.EdgeEnergy + b.EdgeEnergy) - e0;
                        acc[3 * l] += d; acc[3 * l + 1] += d * d; acc[3 * l + 2]++;
                    }
                }
                partial[blk] = acc;
                return w;
            },
            _ => { });
        var bias = new double[nl];
        var se = new double[nl];
        int excluded = 0;
        for (int l = 1; l < nl; l++)
        {
            double sum = 0, sum2 = 0, m = 0;
            foreach (var acc in partial) { sum += acc[3 * l]; sum2 += acc[3 * l + 1]; m += acc[3 * l + 2]; }
            if (m < 2) throw new ArgumentException($"the template's edge cannot be located at {lv[l]:P1} noise ({pairs - m} of {pairs} pairs failed).", nameof(template));
            bias[l] = sum / m;
            se[l] = Math.Sqrt(Math.Max(0, sum2 / m - bias[l] * bias[l]) / (m - 1));
        }
        foreach (var acc in partial) excluded += (int)acc[3 * nl];
        return new LocalFitCalibration(lv, bias, se, e0, pairs, excluded);
    }
}

/// <summary>Result of <see cref="LocalFitCalibration.ForSpectrum"/>.</summary>
/// <param name="Table">The one-level table at the spectrum's noise, or null (fall back to the analytic correction; <paramref name="Note"/> says why).</param>
/// <param name="TemplateFit">The edge-model fit that gave the template.</param>
/// <param name="Template">The template μ on the plan's energies (the model curve), or null.</param>
/// <param name="RelativeNoise">ŝ = σ̂/step of the spectrum (NaN without a step).</param>
/// <param name="Note">One line: what was built, or why not.</param>
public sealed record SpectrumCalibration(LocalFitCalibration? Table, EdgeModelFitResult TemplateFit, double[]? Template, double RelativeNoise, string Note)
{
    /// <summary>b(ŝ) in eV (NaN without a table).</summary>
    public double Bias => Table?.BiasAt(RelativeNoise) ?? double.NaN;
    /// <summary>Monte-Carlo standard error of <see cref="Bias"/>, eV (NaN without a table).</summary>
    public double BiasStandardError => Table?.StandardError[^1] ?? double.NaN;
}
