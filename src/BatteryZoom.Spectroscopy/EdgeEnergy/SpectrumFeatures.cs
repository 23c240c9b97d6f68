namespace BatteryZoom.Spectroscopy.EdgeEnergy;

/// <summary>Why a spectrum (a voxel) has no usable edge energy.</summary>
public enum SpectrumStatus : byte
{
    /// <summary>All quantities were found.</summary>
    Ok = 0,
    /// <summary>The spectrum holds NaN or infinite values.</summary>
    NotFinite = 1,
    /// <summary>No edge: the step is not positive, or below <see cref="EdgeEnergyOptions.MinimumStepToResidual"/> × the fit residual.</summary>
    NoEdge = 2,
    /// <summary>The normalised spectrum does not cross the level within the search window around E0.</summary>
    NoCrossing = 3,
    /// <summary>The edge step is below the caller's mask threshold (features were still computed).</summary>
    BelowStepThreshold = 4,
}

/// <summary>Quantities of one normalised spectrum; energies in eV, NaN where not found.</summary>
/// <param name="Status">Ok, or why the spectrum is masked.</param>
/// <param name="EdgeEnergy">Energy where the normalised spectrum crosses the level (0.5), eV.</param>
/// <param name="WhiteLineEnergy">Energy of the white-line maximum (quadratic through the highest point and its neighbours), eV.</param>
/// <param name="WhiteLineHeight">Normalised height of the white line at its maximum.</param>
/// <param name="EdgeStep">Edge step, μ units (signed).</param>
/// <param name="Residual">RMS residual of the pre- and post-edge fits divided by |edge step|.</param>
public readonly record struct SpectrumFeatures(SpectrumStatus Status, double EdgeEnergy, double WhiteLineEnergy, double WhiteLineHeight, double EdgeStep, double Residual)
{
    /// <summary>A masked result with only a status (and step/residual when known).</summary>
    public static SpectrumFeatures Masked(SpectrumStatus status, double step = double.NaN, double residual = double.NaN) =>
        new(status, double.NaN, double.NaN, double.NaN, step, residual);
}
