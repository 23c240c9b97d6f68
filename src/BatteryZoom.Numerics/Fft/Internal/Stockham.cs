// SPDX-License-Identifier: MIT
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace BatteryZoom.Numerics.Fft.Internal;

/// <summary>
/// Mixed-radix Stockham autosort FFT over lane buffers (split layout: element e of lane l has its real part at
/// <c>(2e)·W + l</c> and its imaginary part at <c>(2e+1)·W + l</c>). Every butterfly works on W independent transforms
/// at once, so twiddles are broadcast scalars and no shuffles are needed.
/// </summary>
/// <remarks>
/// Stage with radix R, stride s and span m (n_cur = R·m): for p &lt; m, q &lt; s,
/// <c>y[q + s(Rp + t)] = w^{pt} · Σ_r x[q + s(p + rm)]·ω_R^{rt}</c>, w = exp(−2πi/n_cur) (Van Loan 1992, §1.7).
/// </remarks>
internal static class Stockham<T, V, L>
    where T : unmanaged, IFloatingPointIeee754<T>
    where V : struct
    where L : struct, ILane<T, V>
{
    /// <summary>Forward transform; the result is left in <paramref name="data"/>.</summary>
    public static void Run(StockhamCore<T> core, Span<T> data, Span<T> scratch)
    {
        int k = core.Radices.Length;
        if (k == 0) return;
        ref T a = ref MemoryMarshal.GetReference(data);
        ref T b = ref MemoryMarshal.GetReference(scratch);
        ref T tw = ref MemoryArrayRef(core.Twiddles);
        bool inA = true;
        for (int st = 0; st < k; st++)
        {
            // The last stage has m = 1 (reads and writes the same R slots), so it may run in place: that keeps
            // the result in `data` without a copy whatever the parity of the stage count.
            bool inPlace = st == k - 1 && inA;
            ref T src = ref inA ? ref a : ref b;
            ref T dst = ref (inPlace || !inA) ? ref a : ref b;
            int s = core.Strides[st], m = core.Spans[st];
            ref T t = ref Unsafe.Add(ref tw, core.TwiddleOffsets[st]);
            switch (core.Radices[st])
            {
                case 8: R8(ref src, ref dst, s, m, ref t); break;
                case 4: R4(ref src, ref dst, s, m, ref t); break;
                case 2: R2(ref src, ref dst, s, m, ref t); break;
                case 3: R3(ref src, ref dst, s, m, ref t); break;
                case 5: R5(ref src, ref dst, s, m, ref t); break;
                default: R7(ref src, ref dst, s, m, ref t); break;
            }
            if (!inPlace) inA = !inA;
        }
    }

    private static ref T MemoryArrayRef(T[] array) => ref MemoryMarshal.GetArrayDataReference(array);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static V Ld(ref T p, nint off) => L.Load(ref Unsafe.Add(ref p, off));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void St(ref T p, nint off, V v) => L.Store(ref Unsafe.Add(ref p, off), v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static V Tw(ref T tw, nint i) => L.Splat(Unsafe.Add(ref tw, i));

    /// <summary>Stores (re + i·im)·(wr + i·wi) at element offset <paramref name="off"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StMul(ref T p, nint off, V re, V im, V wr, V wi)
    {
        nint w = L.Width;
        St(ref p, off, L.MulSub(re, wr, L.Mul(im, wi)));
        St(ref p, off + w, L.MulAdd(re, wi, L.Mul(im, wr)));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StOut(ref T p, nint off, V re, V im, ref T tw, nint ti, bool twiddle)
    {
        if (twiddle) StMul(ref p, off, re, im, Tw(ref tw, ti), Tw(ref tw, ti + 1));
        else { St(ref p, off, re); St(ref p, off + L.Width, im); }
    }

    private static void R2(ref T x, ref T y, int s, int m, ref T tw)
    {
        nint w = L.Width, e = 2 * w, sE = s * e, rIn = m * sE;
        for (int p = 0; p < m; p++)
        {
            ref T xp = ref Unsafe.Add(ref x, p * sE);
            ref T yp = ref Unsafe.Add(ref y, 2 * p * sE);
            bool tww = p != 0;
            nint ti = 2 * p;
            for (nint q = 0; q < sE; q += e)
            {
                V a0r = Ld(ref xp, q), a0i = Ld(ref xp, q + w), a1r = Ld(ref xp, q + rIn), a1i = Ld(ref xp, q + rIn + w);
                St(ref yp, q, L.Add(a0r, a1r)); St(ref yp, q + w, L.Add(a0i, a1i));
                StOut(ref yp, q + sE, L.Sub(a0r, a1r), L.Sub(a0i, a1i), ref tw, ti, tww);
            }
        }
    }

    private static void R4(ref T x, ref T y, int s, int m, ref T tw)
    {
        nint w = L.Width, e = 2 * w, sE = s * e, rIn = m * sE;
        for (int p = 0; p < m; p++)
        {
            ref T xp = ref Unsafe.Add(ref x, p * sE);
            ref T yp = ref Unsafe.Add(ref y, 4 * p * sE);
            bool tww = p != 0;
            nint ti = 6 * p;
            for (nint q = 0; q < sE; q += e)
            {
                V a0r = Ld(ref xp, q), a0i = Ld(ref xp, q + w);
                V a1r = Ld(ref xp, q + rIn), a1i = Ld(ref xp, q + rIn + w);
                V a2r = Ld(ref xp, q + 2 * rIn), a2i = Ld(ref xp, q + 2 * rIn + w);
                V a3r = Ld(ref xp, q + 3 * rIn), a3i = Ld(ref xp, q + 3 * rIn + w);
                V t0r = L.Add(a0r, a2r), t0i = L.Add(a0i, a2i), t1r = L.Sub(a0r, a2r), t1i = L.Sub(a0i, a2i);
                V t2r = L.Add(a1r, a3r), t2i = L.Add(a1i, a3i), t3r = L.Sub(a1r, a3r), t3i = L.Sub(a1i, a3i);
                St(ref yp, q, L.Add(t0r, t2r)); St(ref yp, q + w, L.Add(t0i, t2i));
                StOut(ref yp, q + sE, L.Add(t1r, t3i), L.Sub(t1i, t3r), ref tw, ti, tww);
                StOut(ref yp, q + 2 * sE, L.Sub(t0r, t2r), L.Sub(t0i, t2i), ref tw, ti + 2, tww);
                StOut(ref yp, q + 3 * sE, L.Sub(t1r, t3i), L.Add(t1i, t3r), ref tw, ti + 4, tww);
            }
        }
    }

    private static void R8(ref T x, ref T y, int s, int m, ref T tw)
    {
        nint w = L.Width, e = 2 * w, sE = s * e, rIn = m * sE;
        V h = L.Splat(T.CreateTruncating(0.70710678118654752440)), nh = L.Splat(T.CreateTruncating(-0.70710678118654752440));
        for (int p = 0; p < m; p++)
        {
            ref T xp = ref Unsafe.Add(ref x, p * sE);
            ref T yp = ref Unsafe.Add(ref y, 8 * p * sE);
            bool tww = p != 0;
            nint ti = 14 * p;
            for (nint q = 0; q < sE; q += e)
            {
                // Radix 2 across distance 4, then two radix-4 DFTs; odd half pre-multiplied by ω8^j.
                V a0r = Ld(ref xp, q), a0i = Ld(ref xp, q + w), a4r = Ld(ref xp, q + 4 * rIn), a4i = Ld(ref xp, q + 4 * rIn + w);
                V b0r = L.Add(a0r, a4r), b0i = L.Add(a0i, a4i), c0r = L.Sub(a0r, a4r), c0i = L.Sub(a0i, a4i);
                V a1r = Ld(ref xp, q + rIn), a1i = Ld(ref xp, q + rIn + w), a5r = Ld(ref xp, q + 5 * rIn), a5i = Ld(ref xp, q + 5 * rIn + w);
                V b1r = L.Add(a1r, a5r), b1i = L.Add(a1i, a5i), c1r = L.Sub(a1r, a5r), c1i = L.Sub(a1i, a5i);
                V a2r = Ld(ref xp, q + 2 * rIn), a2i = Ld(ref xp, q + 2 * rIn + w), a6r = Ld(ref xp, q + 6 * rIn), a6i = Ld(ref xp, q + 6 * rIn + w);
                V b2r = L.Add(a2r, a6r), b2i = L.Add(a2i, a6i), c2r = L.Sub(a2r, a6r), c2i = L.Sub(a2i, a6i);
                V a3r = Ld(ref xp, q + 3 * rIn), a3i = Ld(ref xp, q + 3 * rIn + w), a7r = Ld(ref xp, q + 7 * rIn), a7i = Ld(ref xp, q + 7 * rIn + w);
                V b3r = L.Add(a3r, a7r), b3i = L.Add(a3i, a7i), c3r = L.Sub(a3r, a7r), c3i = L.Sub(a3i, a7i);
                // ω8·c1 = ((x+y) + i(y−x))/√2 ; ω8²·c2 = y − ix ; ω8³·c3 = ((y−x) − i(x+y))/√2
                V d1r = L.Mul(L.Add(c1r, c1i), h), d1i = L.Mul(L.Sub(c1i, c1r), h);
                V d2r = c2i, d2i = L.Sub(default, c2r);
                V d3r = L.Mul(L.Sub(c3i, c3r), h), d3i = L.Mul(L.Add(c3r, c3i), nh);
                // Even outputs: DFT4(b) → X0, X2, X4, X6.
                V t0r = L.Add(b0r, b2r), t0i = L.Add(b0i, b2i), t1r = L.Sub(b0r, b2r), t1i = L.Sub(b0i, b2i);
                V t2r = L.Add(b1r, b3r), t2i = L.Add(b1i, b3i), t3r = L.Sub(b1r, b3r), t3i = L.Sub(b1i, b3i);
                St(ref yp, q, L.Add(t0r, t2r)); St(ref yp, q + w, L.Add(t0i, t2i));
                StOut(ref yp, q + 2 * sE, L.Add(t1r, t3i), L.Sub(t1i, t3r), ref tw, ti + 2, tww);
                StOut(ref yp, q + 4 * sE, L.Sub(t0r, t2r), L.Sub(t0i, t2i), ref tw, ti + 6, tww);
                StOut(ref yp, q + 6 * sE, L.Sub(t1r, t3i), L.Add(t1i, t3r), ref tw, ti + 10, tww);
                // Odd outputs: DFT4(c0, d1, d2, d3) → X1, X3, X5, X7.
                V u0r = L.Add(c0r, d2r), u0i = L.Add(c0i, d2i), u1r = L.Sub(c0r, d2r), u1i = L.Sub(c0i, d2i);
                V u2r = L.Add(d1r, d3r), u2i = L.Add(d1i, d3i), u3r = L.Sub(d1r, d3r), u3i = L.Sub(d1i, d3i);
                StOut(ref yp, q + sE, L.Add(u0r, u2r), L.Add(u0i, u2i), ref tw, ti, tww);
                StOut(ref yp, q + 3 * sE, L.Add(u1r, u3i), L.Sub(u1i, u3r), ref tw, ti + 4, tww);
                StOut(ref yp, q + 5 * sE, L.Sub(u0r, u2r), L.Sub(u0i, u2i), ref tw, ti + 8, tww);
                StOut(ref yp, q + 7 * sE, L.Sub(u1r, u3i), L.Add(u1i, u3r), ref tw, ti + 12, tww);
            }
        }
    }

    private static void R3(ref T x, ref T y, int s, int m, ref T tw)
    {
        nint w = L.Width, e = 2 * w, sE = s * e, rIn = m * sE;
        V half = L.Splat(T.CreateTruncating(0.5));
        V c = L.Splat(T.CreateTruncating(0.86602540378443864676)); // sin(π/3)
        for (int p = 0; p < m; p++)
        {
            ref T xp = ref Unsafe.Add(ref x, p * sE);
            ref T yp = ref Unsafe.Add(ref y, 3 * p * sE);
            bool tww = p != 0;
            nint ti = 4 * p;
            for (nint q = 0; q < sE; q += e)
            {
                V a0r = Ld(ref xp, q), a0i = Ld(ref xp, q + w);
                V a1r = Ld(ref xp, q + rIn), a1i = Ld(ref xp, q + rIn + w);
                V a2r = Ld(ref xp, q + 2 * rIn), a2i = Ld(ref xp, q + 2 * rIn + w);
                V t1r = L.Add(a1r, a2r), t1i = L.Add(a1i, a2i);
                V t2r = L.NegMulAdd(half, t1r, a0r), t2i = L.NegMulAdd(half, t1i, a0i);
                V dr = L.Mul(c, L.Sub(a1r, a2r)), di = L.Mul(c, L.Sub(a1i, a2i));
                St(ref yp, q, L.Add(a0r, t1r)); St(ref yp, q + w, L.Add(a0i, t1i));
                StOut(ref yp, q + sE, L.Add(t2r, di), L.Sub(t2i, dr), ref tw, ti, tww);
                StOut(ref yp, q + 2 * sE, L.Sub(t2r, di), L.Add(t2i, dr), ref tw, ti + 2, tww);
            }
        }
    }

    private static void R5(ref T x, ref T y, int s, int m, ref T tw)
    {
        nint w = L.Width, e = 2 * w, sE = s * e, rIn = m * sE;
        V c1 = L.Splat(T.CreateTruncating(0.30901699437494742410)), c2 = L.Splat(T.CreateTruncating(-0.80901699437494742410));
        V s1 = L.Splat(T.CreateTruncating(0.95105651629515357212)), s2 = L.Splat(T.CreateTruncating(0.58778525229247312917));
        for (int p = 0; p < m; p++)
        {
            ref T xp = ref Unsafe.Add(ref x, p * sE);
            ref T yp = ref Unsafe.Add(ref y, 5 * p * sE);
            bool tww = p != 0;
            nint ti = 8 * p;
            for (nint q = 0; q < sE; q += e)
            {
                V a0r = Ld(ref xp, q), a0i = Ld(ref xp, q + w);
                V a1r = Ld(ref xp, q + rIn), a1i = Ld(ref xp, q + rIn + w);
                V a2r = Ld(ref xp, q + 2 * rIn), a2i = Ld(ref xp, q + 2 * rIn + w);
                V a3r = Ld(ref xp, q + 3 * rIn), a3i = Ld(ref xp, q + 3 * rIn + w);
                V a4r = Ld(ref xp, q + 4 * rIn), a4i = Ld(ref xp, q + 4 * rIn + w);
                V t1r = L.Add(a1r, a4r), t1i = L.Add(a1i, a4i), t2r = L.Add(a2r, a3r), t2i = L.Add(a2i, a3i);
                V t3r = L.Sub(a1r, a4r), t3i = L.Sub(a1i, a4i), t4r = L.Sub(a2r, a3r), t4i = L.Sub(a2i, a3i);
                V u1r = L.MulAdd(c2, t2r, L.MulAdd(c1, t1r, a0r)), u1i = L.MulAdd(c2, t2i, L.MulAdd(c1, t1i, a0i));
                V u2r = L.MulAdd(c1, t2r, L.MulAdd(c2, t1r, a0r)), u2i = L.MulAdd(c1, t2i, L.MulAdd(c2, t1i, a0i));
                V v1r = L.MulAdd(s2, t4r, L.Mul(s1, t3r)), v1i = L.MulAdd(s2, t4i, L.Mul(s1, t3i));
                V v2r = L.NegMulAdd(s1, t4r, L.Mul(s2, t3r)), v2i = L.NegMulAdd(s1, t4i, L.Mul(s2, t3i));
                St(ref yp, q, L.Add(a0r, L.Add(t1r, t2r))); St(ref yp, q + w, L.Add(a0i, L.Add(t1i, t2i)));
                // b = u ∓ i·v: (ur + vi, ui − vr) and (ur − vi, ui + vr)
                StOut(ref yp, q + sE, L.Add(u1r, v1i), L.Sub(u1i, v1r), ref tw, ti, tww);
                StOut(ref yp, q + 2 * sE, L.Add(u2r, v2i), L.Sub(u2i, v2r), ref tw, ti + 2, tww);
                StOut(ref yp, q + 3 * sE, L.Sub(u2r, v2i), L.Add(u2i, v2r), ref tw, ti + 4, tww);
                StOut(ref yp, q + 4 * sE, L.Sub(u1r, v1i), L.Add(u1i, v1r), ref tw, ti + 6, tww);
            }
        }
    }

    private static void R7(ref T x, ref T y, int s, int m, ref T tw)
    {
        nint w = L.Width, e = 2 * w, sE = s * e, rIn = m * sE;
        V c1 = L.Splat(T.CreateTruncating(0.62348980185873353053)), c2 = L.Splat(T.CreateTruncating(-0.22252093395631440429));
        V c3 = L.Splat(T.CreateTruncating(-0.90096886790241912624));
        V s1 = L.Splat(T.CreateTruncating(0.78183148246802980871)), s2 = L.Splat(T.CreateTruncating(0.97492791218182360702));
        V s3 = L.Splat(T.CreateTruncating(0.43388373911755812048));
        for (int p = 0; p < m; p++)
        {
            ref T xp = ref Unsafe.Add(ref x, p * sE);
            ref T yp = ref Unsafe.Add(ref y, 7 * p * sE);
            bool tww = p != 0;
            nint ti = 12 * p;
            for (nint q = 0; q < sE; q += e)
            {
                V a0r = Ld(ref xp, q), a0i = Ld(ref xp, q + w);
                V a1r = Ld(ref xp, q + rIn), a1i = Ld(ref xp, q + rIn + w);
                V a2r = Ld(ref xp, q + 2 * rIn), a2i = Ld(ref xp, q + 2 * rIn + w);
                V a3r = Ld(ref xp, q + 3 * rIn), a3i = Ld(ref xp, q + 3 * rIn + w);
                V a4r = Ld(ref xp, q + 4 * rIn), a4i = Ld(ref xp, q + 4 * rIn + w);
                V a5r = Ld(ref xp, q + 5 * rIn), a5i = Ld(ref xp, q + 5 * rIn + w);
                V a6r = Ld(ref xp, q + 6 * rIn), a6i = Ld(ref xp, q + 6 * rIn + w);
                V t1r = L.Add(a1r, a6r), t1i = L.Add(a1i, a6i), d1r = L.Sub(a1r, a6r), d1i = L.Sub(a1i, a6i);
                V t2r = L.Add(a2r, a5r), t2i = L.Add(a2i, a5i), d2r = L.Sub(a2r, a5r), d2i = L.Sub(a2i, a5i);
                V t3r = L.Add(a3r, a4r), t3i = L.Add(a3i, a4i), d3r = L.Sub(a3r, a4r), d3i = L.Sub(a3i, a4i);
                // u_k = a0 + Σ_j cos(2πjk/7) t_j ; v_k = Σ_j sin(2πjk/7) d_j ; b_k = u_k − i v_k, b_{7−k} = u_k + i v_k
                V u1r = L.MulAdd(c3, t3r, L.MulAdd(c2, t2r, L.MulAdd(c1, t1r, a0r)));
                V u1i = L.MulAdd(c3, t3i, L.MulAdd(c2, t2i, L.MulAdd(c1, t1i, a0i)));
                V u2r = L.MulAdd(c1, t3r, L.MulAdd(c3, t2r, L.MulAdd(c2, t1r, a0r)));
                V u2i = L.MulAdd(c1, t3i, L.MulAdd(c3, t2i, L.MulAdd(c2, t1i, a0i)));
                V u3r = L.MulAdd(c2, t3r, L.MulAdd(c1, t2r, L.MulAdd(c3, t1r, a0r)));
                V u3i = L.MulAdd(c2, t3i, L.MulAdd(c1, t2i, L.MulAdd(c3, t1i, a0i)));
                V v1r = L.MulAdd(s3, d3r, L.MulAdd(s2, d2r, L.Mul(s1, d1r)));
                V v1i = L.MulAdd(s3, d3i, L.MulAdd(s2, d2i, L.Mul(s1, d1i)));
                V v2r = L.NegMulAdd(s1, d3r, L.NegMulAdd(s3, d2r, L.Mul(s2, d1r)));
                V v2i = L.NegMulAdd(s1, d3i, L.NegMulAdd(s3, d2i, L.Mul(s2, d1i)));
                V v3r = L.MulAdd(s2, d3r, L.NegMulAdd(s1, d2r, L.Mul(s3, d1r)));
                V v3i = L.MulAdd(s2, d3i, L.NegMulAdd(s1, d2i, L.Mul(s3, d1i)));
                St(ref yp, q, L.Add(L.Add(a0r, t1r), L.Add(t2r, t3r))); St(ref yp, q + w, L.Add(L.Add(a0i, t1i), L.Add(t2i, t3i)));
                StOut(ref yp, q + sE, L.Add(u1r, v1i), L.Sub(u1i, v1r), ref tw, ti, tww);
                StOut(ref yp, q + 2 * sE, L.Add(u2r, v2i), L.Sub(u2i, v2r), ref tw, ti + 2, tww);
                StOut(ref yp, q + 3 * sE, L.Add(u3r, v3i), L.Sub(u3i, v3r), ref tw, ti + 4, tww);
                StOut(ref yp, q + 4 * sE, L.Sub(u3r, v3i), L.Add(u3i, v3r), ref tw, ti + 6, tww);
                StOut(ref yp, q + 5 * sE, L.Sub(u2r, v2i), L.Add(u2i, v2r), ref tw, ti + 8, tww);
                StOut(ref yp, q + 6 * sE, L.Sub(u1r, v1i), L.Add(u1i, v1r), ref tw, ti + 10, tww);
            }
        }
    }
}
