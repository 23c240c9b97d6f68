// SPDX-License-Identifier: MIT
namespace BatteryZoom.Phase.Holotomography;

/// <summary>Magnification normalisation and sub-pixel shifts by cubic convolution (Keys 1981, a = −0.5).</summary>
/// <remarks>The output pixel (r, c) samples the input at <c>((r + shiftRows − cr)·scale + cr, (c + shiftColumns − cc)·scale + cc)</c>,
/// with (cr, cc) the image centre. scale = M_i/M_ref ≤ 1 brings a distance recorded at lower magnification to the finest pixel;
/// (shiftRows, shiftColumns) in output pixels undoes a measured displacement. The kernel sums to 1, so a constant image
/// is returned unchanged; samples beyond the border repeat the edge.</remarks>
public static class ImageResampling
{
    /// <summary>Resamples <paramref name="source"/> into <paramref name="destination"/> (both rows × columns).</summary>
    /// <exception cref="ArgumentException">A span is shorter than rows × columns.</exception>
    /// <exception cref="ArgumentOutOfRangeException">Scale not positive and finite.</exception>
    public static void Resample(ReadOnlySpan<float> source, Span<float> destination, int rows, int columns, double scale, double shiftRows = 0, double shiftColumns = 0)
    {
        int n = rows * columns;
        if (source.Length < n || destination.Length < n) throw new ArgumentException($"source and destination must hold {rows}×{columns} values.", nameof(source));
        if (!(scale > 0) || !double.IsFinite(scale)) throw new ArgumentOutOfRangeException(nameof(scale), $"scale must be positive and finite; got {scale}.");
        if (scale == 1 && shiftRows == 0 && shiftColumns == 0) { source[..n].CopyTo(destination); return; }
        double cr = (rows - 1) / 2.0, cc = (columns - 1) / 2.0;
        // Precompute column taps once: they are the same for every row.
        var ci = new int[columns * 4];
        var cw = new float[columns * 4];
        for (int c = 0; c < columns; c++) Taps((c + shiftColumns - cc) * scale + cc, columns, ci.AsSpan(4 * c, 4), cw.AsSpan(4 * c, 4));
        Span<int> ri = stackalloc int[4];
        Span<float> rw = stackalloc float[4];
        for (int r = 0; r < rows; r++)
        {
            Taps((r + shiftRows - cr) * scale + cr, rows, ri, rw);
            var dst = destination.Slice(r * columns, columns);
            for (int c = 0; c < columns; c++)
            {
                float acc = 0;
                for (int j = 0; j < 4; j++)
                {
                    var row = source.Slice(ri[j] * columns, columns);
                    int k = 4 * c;
                    acc += rw[j] * (cw[k] * row[ci[k]] + cw[k + 1] * row[ci[k + 1]] + cw[k + 2] * row[ci[k + 2]] + cw[k + 3] * row[ci[k + 3]]);
                }
                dst[c] = acc;
            }
        }
    }

    private static void Taps(double x, int n, Span<int> index, Span<float> weight)
    {
        int i0 = (int)Math.Floor(x);
        double t = x - i0;
        for (int j = 0; j < 4; j++)
        {
            index[j] = Math.Clamp(i0 - 1 + j, 0, n - 1);
            weight[j] = (float)Keys(t + 1 - j);
        }
    }

    private static double Keys(double x)
    {
        const double a = -0.5;
        x = Math.Abs(x);
        if (x <= 1) return ((a + 2) * x - (a + 3)) * x * x + 1;
        if (x < 2) return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a;
        return 0;
    }
}
