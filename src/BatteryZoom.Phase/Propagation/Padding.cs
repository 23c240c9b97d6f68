// SPDX-License-Identifier: MIT
using BatteryZoom.Numerics.Fft;

namespace BatteryZoom.Phase.Propagation;

/// <summary>How an image is extended to its padded FFT size.</summary>
public enum PaddingMode
{
    /// <summary>Repeat the nearest edge pixel: right/bottom padding takes the last column/row for its first half and the first one for the second (periodic wrap), so no step appears.</summary>
    Edge,
    /// <summary>Fill with the image mean.</summary>
    Mean,
    /// <summary>Fill with zeros (after subtracting the background, the fill for perturbations such as I/I0 − 1).</summary>
    Zero,
}

/// <summary>Padding and cropping of row-major images; the image sits at the top-left corner of the padded array.</summary>
public static class ImagePadding
{
    /// <summary>Padded size ≥ <paramref name="length"/>·<paramref name="factor"/> and ≥ length + 2·<paramref name="margin"/>, even and of radix 2/3/5/7.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A length below 1, a factor below 1 or a negative margin.</exception>
    public static int PaddedLength(int length, double factor, int margin = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(length);
        if (!(factor >= 1) || !double.IsFinite(factor)) throw new ArgumentOutOfRangeException(nameof(factor), $"padding factor must be ≥ 1; got {factor}.");
        ArgumentOutOfRangeException.ThrowIfNegative(margin);
        int want = (int)Math.Max(Math.Ceiling(length * factor - 1e-9), length + 2L * margin);
        return FftSize.NextFastEven(want);
    }

    /// <summary>Copies <paramref name="image"/> (rows × columns) into <paramref name="padded"/> (paddedRows × paddedColumns), subtracting <paramref name="offset"/>, and fills the rest per <paramref name="mode"/>.</summary>
    public static void Pad(ReadOnlySpan<float> image, int rows, int columns, Span<float> padded, int paddedRows, int paddedColumns, PaddingMode mode, float offset = 0)
    {
        if (image.Length < rows * columns) throw new ArgumentException($"image holds {image.Length} values; {rows}×{columns} expected.", nameof(image));
        if (padded.Length < paddedRows * paddedColumns || paddedRows < rows || paddedColumns < columns)
            throw new ArgumentException($"padded array {paddedRows}×{paddedColumns} ({padded.Length} values) cannot hold a {rows}×{columns} image.", nameof(padded));
        float fill = 0;
        if (mode == PaddingMode.Mean)
        {
            double s = 0;
            for (int i = 0; i < rows * columns; i++) s += image[i];
            fill = (float)(s / (rows * columns)) - offset;
        }
        int halfC = columns + (paddedColumns - columns) / 2, halfR = rows + (paddedRows - rows) / 2;
        for (int r = 0; r < rows; r++)
        {
            var src = image.Slice(r * columns, columns);
            var dst = padded.Slice(r * paddedColumns, paddedColumns);
            for (int c = 0; c < columns; c++) dst[c] = src[c] - offset;
            if (mode == PaddingMode.Edge)
            {
                dst[columns..halfC].Fill(src[columns - 1] - offset);
                dst[halfC..].Fill(src[0] - offset);
            }
            else dst[columns..].Fill(fill);
        }
        for (int r = rows; r < paddedRows; r++)
        {
            var dst = padded.Slice(r * paddedColumns, paddedColumns);
            if (mode == PaddingMode.Edge) padded.Slice((r < halfR ? rows - 1 : 0) * paddedColumns, paddedColumns).CopyTo(dst);
            else dst.Fill(fill);
        }
    }

    /// <summary>Copies the top-left rows × columns of <paramref name="padded"/> into <paramref name="image"/>.</summary>
    public static void Crop(ReadOnlySpan<float> padded, int paddedColumns, Span<float> image, int rows, int columns)
    {
        for (int r = 0; r < rows; r++) padded.Slice(r * paddedColumns, columns).CopyTo(image.Slice(r * columns, columns));
    }
}

/// <summary>Spatial frequencies of a padded FFT grid, in cycles per metre.</summary>
internal static class FrequencyGrid
{
    /// <summary>Signed frequency of FFT index k of n samples of pitch d: k/(n·d) for k ≤ n/2, (k − n)/(n·d) above.</summary>
    public static double Frequency(int k, int n, double pitch) => (k <= n / 2 ? k : k - n) / (n * pitch);

    /// <summary>|f|² of every bin of a half spectrum [rows, columns/2+1] (r2c layout).</summary>
    public static double[] HalfSpectrumSquared(int rows, int columns, double pitch)
    {
        int sc = columns / 2 + 1;
        var f2 = new double[rows * sc];
        for (int r = 0; r < rows; r++)
        {
            double fy = Frequency(r, rows, pitch);
            for (int c = 0; c < sc; c++)
            {
                double fx = c / (columns * pitch);
                f2[r * sc + c] = fx * fx + fy * fy;
            }
        }
        return f2;
    }
}
