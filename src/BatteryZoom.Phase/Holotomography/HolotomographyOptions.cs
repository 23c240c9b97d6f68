// SPDX-License-Identifier: MIT
using BatteryZoom.Phase.Ctf;
using BatteryZoom.Tomography.Fbp;

namespace BatteryZoom.Phase.Holotomography;

/// <summary>Which phase retrieval the holotomography pipeline uses.</summary>
public enum PhaseMethod
{
    /// <summary>Multi-distance CTF over every distance (<see cref="CtfPlan"/>).</summary>
    Ctf,
    /// <summary>Single-distance Paganin on the reference distance (<see cref="Paganin.PaganinPlan"/>).</summary>
    Paganin,
}

/// <summary>Options of the holotomography pipeline (steps "phase.holotomography" and "reconstruct.fbp").</summary>
public sealed record HolotomographyOptions
{
    /// <summary>Phase retrieval method (default multi-distance CTF).</summary>
    public PhaseMethod Method { get; init; } = PhaseMethod.Ctf;
    /// <summary>δ/β: Paganin's parameter, the CTF's homogeneous coupling (null = pure phase CTF), and the Paganin maps used for registration.</summary>
    public double? DeltaOverBeta { get; init; }
    /// <summary>CTF α below the switch.</summary>
    public double LowFrequencyRegularization { get; init; } = CtfOptions.DefaultLowFrequencyRegularization;
    /// <summary>CTF α above the switch.</summary>
    public double HighFrequencyRegularization { get; init; } = CtfOptions.DefaultHighFrequencyRegularization;
    /// <summary>Padded size as a multiple of the image size.</summary>
    public double PaddingFactor { get; init; } = 2;
    /// <summary>Register distances on single-distance Paganin phase maps (median over <see cref="RegistrationAngles"/> angles).</summary>
    public bool Register { get; init; } = true;
    /// <summary>Known shifts (rows, columns) in reference pixels per distance, used instead of registration when given.</summary>
    public IReadOnlyList<(double Rows, double Columns)>? Shifts { get; init; }
    /// <summary>Angles (evenly spread) used for registration; the median shift over them is applied to every angle.</summary>
    public int RegistrationAngles { get; init; } = 9;
    /// <summary>δ/β used for the registration phase maps when <see cref="DeltaOverBeta"/> is null.</summary>
    public double RegistrationDeltaOverBeta { get; init; } = 100;
    /// <summary>Filtered backprojection options (slice range, filter, memory budget).</summary>
    public FbpOptions Fbp { get; init; } = new();

    /// <summary>Throws when a value is out of range.</summary>
    /// <exception cref="ArgumentOutOfRangeException">δ/β not positive, Paganin without δ/β, negative α, bad counts.</exception>
    public void Validate()
    {
        if (DeltaOverBeta is { } db && (!(db > 0) || !double.IsFinite(db))) throw new ArgumentOutOfRangeException(nameof(DeltaOverBeta), $"δ/β must be positive; got {db}.");
        if (Method == PhaseMethod.Paganin && DeltaOverBeta is null) throw new ArgumentOutOfRangeException(nameof(DeltaOverBeta), "Paganin retrieval needs δ/β (e.g. --delta-beta 148 for NMC at 33.6 keV).");
        if (!(LowFrequencyRegularization >= 0)) throw new ArgumentOutOfRangeException(nameof(LowFrequencyRegularization), $"α_low must be ≥ 0; got {LowFrequencyRegularization}.");
        if (!(HighFrequencyRegularization >= 0)) throw new ArgumentOutOfRangeException(nameof(HighFrequencyRegularization), $"α_high must be ≥ 0; got {HighFrequencyRegularization}.");
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(RegistrationAngles);
        if (!(RegistrationDeltaOverBeta > 0)) throw new ArgumentOutOfRangeException(nameof(RegistrationDeltaOverBeta), $"registration δ/β must be positive; got {RegistrationDeltaOverBeta}.");
        ArgumentNullException.ThrowIfNull(Fbp);
        Fbp.Validate();
    }
}
