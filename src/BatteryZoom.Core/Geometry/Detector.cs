using BatteryZoom.Core.Units;

namespace BatteryZoom.Core.Geometry;

/// <summary>A flat-panel detector: pixel counts, pixel pitch and the offset of its centre from the central ray.</summary>
/// <remarks>Column j has its centre at <c>u = (j − (Columns − 1)/2)·PixelWidth + OffsetU</c>; row i at
/// <c>v = (i − (Rows − 1)/2)·PixelHeight + OffsetV</c>; u runs with x at angle 0, v with +z.</remarks>
public sealed record Detector
{
    /// <summary>Creates a detector.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A count or pitch is not positive.</exception>
    public Detector(int columns, int rows, Length pixelWidth, Length pixelHeight, Length? offsetU = null, Length? offsetV = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(columns);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rows);
        if (!(pixelWidth.Meters > 0)) throw new ArgumentOutOfRangeException(nameof(pixelWidth), $"pixel width must be positive; got {pixelWidth}.");
        if (!(pixelHeight.Meters > 0)) throw new ArgumentOutOfRangeException(nameof(pixelHeight), $"pixel height must be positive; got {pixelHeight}.");
        (Columns, Rows, PixelWidth, PixelHeight) = (columns, rows, pixelWidth, pixelHeight);
        OffsetU = offsetU ?? Length.Zero;
        OffsetV = offsetV ?? Length.Zero;
    }

    /// <summary>Square pixels.</summary>
    public Detector(int columns, int rows, Length pixel) : this(columns, rows, pixel, pixel) { }

    /// <summary>Pixels per row (u).</summary>
    public int Columns { get; }
    /// <summary>Rows (v).</summary>
    public int Rows { get; }
    /// <summary>Pitch along u.</summary>
    public Length PixelWidth { get; }
    /// <summary>Pitch along v.</summary>
    public Length PixelHeight { get; }
    /// <summary>Shift of the detector centre along u.</summary>
    public Length OffsetU { get; }
    /// <summary>Shift of the detector centre along v.</summary>
    public Length OffsetV { get; }
}
