using System.Numerics;
using BatteryZoom.Core.Data;
using BatteryZoom.Core.Steps;
using BatteryZoom.Core.Units;

namespace BatteryZoom.Segmentation.Filters;

/// <summary>Separable Gaussian smoothing with σ in physical units per axis, as <c>scipy.ndimage.gaussian_filter(v, sigma=(σz/dz, σy/dy, σx/dx))</c>.</summary>
/// <remarks>Kernel radius <c>⌊truncate·σ/d + 0.5⌋</c> voxels (truncate = 4, SciPy's), normalised weights, mirror boundary
/// ("reflect": d c b a | a b c d | d c b a). A σ of zero skips that axis. Each pass accumulates in float32 and vectorises
/// across voxels (<see cref="SeparableLines"/>); SciPy accumulates in float64 but also stores float32 between passes, so the two
/// differ by rounding only (~1e-7 relative per pass; the peer test allows 1e-5).</remarks>
public static class GaussianFilter
{
    /// <summary>Step id.</summary>
    public const string StepId = "filter.gaussian";

    /// <summary>Smooths <paramref name="input"/>; the result is in memory.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="input"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A σ is negative or not finite, or <paramref name="truncate"/> ≤ 0.</exception>
    public static Volume<float> Apply(Volume<float> input, Length sigmaX, Length sigmaY, Length sigmaZ, double truncate = 4.0, RunContext? context = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        Check(sigmaX, nameof(sigmaX)); Check(sigmaY, nameof(sigmaY)); Check(sigmaZ, nameof(sigmaZ));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(truncate);
        context ??= RunContext.Default;
        var started = DateTimeOffset.UtcNow;
        var g = input.Grid;
        var prov = VolumeAccess.Step(input.Provenance, StepId, 1, context, started, ("sigma", $"{sigmaX}, {sigmaY}, {sigmaZ} (x, y, z)"));
        var output = VolumeAccess.NewInMemory<float>(g, input.Quantity, prov, out var s);
        for (int z = 0; z < input.Nz; z++) input.ReadSlice(z, s[z]);
        float[]? kx = Kernel(sigmaX / g.Dx, truncate), ky = Kernel(sigmaY / g.Dy, truncate), kz = Kernel(sigmaZ / g.Dz, truncate);
        SeparableLines.Apply(s, input.Nx, input.Ny, input.Nz, kx, ky, kz, context);
        return output;
    }

    /// <summary>Isotropic σ.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="input"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">σ is negative or not finite.</exception>
    public static Volume<float> Apply(Volume<float> input, Length sigma, RunContext? context = null) => Apply(input, sigma, sigma, sigma, 4.0, context);

    private static void Check(Length s, string name)
    {
        if (!(s.Meters >= 0) || !double.IsFinite(s.Meters)) throw new ArgumentOutOfRangeException(name, $"σ must be ≥ 0 and finite; got {s}.");
    }

    /// <summary>Normalised weights w[−r…r] (computed in float64, then rounded once).</summary>
    private static float[]? Kernel(double sigmaVoxels, double truncate)
    {
        if (sigmaVoxels == 0) return null;
        int r = (int)(truncate * sigmaVoxels + 0.5);
        var k = new double[2 * r + 1];
        double sum = 0;
        for (int i = -r; i <= r; i++) { k[i + r] = Math.Exp(-0.5 * i * i / (sigmaVoxels * sigmaVoxels)); sum += k[i + r]; }
        return Array.ConvertAll(k, v => (float)(v / sum));
    }

    /// <summary>SciPy "reflect" index: mirror about the edge, the edge sample repeated.</summary>
    internal static int Reflect(int i, int n)
    {
        if (n == 1) return 0;
        int period = 2 * n;
        i %= period;
        if (i < 0) i += period;
        return i < n ? i : period - 1 - i;
    }
}

/// <summary>A 1D correlation (mirror boundary) along x, y and z of in-memory slices [z][y·nx + x].</summary>
/// <remarks>Why this shape: every pass is written as sums of whole contiguous rows so that it vectorises. Along x each row is
/// mirrored into a padded copy and the output at i is Σ_k w_k·padded[i + k], taken Vector&lt;float&gt;.Count outputs at a time.
/// Along y, output row j of a slice is Σ_k w_k·row[reflect(j + k − r)] of a copy of the slice; along z the same runs on a
/// [z, x] plane gathered for one y, so each thread works in a cache-sized plane rather than striding through the volume.</remarks>
internal static class SeparableLines
{
    public static void Apply(VolumeAccess.Slices<float> s, int nx, int ny, int nz, float[]? kx, float[]? ky, float[]? kz, RunContext context)
    {
        if (kx is not null || ky is not null)
            Parallel.For(0, nz, context.ParallelOptions, () => (Padded: new float[nx + (kx?.Length ?? 1) + Vector<float>.Count], Copy: new float[nx * ny]), (z, _, b) =>
            {
                context.Cancellation.ThrowIfCancellationRequested();
                Span<float> a = s[z];
                if (kx is not null)
                    for (int y = 0; y < ny; y++) CorrelateRow(a.Slice(y * nx, nx), kx, b.Padded);
                if (ky is not null)
                {
                    a.CopyTo(b.Copy);
                    CombineRows(b.Copy, a, ny, nx, ky);
                }
                return b;
            }, _ => { });
        if (kz is null) return;
        Parallel.For(0, ny, context.ParallelOptions, () => (In: new float[nz * nx], Out: new float[nz * nx]), (y, _, p) =>
        {
            context.Cancellation.ThrowIfCancellationRequested();
            int off = y * nx;
            for (int z = 0; z < nz; z++) s[z].Slice(off, nx).CopyTo(p.In.AsSpan(z * nx, nx));
            CombineRows(p.In, p.Out, nz, nx, kz);
            for (int z = 0; z < nz; z++) p.Out.AsSpan(z * nx, nx).CopyTo(s[z].Slice(off, nx));
            return p;
        }, _ => { });
    }

    /// <summary>row[i] ← Σ_k w[k]·row[reflect(i + k − r)], in place through <paramref name="padded"/> (length ≥ n + 2r + vector width).</summary>
    internal static void CorrelateRow(Span<float> row, float[] w, float[] padded)
    {
        int n = row.Length, r = w.Length / 2, vw = Vector<float>.Count;
        for (int i = 0; i < n + 2 * r; i++) padded[i] = row[GaussianFilter.Reflect(i - r, n)];
        int x = 0;
        for (; x <= n - vw; x += vw)
        {
            var acc = Vector<float>.Zero;
            for (int k = 0; k < w.Length; k++) acc += new Vector<float>(w[k]) * new Vector<float>(padded, x + k);
            acc.CopyTo(row.Slice(x, vw));
        }
        for (; x < n; x++)
        {
            float acc = 0;
            for (int k = 0; k < w.Length; k++) acc += w[k] * padded[x + k];
            row[x] = acc;
        }
    }

    /// <summary>dst row j ← Σ_k w[k]·src row reflect(j + k − r), for <paramref name="rows"/> rows of <paramref name="length"/>.</summary>
    internal static void CombineRows(ReadOnlySpan<float> src, Span<float> dst, int rows, int length, float[] w)
    {
        int r = w.Length / 2;
        for (int j = 0; j < rows; j++)
        {
            var d = dst.Slice(j * length, length);
            for (int k = 0; k < w.Length; k++)
            {
                var srcRow = src.Slice(GaussianFilter.Reflect(j + k - r, rows) * length, length);
                if (k == 0) Scale(srcRow, w[0], d); else MultiplyAdd(srcRow, w[k], d);
            }
        }
    }

    private static void Scale(ReadOnlySpan<float> x, float w, Span<float> d)
    {
        int i = 0, vw = Vector<float>.Count;
        var vwt = new Vector<float>(w);
        for (; i <= x.Length - vw; i += vw) (new Vector<float>(x.Slice(i)) * vwt).CopyTo(d.Slice(i));
        for (; i < x.Length; i++) d[i] = w * x[i];
    }

    private static void MultiplyAdd(ReadOnlySpan<float> x, float w, Span<float> d)
    {
        int i = 0, vw = Vector<float>.Count;
        var vwt = new Vector<float>(w);
        for (; i <= x.Length - vw; i += vw) (new Vector<float>(x.Slice(i)) * vwt + new Vector<float>(d.Slice(i))).CopyTo(d.Slice(i));
        for (; i < x.Length; i++) d[i] += w * x[i];
    }
}
