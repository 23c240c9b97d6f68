// SPDX-License-Identifier: MIT
namespace BatteryZoom.Numerics.Interpolation.Reference;

/// <summary>Scalar float64 interpolation formulas: the test oracle for <see cref="RowInterpolation"/> and <see cref="ImageInterpolation"/>.</summary>
public static class ReferenceInterpolation
{
    /// <summary>Sample <paramref name="i"/> of <paramref name="row"/> with the boundary rule applied.</summary>
    public static double Sample(ReadOnlySpan<float> row, long i, BoundaryMode mode) =>
        (ulong)i < (ulong)row.Length ? row[(int)i] : mode == BoundaryMode.Clamp ? row[i < 0 ? 0 : row.Length - 1] : 0.0;

    /// <summary>Linear interpolation at <paramref name="p"/> (sample units).</summary>
    /// <exception cref="ArgumentException"><paramref name="row"/> is empty.</exception>
    public static double Linear(ReadOnlySpan<float> row, double p, BoundaryMode mode = BoundaryMode.Zero)
    {
        NotEmpty(row);
        if (mode == BoundaryMode.Clamp) p = Math.Clamp(p, 0, row.Length - 1);
        double f = Math.Floor(p), t = p - f;
        long i = (long)f;
        return (1 - t) * Sample(row, i, mode) + t * Sample(row, i + 1, mode);
    }

    /// <summary>Keys (1981) cubic convolution, a = −0.5, at <paramref name="p"/> (sample units).</summary>
    /// <exception cref="ArgumentException"><paramref name="row"/> is empty.</exception>
    public static double Cubic(ReadOnlySpan<float> row, double p, BoundaryMode mode = BoundaryMode.Zero)
    {
        NotEmpty(row);
        if (mode == BoundaryMode.Clamp) p = Math.Clamp(p, 0, row.Length - 1);
        double f = Math.Floor(p);
        long i = (long)f;
        double sum = 0;
        for (long k = i - 1; k <= i + 2; k++) sum += Keys(p - k) * Sample(row, k, mode);
        return sum;
    }

    /// <summary>Keys kernel with a = −0.5.</summary>
    public static double Keys(double s)
    {
        const double a = -0.5;
        s = Math.Abs(s);
        return s <= 1 ? (a + 2) * s * s * s - (a + 3) * s * s + 1
             : s < 2 ? a * s * s * s - 5 * a * s * s + 8 * a * s - 4 * a
             : 0;
    }

    /// <summary>Bilinear interpolation of a row-major image at (<paramref name="y"/>, <paramref name="x"/>) (pixel units).</summary>
    /// <exception cref="ArgumentException"><paramref name="image"/> does not hold rows·columns values.</exception>
    public static float Bilinear(ReadOnlySpan<float> image, int rows, int columns, double y, double x, BoundaryMode mode = BoundaryMode.Zero)
    {
        if (image.Length != (long)rows * columns || rows <= 0 || columns <= 0)
        {
            throw new ArgumentException($"image has {image.Length} values; expected rows·columns = {rows}·{columns}.", nameof(image));
        }
        if (mode == BoundaryMode.Clamp) { y = Math.Clamp(y, 0, rows - 1); x = Math.Clamp(x, 0, columns - 1); }
        double fy = Math.Floor(y), fx = Math.Floor(x), u = y - fy, v = x - fx;
        long i = (long)fy, j = (long)fx;
        return (float)((1 - u) * ((1 - v) * At(image, rows, columns, i, j) + v * At(image, rows, columns, i, j + 1))
                       + u * ((1 - v) * At(image, rows, columns, i + 1, j) + v * At(image, rows, columns, i + 1, j + 1)));
    }

    private static double At(ReadOnlySpan<float> image, int rows, int columns, long r, long c) =>
        (ulong)r < (ulong)rows && (ulong)c < (ulong)columns ? image[(int)(r * columns + c)] : 0.0;

    private static void NotEmpty(ReadOnlySpan<float> row)
    {
        if (row.IsEmpty) throw new ArgumentException("row is empty (length 0).", nameof(row));
    }
}
