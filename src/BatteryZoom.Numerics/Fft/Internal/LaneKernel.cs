// SPDX-License-Identifier: MIT
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace BatteryZoom.Numerics.Fft.Internal;

/// <summary>
/// All work on lane buffers for one lane width: transforms, real-transform pre/post-processing, and the
/// transposes between user rows/columns (interleaved complex) and the split lane layout.
/// </summary>
internal abstract class LaneKernel<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public abstract int Width { get; }
    public abstract string Name { get; }

    /// <summary>Forward complex transform of <c>core.Length</c> elements; result in <paramref name="data"/>.</summary>
    public abstract void Fft(FftCore<T> core, Span<T> data, Span<T> scratch);

    /// <summary>r2c post-processing: <c>Z = FFT_M(x₂ⱼ + i·x₂ⱼ₊₁)</c> in slots 0..M−1 → <c>X_0..X_M</c>.</summary>
    public abstract void RealPost(Span<T> data, int m, T[] tw);

    /// <summary>c2r pre-processing: <c>X_0..X_M</c> → <c>conj(Z)/M</c> in slots 0..M−1 (the Hermitian imaginary parts of X_0 and X_M are ignored).</summary>
    public abstract void RealPre(Span<T> data, int m, T[] tw);

    /// <summary>Multiplies elements 0..response.Length−1 by the real <paramref name="response"/>.</summary>
    public abstract void MultiplyReal(Span<T> data, ReadOnlySpan<T> response);

    /// <summary>Fills elements N/2+1..N−1 with conj(X_{N−k}), zeroes Im X_0, then conjugates everything (odd-length c2r).</summary>
    public abstract void HermitianConj(Span<T> data, int n);

    /// <summary>data[f·W + l] = rows[l][f]·(f odd ? si : sr) for f &lt; count, zero for count ≤ f &lt; 2·elements or l ≥ rows.</summary>
    public virtual void LoadRows(ReadOnlySpan<float> src, int rowStride, int rows, int count, Span<T> data, int elements, float sr, float si)
    {
        int w = Width;
        data[..(2 * elements * w)].Clear();
        for (int l = 0; l < rows; l++)
        {
            ReadOnlySpan<float> row = src.Slice(l * rowStride, count);
            for (int f = 0; f < count; f++) data[f * w + l] = T.CreateTruncating(row[f] * ((f & 1) == 0 ? sr : si));
        }
    }

    /// <summary>rows[l][f] = data[f·W + l]·(f odd ? si : sr) for f &lt; count, l &lt; rows.</summary>
    public virtual void StoreRows(ReadOnlySpan<T> data, Span<float> dst, int rowStride, int rows, int count, float sr, float si)
    {
        int w = Width;
        for (int l = 0; l < rows; l++)
        {
            Span<float> row = dst.Slice(l * rowStride, count);
            for (int f = 0; f < count; f++) row[f] = float.CreateTruncating(data[f * w + l]) * ((f & 1) == 0 ? sr : si);
        }
    }

    /// <summary>Real rows into the real planes (imaginary planes zero).</summary>
    public void LoadRealRows(ReadOnlySpan<float> src, int rowStride, int rows, int count, Span<T> data, int elements)
    {
        int w = Width;
        data[..(2 * elements * w)].Clear();
        for (int l = 0; l < rows; l++)
        {
            ReadOnlySpan<float> row = src.Slice(l * rowStride, count);
            for (int e = 0; e < count; e++) data[2 * e * w + l] = T.CreateTruncating(row[e]);
        }
    }

    /// <summary>Real planes times <paramref name="scale"/> into real rows.</summary>
    public void StoreRealRows(ReadOnlySpan<T> data, Span<float> dst, int rowStride, int rows, int count, float scale)
    {
        int w = Width;
        for (int l = 0; l < rows; l++)
        {
            Span<float> row = dst.Slice(l * rowStride, count);
            for (int e = 0; e < count; e++) row[e] = float.CreateTruncating(data[2 * e * w + l]) * scale;
        }
    }

    /// <summary>Columns c0..c0+cols−1 of an interleaved complex matrix (src starts at column c0 of row 0) into lanes.</summary>
    public virtual void LoadColumns(ReadOnlySpan<float> src, int rowStride, int cols, int nRows, Span<T> data, float sr, float si)
    {
        int w = Width;
        if (cols < w) data[..(2 * nRows * w)].Clear();
        for (int i = 0; i < nRows; i++)
        {
            ReadOnlySpan<float> row = src.Slice(i * rowStride, 2 * cols);
            for (int l = 0; l < cols; l++)
            {
                data[2 * i * w + l] = T.CreateTruncating(row[2 * l] * sr);
                data[(2 * i + 1) * w + l] = T.CreateTruncating(row[2 * l + 1] * si);
            }
        }
    }

    /// <summary>Lanes back into columns c0..c0+cols−1 of an interleaved complex matrix.</summary>
    public virtual void StoreColumns(ReadOnlySpan<T> data, Span<float> dst, int rowStride, int cols, int nRows, float sr, float si)
    {
        int w = Width;
        for (int i = 0; i < nRows; i++)
        {
            Span<float> row = dst.Slice(i * rowStride, 2 * cols);
            for (int l = 0; l < cols; l++)
            {
                row[2 * l] = float.CreateTruncating(data[2 * i * w + l]) * sr;
                row[2 * l + 1] = float.CreateTruncating(data[(2 * i + 1) * w + l]) * si;
            }
        }
    }
}

internal sealed class LaneKernel<T, V, L> : LaneKernel<T>
    where T : unmanaged, IFloatingPointIeee754<T>
    where V : struct
    where L : struct, ILane<T, V>
{
    public LaneKernel(string name) { Name = name; }

    public override int Width => L.Width;
    public override string Name { get; }

    private static nint W => L.Width;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static V Ld(ref T p, nint off) => L.Load(ref Unsafe.Add(ref p, off));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void St(ref T p, nint off, V v) => L.Store(ref Unsafe.Add(ref p, off), v);

    public override void Fft(FftCore<T> core, Span<T> data, Span<T> scratch)
    {
        if (core is StockhamCore<T> s) Stockham<T, V, L>.Run(s, data, scratch);
        else Bluestein((BluesteinCore<T>)core, data, scratch);
    }

    private static void Bluestein(BluesteinCore<T> b, Span<T> data, Span<T> scratch)
    {
        int n = b.Length, m = b.ConvolutionLength;
        nint e = 2 * W;
        ref T d = ref MemoryMarshal.GetReference(data);
        ref T chirp = ref MemoryMarshal.GetArrayDataReference(b.Chirp);
        ref T hat = ref MemoryMarshal.GetArrayDataReference(b.KernelSpectrum);
        // a_j = x_j·w_j, zero-padded to M.
        for (int j = 0; j < n; j++)
        {
            nint o = j * e;
            V xr = Ld(ref d, o), xi = Ld(ref d, o + W);
            V wr = L.Splat(Unsafe.Add(ref chirp, 2 * j)), wi = L.Splat(Unsafe.Add(ref chirp, 2 * j + 1));
            St(ref d, o, L.MulSub(xr, wr, L.Mul(xi, wi)));
            St(ref d, o + W, L.MulAdd(xr, wi, L.Mul(xi, wr)));
        }
        data[(n * (int)e)..(m * (int)e)].Clear();
        Stockham<T, V, L>.Run(b.Inner, data, scratch);
        // conj(A·B̂/M): the second forward transform of the conjugate is the inverse transform, conjugated.
        for (int k = 0; k < m; k++)
        {
            nint o = k * e;
            V ar = Ld(ref d, o), ai = Ld(ref d, o + W);
            V hr = L.Splat(Unsafe.Add(ref hat, 2 * k)), hi = L.Splat(Unsafe.Add(ref hat, 2 * k + 1));
            St(ref d, o, L.MulSub(ar, hr, L.Mul(ai, hi)));
            St(ref d, o + W, L.Sub(default, L.MulAdd(ar, hi, L.Mul(ai, hr))));
        }
        Stockham<T, V, L>.Run(b.Inner, data, scratch);
        // X_k = w_k·conj(r_k)
        for (int k = 0; k < n; k++)
        {
            nint o = k * e;
            V rr = Ld(ref d, o), ri = Ld(ref d, o + W);
            V wr = L.Splat(Unsafe.Add(ref chirp, 2 * k)), wi = L.Splat(Unsafe.Add(ref chirp, 2 * k + 1));
            // (wr + i wi)(rr − i ri) = (wr rr + wi ri) + i(wi rr − wr ri)
            St(ref d, o, L.MulAdd(wr, rr, L.Mul(wi, ri)));
            St(ref d, o + W, L.MulSub(wi, rr, L.Mul(wr, ri)));
        }
    }

    public override void RealPost(Span<T> data, int m, T[] tw)
    {
        nint e = 2 * W;
        ref T d = ref MemoryMarshal.GetReference(data);
        ref T t = ref MemoryMarshal.GetArrayDataReference(tw);
        V half = L.Splat(T.CreateTruncating(0.5));
        V z0r = Ld(ref d, 0), z0i = Ld(ref d, W);
        St(ref d, 0, L.Add(z0r, z0i)); St(ref d, W, default);
        St(ref d, m * e, L.Sub(z0r, z0i)); St(ref d, m * e + W, default);
        int k = 1;
        for (; k < m - k; k++)
        {
            nint ok = k * e, om = (m - k) * e;
            V ar = Ld(ref d, ok), ai = Ld(ref d, ok + W), br = Ld(ref d, om), bi = Ld(ref d, om + W);
            V er = L.Mul(half, L.Add(ar, br)), ei = L.Mul(half, L.Sub(ai, bi));
            V dr = L.Mul(half, L.Sub(ar, br)), di = L.Mul(half, L.Add(ai, bi));
            V c = L.Splat(Unsafe.Add(ref t, 2 * k)), s = L.Splat(Unsafe.Add(ref t, 2 * k + 1));
            V u = L.MulSub(c, di, L.Mul(s, dr));                  // c·di − s·dr
            V v = L.NegMulAdd(c, dr, L.Mul(s, L.Sub(default, di))); // −c·dr − s·di
            St(ref d, ok, L.Add(er, u)); St(ref d, ok + W, L.Add(ei, v));
            St(ref d, om, L.Sub(er, u)); St(ref d, om + W, L.Sub(v, ei));
        }
        if (k == m - k)
        {
            nint ok = k * e;
            St(ref d, ok + W, L.Sub(default, Ld(ref d, ok + W)));
        }
    }

    public override void RealPre(Span<T> data, int m, T[] tw)
    {
        nint e = 2 * W;
        ref T d = ref MemoryMarshal.GetReference(data);
        ref T t = ref MemoryMarshal.GetArrayDataReference(tw);
        V h = L.Splat(T.CreateTruncating(0.5 / m));
        V g = L.Splat(T.CreateTruncating(1.0 / m));
        V x0 = Ld(ref d, 0), xm = Ld(ref d, m * e);
        // Z_0 = ((X0 + XM) + i(X0 − XM))/2 ; stored conjugated and scaled by 1/M.
        St(ref d, 0, L.Mul(h, L.Add(x0, xm)));
        St(ref d, W, L.Mul(h, L.Sub(xm, x0)));
        int k = 1;
        for (; k < m - k; k++)
        {
            nint ok = k * e, om = (m - k) * e;
            V pr = Ld(ref d, ok), pi = Ld(ref d, ok + W), qr = Ld(ref d, om), qi = Ld(ref d, om + W);
            V er = L.Add(pr, qr), ei = L.Sub(pi, qi), fr = L.Sub(pr, qr), fi = L.Add(pi, qi);
            V c = L.Splat(Unsafe.Add(ref t, 2 * k)), s = L.Splat(Unsafe.Add(ref t, 2 * k + 1));
            V or = L.MulSub(c, fr, L.Mul(s, fi));   // c·Fr − s·Fi
            V oi = L.MulAdd(c, fi, L.Mul(s, fr));   // c·Fi + s·Fr
            // Z_k = (Er − Oi) + i(Ei + Or), Z_{M−k} = (Er + Oi) + i(Or − Ei); store conj·h
            St(ref d, ok, L.Mul(h, L.Sub(er, oi))); St(ref d, ok + W, L.Mul(h, L.Sub(L.Sub(default, ei), or)));
            St(ref d, om, L.Mul(h, L.Add(er, oi))); St(ref d, om + W, L.Mul(h, L.Sub(ei, or)));
        }
        if (k == m - k)
        {
            nint ok = k * e;
            St(ref d, ok, L.Mul(g, Ld(ref d, ok))); St(ref d, ok + W, L.Mul(g, Ld(ref d, ok + W)));
        }
    }

    public override void MultiplyReal(Span<T> data, ReadOnlySpan<T> response)
    {
        nint e = 2 * W;
        ref T d = ref MemoryMarshal.GetReference(data);
        for (int k = 0; k < response.Length; k++)
        {
            V r = L.Splat(response[k]);
            nint o = k * e;
            St(ref d, o, L.Mul(r, Ld(ref d, o)));
            St(ref d, o + W, L.Mul(r, Ld(ref d, o + W)));
        }
    }

    public override void HermitianConj(Span<T> data, int n)
    {
        nint e = 2 * W;
        ref T d = ref MemoryMarshal.GetReference(data);
        for (int k = n / 2 + 1; k < n; k++)
        {
            nint src = (n - k) * e, dst = k * e;
            St(ref d, dst, Ld(ref d, src));
            St(ref d, dst + W, Ld(ref d, src + W)); // conj(conj) after the pass below
        }
        St(ref d, W, default);
        for (int k = 0; k <= n / 2; k++)
        {
            nint o = k * e + W;
            St(ref d, o, L.Sub(default, Ld(ref d, o)));
        }
    }

    // ---------------------------------------------------------------- AVX-512 transposes (float, 16 lanes)

    private static bool Simd16 => typeof(T) == typeof(float) && typeof(L) == typeof(Lane512F) && Avx512F.IsSupported;

    public override void LoadRows(ReadOnlySpan<float> src, int rowStride, int rows, int count, Span<T> data, int elements, float sr, float si)
    {
        if (Simd8 && rows == 8)
        {
            LoadRows8(src, rowStride, count, MemoryMarshal.Cast<T, float>(data), elements, sr, si);
            return;
        }
        if (!Simd16 || rows != 16)
        {
            base.LoadRows(src, rowStride, rows, count, data, elements, sr, si);
            return;
        }
        Span<float> dst = MemoryMarshal.Cast<T, float>(data);
        int tiles = count / 16;
        ref float s0 = ref MemoryMarshal.GetReference(src);
        ref float d0 = ref MemoryMarshal.GetReference(dst);
        var scaleR = Vector512.Create(sr);
        var scaleI = Vector512.Create(si);
        bool unit = sr == 1f && si == 1f;
        for (int t = 0; t < tiles; t++)
        {
            Transpose16(ref Unsafe.Add(ref s0, 16 * t), rowStride, ref Unsafe.Add(ref d0, 256 * t), 16, unit, scaleR, scaleI, interleavedOut: false);
        }
        // Remainder floats (scalar) and zero padding.
        for (int f = 16 * tiles; f < count; f++)
        {
            float sc = (f & 1) == 0 ? sr : si;
            for (int l = 0; l < 16; l++) dst[f * 16 + l] = src[l * rowStride + f] * sc;
        }
        dst[(count * 16)..(2 * elements * 16)].Clear();
    }

    public override void StoreRows(ReadOnlySpan<T> data, Span<float> dst, int rowStride, int rows, int count, float sr, float si)
    {
        if (Simd8 && rows == 8)
        {
            StoreRows8(MemoryMarshal.Cast<T, float>(data), dst, rowStride, count, sr, si);
            return;
        }
        if (!Simd16 || rows != 16)
        {
            base.StoreRows(data, dst, rowStride, rows, count, sr, si);
            return;
        }
        ReadOnlySpan<float> src = MemoryMarshal.Cast<T, float>(data);
        int tiles = count / 16;
        ref float s0 = ref MemoryMarshal.GetReference(src);
        ref float d0 = ref MemoryMarshal.GetReference(dst);
        var scale = Vector512.Create(sr, si, sr, si, sr, si, sr, si, sr, si, sr, si, sr, si, sr, si);
        bool unit = sr == 1f && si == 1f;
        for (int t = 0; t < tiles; t++)
        {
            Transpose16(ref Unsafe.Add(ref s0, 256 * t), 16, ref Unsafe.Add(ref d0, 16 * t), rowStride, unit, scale, scale, interleavedOut: true);
        }
        for (int f = 16 * tiles; f < count; f++)
        {
            float sc = (f & 1) == 0 ? sr : si;
            for (int l = 0; l < 16; l++) dst[l * rowStride + f] = src[f * 16 + l] * sc;
        }
    }

    public override void LoadColumns(ReadOnlySpan<float> src, int rowStride, int cols, int nRows, Span<T> data, float sr, float si)
    {
        if (Simd8 && cols == 8)
        {
            LoadColumns8(src, rowStride, nRows, MemoryMarshal.Cast<T, float>(data), sr, si);
            return;
        }
        if (!Simd16 || cols != 16)
        {
            base.LoadColumns(src, rowStride, cols, nRows, data, sr, si);
            return;
        }
        ref float s0 = ref MemoryMarshal.GetReference(src);
        ref float d0 = ref Unsafe.As<T, float>(ref MemoryMarshal.GetReference(data));
        var even = Vector512.Create(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
        var odd = Vector512.Create(1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);
        var vr = Vector512.Create(sr);
        var vi = Vector512.Create(si);
        for (int i = 0; i < nRows; i++)
        {
            ref float r = ref Unsafe.Add(ref s0, (nint)i * rowStride);
            var a = Vector512.LoadUnsafe(ref r);
            var b = Vector512.LoadUnsafe(ref r, 16);
            (Avx512F.PermuteVar16x32x2(a, even, b) * vr).StoreUnsafe(ref d0, (nuint)(32 * i));
            (Avx512F.PermuteVar16x32x2(a, odd, b) * vi).StoreUnsafe(ref d0, (nuint)(32 * i + 16));
        }
    }

    public override void StoreColumns(ReadOnlySpan<T> data, Span<float> dst, int rowStride, int cols, int nRows, float sr, float si)
    {
        if (Simd8 && cols == 8)
        {
            StoreColumns8(MemoryMarshal.Cast<T, float>(data), dst, rowStride, nRows, sr, si);
            return;
        }
        if (!Simd16 || cols != 16)
        {
            base.StoreColumns(data, dst, rowStride, cols, nRows, sr, si);
            return;
        }
        ref float s0 = ref Unsafe.As<T, float>(ref MemoryMarshal.GetReference(data));
        ref float d0 = ref MemoryMarshal.GetReference(dst);
        var lo = Vector512.Create(0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
        var hi = Vector512.Create(8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
        var vr = Vector512.Create(sr);
        var vi = Vector512.Create(si);
        for (int i = 0; i < nRows; i++)
        {
            var re = Vector512.LoadUnsafe(ref s0, (nuint)(32 * i)) * vr;
            var im = Vector512.LoadUnsafe(ref s0, (nuint)(32 * i + 16)) * vi;
            ref float r = ref Unsafe.Add(ref d0, (nint)i * rowStride);
            Avx512F.PermuteVar16x32x2(re, lo, im).StoreUnsafe(ref r);
            Avx512F.PermuteVar16x32x2(re, hi, im).StoreUnsafe(ref r, 16);
        }
    }

    // ---------------------------------------------------------------- AVX transposes (float, 8 lanes)

    private static bool Simd8 => typeof(T) == typeof(float) && typeof(L) == typeof(Lane256F) && Avx2.IsSupported;

    private static void LoadRows8(ReadOnlySpan<float> src, int rowStride, int count, Span<float> dst, int elements, float sr, float si)
    {
        int tiles = count / 8;
        ref float s0 = ref MemoryMarshal.GetReference(src);
        ref float d0 = ref MemoryMarshal.GetReference(dst);
        var ve = Vector256.Create(sr);
        var vo = Vector256.Create(si);
        for (int t = 0; t < tiles; t++)
        {
            Transpose8(ref Unsafe.Add(ref s0, 8 * t), rowStride, ref Unsafe.Add(ref d0, 64 * t), 8, ve, vo);
        }
        for (int f = 8 * tiles; f < count; f++)
        {
            float sc = (f & 1) == 0 ? sr : si;
            for (int l = 0; l < 8; l++) dst[f * 8 + l] = src[l * rowStride + f] * sc;
        }
        dst[(count * 8)..(2 * elements * 8)].Clear();
    }

    private static void StoreRows8(ReadOnlySpan<float> src, Span<float> dst, int rowStride, int count, float sr, float si)
    {
        int tiles = count / 8;
        ref float s0 = ref MemoryMarshal.GetReference(src);
        ref float d0 = ref MemoryMarshal.GetReference(dst);
        var alt = Vector256.Create(sr, si, sr, si, sr, si, sr, si);
        for (int t = 0; t < tiles; t++)
        {
            Transpose8(ref Unsafe.Add(ref s0, 64 * t), 8, ref Unsafe.Add(ref d0, 8 * t), rowStride, alt, alt);
        }
        for (int f = 8 * tiles; f < count; f++)
        {
            float sc = (f & 1) == 0 ? sr : si;
            for (int l = 0; l < 8; l++) dst[l * rowStride + f] = src[f * 8 + l] * sc;
        }
    }

    private static void LoadColumns8(ReadOnlySpan<float> src, int rowStride, int nRows, Span<float> dst, float sr, float si)
    {
        ref float s0 = ref MemoryMarshal.GetReference(src);
        ref float d0 = ref MemoryMarshal.GetReference(dst);
        var vr = Vector256.Create(sr);
        var vi = Vector256.Create(si);
        for (int i = 0; i < nRows; i++)
        {
            ref float r = ref Unsafe.Add(ref s0, (nint)i * rowStride);
            var a = Vector256.LoadUnsafe(ref r);
            var b = Vector256.LoadUnsafe(ref r, 8);
            // [a0 a2 b0 b2 | a4 a6 b4 b6] → 64-bit lanes 0,2,1,3 → [a0 a2 a4 a6 b0 b2 b4 b6]
            var re = Avx2.Permute4x64(Avx.Shuffle(a, b, 0x88).AsDouble(), 0xD8).AsSingle();
            var im = Avx2.Permute4x64(Avx.Shuffle(a, b, 0xDD).AsDouble(), 0xD8).AsSingle();
            (re * vr).StoreUnsafe(ref d0, (nuint)(16 * i));
            (im * vi).StoreUnsafe(ref d0, (nuint)(16 * i + 8));
        }
    }

    private static void StoreColumns8(ReadOnlySpan<float> src, Span<float> dst, int rowStride, int nRows, float sr, float si)
    {
        ref float s0 = ref MemoryMarshal.GetReference(src);
        ref float d0 = ref MemoryMarshal.GetReference(dst);
        var vr = Vector256.Create(sr);
        var vi = Vector256.Create(si);
        for (int i = 0; i < nRows; i++)
        {
            var re = Vector256.LoadUnsafe(ref s0, (nuint)(16 * i)) * vr;
            var im = Vector256.LoadUnsafe(ref s0, (nuint)(16 * i + 8)) * vi;
            var lo = Avx.UnpackLow(re, im);
            var hi = Avx.UnpackHigh(re, im);
            ref float r = ref Unsafe.Add(ref d0, (nint)i * rowStride);
            Avx.Permute2x128(lo, hi, 0x20).StoreUnsafe(ref r);
            Avx.Permute2x128(lo, hi, 0x31).StoreUnsafe(ref r, 8);
        }
    }

    /// <summary>8×8 float transpose; output row j is scaled by <paramref name="scaleEven"/> (even j) or <paramref name="scaleOdd"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose8(ref float src, nint srcStride, ref float dst, nint dstStride, Vector256<float> scaleEven, Vector256<float> scaleOdd)
    {
        var r0 = Vector256.LoadUnsafe(ref src); var r1 = Vector256.LoadUnsafe(ref Unsafe.Add(ref src, srcStride));
        var r2 = Vector256.LoadUnsafe(ref Unsafe.Add(ref src, 2 * srcStride)); var r3 = Vector256.LoadUnsafe(ref Unsafe.Add(ref src, 3 * srcStride));
        var r4 = Vector256.LoadUnsafe(ref Unsafe.Add(ref src, 4 * srcStride)); var r5 = Vector256.LoadUnsafe(ref Unsafe.Add(ref src, 5 * srcStride));
        var r6 = Vector256.LoadUnsafe(ref Unsafe.Add(ref src, 6 * srcStride)); var r7 = Vector256.LoadUnsafe(ref Unsafe.Add(ref src, 7 * srcStride));
        var t0 = Avx.UnpackLow(r0, r1); var t1 = Avx.UnpackHigh(r0, r1);
        var t2 = Avx.UnpackLow(r2, r3); var t3 = Avx.UnpackHigh(r2, r3);
        var t4 = Avx.UnpackLow(r4, r5); var t5 = Avx.UnpackHigh(r4, r5);
        var t6 = Avx.UnpackLow(r6, r7); var t7 = Avx.UnpackHigh(r6, r7);
        var u0 = Avx.Shuffle(t0, t2, 0x44); var u1 = Avx.Shuffle(t0, t2, 0xEE);
        var u2 = Avx.Shuffle(t1, t3, 0x44); var u3 = Avx.Shuffle(t1, t3, 0xEE);
        var u4 = Avx.Shuffle(t4, t6, 0x44); var u5 = Avx.Shuffle(t4, t6, 0xEE);
        var u6 = Avx.Shuffle(t5, t7, 0x44); var u7 = Avx.Shuffle(t5, t7, 0xEE);
        (Avx.Permute2x128(u0, u4, 0x20) * scaleEven).StoreUnsafe(ref dst);
        (Avx.Permute2x128(u1, u5, 0x20) * scaleOdd).StoreUnsafe(ref Unsafe.Add(ref dst, dstStride));
        (Avx.Permute2x128(u2, u6, 0x20) * scaleEven).StoreUnsafe(ref Unsafe.Add(ref dst, 2 * dstStride));
        (Avx.Permute2x128(u3, u7, 0x20) * scaleOdd).StoreUnsafe(ref Unsafe.Add(ref dst, 3 * dstStride));
        (Avx.Permute2x128(u0, u4, 0x31) * scaleEven).StoreUnsafe(ref Unsafe.Add(ref dst, 4 * dstStride));
        (Avx.Permute2x128(u1, u5, 0x31) * scaleOdd).StoreUnsafe(ref Unsafe.Add(ref dst, 5 * dstStride));
        (Avx.Permute2x128(u2, u6, 0x31) * scaleEven).StoreUnsafe(ref Unsafe.Add(ref dst, 6 * dstStride));
        (Avx.Permute2x128(u3, u7, 0x31) * scaleOdd).StoreUnsafe(ref Unsafe.Add(ref dst, 7 * dstStride));
    }

    /// <summary>16×16 float transpose: out row j = column j of the 16 input rows (Intel optimisation manual pattern).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose16(ref float src, nint srcStride, ref float dst, nint dstStride, bool unit,
        Vector512<float> scaleEven, Vector512<float> scaleOdd, bool interleavedOut)
    {
        var r0 = Vector512.LoadUnsafe(ref src); var r1 = Vector512.LoadUnsafe(ref Unsafe.Add(ref src, srcStride));
        var r2 = Vector512.LoadUnsafe(ref Unsafe.Add(ref src, 2 * srcStride)); var r3 = Vector512.LoadUnsafe(ref Unsafe.Add(ref src, 3 * srcStride));
        var r4 = Vector512.LoadUnsafe(ref Unsafe.Add(ref src, 4 * srcStride)); var r5 = Vector512.LoadUnsafe(ref Unsafe.Add(ref src, 5 * srcStride));
        var r6 = Vector512.LoadUnsafe(ref Unsafe.Add(ref src, 6 * srcStride)); var r7 = Vector512.LoadUnsafe(ref Unsafe.Add(ref src, 7 * srcStride));
        var r8 = Vector512.LoadUnsafe(ref Unsafe.Add(ref src, 8 * srcStride)); var r9 = Vector512.LoadUnsafe(ref Unsafe.Add(ref src, 9 * srcStride));
        var r10 = Vector512.LoadUnsafe(ref Unsafe.Add(ref src, 10 * srcStride)); var r11 = Vector512.LoadUnsafe(ref Unsafe.Add(ref src, 11 * srcStride));
        var r12 = Vector512.LoadUnsafe(ref Unsafe.Add(ref src, 12 * srcStride)); var r13 = Vector512.LoadUnsafe(ref Unsafe.Add(ref src, 13 * srcStride));
        var r14 = Vector512.LoadUnsafe(ref Unsafe.Add(ref src, 14 * srcStride)); var r15 = Vector512.LoadUnsafe(ref Unsafe.Add(ref src, 15 * srcStride));

        var t0 = Avx512F.UnpackLow(r0, r1); var t1 = Avx512F.UnpackHigh(r0, r1);
        var t2 = Avx512F.UnpackLow(r2, r3); var t3 = Avx512F.UnpackHigh(r2, r3);
        var t4 = Avx512F.UnpackLow(r4, r5); var t5 = Avx512F.UnpackHigh(r4, r5);
        var t6 = Avx512F.UnpackLow(r6, r7); var t7 = Avx512F.UnpackHigh(r6, r7);
        var t8 = Avx512F.UnpackLow(r8, r9); var t9 = Avx512F.UnpackHigh(r8, r9);
        var t10 = Avx512F.UnpackLow(r10, r11); var t11 = Avx512F.UnpackHigh(r10, r11);
        var t12 = Avx512F.UnpackLow(r12, r13); var t13 = Avx512F.UnpackHigh(r12, r13);
        var t14 = Avx512F.UnpackLow(r14, r15); var t15 = Avx512F.UnpackHigh(r14, r15);

        var u0 = Avx512F.UnpackLow(t0.AsDouble(), t2.AsDouble()).AsSingle(); var u1 = Avx512F.UnpackHigh(t0.AsDouble(), t2.AsDouble()).AsSingle();
        var u2 = Avx512F.UnpackLow(t1.AsDouble(), t3.AsDouble()).AsSingle(); var u3 = Avx512F.UnpackHigh(t1.AsDouble(), t3.AsDouble()).AsSingle();
        var u4 = Avx512F.UnpackLow(t4.AsDouble(), t6.AsDouble()).AsSingle(); var u5 = Avx512F.UnpackHigh(t4.AsDouble(), t6.AsDouble()).AsSingle();
        var u6 = Avx512F.UnpackLow(t5.AsDouble(), t7.AsDouble()).AsSingle(); var u7 = Avx512F.UnpackHigh(t5.AsDouble(), t7.AsDouble()).AsSingle();
        var u8 = Avx512F.UnpackLow(t8.AsDouble(), t10.AsDouble()).AsSingle(); var u9 = Avx512F.UnpackHigh(t8.AsDouble(), t10.AsDouble()).AsSingle();
        var u10 = Avx512F.UnpackLow(t9.AsDouble(), t11.AsDouble()).AsSingle(); var u11 = Avx512F.UnpackHigh(t9.AsDouble(), t11.AsDouble()).AsSingle();
        var u12 = Avx512F.UnpackLow(t12.AsDouble(), t14.AsDouble()).AsSingle(); var u13 = Avx512F.UnpackHigh(t12.AsDouble(), t14.AsDouble()).AsSingle();
        var u14 = Avx512F.UnpackLow(t13.AsDouble(), t15.AsDouble()).AsSingle(); var u15 = Avx512F.UnpackHigh(t13.AsDouble(), t15.AsDouble()).AsSingle();

        var v0 = Avx512F.Shuffle4x128(u0, u4, 0x88); var v4 = Avx512F.Shuffle4x128(u0, u4, 0xDD);
        var v1 = Avx512F.Shuffle4x128(u1, u5, 0x88); var v5 = Avx512F.Shuffle4x128(u1, u5, 0xDD);
        var v2 = Avx512F.Shuffle4x128(u2, u6, 0x88); var v6 = Avx512F.Shuffle4x128(u2, u6, 0xDD);
        var v3 = Avx512F.Shuffle4x128(u3, u7, 0x88); var v7 = Avx512F.Shuffle4x128(u3, u7, 0xDD);
        var v8 = Avx512F.Shuffle4x128(u8, u12, 0x88); var v12 = Avx512F.Shuffle4x128(u8, u12, 0xDD);
        var v9 = Avx512F.Shuffle4x128(u9, u13, 0x88); var v13 = Avx512F.Shuffle4x128(u9, u13, 0xDD);
        var v10 = Avx512F.Shuffle4x128(u10, u14, 0x88); var v14 = Avx512F.Shuffle4x128(u10, u14, 0xDD);
        var v11 = Avx512F.Shuffle4x128(u11, u15, 0x88); var v15 = Avx512F.Shuffle4x128(u11, u15, 0xDD);

        var w0 = Avx512F.Shuffle4x128(v0, v8, 0x88); var w8 = Avx512F.Shuffle4x128(v0, v8, 0xDD);
        var w1 = Avx512F.Shuffle4x128(v1, v9, 0x88); var w9 = Avx512F.Shuffle4x128(v1, v9, 0xDD);
        var w2 = Avx512F.Shuffle4x128(v2, v10, 0x88); var w10 = Avx512F.Shuffle4x128(v2, v10, 0xDD);
        var w3 = Avx512F.Shuffle4x128(v3, v11, 0x88); var w11 = Avx512F.Shuffle4x128(v3, v11, 0xDD);
        var w4 = Avx512F.Shuffle4x128(v4, v12, 0x88); var w12 = Avx512F.Shuffle4x128(v4, v12, 0xDD);
        var w5 = Avx512F.Shuffle4x128(v5, v13, 0x88); var w13 = Avx512F.Shuffle4x128(v5, v13, 0xDD);
        var w6 = Avx512F.Shuffle4x128(v6, v14, 0x88); var w14 = Avx512F.Shuffle4x128(v6, v14, 0xDD);
        var w7 = Avx512F.Shuffle4x128(v7, v15, 0x88); var w15 = Avx512F.Shuffle4x128(v7, v15, 0xDD);

        if (!unit)
        {
            // interleavedOut: every output row alternates re/im (scaleEven holds the alternating pattern);
            // otherwise output row j is a real (even j) or imaginary (odd j) plane.
            var se = scaleEven; var so = interleavedOut ? scaleEven : scaleOdd;
            w0 *= se; w1 *= so; w2 *= se; w3 *= so; w4 *= se; w5 *= so; w6 *= se; w7 *= so;
            w8 *= se; w9 *= so; w10 *= se; w11 *= so; w12 *= se; w13 *= so; w14 *= se; w15 *= so;
        }
        w0.StoreUnsafe(ref dst); w1.StoreUnsafe(ref Unsafe.Add(ref dst, dstStride));
        w2.StoreUnsafe(ref Unsafe.Add(ref dst, 2 * dstStride)); w3.StoreUnsafe(ref Unsafe.Add(ref dst, 3 * dstStride));
        w4.StoreUnsafe(ref Unsafe.Add(ref dst, 4 * dstStride)); w5.StoreUnsafe(ref Unsafe.Add(ref dst, 5 * dstStride));
        w6.StoreUnsafe(ref Unsafe.Add(ref dst, 6 * dstStride)); w7.StoreUnsafe(ref Unsafe.Add(ref dst, 7 * dstStride));
        w8.StoreUnsafe(ref Unsafe.Add(ref dst, 8 * dstStride)); w9.StoreUnsafe(ref Unsafe.Add(ref dst, 9 * dstStride));
        w10.StoreUnsafe(ref Unsafe.Add(ref dst, 10 * dstStride)); w11.StoreUnsafe(ref Unsafe.Add(ref dst, 11 * dstStride));
        w12.StoreUnsafe(ref Unsafe.Add(ref dst, 12 * dstStride)); w13.StoreUnsafe(ref Unsafe.Add(ref dst, 13 * dstStride));
        w14.StoreUnsafe(ref Unsafe.Add(ref dst, 14 * dstStride)); w15.StoreUnsafe(ref Unsafe.Add(ref dst, 15 * dstStride));
    }
}
