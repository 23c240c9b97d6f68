// SPDX-License-Identifier: MIT
using BatteryZoom.Core.Units;
using BatteryZoom.Phase.Propagation;

namespace BatteryZoom.Phase.Paganin;

/// <summary>Options of single-distance Paganin phase retrieval (step "phase.paganin").</summary>
/// <remarks>Homogeneous-object transport-of-intensity retrieval (Paganin et al., J. Microsc. 206, 33, 2002). Inputs are
/// flat-field-corrected transmissions I/I0; the output is the phase Φ = k∫δ ds (rad) = (δ/β)·B.
/// See docs/algorithms/phase-retrieval.md.</remarks>
public sealed record PaganinOptions
{
    /// <summary>Photon energy.</summary>
    public required Energy Energy { get; init; }
    /// <summary>Effective propagation distance (z_eff = z1·z2/(z1+z2) for a cone beam).</summary>
    public required Length Distance { get; init; }
    /// <summary>Sample-plane pixel (detector pixel / M for a cone beam).</summary>
    public required Length PixelSize { get; init; }
    /// <summary>δ/β of the (assumed homogeneous) material, e.g. 148 for NMC532 at 33.6 keV.</summary>
    public required double DeltaOverBeta { get; init; }
    /// <summary>Padded size as a multiple of the image size (≥ 1; the Fresnel fringe spread is always added).</summary>
    public double PaddingFactor { get; init; } = 2;
    /// <summary>How the image is extended into the padding.</summary>
    public PaddingMode Padding { get; init; } = PaddingMode.Edge;

    /// <summary>Options for a cone-beam distance: effective distance and pixel by the Fresnel scaling theorem.</summary>
    public static PaganinOptions For(FresnelGeometry geometry, Length detectorPixel, Energy energy, double deltaOverBeta)
    {
        ArgumentNullException.ThrowIfNull(geometry);
        return new PaganinOptions { Energy = energy, Distance = geometry.EffectiveDistance, PixelSize = geometry.EffectivePixel(detectorPixel), DeltaOverBeta = deltaOverBeta };
    }

    /// <summary>Throws when a value is out of range.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Non-positive energy, distance, pixel or δ/β, or padding factor below 1.</exception>
    public void Validate()
    {
        if (!(Energy.ElectronVolts > 0)) throw new ArgumentOutOfRangeException(nameof(Energy), $"energy must be positive; got {Energy}.");
        if (!(Distance.Meters > 0) || !double.IsFinite(Distance.Meters)) throw new ArgumentOutOfRangeException(nameof(Distance), $"propagation distance must be positive; got {Distance}.");
        if (!(PixelSize.Meters > 0) || !double.IsFinite(PixelSize.Meters)) throw new ArgumentOutOfRangeException(nameof(PixelSize), $"pixel size must be positive; got {PixelSize}.");
        if (!(DeltaOverBeta > 0) || !double.IsFinite(DeltaOverBeta)) throw new ArgumentOutOfRangeException(nameof(DeltaOverBeta), $"δ/β must be positive and finite; got {DeltaOverBeta}.");
        if (!(PaddingFactor >= 1 && PaddingFactor <= 8)) throw new ArgumentOutOfRangeException(nameof(PaddingFactor), $"padding factor must be in [1, 8]; got {PaddingFactor}.");
    }
}
