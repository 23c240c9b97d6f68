// SPDX-License-Identifier: MIT
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace BatteryZoom.Tomography.Fbp;

/// <summary>Pixel-driven parallel backprojection with linear interpolation, vectorised across a block of
/// <see cref="Lanes"/> slices that share every detector coordinate and interpolation weight.</summary>
/// <remarks>
/// Layouts: sinogram block [angle][guarded column][lane] with one zero guard column before the detector and two after,
/// so detector column c sits at guarded column c + 1; image block [y][x][lane]. For a pixel (ix, iy) and angle a the
/// guarded detector coordinate is <c>t = Base[a] + iy·StepY[a] + ix·StepX[a]</c>, clamped into the guard band.
/// Pixels are visited in square tiles so the sinogram columns a tile needs stay in cache across angles.
/// </remarks>
internal static class SlabBackprojector
{
    public const int Lanes = 16;
    public const int Tile = 32;

    /// <summary>image += Σ_a lerp(sino[a], t(ix, iy, a)), for angles [a0, a1) and all pixels whose mask is set (null = all).</summary>
    public static unsafe void Accumulate(float[] sino, int guardedColumns, float[] baseT, float[] stepX, float[] stepY,
        int a0, int a1, float[] image, int nx, int ny, bool[]? mask, ParallelOptions parallel)
    {
        int tilesX = (nx + Tile - 1) / Tile, tilesY = (ny + Tile - 1) / Tile;
        float tMax = guardedColumns - 2;   // t ≤ columns + 1: reads at most guarded column columns + 2 (zero)
        Parallel.For(0, tilesX * tilesY, parallel, tile =>
        {
            int ty = tile / tilesX, tx = tile % tilesX;
            int x0 = tx * Tile, x1 = Math.Min(nx, x0 + Tile), y0 = ty * Tile, y1 = Math.Min(ny, y0 + Tile);
            int count = a1 - a0;
            var rowBase = new float[count + 8];
            var idx = new int[count + 8];
            var wgt = new float[count + 8];
            fixed (float* s = sino, img = image, rb = rowBase, sx = stepX, w = wgt)
            fixed (int* ip = idx)
            {
                for (int iy = y0; iy < y1; iy++)
                {
                    for (int a = 0; a < count; a++) rowBase[a] = baseT[a0 + a] + iy * stepY[a0 + a];
                    for (int ix = x0; ix < x1; ix++)
                    {
                        if (mask is not null && !mask[iy * nx + ix]) continue;
                        ComputeTaps(rb, sx + a0, count, ix, tMax, ip, w);
                        float* acc = img + ((long)iy * nx + ix) * Lanes;
                        Pixel(s, guardedColumns * Lanes, a0, count, ip, w, acc);
                    }
                }
            }
        });
    }

    /// <summary>Integer column and weight of every angle for one pixel, 8 angles per vector.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void ComputeTaps(float* rowBase, float* stepX, int count, int ix, float tMax, int* idx, float* w)
    {
        var vx = Vector256.Create((float)ix);
        var lo = Vector256<float>.Zero;
        var hi = Vector256.Create(tMax);
        int a = 0;
        for (; a + 8 <= count; a += 8)
        {
            var t = Vector256.FusedMultiplyAdd(vx, Vector256.Load(stepX + a), Vector256.Load(rowBase + a));
            t = Vector256.Min(Vector256.Max(t, lo), hi);
            var i = Vector256.ConvertToInt32(t);             // truncation = floor for t ≥ 0
            Vector256.Store(i, idx + a);
            Vector256.Store(t - Vector256.ConvertToSingle(i), w + a);
        }
        for (; a < count; a++)
        {
            float t = Math.Clamp(MathF.FusedMultiplyAdd(ix, stepX[a], rowBase[a]), 0f, tMax);
            int i = (int)t;
            idx[a] = i;
            w[a] = t - i;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Pixel(float* sino, int angleStride, int a0, int count, int* idx, float* w, float* acc)
    {
        var accA0 = Vector256.Load(acc);
        var accA1 = Vector256.Load(acc + 8);
        var accB0 = Vector256<float>.Zero;
        var accB1 = Vector256<float>.Zero;
        float* row = sino + (long)a0 * angleStride;
        int a = 0;
        for (; a + 2 <= count; a += 2)
        {
            float* p = row + (long)a * angleStride + idx[a] * Lanes;
            var wa = Vector256.Create(w[a]);
            var l0 = Vector256.Load(p);
            var l1 = Vector256.Load(p + 8);
            accA0 += Vector256.FusedMultiplyAdd(wa, Vector256.Load(p + 16) - l0, l0);
            accA1 += Vector256.FusedMultiplyAdd(wa, Vector256.Load(p + 24) - l1, l1);
            float* q = row + (long)(a + 1) * angleStride + idx[a + 1] * Lanes;
            var wb = Vector256.Create(w[a + 1]);
            var m0 = Vector256.Load(q);
            var m1 = Vector256.Load(q + 8);
            accB0 += Vector256.FusedMultiplyAdd(wb, Vector256.Load(q + 16) - m0, m0);
            accB1 += Vector256.FusedMultiplyAdd(wb, Vector256.Load(q + 24) - m1, m1);
        }
        for (; a < count; a++)
        {
            float* p = row + (long)a * angleStride + idx[a] * Lanes;
            var wa = Vector256.Create(w[a]);
            var l0 = Vector256.Load(p);
            var l1 = Vector256.Load(p + 8);
            accA0 += Vector256.FusedMultiplyAdd(wa, Vector256.Load(p + 16) - l0, l0);
            accA1 += Vector256.FusedMultiplyAdd(wa, Vector256.Load(p + 24) - l1, l1);
        }
        Vector256.Store(accA0 + accB0, acc);
        Vector256.Store(accA1 + accB1, acc + 8);
    }
}
