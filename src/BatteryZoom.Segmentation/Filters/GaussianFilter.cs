using BatteryZoom.Core.Data;
using BatteryZoom.Core.Steps;
using BatteryZoom.Core.Units;

namespace BatteryZoom.Segmentation.Filters;

/// <summary>Separable Gaussian smoothing with σ in physical units per axis, as <c>scipy.ndimage.gaussian_filter(v, sigma=(σz/dz, σy/dy, σx/dx))</c>.</summary>
/// <remarks>Kernel radius <c>⌊truncate·σ/d + 0.5⌋</c> voxels (truncate = 4, SciPy's), normalised weights, mirror boundary
/// ("reflect": d c b a | a b c d | d c b a), float64 accumulation. A σ of zero skips that axis.</remarks>
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
        var output = VolumeAccess.NewInMemory<float>(g, input.Quantity, prov, out float[][] s);
        for (int z = 0; z < input.Nz; z++) input.ReadSlice(z, s[z]);
        double[]? kx = Kernel(sigmaX / g.Dx, truncate), ky = Kernel(sigmaY / g.Dy, truncate), kz = Kernel(sigmaZ / g.Dz, truncate);
        SeparableLines.Apply(s, input.Nx, input.Ny, input.Nz, kx, ky, kz, context, Convolve);
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

    private static double[]? Kernel(double sigmaVoxels, double truncate)
    {
        if (sigmaVoxels == 0) return null;
        int r = (int)(truncate * sigmaVoxels + 0.5);
        var k = new double[2 * r + 1];
        double sum = 0;
        for (int i = -r; i <= r; i++) { k[i + r] = Math.Exp(-0.5 * i * i / (sigmaVoxels * sigmaVoxels)); sum += k[i + r]; }
        for (int i = 0; i < k.Length; i++) k[i] /= sum;
        return k;
    }

    private static void Convolve(double[] line, int n, double[] kernel, double[] padded, double[] result)
    {
        int r = kernel.Length / 2;
        for (int i = 0; i < n + 2 * r; i++) padded[i] = line[Reflect(i - r, n)];
        for (int i = 0; i < n; i++)
        {
            double acc = 0;
            for (int k = 0; k < kernel.Length; k++) acc += kernel[k] * padded[i + k];
            result[i] = acc;
        }
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

/// <summary>Runs a 1D line operation along x, y and z of in-memory slices (x and y per slice, z through a per-row plane).</summary>
internal static class SeparableLines
{
    public delegate void LineOp(double[] line, int n, double[] kernel, double[] padded, double[] result);

    public static void Apply(float[][] s, int nx, int ny, int nz, double[]? kx, double[]? ky, double[]? kz, RunContext context, LineOp op)
    {
        int maxN = Math.Max(nx, Math.Max(ny, nz));
        int maxK = Math.Max(kx?.Length ?? 1, Math.Max(ky?.Length ?? 1, kz?.Length ?? 1));
        Parallel.For(0, nz, context.ParallelOptions, () => new Buffers(maxN, maxK), (z, _, b) =>
        {
            float[] a = s[z];
            if (kx is not null)
                for (int y = 0; y < ny; y++) Line(a, y * nx, 1, nx, kx, b, op);
            if (ky is not null)
                for (int x = 0; x < nx; x++) Line(a, x, nx, ny, ky, b, op);
            return b;
        }, _ => { });
        if (kz is null) return;
        Parallel.For(0, ny, context.ParallelOptions, () => (B: new Buffers(maxN, maxK), Plane: new float[nz * nx]), (y, _, st) =>
        {
            int off = y * nx;
            for (int z = 0; z < nz; z++) Array.Copy(s[z], off, st.Plane, z * nx, nx);
            for (int x = 0; x < nx; x++) Line(st.Plane, x, nx, nz, kz, st.B, op);
            for (int z = 0; z < nz; z++) Array.Copy(st.Plane, z * nx, s[z], off, nx);
            return st;
        }, _ => { });
    }

    private static void Line(float[] data, int start, int stride, int n, double[] kernel, Buffers b, LineOp op)
    {
        for (int i = 0, p = start; i < n; i++, p += stride) b.Line[i] = data[p];
        op(b.Line, n, kernel, b.Padded, b.Result);
        for (int i = 0, p = start; i < n; i++, p += stride) data[p] = (float)b.Result[i];
    }

    private sealed class Buffers(int n, int k)
    {
        public readonly double[] Line = new double[n], Result = new double[n], Padded = new double[n + k];
    }
}
