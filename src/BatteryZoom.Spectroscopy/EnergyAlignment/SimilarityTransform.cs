using System.Globalization;

namespace BatteryZoom.Spectroscopy.EnergyAlignment;

/// <summary>Where a reference pixel lies in another energy's image: <c>q = Scale·(p − c) + c + (ShiftX, ShiftY)</c>, with p and q in
/// pixels (x = column, y = row) and c the image centre ((columns − 1)/2, (rows − 1)/2).</summary>
/// <remarks>Scale &gt; 1: the other image is magnified (its pixels are smaller by 1/Scale). Resampling the other image at q for every
/// reference pixel p (<see cref="ImageAligner.Warp"/>) puts it on the reference grid.</remarks>
/// <param name="ShiftX">Column shift, pixels.</param>
/// <param name="ShiftY">Row shift, pixels.</param>
/// <param name="Scale">Isotropic scale about the image centre (dimensionless, 1 = same pixel size).</param>
public readonly record struct SimilarityTransform(double ShiftX, double ShiftY, double Scale)
{
    /// <summary>No shift, unit scale.</summary>
    public static SimilarityTransform Identity => new(0, 0, 1);

    /// <summary>"dx=+1.234 px, dy=−0.500 px, scale=1.02000".</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"dx={ShiftX:+0.000;-0.000} px, dy={ShiftY:+0.000;-0.000} px, scale={Scale:0.00000}");
}

/// <summary>How the scale of each energy relative to the reference is obtained.</summary>
public enum ScaleMode
{
    /// <summary>Estimated from the images (1-D search of the correlation peak, then least-squares refinement).</summary>
    Estimate,
    /// <summary>Known law <c>s = (E / E_ref)^ScaleExponent</c>; only the shift is estimated.</summary>
    EnergyPowerLaw,
    /// <summary>Given per energy in <see cref="AlignmentOptions.GivenScales"/>; only the shift is estimated.</summary>
    Given,
    /// <summary>Scale fixed at 1 (shift only).</summary>
    None,
}

/// <summary>Options of the alignment across energies (step "xanes.align").</summary>
public sealed record AlignmentOptions
{
    /// <summary>Index of the reference energy; null = the last (highest, post-edge) energy, where the absorber's contrast is complete.</summary>
    public int? ReferenceIndex { get; init; }
    /// <summary>How scales are obtained (default: estimated).</summary>
    public ScaleMode Scale { get; init; } = ScaleMode.Estimate;
    /// <summary>Exponent k of <see cref="ScaleMode.EnergyPowerLaw"/>, s = (E/E_ref)^k (default 1: magnification ∝ E).</summary>
    public double ScaleExponent { get; init; } = 1.0;
    /// <summary>Per-energy scales for <see cref="ScaleMode.Given"/> (one per energy, in energy order).</summary>
    public IReadOnlyList<double>? GivenScales { get; init; }
    /// <summary>Smallest scale searched (default 0.93).</summary>
    public double MinScale { get; init; } = 0.93;
    /// <summary>Largest scale searched (default 1.07).</summary>
    public double MaxScale { get; init; } = 1.07;
    /// <summary>Step of the coarse scale search (default 0.005; the refinement is continuous).</summary>
    public double ScaleStep { get; init; } = 0.005;
    /// <summary>Largest shift accepted, pixels (default: a quarter of the smaller image side).</summary>
    public double? MaxShift { get; init; }
    /// <summary>Gaussian σ in pixels applied before the gradient magnitude (default 1.5).</summary>
    public double SmoothingSigma { get; init; } = 1.5;
    /// <summary>Fraction of each side tapered by the Tukey window (default 0.2).</summary>
    public double Taper { get; init; } = 0.2;
    /// <summary>Gauss–Newton iterations of the refinement (default 30; stops earlier on convergence).</summary>
    public int RefinementIterations { get; init; } = 30;
    /// <summary>Projection indices whose images are used; null = the mean projection over all angles.</summary>
    public IReadOnlyList<int>? Views { get; init; }

    /// <summary>Throws when a value is out of range.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value out of range.</exception>
    public void Validate()
    {
        if (!(MinScale > 0 && MaxScale >= MinScale && MaxScale < 2)) throw new ArgumentOutOfRangeException(nameof(MinScale), $"scale search range must satisfy 0 < min ≤ max < 2; got [{MinScale}, {MaxScale}].");
        if (!(ScaleStep > 0 && ScaleStep <= 0.1)) throw new ArgumentOutOfRangeException(nameof(ScaleStep), $"scale step must be in (0, 0.1]; got {ScaleStep}.");
        if (!(SmoothingSigma >= 0 && SmoothingSigma <= 20)) throw new ArgumentOutOfRangeException(nameof(SmoothingSigma), $"smoothing σ must be in [0, 20] px; got {SmoothingSigma}.");
        if (!(Taper >= 0 && Taper <= 0.5)) throw new ArgumentOutOfRangeException(nameof(Taper), $"taper must be in [0, 0.5]; got {Taper}.");
        if (RefinementIterations < 0) throw new ArgumentOutOfRangeException(nameof(RefinementIterations), $"refinement iterations must be ≥ 0; got {RefinementIterations}.");
        if (!double.IsFinite(ScaleExponent)) throw new ArgumentOutOfRangeException(nameof(ScaleExponent), $"scale exponent must be finite; got {ScaleExponent}.");
        if (MaxShift is { } m && !(m > 0)) throw new ArgumentOutOfRangeException(nameof(MaxShift), $"max shift must be positive; got {m}.");
    }
}
