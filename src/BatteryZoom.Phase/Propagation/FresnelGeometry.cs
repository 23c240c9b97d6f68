// SPDX-License-Identifier: MIT
using BatteryZoom.Core.Units;

namespace BatteryZoom.Phase.Propagation;

/// <summary>Where the sample sits between a point source (or focus) and the detector, for Fresnel propagation.</summary>
/// <remarks>
/// Fresnel scaling theorem (Paganin, <i>Coherent X-ray Optics</i> §2.5; Cloetens et al. 1999): a hologram recorded
/// with a point source at z1 before the sample and the detector z2 after it equals, magnified by
/// <c>M = (z1 + z2)/z1</c>, the plane-wave hologram at the effective distance <c>z_eff = z1·z2/(z1 + z2) = z2/M</c>
/// with effective pixel <c>p/M</c>. A parallel beam is the limit z1 → ∞ (M = 1, z_eff = z2).
/// </remarks>
public sealed record FresnelGeometry
{
    private FresnelGeometry(Length sampleToDetector, Length? sourceToSample)
    {
        if (!(sampleToDetector.Meters > 0) || !double.IsFinite(sampleToDetector.Meters))
            throw new ArgumentOutOfRangeException(nameof(sampleToDetector), $"sample–detector distance must be positive and finite; got {sampleToDetector}.");
        if (sourceToSample is { } z1 && (!(z1.Meters > 0) || !double.IsFinite(z1.Meters)))
            throw new ArgumentOutOfRangeException(nameof(sourceToSample), $"source–sample distance must be positive and finite; got {z1}.");
        (SampleToDetector, SourceToSample) = (sampleToDetector, sourceToSample);
    }

    /// <summary>Parallel (plane-wave) illumination with the detector <paramref name="distance"/> behind the sample.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The distance is not positive and finite.</exception>
    public static FresnelGeometry Parallel(Length distance) => new(distance, null);

    /// <summary>Cone beam from a point source (focus) <paramref name="sourceToSample"/> before the sample, detector at <paramref name="sourceToDetector"/> from the source.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A distance is not positive, or the detector is not beyond the sample.</exception>
    public static FresnelGeometry ConeBeam(Length sourceToSample, Length sourceToDetector) =>
        new(sourceToDetector - sourceToSample, sourceToSample);

    /// <summary>Sample to detector, z2.</summary>
    public Length SampleToDetector { get; }
    /// <summary>Source (focus) to sample, z1; null for a parallel beam.</summary>
    public Length? SourceToSample { get; }
    /// <summary>Geometric magnification M = (z1 + z2)/z1 (1 for a parallel beam).</summary>
    public double Magnification => SourceToSample is { } z1 ? (z1 + SampleToDetector) / z1 : 1.0;
    /// <summary>Effective propagation distance z_eff = z1·z2/(z1 + z2) (z2 for a parallel beam).</summary>
    public Length EffectiveDistance => SampleToDetector / Magnification;
    /// <summary>Pixel in the sample plane: detector pixel / M.</summary>
    public Length EffectivePixel(Length detectorPixel) => detectorPixel / Magnification;
    /// <summary>Fresnel number p²/(λ·z_eff) of a sample-plane pixel <paramref name="pixel"/>.</summary>
    public double FresnelNumber(Length pixel, Energy energy) => pixel.Meters * pixel.Meters / (energy.Wavelength.Meters * EffectiveDistance.Meters);

    /// <inheritdoc/>
    public override string ToString() => SourceToSample is { } z1
        ? $"cone beam: z1 = {z1}, z2 = {SampleToDetector}, M = {Magnification:G6}, z_eff = {EffectiveDistance}"
        : $"parallel beam: z = {SampleToDetector}";
}
