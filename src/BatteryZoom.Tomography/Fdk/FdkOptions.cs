// SPDX-License-Identifier: MIT
using BatteryZoom.Core.Units;
using BatteryZoom.Tomography.Fbp;

namespace BatteryZoom.Tomography.Fdk;

/// <summary>Redundancy weighting for scans shorter than a full turn.</summary>
public enum ShortScanWeighting
{
    /// <summary>Parker weights when the angles span less than a full turn, none otherwise.</summary>
    Auto,
    /// <summary>No short-scan weighting: every projection gets ½ Δβ as in a full scan.</summary>
    None,
    /// <summary>Parker (1982) weights, generalised to any arc ≥ π + fan angle (Wesarg et al. 2002).</summary>
    Parker,
}

/// <summary>Redundancy weighting for 360° scans whose detector is shifted sideways (half-fan, extended field of view).</summary>
public enum OffsetDetectorWeighting
{
    /// <summary>Wang weights when a full scan's detector is asymmetric about the central ray by more than 10 % of its width.</summary>
    Auto,
    /// <summary>No weighting: ½ Δβ for every ray.</summary>
    None,
    /// <summary>Wang (2002) smooth weights across the overlap band |u| ≤ Δ around the central ray.</summary>
    Wang,
}

/// <summary>Options of Feldkamp–Davis–Kress reconstruction (step "reconstruct.fdk").</summary>
/// <remarks>Filters, cutoff and padding are the shared ones of <see cref="Fbp"/> (<see cref="FbpFilter"/>,
/// <see cref="FbpPadding"/>); see docs/algorithms/fdk.md for the weights and their validation.</remarks>
public sealed record FdkOptions
{
    /// <summary>Ramp apodisation window (default Ram-Lak).</summary>
    public FbpFilter Filter { get; init; } = FbpFilter.RamLak;

    /// <summary>Window cutoff as a fraction of the Nyquist frequency, in (0, 1].</summary>
    public double Cutoff { get; init; } = 1.0;

    /// <summary>Padded row length as a multiple of the detector width, in [1, 16] (2 avoids wrap-around of the ramp).</summary>
    public double PaddingFactor { get; init; } = 2.0;

    /// <summary>How each weighted detector row is extended before filtering (default: edge value; use
    /// <see cref="FbpPadding.SmoothExtrapolation"/> for truncated local scans, <see cref="FbpPadding.Zero"/> when the object fits).</summary>
    public FbpPadding Padding { get; init; } = FbpPadding.Edge;

    /// <summary>Short-scan (Parker) weighting.</summary>
    public ShortScanWeighting ShortScan { get; init; } = ShortScanWeighting.Auto;

    /// <summary>Offset-detector (Wang) weighting for 360° half-fan scans.</summary>
    public OffsetDetectorWeighting OffsetDetector { get; init; } = OffsetDetectorWeighting.Auto;

    /// <summary>First slice of the target grid to reconstruct (inclusive); null = 0.</summary>
    public int? FirstSlice { get; init; }

    /// <summary>Slice after the last one to reconstruct (exclusive); null = all slices.</summary>
    public int? EndSlice { get; init; }

    /// <summary>Peak working memory (slab accumulator, slab handed out, filtered rows, thread buffers, plus a fixed
    /// runtime allowance); null = the RunContext storage budget.</summary>
    public MemorySize? MemoryBudget { get; init; }

    /// <summary>Force the slab height in slices (tests, benchmarks); null sizes slabs to the budget.</summary>
    public int? SlabSlices { get; init; }

    /// <summary>Throws when a value is out of range.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Cutoff outside (0, 1], padding factor outside [1, 16], a non-positive slab height.</exception>
    public void Validate()
    {
        if (!(Cutoff > 0 && Cutoff <= 1)) throw new ArgumentOutOfRangeException(nameof(Cutoff), $"cutoff must be in (0, 1] (fraction of Nyquist); got {Cutoff}.");
        if (!(PaddingFactor >= 1 && PaddingFactor <= 16)) throw new ArgumentOutOfRangeException(nameof(PaddingFactor), $"padding factor must be in [1, 16]; got {PaddingFactor}.");
        if (SlabSlices is <= 0) throw new ArgumentOutOfRangeException(nameof(SlabSlices), $"slab height must be positive; got {SlabSlices}.");
    }
}
