// SPDX-License-Identifier: MIT
using BatteryZoom.Core.Units;
using BatteryZoom.Phase.Propagation;

namespace BatteryZoom.Phase.Ctf;

/// <summary>Options of multi-distance contrast-transfer-function phase retrieval (step "phase.ctf").</summary>
/// <remarks>
/// Regularised least squares over distances (Cloetens et al., Appl. Phys. Lett. 75, 2912, 1999; Zabler et al., Rev. Sci.
/// Instrum. 76, 073705, 2005): with A_z(f) = sin χ_z + (β/δ)·cos χ_z, χ_z = πλz_eff|f|²,
/// <c>Φ̃ = −Σ_z A_z·F[I_z/I0 − 1] / (2·N·(mean_z A_z² + α(f)))</c>, α switching by an erfc from
/// <see cref="LowFrequencyRegularization"/> to <see cref="HighFrequencyRegularization"/> at the first CTF maximum of the
/// largest distance. Defaults come from the study in docs/algorithms/phase-retrieval.md (NMC electrode, 33.6 keV).
/// </remarks>
public sealed record CtfOptions
{
    /// <summary>Photon energy.</summary>
    public required Energy Energy { get; init; }
    /// <summary>Sample-plane pixel common to all distances (after magnification normalisation).</summary>
    public required Length PixelSize { get; init; }
    /// <summary>Effective propagation distances, strictly increasing.</summary>
    public required IReadOnlyList<Length> Distances { get; init; }
    /// <summary>δ/β for the homogeneous-object coupling B = (β/δ)·Φ; null retrieves a pure phase object (B = 0, mean phase lost).</summary>
    public double? DeltaOverBeta { get; init; }
    /// <summary>α below the switch (dimensionless, compared with mean A² ≈ (β/δ)² at f → 0 with coupling).</summary>
    public double LowFrequencyRegularization { get; init; } = DefaultLowFrequencyRegularization;
    /// <summary>α above the switch (dimensionless, compared with mean A² ≈ 0.5 at high frequencies).</summary>
    public double HighFrequencyRegularization { get; init; } = DefaultHighFrequencyRegularization;
    /// <summary>Width of the erfc switch as a fraction of the switch frequency.</summary>
    public double SwitchWidth { get; init; } = 0.25;
    /// <summary>Padded size as a multiple of the image size (≥ 1; the Fresnel fringe spread of the largest distance is always added).</summary>
    public double PaddingFactor { get; init; } = 2;
    /// <summary>How holograms (I/I0 − 1) are extended into the padding.</summary>
    public PaddingMode Padding { get; init; } = PaddingMode.Edge;

    /// <summary>Default low-frequency α (regularisation study, docs/algorithms/phase-retrieval.md).</summary>
    public const double DefaultLowFrequencyRegularization = 1e-7;
    /// <summary>Default high-frequency α (regularisation study, docs/algorithms/phase-retrieval.md).</summary>
    public const double DefaultHighFrequencyRegularization = 1e-2;

    /// <summary>Throws when a value is out of range.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Non-positive energy, pixel, distance or δ/β; distances not strictly increasing; negative α; bad width or padding.</exception>
    /// <exception cref="ArgumentException">No distance.</exception>
    public void Validate()
    {
        if (!(Energy.ElectronVolts > 0)) throw new ArgumentOutOfRangeException(nameof(Energy), $"energy must be positive; got {Energy}.");
        if (!(PixelSize.Meters > 0) || !double.IsFinite(PixelSize.Meters)) throw new ArgumentOutOfRangeException(nameof(PixelSize), $"pixel size must be positive; got {PixelSize}.");
        ArgumentNullException.ThrowIfNull(Distances);
        if (Distances.Count == 0) throw new ArgumentException("CTF retrieval needs at least one propagation distance.", nameof(Distances));
        DistanceChecks.CheckIncreasing(Distances, nameof(Distances));
        if (DeltaOverBeta is { } db && (!(db > 0) || !double.IsFinite(db))) throw new ArgumentOutOfRangeException(nameof(DeltaOverBeta), $"δ/β must be positive and finite; got {db}.");
        if (!(LowFrequencyRegularization >= 0) || !double.IsFinite(LowFrequencyRegularization)) throw new ArgumentOutOfRangeException(nameof(LowFrequencyRegularization), $"α_low must be ≥ 0; got {LowFrequencyRegularization}.");
        if (!(HighFrequencyRegularization >= 0) || !double.IsFinite(HighFrequencyRegularization)) throw new ArgumentOutOfRangeException(nameof(HighFrequencyRegularization), $"α_high must be ≥ 0; got {HighFrequencyRegularization}.");
        if (DeltaOverBeta is null && LowFrequencyRegularization == 0) throw new ArgumentOutOfRangeException(nameof(LowFrequencyRegularization), "a pure-phase CTF (no δ/β) needs α_low > 0: its transfer vanishes at f = 0.");
        if (!(SwitchWidth > 0 && SwitchWidth <= 2)) throw new ArgumentOutOfRangeException(nameof(SwitchWidth), $"switch width must be in (0, 2]; got {SwitchWidth}.");
        if (!(PaddingFactor >= 1 && PaddingFactor <= 8)) throw new ArgumentOutOfRangeException(nameof(PaddingFactor), $"padding factor must be in [1, 8]; got {PaddingFactor}.");
    }
}

/// <summary>Checks shared by the multi-distance steps.</summary>
public static class DistanceChecks
{
    /// <summary>Throws unless every distance is positive, finite and larger than the one before.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A distance is not positive, or the list is not strictly increasing.</exception>
    public static void CheckIncreasing(IReadOnlyList<Length> distances, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(distances);
        for (int i = 0; i < distances.Count; i++)
        {
            if (!(distances[i].Meters > 0) || !double.IsFinite(distances[i].Meters))
                throw new ArgumentOutOfRangeException(parameterName, $"propagation distance {i} is {distances[i]}; distances must be positive.");
            if (i > 0 && !(distances[i] > distances[i - 1]))
                throw new ArgumentOutOfRangeException(parameterName, $"propagation distances must increase strictly; distance {i} ({distances[i]}) follows {distances[i - 1]}. Give them in increasing order: {string.Join(", ", distances.OrderBy(d => d.Meters))}.");
        }
    }
}
