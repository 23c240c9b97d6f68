using BatteryZoom.Spectroscopy.Normalisation;

namespace BatteryZoom.Spectroscopy.EdgeEnergy;

/// <summary>A smooth parametric edge: pre-edge line + arctan step + Gaussian white line,
/// <c>μ(E) = a + b·(E − E_ref)/100 eV + step·(½ + arctan((E − E_c)/Γ)/π) + h·exp(−(E − E_c − δ)²/(2w²))</c>.</summary>
/// <param name="ReferenceEnergy">E_ref (the plan's E0), eV.</param>
/// <param name="Offset">a, μ units.</param>
/// <param name="Slope">b, μ units per 100 eV.</param>
/// <param name="Step">Arctan step, μ units.</param>
/// <param name="Centre">Arctan centre E_c, eV.</param>
/// <param name="Width">Arctan half-width Γ, eV.</param>
/// <param name="WhiteLineHeight">Gaussian height h, μ units (may be negative: a dip).</param>
/// <param name="WhiteLineOffset">δ, eV above E_c.</param>
/// <param name="WhiteLineSigma">w, eV.</param>
public sealed record EdgeModel(double ReferenceEnergy, double Offset, double Slope, double Step, double Centre, double Width,
    double WhiteLineHeight, double WhiteLineOffset, double WhiteLineSigma)
{
    /// <summary>μ at <paramref name="energyEv"/>.</summary>
    public double Mu(double energyEv)
    {
        double x = energyEv - Centre, g = x - WhiteLineOffset;
        return Offset + Slope * (energyEv - ReferenceEnergy) / 100.0 + Step * (0.5 + Math.Atan(x / Width) / Math.PI)
            + WhiteLineHeight * Math.Exp(-g * g / (2 * WhiteLineSigma * WhiteLineSigma));
    }

    /// <summary>μ on every energy of <paramref name="energiesEv"/>.</summary>
    public double[] Evaluate(ReadOnlySpan<double> energiesEv)
    {
        var mu = new double[energiesEv.Length];
        for (int i = 0; i < mu.Length; i++) mu[i] = Mu(energiesEv[i]);
        return mu;
    }
}

/// <summary>Weak Gaussian priors on the edge model's shape (MAP fit): they matter only where the data cannot pin the shape (one
/// spectrum at ≳ 10 % noise, where the free fit wanders: Γ 0.05–13 eV at 20 %); at low noise the data dominate. Defaults: typical
/// 3d-metal K-edges (Mn–Ni: core-hole width 1–1.5 eV plus resolution; white line a few eV above the edge, a few eV wide).</summary>
/// <param name="Width">Centre of the prior on Γ, eV (log-normal).</param>
/// <param name="LogWidthSd">SD of ln Γ (0.7: a factor 2).</param>
/// <param name="WhiteLineOffset">Centre of the prior on δ, eV (normal).</param>
/// <param name="WhiteLineOffsetSd">SD of δ, eV.</param>
/// <param name="WhiteLineSigma">Centre of the prior on w, eV (log-normal).</param>
/// <param name="LogWhiteLineSigmaSd">SD of ln w.</param>
public sealed record EdgeModelPrior(double Width = 1.5, double LogWidthSd = 0.7, double WhiteLineOffset = 7.0, double WhiteLineOffsetSd = 4.0,
    double WhiteLineSigma = 4.0, double LogWhiteLineSigmaSd = 0.7)
{
    /// <summary>The defaults.</summary>
    public static EdgeModelPrior Default { get; } = new();
    /// <summary>No prior (plain least squares).</summary>
    public static EdgeModelPrior? None => null;
}

/// <summary>Result of <see cref="EdgeModelFit.Fit"/>.</summary>
/// <param name="Model">The fitted model, or null when the fit failed.</param>
/// <param name="ResidualRms">RMS residual of the fit over its points (μ units); NaN on failure.</param>
/// <param name="Points">Points fitted (the plan's pre-edge start to post-edge end).</param>
/// <param name="Iterations">Levenberg–Marquardt iterations of the best start.</param>
/// <param name="Failure">Why there is no model; null on success.</param>
public sealed record EdgeModelFitResult(EdgeModel? Model, double ResidualRms, int Points, int Iterations, string? Failure)
{
    /// <summary>True when a model was fitted.</summary>
    public bool Ok => Model is not null;
}

/// <summary>Least-squares fit of an <see cref="EdgeModel"/> to one spectrum: a noise-free template of that spectrum's shape for the
/// local-fit noise-bias table (<see cref="LocalFitCalibration.ForSpectrum"/>).</summary>
/// <remarks>
/// Variable projection: the model is linear in (a, b, step, h) for fixed nonlinear parameters θ = (E_c, Γ, δ, w), so those four are
/// solved by linear least squares inside the residual and Levenberg–Marquardt (Marquardt's diagonal scaling, central-difference
/// Jacobian, bounds by projection) runs over θ only. Points: the plan's range from the pre-edge start to the post-edge end (what the
/// normalisation sees). Starts: E_c at the spectrum's interpolated half-height crossing, δ from its white line, and three (Γ, w)
/// pairs; the lowest cost wins. Bounds: E_c within ±15 eV of the crossing, Γ from the grid spacing at the crossing (at least 0.05 eV)
/// to 20 eV, δ 0–50 eV, w 0.3–30 eV. Fails (no model)
/// when the spectrum has no edge or crossing, the linear problem is singular at every start, or the fitted step is not positive.
/// Cost: ≈ 0.1–1 ms per spectrum (63–800 points).
/// </remarks>
public static class EdgeModelFit
{
    private const int NonLinear = 4, Linear = 4;
    private static readonly double[] Lower = [double.NaN, 0.05, 0.0, 0.3];
    private static readonly double[] Upper = [double.NaN, 20.0, 50.0, 30.0];
    private const double CentreRange = 15.0;

    /// <summary>Fits the model to <paramref name="mu"/> on the plan's energies.</summary>
    /// <param name="plan">Normalisation plan of the spectrum (its ranges choose the fitted points and the starting values).</param>
    /// <param name="mu">μ on the plan's energies.</param>
    /// <param name="options">Edge options (level, search window) for the starting crossing; null: defaults.</param>
    /// <param name="prior">Shape priors, weighted by the spectrum's own noise (σ̂ of the pre/post fits); null: plain least squares.</param>
    /// <param name="minimumWidthToSpacing">Lower bound on Γ as a multiple of the grid spacing at the interpolated crossing (at least
    /// 0.05 eV); 0: only the 0.05 eV bound (the fit before issue #7's follow-up, where 20 %-noise fits often collapsed to a step).</param>
    public static EdgeModelFitResult Fit(PreEdgePlan plan, ReadOnlySpan<double> mu, EdgeEnergyOptions? options = null, EdgeModelPrior? prior = null,
        double minimumWidthToSpacing = DefaultMinimumWidthToSpacing)
    {
        ArgumentNullException.ThrowIfNull(plan);
        if (mu.Length != plan.Count) throw new ArgumentException($"mu holds {mu.Length} points; the plan has {plan.Count} energies.", nameof(mu));
        ArgumentOutOfRangeException.ThrowIfNegative(minimumWidthToSpacing);
        var edge = (options ?? EdgeEnergyOptions.Default) with { LocalFit = false, Level = 0.5 };
        var kernel = new XanesKernel(plan, edge);
        var f = kernel.Evaluate(mu);
        int lo = plan.Ranges.PreStart, hi = Math.Max(plan.Ranges.NormEnd, plan.Ranges.E0Index + 1);
        int n = hi - lo;
        if (f.Status != SpectrumStatus.Ok) return new(null, double.NaN, n, 0, $"the spectrum has no usable edge ({f.Status})");
        if (n < NonLinear + Linear + 2) return new(null, double.NaN, n, 0, $"too few points ({n}) for the edge model");

        var e = plan.Energies.Slice(lo, n).ToArray();
        var y = mu.Slice(lo, n).ToArray();
        // Prior residuals are σ̂·(θ − θ₀)/τ, so the cost is σ̂²·(χ² of the data + χ² of the prior).
        double sigma = kernel.LastRelativeNoise * f.EdgeStep;
        var problem = new Problem(e, y, plan.Ranges.E0.ElectronVolts, prior, double.IsFinite(sigma) ? sigma : 0);
        double c0 = f.EdgeEnergy;
        double d0 = double.IsFinite(f.WhiteLineEnergy) ? Math.Clamp(f.WhiteLineEnergy - c0, 1.0, 30.0) : 7.0;
        var lower = (double[])Lower.Clone();
        var upper = (double[])Upper.Clone();
        lower[0] = c0 - CentreRange; upper[0] = c0 + CentreRange;
        // Γ floor: an arctan narrower than the grid spacing at the edge is not resolved by the samples (any Γ below it fits a step
        // between two points about equally well), and such a template's noise bias differs from a resolved edge's (20 % noise:
        // b(Γ 0.05) − b(Γ 1.5) ≈ −0.1 eV against the continuous crossing; docs/algorithms/xanes.md).
        if (minimumWidthToSpacing > 0) lower[1] = Math.Max(lower[1], minimumWidthToSpacing * LocalSpacing(plan.Energies, c0));

        double bestCost = double.PositiveInfinity;
        double[]? best = null;
        int bestIterations = 0;
        foreach (var (gamma, w) in new[] { (1.5, 4.0), (0.5, 2.0), (4.0, 8.0) })
        {
            double[] theta = [c0, gamma, d0, w];
            var (cost, iterations) = LevenbergMarquardt(problem, theta, lower, upper);
            if (cost < bestCost) (bestCost, best, bestIterations) = (cost, theta, iterations);
        }
        if (best is null || !double.IsFinite(bestCost)) return new(null, double.NaN, n, 0, "the edge model fit failed (singular at every start)");
        var lin = new double[Linear];
        problem.Cost(best, lin);
        if (!(lin[2] > 0)) return new(null, double.NaN, n, bestIterations, $"the fitted edge step is not positive ({lin[2]:G3})");
        var model = new EdgeModel(problem.Reference, lin[0], lin[1], lin[2], best[0], best[1], lin[3], best[2], best[3]);
        var rr = new double[n + Problem.PriorTerms];
        problem.Cost(best, lin, rr);
        double dataCost = 0;
        for (int i = 0; i < n; i++) dataCost += rr[i] * rr[i];
        return new(model, Math.Sqrt(dataCost / n), n, bestIterations, null);
    }

    /// <summary>Default lower bound on Γ as a multiple of the grid spacing at the spectrum's crossing (1: Γ ≥ the spacing).</summary>
    public const double DefaultMinimumWidthToSpacing = 1.0;

    /// <summary>Grid spacing at <paramref name="energy"/>: the interval that holds it (the nearest end interval outside the grid), eV.</summary>
    internal static double LocalSpacing(ReadOnlySpan<double> e, double energy)
    {
        int i = 1;
        while (i < e.Length - 1 && e[i] < energy) i++;
        return e[i] - e[i - 1];
    }

    // Projected Levenberg–Marquardt on θ; returns the final cost (sum of squares) and the iterations; θ is updated in place.
    private static (double Cost, int Iterations) LevenbergMarquardt(Problem p, double[] theta, double[] lower, double[] upper)
    {
        for (int j = 0; j < NonLinear; j++) theta[j] = Math.Clamp(theta[j], lower[j], upper[j]);
        int n = p.Count + Problem.PriorTerms;
        var lin = new double[Linear];
        var r = new double[n];
        var rp = new double[n];
        var rm = new double[n];
        var jac = new double[NonLinear * n];
        var jtj = new double[NonLinear * NonLinear];
        var jtr = new double[NonLinear];
        var a = new double[NonLinear * NonLinear];
        var delta = new double[NonLinear];
        var trial = new double[NonLinear];
        double cost = p.Cost(theta, lin, r);
        if (!double.IsFinite(cost)) return (double.PositiveInfinity, 0);
        double lambda = 1e-3;
        int it = 0;
        for (; it < 200; it++)
        {
            // Central-difference Jacobian of the projected residual; steps of 1e-4 of each parameter's natural scale (eV).
            for (int j = 0; j < NonLinear; j++)
            {
                double h = 1e-4 * Math.Max(1.0, j == 0 ? 1.0 : theta[j]);
                Array.Copy(theta, trial, NonLinear);
                trial[j] = theta[j] + h;
                double cp = p.Cost(trial, lin, rp);
                trial[j] = theta[j] - h;
                double cm = p.Cost(trial, lin, rm);
                if (!double.IsFinite(cp) || !double.IsFinite(cm)) return (cost, it);
                for (int i = 0; i < n; i++) jac[j * n + i] = (rp[i] - rm[i]) / (2 * h);
            }
            for (int j = 0; j < NonLinear; j++)
            {
                double s = 0;
                for (int i = 0; i < n; i++) s += jac[j * n + i] * r[i];
                jtr[j] = s;
                for (int k = 0; k <= j; k++)
                {
                    double t = 0;
                    for (int i = 0; i < n; i++) t += jac[j * n + i] * jac[k * n + i];
                    jtj[j * NonLinear + k] = jtj[k * NonLinear + j] = t;
                }
            }
            bool improved = false;
            for (int inner = 0; inner < 20; inner++)
            {
                Array.Copy(jtj, a, a.Length);
                for (int j = 0; j < NonLinear; j++) a[j * NonLinear + j] += lambda * Math.Max(jtj[j * NonLinear + j], 1e-12);
                for (int j = 0; j < NonLinear; j++) delta[j] = -jtr[j];
                if (!Solve(a, delta, NonLinear)) { lambda *= 10; continue; }
                for (int j = 0; j < NonLinear; j++) trial[j] = Math.Clamp(theta[j] + delta[j], lower[j], upper[j]);
                double c = p.Cost(trial, lin, rp);
                if (double.IsFinite(c) && c < cost)
                {
                    double gain = cost - c;
                    Array.Copy(trial, theta, NonLinear);
                    Array.Copy(rp, r, n);
                    cost = c;
                    lambda = Math.Max(lambda / 3, 1e-12);
                    improved = true;
                    if (gain <= 1e-12 * cost) return (cost, it + 1);
                    break;
                }
                lambda *= 4;
                if (lambda > 1e12) break;
            }
            if (!improved) break;
        }
        return (cost, it);
    }

    /// <summary>Gaussian elimination with partial pivoting on a small dense system (solution left in b); false when singular.</summary>
    internal static bool Solve(double[] m, double[] b, int p) => SmallLinearSystem.SolveInPlace(m, b, p);

    /// <summary>The variable-projection residual: for θ, the linear coefficients by least squares and y − Φ(θ)·c.</summary>
    private sealed class Problem(double[] e, double[] y, double reference, EdgeModelPrior? prior, double sigma)
    {
        public const int PriorTerms = 3;
        private readonly double[] _phi = new double[Linear * e.Length];
        private readonly double[] _m = new double[Linear * Linear];
        private readonly double[] _r = new double[e.Length + PriorTerms];
        public int Count => e.Length;
        public double Reference => reference;

        /// <summary>Sum of squared residuals at θ (∞ when the linear problem is singular); the linear coefficients into
        /// <paramref name="lin"/>, the residuals into <paramref name="residual"/> if given.</summary>
        public double Cost(double[] theta, double[] lin, double[]? residual = null)
        {
            int n = e.Length;
            double ec = theta[0], gamma = theta[1], d = theta[2], w = theta[3], inv2w2 = 1 / (2 * w * w);
            for (int i = 0; i < n; i++)
            {
                double x = e[i] - ec, g = x - d;
                _phi[i] = 1;
                _phi[n + i] = (e[i] - reference) / 100.0;
                _phi[2 * n + i] = 0.5 + Math.Atan(x / gamma) / Math.PI;
                _phi[3 * n + i] = Math.Exp(-g * g * inv2w2);
            }
            for (int j = 0; j < Linear; j++)
            {
                double s = 0;
                for (int i = 0; i < n; i++) s += _phi[j * n + i] * y[i];
                lin[j] = s;
                for (int k = 0; k <= j; k++)
                {
                    double t = 0;
                    for (int i = 0; i < n; i++) t += _phi[j * n + i] * _phi[k * n + i];
                    _m[j * Linear + k] = _m[k * Linear + j] = t;
                }
            }
            // A Gaussian that vanishes on every point (far outside the data) makes the system singular: a tiny ridge keeps it solvable
            // (its coefficient then is 0 and does not matter).
            for (int j = 0; j < Linear; j++) _m[j * Linear + j] *= 1 + 1e-12;
            _m[3 * Linear + 3] += 1e-12;
            if (!Solve(_m, lin, Linear)) return double.PositiveInfinity;
            var res = residual ?? _r;
            double cost = 0;
            for (int i = 0; i < n; i++)
            {
                double v = y[i] - lin[0] * _phi[i] - lin[1] * _phi[n + i] - lin[2] * _phi[2 * n + i] - lin[3] * _phi[3 * n + i];
                res[i] = v;
                cost += v * v;
            }
            if (prior is not null && sigma > 0)
            {
                res[n] = sigma * (Math.Log(gamma / prior.Width) / prior.LogWidthSd);
                res[n + 1] = sigma * ((d - prior.WhiteLineOffset) / prior.WhiteLineOffsetSd);
                res[n + 2] = sigma * (Math.Log(w / prior.WhiteLineSigma) / prior.LogWhiteLineSigmaSd);
            }
            else res[n] = res[n + 1] = res[n + 2] = 0;
            for (int i = n; i < n + PriorTerms; i++) cost += res[i] * res[i];
            return double.IsFinite(cost) ? cost : double.PositiveInfinity;
        }
    }
}
