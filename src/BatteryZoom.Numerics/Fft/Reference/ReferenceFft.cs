// SPDX-License-Identifier: MIT
using System.Numerics;

namespace BatteryZoom.Numerics.Fft.Reference;

/// <summary>
/// Scalar float64 reference transforms: a test oracle, not a fast path.
/// </summary>
/// <remarks>
/// Convention (same as the product): forward <c>X_k = Σ_j x_j·exp(−2πi·jk/N)</c>, unnormalised;
/// inverse <c>x_j = (1/N)·Σ_k X_k·exp(+2πi·jk/N)</c>.
/// <see cref="DirectDft"/> is the O(N²) definition with exactly reduced twiddle arguments;
/// <see cref="Forward"/> is a plain recursive mixed-radix decimation-in-time FFT (Cooley &amp; Tukey 1965) that uses the
/// O(p²) definition for each prime factor p, so it handles every length.
/// </remarks>
public static class ReferenceFft
{
    /// <summary>Direct O(N²) discrete Fourier transform in float64.</summary>
    /// <param name="input">Input sequence (any length ≥ 1).</param>
    /// <param name="inverse">When true, computes the inverse with the 1/N factor.</param>
    /// <exception cref="ArgumentException"><paramref name="input"/> is empty.</exception>
    public static Complex[] DirectDft(ReadOnlySpan<Complex> input, bool inverse = false)
    {
        int n = input.Length;
        if (n == 0) throw new ArgumentException("input must not be empty (length 0).", nameof(input));
        var w = new Complex[n];
        for (int k = 0; k < n; k++)
        {
            var (re, im) = Internal.FftCore<double>.Twiddle(k, n);
            w[k] = new Complex(re, inverse ? -im : im);
        }
        var y = new Complex[n];
        for (int k = 0; k < n; k++)
        {
            double sr = 0, si = 0;
            long idx = 0;
            for (int j = 0; j < n; j++)
            {
                Complex a = input[j], t = w[idx];
                sr += a.Real * t.Real - a.Imaginary * t.Imaginary;
                si += a.Real * t.Imaginary + a.Imaginary * t.Real;
                idx += k;
                if (idx >= n) idx -= n;
            }
            y[k] = inverse ? new Complex(sr / n, si / n) : new Complex(sr, si);
        }
        return y;
    }

    /// <summary>Forward transform by recursive mixed-radix decimation in time, float64.</summary>
    /// <exception cref="ArgumentException"><paramref name="input"/> is empty.</exception>
    public static Complex[] Forward(ReadOnlySpan<Complex> input)
    {
        if (input.IsEmpty) throw new ArgumentException("input must not be empty (length 0).", nameof(input));
        var x = input.ToArray();
        var y = new Complex[x.Length];
        // One float64 table for the whole transform: a node of size n uses exp(−2πi·j/n) = table[j·(N/n)].
        var table = new Complex[x.Length];
        for (int j = 0; j < table.Length; j++)
        {
            var (re, im) = Internal.FftCore<double>.Twiddle(j, x.Length);
            table[j] = new Complex(re, im);
        }
        Recurse(x, 0, 1, y, 0, x.Length, table);
        return y;
    }

    /// <summary>Inverse transform (with the 1/N factor), float64.</summary>
    /// <exception cref="ArgumentException"><paramref name="input"/> is empty.</exception>
    public static Complex[] Inverse(ReadOnlySpan<Complex> input)
    {
        if (input.IsEmpty) throw new ArgumentException("input must not be empty (length 0).", nameof(input));
        var c = new Complex[input.Length];
        for (int i = 0; i < c.Length; i++) c[i] = Complex.Conjugate(input[i]);
        var y = Forward(c);
        for (int i = 0; i < y.Length; i++) y[i] = Complex.Conjugate(y[i]) / y.Length;
        return y;
    }

    // y[yo .. yo+n) = DFT of x[xo + stride·j], j < n.
    private static void Recurse(Complex[] x, int xo, int stride, Complex[] y, int yo, int n, Complex[] table)
    {
        if (n == 1) { y[yo] = x[xo]; return; }
        int p = SmallestFactor(n), m = n / p;
        // p sub-transforms of length m (decimation in time): sub r holds x[r], x[r+p], ...
        for (int r = 0; r < p; r++) Recurse(x, xo + r * stride, stride * p, y, yo + r * m, m, table);
        var tmp = new Complex[n];
        var a = new Complex[p];
        for (int k = 0; k < m; k++)
        {
            for (int r = 0; r < p; r++)
            {
                a[r] = y[yo + r * m + k] * table[(int)((long)r * k * stride % table.Length)];
            }
            for (int t = 0; t < p; t++)
            {
                Complex s = Complex.Zero;
                for (int r = 0; r < p; r++)
                {
                    s += a[r] * table[(int)((long)r * t * m * stride % table.Length)];
                }
                tmp[k + t * m] = s;
            }
        }
        Array.Copy(tmp, 0, y, yo, n);
    }

    private static int SmallestFactor(int n)
    {
        if (n % 2 == 0) return 2;
        for (int f = 3; (long)f * f <= n; f += 2)
        {
            if (n % f == 0) return f;
        }
        return n;
    }
}
