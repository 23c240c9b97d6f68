using BatteryZoom.Core.Units;

namespace BatteryZoom.Spectroscopy.Normalisation;

/// <summary>Parameters of the Larch-equivalent pre-edge line and post-edge polynomial; null means "Larch's default rule".</summary>
/// <remarks>
/// Ranges are energies relative to E0 (negative below the edge), as in Larch's <c>pre_edge(pre1, pre2, norm1, norm2, nnorm, nvict)</c>.
/// Default rules (xraylarch ≥ 0.9.79, see docs/algorithms/xanes.md): <c>pre1</c> = second energy point − E0 rounded to 5 eV (2 eV when
/// E0 lies within the first 20 points); <c>pre2 = pre1/2</c>, moved up to keep at least 2 + nvict points; <c>norm2</c> = last energy − E0
/// rounded to 5 eV; <c>norm1 = min(25, norm2/15 rounded to 5 eV)</c>, at most norm2 − 10; <c>nnorm</c> = 2, or 1 when
/// norm2 − norm1 &lt; 300 eV, or 0 when &lt; 30 eV. Athena's <c>bkg_nnorm</c> counts coefficients: Larch's nnorm = bkg_nnorm − 1.
/// </remarks>
public sealed record PreEdgeOptions
{
    /// <summary>Larch's defaults for everything.</summary>
    public static PreEdgeOptions Default { get; } = new();

    /// <summary>Edge energy; null: found by <see cref="EdgeFinder.FindE0"/>. Snapped to the nearest grid energy, as Larch does.</summary>
    public Energy? E0 { get; init; }
    /// <summary>Fixed edge step (μ units); null: post(E0) − pre(E0).</summary>
    public double? Step { get; init; }
    /// <summary>Start of the pre-edge fit range relative to E0 (negative).</summary>
    public Energy? Pre1 { get; init; }
    /// <summary>End of the pre-edge fit range relative to E0 (negative).</summary>
    public Energy? Pre2 { get; init; }
    /// <summary>Start of the post-edge fit range relative to E0.</summary>
    public Energy? Norm1 { get; init; }
    /// <summary>End of the post-edge fit range relative to E0; a negative value counts back from the last energy.</summary>
    public Energy? Norm2 { get; init; }
    /// <summary>Degree of the post-edge polynomial, 0..5 (Larch's nnorm).</summary>
    public int? NNorm { get; init; }
    /// <summary>Victoreen exponent: the pre-edge line is fitted to μ·E^nvict (Larch's nvict, default 0).</summary>
    public int NVict { get; init; }

    /// <summary>Options from an Athena project's stored background parameters (bkg_e0, bkg_pre1/2, bkg_nor1/2, bkg_nnorm).</summary>
    public static PreEdgeOptions FromAthena(double e0, double pre1, double pre2, double nor1, double nor2, int bkgNnorm) => new()
    {
        E0 = new Energy(e0), Pre1 = new Energy(pre1), Pre2 = new Energy(pre2),
        Norm1 = new Energy(nor1), Norm2 = new Energy(nor2), NNorm = Math.Max(0, bkgNnorm - 1),
    };
}

/// <summary>The fit ranges after Larch's rules were applied: energies relative to E0 (eV) and the grid indices they select.</summary>
/// <param name="E0">E0 snapped to the grid.</param>
/// <param name="E0Index">Index of E0 on the grid.</param>
/// <param name="Pre1">Pre-edge range start relative to E0.</param>
/// <param name="Pre2">Pre-edge range end relative to E0.</param>
/// <param name="Norm1">Post-edge range start relative to E0.</param>
/// <param name="Norm2">Post-edge range end relative to E0.</param>
/// <param name="NNorm">Post-edge polynomial degree.</param>
/// <param name="NVict">Victoreen exponent.</param>
/// <param name="PreStart">First index of the pre-edge fit.</param>
/// <param name="PreEnd">One past the last index of the pre-edge fit (Larch's slice end).</param>
/// <param name="NormStart">First index of the post-edge fit.</param>
/// <param name="NormEnd">One past the last index of the post-edge fit.</param>
public sealed record PreEdgeRanges(Energy E0, int E0Index, Energy Pre1, Energy Pre2, Energy Norm1, Energy Norm2, int NNorm, int NVict,
    int PreStart, int PreEnd, int NormStart, int NormEnd);
