// SPDX-License-Identifier: MIT
using BatteryZoom.Tomography.Projectors;

namespace BatteryZoom.Tomography.Iterative;

/// <summary>Iterative reconstructions of one slice on the <see cref="JosephProjector"/> pair, for few-view or noisy scans.</summary>
/// <remarks>
/// SIRT: <c>x ← x + C·Aᵀ·R·(b − A·x)</c> with R = 1/(A·1) and C = 1/(Aᵀ·1) (Gregor &amp; Benson 2008), optionally clipped
/// at zero. CGLS: conjugate gradients on the normal equations AᵀA·x = Aᵀb (Björck 1996), which converges faster and whose
/// iteration count acts as the regulariser. Both start from zero; image in 1/m, sinogram of line integrals.
/// </remarks>
public static class IterativeReconstruction
{
    /// <summary>SIRT with <paramref name="iterations"/> iterations.</summary>
    /// <exception cref="ArgumentException">The sinogram is too short.</exception>
    /// <exception cref="OperationCanceledException">Cancelled between iterations.</exception>
    public static float[] Sirt(JosephProjector projector, ReadOnlySpan<float> sinogram, int iterations, bool nonNegative = false,
        ParallelOptions? parallel = null)
    {
        ArgumentNullException.ThrowIfNull(projector);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(iterations);
        parallel ??= new ParallelOptions();
        int ni = projector.Nx * projector.Ny, ns = projector.Angles * projector.Columns;
        if (sinogram.Length < ns) throw new ArgumentException($"sinogram holds {sinogram.Length} values; {ns} needed.", nameof(sinogram));
        var b = sinogram[..ns].ToArray();
        var ones = new float[ni]; Array.Fill(ones, 1f);
        var rowSum = new float[ns];
        projector.Forward(ones, rowSum, parallel);
        var onesS = new float[ns]; Array.Fill(onesS, 1f);
        var colSum = new float[ni];
        projector.Backward(onesS, colSum, parallel);
        var x = new float[ni];
        var ax = new float[ns];
        var r = new float[ns];
        var update = new float[ni];
        for (int k = 0; k < iterations; k++)
        {
            parallel.CancellationToken.ThrowIfCancellationRequested();
            projector.Forward(x, ax, parallel);
            for (int i = 0; i < ns; i++) r[i] = rowSum[i] > 0 ? (b[i] - ax[i]) / rowSum[i] : 0;
            projector.Backward(r, update, parallel);
            for (int i = 0; i < ni; i++)
            {
                if (colSum[i] > 0) x[i] += update[i] / colSum[i];
                if (nonNegative && x[i] < 0) x[i] = 0;
            }
        }
        return x;
    }

    /// <summary>CGLS with <paramref name="iterations"/> iterations (stops early when the residual vanishes).</summary>
    /// <exception cref="ArgumentException">The sinogram is too short.</exception>
    /// <exception cref="OperationCanceledException">Cancelled between iterations.</exception>
    public static float[] Cgls(JosephProjector projector, ReadOnlySpan<float> sinogram, int iterations, ParallelOptions? parallel = null)
    {
        ArgumentNullException.ThrowIfNull(projector);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(iterations);
        parallel ??= new ParallelOptions();
        int ni = projector.Nx * projector.Ny, ns = projector.Angles * projector.Columns;
        if (sinogram.Length < ns) throw new ArgumentException($"sinogram holds {sinogram.Length} values; {ns} needed.", nameof(sinogram));
        var x = new double[ni];
        var r = sinogram[..ns].ToArray();            // r = b − A·0
        var s = new float[ni];
        projector.Backward(r, s, parallel);
        var p = s.Select(v => (double)v).ToArray();
        double gamma = Dot(s, s);
        var pf = new float[ni];
        var q = new float[ns];
        for (int k = 0; k < iterations && gamma > 0; k++)
        {
            parallel.CancellationToken.ThrowIfCancellationRequested();
            for (int i = 0; i < ni; i++) pf[i] = (float)p[i];
            projector.Forward(pf, q, parallel);
            double qq = Dot(q, q);
            if (qq <= 0) break;
            double alpha = gamma / qq;
            for (int i = 0; i < ni; i++) x[i] += alpha * p[i];
            for (int i = 0; i < ns; i++) r[i] -= (float)(alpha * q[i]);
            projector.Backward(r, s, parallel);
            double next = Dot(s, s);
            double beta = next / gamma;
            gamma = next;
            for (int i = 0; i < ni; i++) p[i] = s[i] + beta * p[i];
        }
        return x.Select(v => (float)v).ToArray();
    }

    private static double Dot(float[] a, float[] b)
    {
        double s = 0;
        for (int i = 0; i < a.Length; i++) s += (double)a[i] * b[i];
        return s;
    }
}
