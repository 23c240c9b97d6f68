namespace BatteryZoom.Segmentation.Measurements;

/// <summary>An area, stored in square metres.</summary>
/// <remarks>Core has <c>Length</c> only; these two are kept here until Core gains area and volume quantities.</remarks>
public readonly record struct Area(double SquareMeters)
{
    /// <summary>The area in µm².</summary>
    public double SquareMicrometers => SquareMeters * 1e12;
}

/// <summary>A volume (amount of space), stored in cubic metres.</summary>
public readonly record struct PhysicalVolume(double CubicMeters)
{
    /// <summary>The volume in µm³.</summary>
    public double CubicMicrometers => CubicMeters * 1e18;
}

/// <summary>Inclusive voxel-index bounds of an object.</summary>
public readonly record struct VoxelBox(int X0, int Y0, int Z0, int X1, int Y1, int Z1);

/// <summary>Statistics of a second image over an object's voxels: finite values only (NaN, e.g. a failed edge fit, is skipped).</summary>
/// <param name="Count">Finite values used.</param>
/// <param name="Mean">Mean, in the image's unit.</param>
/// <param name="StandardDeviation">Population standard deviation (ddof = 0, as NumPy's <c>std</c>).</param>
/// <param name="Min">Smallest value.</param>
/// <param name="Max">Largest value.</param>
public readonly record struct IntensityStatistics(long Count, double Mean, double StandardDeviation, double Min, double Max);
