// SPDX-License-Identifier: MIT
using BatteryZoom.Numerics.Fft;

namespace BatteryZoom.Phase.Holotomography;

/// <summary>Sub-pixel translation between two images by cross-correlation refined with a locally upsampled DFT
/// (Guizar-Sicairos, Thurman &amp; Fienup, Opt. Lett. 33, 156, 2008).</summary>
public static class ShiftEstimator
{
    /// <summary>The shift (rows, columns) of <paramref name="moving"/> relative to <paramref name="reference"/>: moving(x) ≈ reference(x − shift).</summary>
    /// <remarks>Both images are mean-subtracted and multiplied by a Tukey window (25 % taper) so the borders do not correlate.
    /// The integer peak is refined on a grid of 1/<paramref name="upsample"/> px over ±1.5 px, then by a parabola through the
    /// best grid point and its neighbours.</remarks>
    /// <exception cref="ArgumentException">A span is shorter than rows × columns.</exception>
    public static (double Rows, double Columns) Estimate(ReadOnlySpan<float> reference, ReadOnlySpan<float> moving, int rows, int columns, int upsample = 20)
    {
        int n = rows * columns;
        if (reference.Length < n || moving.Length < n) throw new ArgumentException($"images must hold {rows}×{columns} values.", nameof(reference));
        ArgumentOutOfRangeException.ThrowIfLessThan(upsample, 2);
        var plan = ManagedFft.Shared.CreateComplex2D(rows, columns);
        var a = Windowed(reference, rows, columns);
        var b = Windowed(moving, rows, columns);
        plan.Forward(a, a);
        plan.Forward(b, b);
        // R = conj(A)·B: its inverse transform peaks at the displacement of b relative to a.
        var cross = new ComplexF[n];
        for (int i = 0; i < n; i++) cross[i] = a[i].Conjugate() * b[i];
        var cc = new ComplexF[n];
        plan.Inverse(cross, cc);
        int best = 0;
        for (int i = 1; i < n; i++) if (cc[i].Real > cc[best].Real) best = i;
        double py = best / columns, px = best % columns;
        if (py > rows / 2) py -= rows;
        if (px > columns / 2) px -= columns;
        // Local upsampled DFT: CC(dy, dx) = Σ R(ky, kx)·exp(2πi(ky·dy/rows + kx·dx/columns)).
        int k = 3 * upsample + 1;
        double step = 1.0 / upsample;
        var dys = Enumerable.Range(0, k).Select(i => py - 1.5 + i * step).ToArray();
        var dxs = Enumerable.Range(0, k).Select(i => px - 1.5 + i * step).ToArray();
        var rowSums = new System.Numerics.Complex[rows, k];
        var ex = new System.Numerics.Complex[columns, k];
        for (int c = 0; c < columns; c++)
        {
            int f = c <= columns / 2 ? c : c - columns;
            for (int j = 0; j < k; j++) ex[c, j] = System.Numerics.Complex.FromPolarCoordinates(1, 2 * Math.PI * f * dxs[j] / columns);
        }
        for (int r = 0; r < rows; r++)
            for (int j = 0; j < k; j++)
            {
                System.Numerics.Complex s = 0;
                for (int c = 0; c < columns; c++) s += cross[r * columns + c] * ex[c, j];
                rowSums[r, j] = s;
            }
        var map = new double[k, k];
        int bi = 0, bj = 0;
        for (int i = 0; i < k; i++)
        {
            var ey = new System.Numerics.Complex[rows];
            for (int r = 0; r < rows; r++) ey[r] = System.Numerics.Complex.FromPolarCoordinates(1, 2 * Math.PI * (r <= rows / 2 ? r : r - rows) * dys[i] / rows);
            for (int j = 0; j < k; j++)
            {
                System.Numerics.Complex s = 0;
                for (int r = 0; r < rows; r++) s += rowSums[r, j] * ey[r];
                map[i, j] = s.Real;
                if (map[i, j] > map[bi, bj]) (bi, bj) = (i, j);
            }
        }
        double Vertex(double m, double c0, double p) { double d = m - 2 * c0 + p; return d < 0 ? 0.5 * (m - p) / d : 0; }
        double oy = bi > 0 && bi < k - 1 ? Vertex(map[bi - 1, bj], map[bi, bj], map[bi + 1, bj]) : 0;
        double ox = bj > 0 && bj < k - 1 ? Vertex(map[bi, bj - 1], map[bi, bj], map[bi, bj + 1]) : 0;
        return (dys[bi] + oy * step, dxs[bj] + ox * step);
    }

    private static ComplexF[] Windowed(ReadOnlySpan<float> image, int rows, int columns)
    {
        double mean = 0;
        for (int i = 0; i < rows * columns; i++) mean += image[i];
        mean /= rows * columns;
        var wr = Tukey(rows);
        var wc = Tukey(columns);
        var o = new ComplexF[rows * columns];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < columns; c++)
                o[r * columns + c] = new ComplexF((float)((image[r * columns + c] - mean) * wr[r] * wc[c]), 0);
        return o;
    }

    private static double[] Tukey(int n, double taper = 0.25)
    {
        var w = new double[n];
        double edge = taper * (n - 1) / 2;
        for (int i = 0; i < n; i++)
        {
            double d = Math.Min(i, n - 1 - i);
            w[i] = d >= edge || edge == 0 ? 1 : 0.5 * (1 - Math.Cos(Math.PI * d / edge));
        }
        return w;
    }
}
