// SPDX-License-Identifier: MIT
using BatteryZoom.Core.Units;

namespace BatteryZoom.Tomography.Fbp;

/// <summary>Options of parallel-beam filtered backprojection (step "reconstruct.fbp").</summary>
/// <remarks>Defaults reproduce scikit-image's <c>iradon(filter_name="ramp")</c> up to its half-pixel centring, with
/// edge-extended 2× padding. See docs/algorithms/fbp.md.</remarks>
public sealed record FbpOptions
{
    /// <summary>Ramp apodisation window (default Ram-Lak).</summary>
    public FbpFilter Filter { get; init; } = FbpFilter.RamLak;

    /// <summary>Window cutoff as a fraction of the Nyquist frequency, in (0, 1].</summary>
    public double Cutoff { get; init; } = 1.0;

    /// <summary>Padded row length as a multiple of the detector width (≥ 1; 2 avoids wrap-around of the ramp kernel).</summary>
    public double PaddingFactor { get; init; } = 2.0;

    /// <summary>How rows are extended into the padding (default: edge value).</summary>
    public FbpPadding Padding { get; init; } = FbpPadding.Edge;

    /// <summary>Rotation-axis position in pixels from the centre of column 0; null takes
    /// <see cref="Core.Geometry.ParallelBeam.CenterOfRotationPixels"/> from the geometry.</summary>
    public double? CenterOfRotation { get; init; }

    /// <summary>Zero the pixels outside the circle inscribed in the output slice (and skip them).</summary>
    public bool CircularMask { get; init; }

    /// <summary>First detector row to reconstruct (inclusive); null = 0.</summary>
    public int? FirstSlice { get; init; }

    /// <summary>Row after the last one to reconstruct (exclusive); null = all rows.</summary>
    public int? EndSlice { get; init; }

    /// <summary>Output slice width and height in voxels; null = detector columns.</summary>
    public int? OutputSize { get; init; }

    /// <summary>Output voxel size in x and y; null = detector pixel width (z always uses the pixel height).</summary>
    public Length? VoxelSize { get; init; }

    /// <summary>Lab x of the output slice centre (default 0: centred on the rotation axis); for region-of-interest reconstruction.</summary>
    public Length CentreX { get; init; }

    /// <summary>Lab y of the output slice centre (default 0).</summary>
    public Length CentreY { get; init; }

    /// <summary>Peak working memory for sinogram and slab buffers; null = the RunContext storage budget.</summary>
    public MemorySize? MemoryBudget { get; init; }

    /// <summary>Throws when a value is out of range.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Cutoff outside (0, 1], padding factor below 1, a non-positive size.</exception>
    public void Validate()
    {
        if (!(Cutoff > 0 && Cutoff <= 1)) throw new ArgumentOutOfRangeException(nameof(Cutoff), $"cutoff must be in (0, 1] (fraction of Nyquist); got {Cutoff}.");
        if (!(PaddingFactor >= 1 && PaddingFactor <= 16)) throw new ArgumentOutOfRangeException(nameof(PaddingFactor), $"padding factor must be in [1, 16]; got {PaddingFactor}.");
        if (OutputSize is <= 0) throw new ArgumentOutOfRangeException(nameof(OutputSize), $"output size must be positive; got {OutputSize}.");
        if (VoxelSize is { } v && !(v.Meters > 0)) throw new ArgumentOutOfRangeException(nameof(VoxelSize), $"voxel size must be positive; got {v}.");
        if (CenterOfRotation is { } c && !double.IsFinite(c)) throw new ArgumentOutOfRangeException(nameof(CenterOfRotation), $"centre of rotation must be finite; got {c}.");
    }
}
