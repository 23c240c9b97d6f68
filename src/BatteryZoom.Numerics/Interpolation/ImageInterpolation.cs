// SPDX-License-Identifier: MIT
using System.Numerics.Tensors;

namespace BatteryZoom.Numerics.Interpolation;

/// <summary>Bilinear interpolation of a row-major image <c>[row, column]</c> at fractional (row, column) positions in pixel units.</summary>
/// <remarks>
/// <c>f(y, x) = (1−u)(1−v)·I[i, j] + (1−u)v·I[i, j+1] + u(1−v)·I[i+1, j] + uv·I[i+1, j+1]</c> with
/// <c>i = ⌊y⌋, j = ⌊x⌋, u = y − i, v = x − j</c>; pixel centres sit at integer positions. Element-wise arithmetic runs
/// through <see cref="TensorPrimitives"/>. <see cref="Reference.ReferenceInterpolation.Bilinear"/> is the scalar oracle.
/// </remarks>
public static class ImageInterpolation
{
    private const int Chunk = 256;

    /// <summary>One bilinear sample at (<paramref name="y"/>, <paramref name="x"/>).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="rows"/> or <paramref name="columns"/> is zero or negative.</exception>
    /// <exception cref="ArgumentException"><paramref name="image"/> does not hold rows·columns values.</exception>
    public static float Bilinear(ReadOnlySpan<float> image, int rows, int columns, double y, double x, BoundaryMode mode = BoundaryMode.Zero)
    {
        CheckImage(image, rows, columns);
        return Reference.ReferenceInterpolation.Bilinear(image, rows, columns, y, x, mode);
    }

    /// <summary>Bilinear samples <c>output[k] = f(ys[k], xs[k])</c>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="rows"/> or <paramref name="columns"/> is zero or negative.</exception>
    /// <exception cref="ArgumentException"><paramref name="image"/> does not hold rows·columns values, or ys, xs and output differ in length.</exception>
    public static void Bilinear(ReadOnlySpan<float> image, int rows, int columns, ReadOnlySpan<float> ys, ReadOnlySpan<float> xs,
        Span<float> output, BoundaryMode mode = BoundaryMode.Zero)
    {
        CheckImage(image, rows, columns);
        if (xs.Length != ys.Length) throw new ArgumentException($"xs has {xs.Length} values; expected ys.Length = {ys.Length}.", nameof(xs));
        if (output.Length != ys.Length) throw new ArgumentException($"output has {output.Length} values; expected ys.Length = {ys.Length}.", nameof(output));

        Span<float> u = stackalloc float[Chunk], v = stackalloc float[Chunk], fy = stackalloc float[Chunk], fx = stackalloc float[Chunk];
        Span<float> a = stackalloc float[Chunk], b = stackalloc float[Chunk], c = stackalloc float[Chunk], d = stackalloc float[Chunk];
        for (int k0 = 0; k0 < output.Length; k0 += Chunk)
        {
            int n = Math.Min(Chunk, output.Length - k0);
            Span<float> uu = u[..n], vv = v[..n], yy = fy[..n], xx = fx[..n], aa = a[..n], bb = b[..n], cc = c[..n], dd = d[..n];
            ys.Slice(k0, n).CopyTo(uu);
            xs.Slice(k0, n).CopyTo(vv);
            if (mode == BoundaryMode.Clamp)
            {
                TensorPrimitives.Clamp(uu, 0f, rows - 1, uu);
                TensorPrimitives.Clamp(vv, 0f, columns - 1, vv);
            }
            TensorPrimitives.Floor(uu, yy);
            TensorPrimitives.Floor(vv, xx);
            TensorPrimitives.Subtract(uu, yy, uu);
            TensorPrimitives.Subtract(vv, xx, vv);
            for (int k = 0; k < n; k++)
            {
                long i = (long)yy[k], j = (long)xx[k];
                aa[k] = At(image, rows, columns, i, j);
                bb[k] = At(image, rows, columns, i, j + 1);
                cc[k] = At(image, rows, columns, i + 1, j);
                dd[k] = At(image, rows, columns, i + 1, j + 1);
            }
            // top = a + v(b − a), bottom = c + v(d − c), out = top + u(bottom − top)
            TensorPrimitives.Subtract(bb, aa, bb);
            TensorPrimitives.FusedMultiplyAdd(bb, vv, aa, aa);
            TensorPrimitives.Subtract(dd, cc, dd);
            TensorPrimitives.FusedMultiplyAdd(dd, vv, cc, cc);
            TensorPrimitives.Subtract(cc, aa, cc);
            TensorPrimitives.FusedMultiplyAdd(cc, uu, aa, output.Slice(k0, n));
        }
    }

    // Zero outside (positions were clamped beforehand in Clamp mode, so only the weight-0 neighbour can fall outside).
    private static float At(ReadOnlySpan<float> image, int rows, int columns, long i, long j) =>
        (ulong)i < (ulong)rows && (ulong)j < (ulong)columns ? image[(int)(i * columns + j)] : 0f;

    private static void CheckImage(ReadOnlySpan<float> image, int rows, int columns)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rows);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(columns);
        if (image.Length != (long)rows * columns)
        {
            throw new ArgumentException($"image has {image.Length} values; expected rows·columns = {rows}·{columns} = {(long)rows * columns}.", nameof(image));
        }
    }
}
