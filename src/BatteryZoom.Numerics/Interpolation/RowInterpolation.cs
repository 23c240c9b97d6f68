// SPDX-License-Identifier: MIT
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace BatteryZoom.Numerics.Interpolation;

/// <summary>What a sample outside <c>[0, n−1]</c> reads as.</summary>
public enum BoundaryMode
{
    /// <summary>Zero outside the row (a detector row beyond its edge: FBP/FDK backprojection).</summary>
    Zero,
    /// <summary>The nearest edge sample (replicate padding).</summary>
    Clamp,
}

/// <summary>
/// Interpolation of a uniformly sampled row at fractional positions, in sample units (position 0 is the first
/// sample, n−1 the last). Used by backprojection (detector rows) and resampling.
/// </summary>
/// <remarks>
/// Linear: <c>f(p) = (1−t)·s[i] + t·s[i+1]</c>, <c>i = ⌊p⌋</c>, <c>t = p − i</c>.
/// Cubic: Keys (1981) cubic convolution with a = −0.5 (Catmull–Rom), exact for quadratics, using s[i−1..i+2].
/// Uniform-position overloads compute <c>p_j = start + j·step</c> directly (never by accumulation, which drifts).
/// The element-wise arithmetic runs through <see cref="TensorPrimitives"/>; gathers use AVX2 when available.
/// <see cref="Reference.ReferenceInterpolation"/> is the scalar oracle.
/// </remarks>
public static class RowInterpolation
{
    private const int Chunk = 256;

    /// <summary>Linear interpolation: <c>output[j] = f(positions[j])</c>.</summary>
    /// <exception cref="ArgumentException"><paramref name="row"/> is empty, or <paramref name="output"/> and <paramref name="positions"/> differ in length.</exception>
    public static void Linear(ReadOnlySpan<float> row, ReadOnlySpan<float> positions, Span<float> output, BoundaryMode mode = BoundaryMode.Zero)
    {
        Check(row, positions.Length, output.Length);
        Span<float> p = stackalloc float[Chunk];
        for (int j0 = 0; j0 < output.Length; j0 += Chunk)
        {
            int c = Math.Min(Chunk, output.Length - j0);
            positions.Slice(j0, c).CopyTo(p);
            LinearChunk(row, p[..c], output.Slice(j0, c), mode);
        }
    }

    /// <summary>Linear interpolation at uniform positions <c>p_j = start + j·step</c>.</summary>
    /// <exception cref="ArgumentException"><paramref name="row"/> is empty.</exception>
    public static void Linear(ReadOnlySpan<float> row, double start, double step, Span<float> output, BoundaryMode mode = BoundaryMode.Zero)
    {
        Check(row, output.Length, output.Length);
        Span<float> p = stackalloc float[Chunk];
        for (int j0 = 0; j0 < output.Length; j0 += Chunk)
        {
            int c = Math.Min(Chunk, output.Length - j0);
            Ramp(p[..c], start + j0 * step, step);
            LinearChunk(row, p[..c], output.Slice(j0, c), mode);
        }
    }

    /// <summary>Keys cubic (a = −0.5) interpolation: <c>output[j] = f(positions[j])</c>.</summary>
    /// <exception cref="ArgumentException"><paramref name="row"/> is empty, or <paramref name="output"/> and <paramref name="positions"/> differ in length.</exception>
    public static void Cubic(ReadOnlySpan<float> row, ReadOnlySpan<float> positions, Span<float> output, BoundaryMode mode = BoundaryMode.Zero)
    {
        Check(row, positions.Length, output.Length);
        Span<float> p = stackalloc float[Chunk];
        for (int j0 = 0; j0 < output.Length; j0 += Chunk)
        {
            int c = Math.Min(Chunk, output.Length - j0);
            positions.Slice(j0, c).CopyTo(p);
            CubicChunk(row, p[..c], output.Slice(j0, c), mode);
        }
    }

    /// <summary>Keys cubic interpolation at uniform positions <c>p_j = start + j·step</c>.</summary>
    /// <exception cref="ArgumentException"><paramref name="row"/> is empty.</exception>
    public static void Cubic(ReadOnlySpan<float> row, double start, double step, Span<float> output, BoundaryMode mode = BoundaryMode.Zero)
    {
        Check(row, output.Length, output.Length);
        Span<float> p = stackalloc float[Chunk];
        for (int j0 = 0; j0 < output.Length; j0 += Chunk)
        {
            int c = Math.Min(Chunk, output.Length - j0);
            Ramp(p[..c], start + j0 * step, step);
            CubicChunk(row, p[..c], output.Slice(j0, c), mode);
        }
    }

    private static void Check(ReadOnlySpan<float> row, int positions, int output)
    {
        if (row.IsEmpty) throw new ArgumentException("row is empty (length 0); interpolation needs at least one sample.", nameof(row));
        if (positions != output)
        {
            throw new ArgumentException($"output has {output} values; expected positions.Length = {positions}.", nameof(output));
        }
    }

    private static void Ramp(Span<float> p, double start, double step)
    {
        for (int j = 0; j < p.Length; j++) p[j] = (float)(start + j * step);
    }

    /// <summary>p (in: positions, overwritten) → out; chunk-sized temporaries on the stack.</summary>
    private static void LinearChunk(ReadOnlySpan<float> row, Span<float> p, Span<float> output, BoundaryMode mode)
    {
        int n = row.Length, c = p.Length;
        if (mode == BoundaryMode.Clamp) TensorPrimitives.Clamp(p, 0f, n - 1, p);
        Span<float> fl = stackalloc float[Chunk];
        Span<float> a = stackalloc float[Chunk];
        Span<float> b = stackalloc float[Chunk];
        fl = fl[..c]; a = a[..c]; b = b[..c];
        TensorPrimitives.Floor(p, fl);
        TensorPrimitives.Subtract(p, fl, p);                  // p := t, fraction in [0, 1)
        Gather(row, fl, 0, a);
        Gather(row, fl, 1, b);
        TensorPrimitives.Subtract(b, a, b);
        TensorPrimitives.FusedMultiplyAdd(b, p, a, output);   // a + t·(b − a)
    }

    private static void CubicChunk(ReadOnlySpan<float> row, Span<float> p, Span<float> output, BoundaryMode mode)
    {
        int n = row.Length, c = p.Length;
        if (mode == BoundaryMode.Clamp) TensorPrimitives.Clamp(p, 0f, n - 1, p);
        Span<float> fl = stackalloc float[Chunk];
        Span<float> s = stackalloc float[Chunk];
        Span<float> w = stackalloc float[Chunk];
        Span<float> t2 = stackalloc float[Chunk];
        Span<float> t3 = stackalloc float[Chunk];
        fl = fl[..c]; s = s[..c]; w = w[..c]; t2 = t2[..c]; t3 = t3[..c];
        TensorPrimitives.Floor(p, fl);
        TensorPrimitives.Subtract(p, fl, p);                  // t
        TensorPrimitives.Multiply(p, p, t2);
        TensorPrimitives.Multiply(t2, p, t3);
        output.Clear();
        // Keys weights (a = −0.5): w₋₁ = −½t³ + t² − ½t ; w₀ = 3/2·t³ − 5/2·t² + 1 ; w₁ = −3/2·t³ + 2t² + ½t ; w₂ = ½t³ − ½t².
        ReadOnlySpan<float> coefficients = [-0.5f, 1f, -0.5f, 0f, 1.5f, -2.5f, 0f, 1f, -1.5f, 2f, 0.5f, 0f, 0.5f, -0.5f, 0f, 0f];
        for (int k = 0; k < 4; k++)
        {
            float c3 = coefficients[4 * k], c2 = coefficients[4 * k + 1], c1 = coefficients[4 * k + 2], c0 = coefficients[4 * k + 3];
            TensorPrimitives.Multiply(t3, c3, w);
            TensorPrimitives.FusedMultiplyAdd(t2, c2, w, w);
            TensorPrimitives.FusedMultiplyAdd(p, c1, w, w);
            if (c0 != 0) TensorPrimitives.Add(w, c0, w);
            Gather(row, fl, k - 1, s, mode);
            TensorPrimitives.FusedMultiplyAdd(w, s, output, output);
        }
    }

    /// <summary>s[j] = row[floor[j] + offset], zero (or the clamped edge) outside the row.</summary>
    private static void Gather(ReadOnlySpan<float> row, ReadOnlySpan<float> floor, int offset, Span<float> s, BoundaryMode mode = BoundaryMode.Zero)
    {
        int n = row.Length, j = 0;
        ref float r0 = ref MemoryMarshal.GetReference(row);
        if (Avx2.IsSupported && n > 1)
        {
            unsafe
            {
                fixed (float* pr = row)
                {
                    var off = Vector256.Create(offset);
                    var last = Vector256.Create(n - 1);
                    for (; j + 8 <= s.Length; j += 8)
                    {
                        var i = Avx.ConvertToVector256Int32WithTruncation(Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(floor), (nuint)j)) + off;
                        var ic = Vector256.Min(Vector256.Max(i, Vector256<int>.Zero), last);
                        var v = Avx2.GatherVector256(pr, ic, 4);
                        if (mode == BoundaryMode.Zero) v = Vector256.ConditionalSelect(Vector256.Equals(i, ic).AsSingle(), v, Vector256<float>.Zero);
                        v.StoreUnsafe(ref MemoryMarshal.GetReference(s), (nuint)j);
                    }
                }
            }
        }
        for (; j < s.Length; j++)
        {
            // Floor of a float beyond ±2³¹ saturates; such positions are far outside any row.
            long i = (long)floor[j] + offset;
            s[j] = (ulong)i < (ulong)n ? Unsafe.Add(ref r0, (nint)i)
                 : mode == BoundaryMode.Clamp ? Unsafe.Add(ref r0, i < 0 ? 0 : n - 1) : 0f;
        }
    }
}
