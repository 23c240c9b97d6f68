using BatteryZoom.Core.Units;

namespace BatteryZoom.Spectroscopy.EdgeEnergy;

/// <summary>How the edge energy (where the normalised spectrum crosses a level) and the white line are located.</summary>
public sealed record EdgeEnergyOptions
{
    /// <summary>Defaults: level 0.5, linear interpolation, white line searched 40 eV above the crossing.</summary>
    public static EdgeEnergyOptions Default { get; } = new();

    /// <summary>Normalised level of the edge energy (0.5: half the edge step).</summary>
    public double Level { get; init; } = 0.5;

    /// <summary>The crossing is searched from E0 down and up, no further than this from E0 (eV); beyond it the spectrum has "no crossing".</summary>
    public Energy SearchHalfWidth { get; init; } = new(40);

    /// <summary>Refine the crossing with a local least-squares polynomial instead of interpolating between two points (for noisy data).</summary>
    public bool LocalFit { get; init; }

    /// <summary>Half-width of the final local polynomial window around the crossing (a first pass uses twice this).</summary>
    public Energy LocalFitHalfWidth { get; init; } = new(2.5);

    /// <summary>With <see cref="LocalFit"/>: remove the second-order (Jensen) bias of inverting a curved edge at a noisy level,
    /// <c>½ (n''/n'³) σ²</c>, with n', n'' from the local polynomial and σ² the variance of the fitted level (local fit plus
    /// normalisation, from the fit residual). Default on; docs/algorithms/xanes.md shows the bias with and without. Not applied when the
    /// kernel has a <see cref="EdgeEnergy.LocalFitCalibration"/> table (the table contains this term).</summary>
    public bool LocalFitBiasCorrection { get; init; } = true;

    /// <summary>With <see cref="LocalFit"/>: subtract the simulation-calibrated noise bias b(ŝ) (<see cref="EdgeEnergy.LocalFitCalibration"/>)
    /// at each spectrum's own relative noise ŝ, from a table made once from a template spectrum (0–30 % noise), instead of the analytic
    /// <see cref="LocalFitBiasCorrection"/>. Default on. It needs a template, so it acts where one exists: <c>XanesMapper</c> builds the
    /// table from the mean spectrum of the voxels with an edge; <c>XanesSpectrumAnalysis</c> from an <see cref="EdgeModel"/> fitted to the
    /// one spectrum (<see cref="EdgeEnergy.LocalFitCalibration.ForSpectrum"/>; at 20 % noise −0.010 to +0.011 ± 0.007 eV over
    /// SOC 0–1: docs/algorithms/xanes.md); a <see cref="XanesKernel"/> is given one by its caller. Without a table the analytic correction applies.</summary>
    public bool LocalFitCalibration { get; init; } = true;

    /// <summary>Degree of the local polynomial (1..5).</summary>
    public int LocalFitDegree { get; init; } = 2;

    /// <summary>The white line is the maximum of the normalised spectrum within this distance above the edge energy.</summary>
    public Energy WhiteLineSearch { get; init; } = new(40);

    /// <summary>Spectra whose |edge step| is below <c>MinimumStepToResidual</c> × the RMS fit residual have "no edge" (a flat spectrum).</summary>
    public double MinimumStepToResidual { get; init; } = 2.0;

    /// <summary>Checks the values.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range.</exception>
    public void Validate()
    {
        if (!(Level > 0 && Level < 1)) throw new ArgumentOutOfRangeException(nameof(Level), $"level must lie in (0, 1); got {Level}.");
        if (!(SearchHalfWidth.ElectronVolts > 0)) throw new ArgumentOutOfRangeException(nameof(SearchHalfWidth), $"search half-width must be positive; got {SearchHalfWidth}.");
        if (LocalFitDegree is < 1 or > 5) throw new ArgumentOutOfRangeException(nameof(LocalFitDegree), $"local fit degree must be 1..5; got {LocalFitDegree}.");
        if (!(LocalFitHalfWidth.ElectronVolts > 0)) throw new ArgumentOutOfRangeException(nameof(LocalFitHalfWidth), $"local fit half-width must be positive; got {LocalFitHalfWidth}.");
        if (!(WhiteLineSearch.ElectronVolts > 0)) throw new ArgumentOutOfRangeException(nameof(WhiteLineSearch), $"white-line search must be positive; got {WhiteLineSearch}.");
        if (!(MinimumStepToResidual >= 0)) throw new ArgumentOutOfRangeException(nameof(MinimumStepToResidual), $"must be ≥ 0; got {MinimumStepToResidual}.");
    }
}
