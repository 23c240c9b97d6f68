using System.Diagnostics;
using System.Globalization;
using BatteryZoom.Simulation.Particles;
using BatteryZoom.Spectroscopy.Data;
using BatteryZoom.Spectroscopy.EdgeEnergy;
using BatteryZoom.Spectroscopy.Normalisation;

namespace BatteryZoom.Spectroscopy.Tests.EdgeEnergy;

/// <summary>Issue #7 for one spectrum: the noise-bias table of the local fit built from an edge model fitted to the spectrum itself
/// (<see cref="LocalFitCalibration.ForSpectrum"/>, <see cref="EdgeModelFit"/>). Synthetic model: NiKEdgeModel on the 63-energy TXM grid,
/// the ranges of the accuracy tests (pre2 −25 eV, norm1 +30 eV). Measured values are in docs/algorithms/xanes.md.</summary>
public class SpectrumCalibrationTests
{
    private static readonly NiKEdgeModel Model = new();
    private static readonly double[] Grid = NiKEdgeModel.TxmEnergyGrid();
    private static readonly PreEdgePlan Plan = PreEdgePlan.Create(Grid, EdgeEnergyAccuracyTests.Ranges);
    private static readonly EdgeEnergyOptions Fit = new() { LocalFit = true };

    private static void Print(string line) => TestContext.Current.TestOutputHelper?.WriteLine(line);

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.37)]
    [InlineData(1.0)]
    public void EdgeModelFit_Noiseless_RecoversTheModel(double soc)
    {
        var mu = Grid.Select(e => Model.Mu(e, soc)).ToArray();
        var r = EdgeModelFit.Fit(Plan, mu, Fit);
        Assert.True(r.Ok, r.Failure);
        var m = r.Model!;
        Print($"SOC {soc}: Ec {m.Centre:F4} Γ {m.Width:F4} step {m.Step:F5} h {m.WhiteLineHeight:F4} δ {m.WhiteLineOffset:F4} w {m.WhiteLineSigma:F4}, rms {r.ResidualRms:E2}, {r.Iterations} it");
        // The model family contains the truth: the fit must find it to the precision of the LM stopping rule (relative cost gain
        // 1e-12), i.e. far below anything that moves E½ (0.001 eV).
        Assert.True(r.ResidualRms < 1e-6, $"rms {r.ResidualRms}");
        Assert.Equal(Model.EdgeCentre(soc), m.Centre, 3);
        Assert.Equal(Model.EdgeWidth, m.Width, 3);
        Assert.Equal(Model.Step, m.Step, 3);
        Assert.Equal(Model.WhiteLineAmplitude, m.WhiteLineHeight / m.Step, 3);
        Assert.Equal(Model.WhiteLineOffset, m.WhiteLineOffset, 3);
        Assert.Equal(Model.WhiteLineSigma, m.WhiteLineSigma, 3);
    }

    /// <summary>(a) The one-spectrum table from edge models fitted to noisy single spectra vs the table from the true (noiseless)
    /// model at the same level ŝ and seed (common random numbers: the difference is the template's error only). Both b are measured
    /// against the model's continuous crossing (<see cref="LocalFitCalibration.ReferenceEdgeEnergy"/>).</summary>
    [Theory]
    [InlineData(0.0)]
    [InlineData(0.5)]
    [InlineData(1.0)]
    public void FittedTemplate_TwentyPercentNoise_BiasNearTheTrueTemplates(double soc)
    {
        const int spectra = 300, pairs = 1000;
        var trueModel = new EdgeModel(Plan.Ranges.E0.ElectronVolts, 0, 0, Model.Step, Model.EdgeCentre(soc), Model.EdgeWidth,
            Model.WhiteLineAmplitude * Model.Step, Model.WhiteLineOffset, Model.WhiteLineSigma);
        var trueTemplate = trueModel.Evaluate(Grid);
        var diff = new double[spectra];
        int failed = 0;
        var sw = Stopwatch.StartNew();
        Parallel.For(0, spectra, k =>
        {
            var mu = TestData.Spectrum(Model, Grid, soc, 0.20, (ulong)k + 70_000);
            var c = LocalFitCalibration.ForSpectrum(Plan, Fit, mu, pairs);
            if (c.Table is null) { Interlocked.Increment(ref failed); diff[k] = double.NaN; return; }
            var t = LocalFitCalibration.Create(Plan, Fit, trueTemplate, pairs, [0, c.Table.NoiseLevels[1]]);
            double reference = LocalFitCalibration.ModelCrossing(Plan, trueModel, trueTemplate, Fit.Level, t.TemplateEdgeEnergy);
            diff[k] = c.Bias - (t.Bias[1] + t.TemplateEdgeEnergy - reference);
        });
        var d = diff.Where(double.IsFinite).ToArray();
        double mean = d.Average(), sd = Math.Sqrt(d.Sum(x => (x - mean) * (x - mean)) / (d.Length - 1)), se = sd / Math.Sqrt(d.Length);
        Print(FormattableString.Invariant($"SOC {soc}: fitted − true b(ŝ) {mean:+0.0000;-0.0000} ± {se:0.0000} (SD {sd:0.000}, n {d.Length}, failed {failed}), {sw.Elapsed.TotalMilliseconds / spectra:0.0} ms per template (2 threads)"));
        // No table for a spectrum without a usable edge or a misfit model: 1 of 300 at SOC 0.5; as rare as the end-to-end failures.
        Assert.True(failed <= spectra / 100, $"{failed} spectra without a table");
        // Measured −0.008, −0.011, −0.021 ± 0.007–0.008 eV (SD 0.12–0.15) at SOC 0, 0.5, 1.
        // Before (b against Ê½ of the sampled template, Γ ≥ 0.05 eV): +0.03 ± 0.013; against the crossing without the Γ floor: −0.05.
        // Bound 0.03 eV: the issue's bias goal; with SE ≤ 0.01 here both earlier variants fail it (by ≥ 0 and 2 SE).
        Assert.True(Math.Abs(mean) < 0.03, $"fitted − true b = {mean:+0.0000;-0.0000} ± {se:0.0000} eV");
    }

    private static int StudyDraws() =>
        Environment.GetEnvironmentVariable("BZOOM_XANES_SPECTRUM_STUDY_DRAWS") is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : 0;

    /// <summary>(b) End to end through <see cref="XanesSpectrumAnalysis"/>: E½ of single 20 %-noise spectra with the fit option on
    /// (and so the fitted-template table). Default: 300 antithetic pairs of spectra (noise +z and −z, seeds 1000…; each spectrum is a
    /// valid draw, and the pair mean cancels the first-order noise, so the SE is ≈ 0.025 eV instead of 0.038 for 600 independent
    /// draws). BZOOM_XANES_SPECTRUM_STUDY_DRAWS=N: the doc's study instead, N independent draws, seeds 1000… as in the volume study.
    /// Each spectrum's table has its own seed, so the tables' Monte-Carlo errors average out and are inside the SE.</summary>
    [Theory]
    [InlineData(0.0)]
    [InlineData(0.5)]
    [InlineData(1.0)]
    public void SingleSpectrum_TwentyPercentNoise_FitOn_Unbiased(double soc)
    {
        int study = StudyDraws();
        bool antithetic = study == 0;
        int units = antithetic ? 300 : study;
        const int pairs = 1000;
        double truth = Model.HalfHeightEnergy(soc);
        var err = new double[units];
        int spectra = 0, tables = 0;
        var options = new SpectrumAnalysisOptions { PreEdge = EdgeEnergyAccuracyTests.Ranges, Edge = Fit, CalibrationPairs = pairs };
        var energies = Grid.ToArray();
        var clean = Grid.Select(e => Model.Mu(e, soc)).ToArray();
        var sw = Stopwatch.StartNew();
        double One(double[] mu, ulong seed)
        {
            var s = new Spectrum("model", "synthetic", energies, mu);
            SpectrumReport r;
            try { r = XanesSpectrumAnalysis.Analyse(s, options with { CalibrationSeed = seed }); }
            catch (BatteryZoom.Core.Diagnostics.IncompatibleInputException) { return double.NaN; }   // "no edge" at 20 % noise: a failure
            if (r.LocalFit!.Correction == "table") Interlocked.Increment(ref tables);
            return r.EHalf is { } e && Math.Abs(e - truth) <= 20 ? e - truth : double.NaN;   // failures apart, as in LocalFitCalibrationTests
        }
        Parallel.For(0, units, k =>
        {
            var mu = TestData.Spectrum(Model, Grid, soc, 0.20, (ulong)k + 1000);
            if (!antithetic) { Interlocked.Increment(ref spectra); err[k] = One(mu, 0xB1A5_0000UL + (ulong)k); return; }
            var mirror = new double[mu.Length];
            for (int i = 0; i < mu.Length; i++) mirror[i] = 2 * clean[i] - mu[i];
            Interlocked.Add(ref spectra, 2);
            err[k] = 0.5 * (One(mu, 0xB1A5_0000UL + 2 * (ulong)k) + One(mirror, 0xB1A5_0001UL + 2 * (ulong)k));   // a pair with a failure is left out
        });
        var ok = err.Where(double.IsFinite).ToArray();
        double mean = ok.Average(), sd = Math.Sqrt(ok.Sum(x => (x - mean) * (x - mean)) / (ok.Length - 1)), se = sd / Math.Sqrt(ok.Length);
        Print(FormattableString.Invariant($"SOC {soc}: bias {mean:+0.0000;-0.0000} ± {se:0.0000} eV, SD {sd:0.000} {(antithetic ? "per antithetic pair" : "per spectrum")}, {ok.Length} of {units} {(antithetic ? "pairs" : "draws")}, table on {tables} of {spectra} spectra, {sw.Elapsed.TotalMilliseconds / spectra:0.00} ms per spectrum (2 threads, {pairs} pairs)"));
        // Failures (no crossing, |error| > 20 eV) 0.25 % of draws at 20 % noise; the fallback (no table) should be as rare.
        Assert.True(ok.Length >= 0.98 * units, $"{units - ok.Length} failed");
        Assert.True(tables >= 0.99 * spectra, $"{spectra - tables} spectra without a table");
        // Issue #7's goal: |bias| < 0.03 eV and < 3 SE (20 000-draw study in the doc: see there). Here, with 300 antithetic pairs (SE
        // ≈ 0.025 eV), the 3-SE bound (≈ 0.075 eV) is what this sample can test: it fails the analytic path (−0.11 eV) and the first
        // fitted-template table at SOC 0 (−0.085 eV in 3 000 draws); the template's own error is bounded tighter by (a).
        Assert.True(Math.Abs(mean) < 3 * se, $"bias {mean:+0.000;-0.000} ± {se:0.000} eV");
        if (!antithetic) Assert.True(Math.Abs(mean) < 0.03, $"bias {mean:+0.000;-0.000} eV");
        Assert.True(sd < 1.0, $"SD {sd:0.000} eV");   // per spectrum 0.93–0.95 eV (doc); per antithetic pair ≈ 0.45
    }

    /// <summary>The one-spectrum path (fit option on, table from the fitted model) keeps the accuracy of the plain and volume paths at
    /// low noise: RMS error ≤ 0.1 eV at 2 % and ≤ 0.5 eV at 10 % of the step (the bounds of EdgeEnergyAccuracyTests).</summary>
    [Theory]
    [InlineData(0.02, 0.1)]
    [InlineData(0.10, 0.5)]
    public void SingleSpectrum_LowNoise_FitOn_Accuracy(double noise, double bound)
    {
        const int draws = 150, pairs = 1000;
        var options = new SpectrumAnalysisOptions { PreEdge = EdgeEnergyAccuracyTests.Ranges, Edge = Fit, CalibrationPairs = pairs };
        var energies = Grid.ToArray();
        foreach (var soc in new[] { 0.0, 0.37, 1.0 })
        {
            double truth = Model.HalfHeightEnergy(soc);
            var err = new double[draws];
            Parallel.For(0, draws, k =>
            {
                var s = new Spectrum("model", "synthetic", energies, TestData.Spectrum(Model, Grid, soc, noise, (ulong)k + 5000));
                err[k] = XanesSpectrumAnalysis.Analyse(s, options).EHalf!.Value - truth;
            });
            double mean = err.Average(), rms = Math.Sqrt(err.Average(x => x * x));
            Print(FormattableString.Invariant($"noise {noise:P0} SOC {soc}: mean {mean:+0.000;-0.000} eV, RMS {rms:0.000} eV ({draws} draws)"));
            // Bounds of the issue (2 %: 0.1 eV, 10 %: 0.5 eV); measured RMS in the doc.
            Assert.True(rms <= bound, $"RMS {rms:0.000} eV at {noise:P0} noise, SOC {soc}");
        }
    }

    [Fact]
    public void NoEdge_NoTable_FallsBackWithAReason()
    {
        var flat = new double[Grid.Length];
        Array.Fill(flat, 1.0);
        var c = LocalFitCalibration.ForSpectrum(Plan, Fit, flat, pairs: 10);
        Assert.Null(c.Table);
        Assert.Null(c.TemplateFit.Model);
        Assert.StartsWith("no table:", c.Note);
        Assert.Contains("analytic correction", c.Note);
        Assert.True(double.IsNaN(c.Bias));
    }

    [Fact]
    public void SeededAndDeterministic()
    {
        var mu = TestData.Spectrum(Model, Grid, 0.37, 0.20, 4242);
        var a = LocalFitCalibration.ForSpectrum(Plan, Fit, mu, pairs: 500);
        var b = LocalFitCalibration.ForSpectrum(Plan, Fit, mu, pairs: 500);
        Assert.NotNull(a.Table);
        Assert.Equal(a.Bias, b.Bias);
        Assert.Equal(a.RelativeNoise, a.Table!.NoiseLevels[1], 12);
        Assert.NotEqual(a.Bias, LocalFitCalibration.ForSpectrum(Plan, Fit, mu, pairs: 500, seed: 9).Bias);
        // The kernel subtracts exactly b(ŝ) from the uncorrected local fit.
        var raw = new XanesKernel(Plan, Fit with { LocalFitBiasCorrection = false }).Evaluate(mu).EdgeEnergy;
        var k = new XanesKernel(Plan, Fit, a.Table);
        Assert.Equal(raw - a.Bias, k.Evaluate(mu).EdgeEnergy, 9);
        Assert.True(k.LastUsedTable);
        Assert.Equal(-a.Bias, k.LastBiasCorrection, 12);
    }

    /// <summary>Default pairs: a 1 000-pair pilot, extended (same seed, so deterministic) only while the SE of b is above 0.004 eV.</summary>
    [Fact]
    public void DefaultPairs_PilotThenTargetStandardError()
    {
        var low = LocalFitCalibration.ForSpectrum(Plan, Fit, TestData.Spectrum(Model, Grid, 0.5, 0.02, 31));
        Assert.Equal(LocalFitCalibration.PilotSpectrumPairs, low.Table!.Pairs);   // 2 % noise: SE after the pilot ≈ 0.0005 eV
        Assert.True(low.BiasStandardError <= LocalFitCalibration.SpectrumTargetStandardError, $"SE {low.BiasStandardError}");
        var mu = TestData.Spectrum(Model, Grid, 0.5, 0.20, 31);
        var high = LocalFitCalibration.ForSpectrum(Plan, Fit, mu);
        var again = LocalFitCalibration.ForSpectrum(Plan, Fit, mu);
        Print(FormattableString.Invariant($"20 %: {high.Table!.Pairs} pairs, b {high.Bias:+0.0000;-0.0000} ± {high.BiasStandardError:0.0000}"));
        // 20 % noise: per-pair SD ≈ 0.4 eV, so ≈ 10 000 pairs (the cap) for 0.004 eV; 20 % above the target allows for the SE of
        // the pilot's own SD estimate and the cap.
        Assert.InRange(high.Table.Pairs, 2 * LocalFitCalibration.PilotSpectrumPairs, LocalFitCalibration.DefaultSpectrumPairs);
        Assert.True(high.BiasStandardError <= 1.2 * LocalFitCalibration.SpectrumTargetStandardError, $"SE {high.BiasStandardError}");
        Assert.Equal(high.Bias, again.Bias);
        Assert.Equal(high.Table.Pairs, again.Table!.Pairs);
    }

    [Fact]
    public void Analyse_ReportsFitTableAndBias()
    {
        var s = new Spectrum("model", "synthetic", Grid.ToArray(), TestData.Spectrum(Model, Grid, 0.5, 0.10, 77));
        var on = XanesSpectrumAnalysis.Analyse(s, new SpectrumAnalysisOptions { PreEdge = EdgeEnergyAccuracyTests.Ranges, Edge = Fit, CalibrationPairs = 2000 });
        var lf = on.LocalFit!;
        Assert.True(lf.Enabled);
        Assert.Equal("table", lf.Correction);
        Assert.Equal(2.5, lf.HalfWidthEv);
        Assert.InRange(lf.RelativeNoise!.Value, 0.07, 0.13);   // 10 % noise, ≈ 20 degrees of freedom
        // b(10 %) is ≈ −0.06 eV for the true shape; one template fitted at 10 % noise can be off by the spread between templates
        // (SD 0.11–0.16 eV at 20 %, docs): only its sign-free size is bounded here.
        Assert.InRange(Math.Abs(lf.TableBiasEv!.Value), 0, 0.3);
        Assert.Equal(-lf.TableBiasEv.Value, lf.AppliedEv!.Value, 12);
        Assert.NotNull(lf.EdgeModel);
        string json = on.ToJson();
        foreach (var key in new[] { "\"local_fit\"", "\"correction\": \"table\"", "\"table_bias_ev\"", "\"relative_noise\"", "\"edge_model\"" })
            Assert.Contains(key, json);

        var off = XanesSpectrumAnalysis.Analyse(s, new SpectrumAnalysisOptions { PreEdge = EdgeEnergyAccuracyTests.Ranges });
        Assert.False(off.LocalFit!.Enabled);
        Assert.Equal("none", off.LocalFit.Correction);
        var analytic = XanesSpectrumAnalysis.Analyse(s, new SpectrumAnalysisOptions { PreEdge = EdgeEnergyAccuracyTests.Ranges, Edge = Fit with { LocalFitCalibration = false } });
        Assert.Equal("analytic", analytic.LocalFit!.Correction);
        Assert.Null(analytic.LocalFit.TableBiasEv);
    }

    /// <summary>The pyxas NiO and LiNiO₂ references (already normalised, 0.5 eV steps near the edge, low noise) with the fit on: the
    /// edge model fits, the table is used, b is tiny, E½ moves little and the NiO → LiNiO₂ shift stays ≈ 1.8 eV.</summary>
    [Fact]
    public void PyxasReferences_FitOn_AnalyseCleanly()
    {
        var opts = new SpectrumAnalysisOptions { Edge = Fit };
        var results = new List<(SpectrumReport Plain, SpectrumReport Fitted)>();
        foreach (var name in new[] { "ref_NiO.txt", "ref_LiNiO2.txt" })
        {
            string path = TestData.RequireFile("pyxas", name);
            var sw = Stopwatch.StartNew();
            var fitted = XanesSpectrumAnalysis.Analyse(path, null, opts);
            double ms = sw.Elapsed.TotalMilliseconds;
            var plain = XanesSpectrumAnalysis.Analyse(path);
            var lf = fitted.LocalFit!;
            var m = lf.EdgeModel;
            Print(FormattableString.Invariant($"{name}: {fitted.Points} points, E½ plain {plain.EHalf:F3}, fit {fitted.EHalf:F3} eV, {lf.Correction}, ŝ {lf.RelativeNoise:P3}, b {lf.TableBiasEv:+0.0000;-0.0000} ± {lf.TableBiasSeEv:0.0000}, ") + FormattableString.Invariant(
                $"model Ec {m?.CentreEv:F2} Γ {m?.WidthEv:F2} h {m?.WhiteLineHeight:F2} δ {m?.WhiteLineOffsetEv:F2} w {m?.WhiteLineSigmaEv:F2} rms {m?.ResidualRms:P2}; {ms:0} ms; {lf.Note}"));
            Assert.Equal("Ok", fitted.Status);
            Assert.Equal("table", lf.Correction);
            // Reference spectra are nearly noiseless, but with Larch's default ranges ŝ takes in the EXAFS structure left in the
            // post-edge residual (measured 5.4 % for NiO), so the table subtracts b(5 %) ≈ −0.01 eV: bounded at 10 % and 0.03 eV.
            Assert.InRange(lf.RelativeNoise!.Value, 0, 0.10);
            Assert.InRange(lf.TableBiasEv!.Value, -0.03, 0.03);
            // The local quadratic and the linear interpolation agree on a 0.5 eV grid with little noise: 0.1 eV is a fifth of the step.
            Assert.InRange(fitted.EHalf!.Value - plain.EHalf!.Value, -0.1, 0.1);
            results.Add((plain, fitted));
        }
        double shift = results[1].Fitted.EHalf!.Value - results[0].Fitted.EHalf!.Value;
        Assert.InRange(shift, 1.5, 2.1);   // same bound as RealSpectraTests ("about 1.8 eV", issue 7)
    }
}
