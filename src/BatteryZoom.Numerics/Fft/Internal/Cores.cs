// SPDX-License-Identifier: MIT
using System.Numerics;

namespace BatteryZoom.Numerics.Fft.Internal;

/// <summary>Precomputed tables for one complex transform length, independent of lane width.</summary>
internal abstract class FftCore<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    protected FftCore(int length, int capacity) { Length = length; Capacity = capacity; }

    /// <summary>Transform length N.</summary>
    public int Length { get; }

    /// <summary>Complex elements each lane buffer (data and scratch) must hold.</summary>
    public int Capacity { get; }

    /// <summary>Builds the core for <paramref name="length"/>: Stockham when 7-smooth, else Bluestein.</summary>
    public static FftCore<T> Create(int length)
    {
        int[]? radices = FftSize.Factor(length);
        return radices is not null ? new StockhamCore<T>(length, radices) : new BluesteinCore<T>(length);
    }

    /// <summary>exp(−2πi·k/n) in float64, from an exact integer quadrant reduction (exact 0 and ±1 at multiples of π/2).</summary>
    public static (double Re, double Im) Twiddle(long k, long n)
    {
        k %= n;
        if (k < 0) k += n;
        long q = 4 * k / n, rem = 4 * k - q * n;
        var (s, c) = Math.SinCos(0.5 * Math.PI * rem / n);
        (double cos, double sin) = q switch { 0 => (c, s), 1 => (-s, c), 2 => (-c, -s), _ => (s, -c) };
        return (cos, -sin);
    }
}

/// <summary>Mixed-radix Stockham autosort tables (radices 2, 3, 4, 5, 7, 8).</summary>
internal sealed class StockhamCore<T> : FftCore<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public StockhamCore(int length, int[] radices) : base(length, length)
    {
        Radices = radices;
        int k = radices.Length;
        Strides = new int[k];
        Spans = new int[k];
        TwiddleOffsets = new int[k];
        int s = 1, total = 0;
        for (int st = 0; st < k; st++)
        {
            int r = radices[st];
            int m = length / (s * r);
            Strides[st] = s;
            Spans[st] = m;
            TwiddleOffsets[st] = total;
            total += 2 * m * (r - 1);
            s *= r;
        }
        Twiddles = new T[total];
        s = 1;
        for (int st = 0; st < k; st++)
        {
            int r = radices[st], m = Spans[st], nCur = r * m, off = TwiddleOffsets[st];
            for (int p = 0; p < m; p++)
            {
                for (int t = 1; t < r; t++)
                {
                    var (re, im) = Twiddle((long)p * t, nCur);
                    Twiddles[off++] = T.CreateTruncating(re);
                    Twiddles[off++] = T.CreateTruncating(im);
                }
            }
            s *= r;
        }
    }

    public int[] Radices { get; }
    /// <summary>s: number of already-combined sub-transforms (inner, contiguous index q).</summary>
    public int[] Strides { get; }
    /// <summary>m: remaining length divided by the radix (twiddle index p).</summary>
    public int[] Spans { get; }
    public int[] TwiddleOffsets { get; }
    /// <summary>Per stage, per p, per t = 1..R−1: (Re, Im) of exp(−2πi·p·t/(R·m)).</summary>
    public T[] Twiddles { get; }
}

/// <summary>Bluestein chirp-z tables: X_k = w_k · Σ_j (x_j w_j) · conj(w_{k−j}), w_k = exp(−iπk²/N).</summary>
internal sealed class BluesteinCore<T> : FftCore<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public BluesteinCore(int length) : this(length, FftSize.NextFastUnchecked(2 * length - 1)) { }

    private BluesteinCore(int length, int convolutionLength) : base(length, convolutionLength)
    {
        ConvolutionLength = convolutionLength;
        Inner = new StockhamCore<T>(convolutionLength, FftSize.Factor(convolutionLength)!);
        Chirp = new T[2 * length];
        var b = new System.Numerics.Complex[convolutionLength];
        long twoN = 2L * length;
        for (int k = 0; k < length; k++)
        {
            long k2 = (long)k * k % twoN;              // exact: angle = π·(k² mod 2N)/N
            var (re, im) = Twiddle(k2, twoN);
            Chirp[2 * k] = T.CreateTruncating(re);
            Chirp[2 * k + 1] = T.CreateTruncating(im);
            var conj = new System.Numerics.Complex(re, -im);
            b[k] = conj;
            if (k > 0) b[convolutionLength - k] = conj;
        }
        // Kernel spectrum computed once in float64 (ReferenceFft), then rounded: only the data path runs in float32.
        var hat = Reference.ReferenceFft.Forward(b);
        KernelSpectrum = new T[2 * convolutionLength];
        double scale = 1.0 / convolutionLength;         // folds the inverse transform's 1/M here
        for (int k = 0; k < convolutionLength; k++)
        {
            KernelSpectrum[2 * k] = T.CreateTruncating(hat[k].Real * scale);
            KernelSpectrum[2 * k + 1] = T.CreateTruncating(hat[k].Imaginary * scale);
        }
    }

    public int ConvolutionLength { get; }
    public StockhamCore<T> Inner { get; }
    /// <summary>(Re, Im) of w_k = exp(−iπk²/N), k &lt; N.</summary>
    public T[] Chirp { get; }
    /// <summary>(Re, Im) of FFT_M(b)/M with b_j = conj(w_j) wrapped circularly.</summary>
    public T[] KernelSpectrum { get; }
}
