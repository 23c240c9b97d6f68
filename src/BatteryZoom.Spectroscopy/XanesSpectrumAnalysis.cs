using System.Text.Json;
using System.Text.Json.Serialization;
using BatteryZoom.Core.Diagnostics;
using BatteryZoom.Spectroscopy.Data;
using BatteryZoom.Spectroscopy.EdgeEnergy;
using BatteryZoom.Spectroscopy.Normalisation;

namespace BatteryZoom.Spectroscopy;

/// <summary>Options of <see cref="XanesSpectrumAnalysis.Analyse(string, string?, SpectrumAnalysisOptions?)"/>.</summary>
public sealed record SpectrumAnalysisOptions
{
    /// <summary>Pre-/post-edge parameters (null entries: Larch defaults).</summary>
    public PreEdgeOptions PreEdge { get; init; } = PreEdgeOptions.Default;
    /// <summary>Edge energy and white-line options.</summary>
    public EdgeEnergyOptions Edge { get; init; } = EdgeEnergyOptions.Default;
    /// <summary>For Athena projects: use the ranges Athena stored for the group instead of <see cref="PreEdge"/>.</summary>
    public bool UseAthenaRanges { get; init; }
    /// <summary>With <see cref="EdgeEnergyOptions.LocalFit"/> and <see cref="EdgeEnergyOptions.LocalFitCalibration"/>: at most this many
    /// antithetic pairs of the one-spectrum noise-bias table (<see cref="LocalFitCalibration.ForSpectrum"/>; fewer when a pilot of
    /// <see cref="LocalFitCalibration.PilotSpectrumPairs"/> already reaches <see cref="LocalFitCalibration.SpectrumTargetStandardError"/>).</summary>
    public int CalibrationPairs { get; init; } = LocalFitCalibration.DefaultSpectrumPairs;
    /// <summary>Seed of the noise draws of the one-spectrum table.</summary>
    public ulong CalibrationSeed { get; init; } = 0x5EED_E1A5;
}

/// <summary>The edge model fitted to a spectrum as the template of its noise-bias table (<see cref="EdgeModel"/>), in eV and μ units.</summary>
/// <param name="CentreEv">Arctan centre.</param>
/// <param name="WidthEv">Arctan half-width Γ.</param>
/// <param name="Step">Arctan step (μ units).</param>
/// <param name="WhiteLineHeight">Gaussian height / step.</param>
/// <param name="WhiteLineOffsetEv">Gaussian centre above the arctan centre.</param>
/// <param name="WhiteLineSigmaEv">Gaussian σ.</param>
/// <param name="ResidualRms">RMS residual of the model over the fitted points / step.</param>
/// <param name="Points">Points fitted.</param>
public sealed record EdgeModelReport(double CentreEv, double WidthEv, double Step, double WhiteLineHeight, double WhiteLineOffsetEv,
    double WhiteLineSigmaEv, double ResidualRms, int Points);

/// <summary>How E½ was refined and corrected.</summary>
/// <param name="Enabled">The local polynomial fit was on.</param>
/// <param name="HalfWidthEv">Its half-width, eV (null when off).</param>
/// <param name="Degree">Its degree (null when off).</param>
/// <param name="Correction">Noise-bias correction applied: "table" (simulated from the edge model), "analytic" (second-order term),
/// or "none" (fit off, or both corrections switched off).</param>
/// <param name="RelativeNoise">ŝ = σ̂/step, the spectrum's noise per point relative to its step (from the pre/post fits).</param>
/// <param name="TableBiasEv">b(ŝ), the simulated noise bias subtracted (null without a table).</param>
/// <param name="TableBiasSeEv">Monte-Carlo standard error of b(ŝ) (null without a table).</param>
/// <param name="TablePairs">Antithetic pairs of the table (null without one).</param>
/// <param name="AppliedEv">What was added to the local-fit E½ (−b with the table), eV.</param>
/// <param name="EdgeModel">The fitted template (null when not fitted or failed).</param>
/// <param name="Note">One line: table built, or why the analytic correction was used instead.</param>
public sealed record LocalFitReport(bool Enabled, double? HalfWidthEv, int? Degree, string Correction, double? RelativeNoise, double? TableBiasEv,
    double? TableBiasSeEv, int? TablePairs, double? AppliedEv, EdgeModelReport? EdgeModel, string Note);

/// <summary>Pre-edge fit parameters in Larch's conventions.</summary>
/// <param name="Pre1">Pre-edge range start relative to E0, eV.</param>
/// <param name="Pre2">Pre-edge range end, eV.</param>
/// <param name="Norm1">Post-edge range start, eV.</param>
/// <param name="Norm2">Post-edge range end, eV.</param>
/// <param name="NNorm">Post-edge polynomial degree.</param>
/// <param name="NVict">Victoreen exponent.</param>
/// <param name="PreOffset">Larch pre_offset: pre(E) = (offset + slope·E)·E^−nvict.</param>
/// <param name="PreSlope">Larch pre_slope, per eV.</param>
/// <param name="NormCoefficients">Larch norm_c0..: post − pre = Σ cₖ Eᵏ (E in eV).</param>
/// <param name="PrePoints">Points in the pre-edge fit.</param>
/// <param name="PostPoints">Points in the post-edge fit.</param>
public sealed record PreEdgeParameters(double Pre1, double Pre2, double Norm1, double Norm2, int NNorm, int NVict,
    double PreOffset, double PreSlope, IReadOnlyList<double> NormCoefficients, int PrePoints, int PostPoints);

/// <summary>What <c>bzoom xanes spectrum</c> prints: energies in eV.</summary>
/// <param name="File">Input file.</param>
/// <param name="Group">Group or spectrum name.</param>
/// <param name="Points">Number of energies.</param>
/// <param name="E0">E0 (grid energy), eV.</param>
/// <param name="EdgeStep">Edge step (μ units).</param>
/// <param name="EHalf">Energy at half the edge step, eV.</param>
/// <param name="Whiteline">White-line energy, eV.</param>
/// <param name="WhitelineHeight">Normalised white-line height.</param>
/// <param name="Residual">RMS residual of the fits / edge step.</param>
/// <param name="Status">Ok or why a value is missing.</param>
/// <param name="PreEdge">Fit ranges and coefficients.</param>
/// <param name="AthenaStep">bkg_step stored by Athena, if any.</param>
/// <param name="Rules">Which Larch version's rules were reproduced.</param>
/// <param name="LocalFit">How E½ was refined and its noise bias corrected (null only for reports made before it existed).</param>
public sealed record SpectrumReport(string File, string Group, int Points, double E0, double EdgeStep, double? EHalf, double? Whiteline,
    double? WhitelineHeight, double Residual, string Status, PreEdgeParameters PreEdge, double? AthenaStep, string Rules, LocalFitReport? LocalFit = null)
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>Indented JSON with snake_case names (e0, edge_step, e_half, whiteline, pre_edge, …).</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Json);
}

/// <summary>The library behind <c>bzoom xanes spectrum FILE [--group NAME]</c>: read, normalise as Larch's pre_edge, find E at 0.5 and the white line.</summary>
public static class XanesSpectrumAnalysis
{
    /// <summary>The Larch release whose pre_edge/find_e0 rules are reproduced.</summary>
    public const string LarchRules = "xraylarch >= 0.9.79 (2024) larch/xafs/pre_edge.py: pre_edge + find_e0 defaults";

    /// <summary>Reads <paramref name="path"/> (XDI, text, CSV/TSV, Athena .prj) and analyses one spectrum.</summary>
    /// <exception cref="DataFormatException">Unreadable file, NaN values or non-increasing energies.</exception>
    /// <exception cref="IncompatibleInputException">Too few points before/after the edge for the ranges, or a flat spectrum without an edge.</exception>
    public static SpectrumReport Analyse(string path, string? group = null, SpectrumAnalysisOptions? options = null)
    {
        var s = SpectrumReader.Read(path, group);
        return Analyse(s, options);
    }

    /// <summary>Analyses a spectrum already in memory.</summary>
    /// <exception cref="IncompatibleInputException">Too few points before/after the edge, or no edge (flat spectrum).</exception>
    public static SpectrumReport Analyse(Spectrum spectrum, SpectrumAnalysisOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(spectrum);
        options ??= new SpectrumAnalysisOptions();
        spectrum.Validate();
        var pre = options.UseAthenaRanges && spectrum.Athena is not null ? AthenaProject.ToPreEdgeOptions(spectrum.Athena) : options.PreEdge;
        PreEdgePlan plan;
        try { plan = PreEdgePlan.Create(spectrum.EnergiesEv, pre, spectrum.Mu); }
        catch (IncompatibleInputException ex) { throw new IncompatibleInputException($"{spectrum.Source} ('{spectrum.Name}'): {ex.Message}", ex); }
        var fit = plan.Apply(spectrum.Mu, default);
        var edge = options.Edge;
        SpectrumCalibration? calibration = null;
        if (edge.LocalFit && edge.LocalFitCalibration)
        {
            edge.Validate();
            calibration = LocalFitCalibration.ForSpectrum(plan, edge, spectrum.Mu, options.CalibrationPairs, options.CalibrationSeed);
        }
        var kernel = new XanesKernel(plan, edge, calibration?.Table);
        var f = kernel.Evaluate(spectrum.Mu);
        if (f.Status == SpectrumStatus.NoEdge)
            throw new IncompatibleInputException(
                $"{spectrum.Source} ('{spectrum.Name}'): no absorption edge: edge step {fit.EdgeStep:G4} is not above {options.Edge.MinimumStepToResidual} × the fit residual {fit.ResidualRms:G4}. " +
                "Check that the file holds μ(E) across an edge, or set E0 and the ranges explicitly.");
        var r = plan.Ranges;
        var (off, slope) = fit.LarchPreCoefficients;
        var pars = new PreEdgeParameters(r.Pre1.ElectronVolts, r.Pre2.ElectronVolts, r.Norm1.ElectronVolts, r.Norm2.ElectronVolts, r.NNorm, r.NVict,
            off, slope, fit.LarchNormCoefficients, r.PreEnd - r.PreStart, r.NormEnd - r.NormStart);
        static double? N(double v) => double.IsFinite(v) ? v : null;
        return new SpectrumReport(spectrum.Source, spectrum.Name, spectrum.EnergiesEv.Length, r.E0.ElectronVolts, fit.EdgeStep,
            N(f.EdgeEnergy), N(f.WhiteLineEnergy), N(f.WhiteLineHeight), fit.ResidualRms / Math.Abs(fit.EdgeStep), f.Status.ToString(), pars,
            spectrum.Athena?.Step, LarchRules, Report(edge, kernel, calibration));
    }

    private static LocalFitReport Report(EdgeEnergyOptions edge, XanesKernel kernel, SpectrumCalibration? c)
    {
        static double? N(double v) => double.IsFinite(v) ? v : null;
        if (!edge.LocalFit) return new(false, null, null, "none", N(kernel.LastRelativeNoise), null, null, null, null, null, "local fit off: linear interpolation");
        string correction = kernel.LastUsedTable ? "table" : kernel.LastBiasCorrection != 0 ? "analytic" : "none";
        EdgeModelReport? model = null;
        if (c?.TemplateFit.Model is { } m)
            model = new(m.Centre, m.Width, m.Step, m.WhiteLineHeight / m.Step, m.WhiteLineOffset, m.WhiteLineSigma, c.TemplateFit.ResidualRms / m.Step, c.TemplateFit.Points);
        string note = c?.Note ?? (edge.LocalFitBiasCorrection ? "table off (--no-fit-calibration): analytic correction" : "table and analytic correction off");
        if (c is not null && c.Table is not null && !kernel.LastUsedTable) note += "; not applied (spectrum masked)";
        return new(true, edge.LocalFitHalfWidth.ElectronVolts, edge.LocalFitDegree, correction, N(kernel.LastRelativeNoise),
            c?.Table is null ? null : N(c.Bias), c?.Table is null ? null : N(c.BiasStandardError), c?.Table?.Pairs,
            kernel.LastUsedTable || correction == "analytic" ? kernel.LastBiasCorrection : 0, model, note);
    }
}
