using System.Globalization;
using BatteryZoom.Core.Data;
using BatteryZoom.Core.Diagnostics;
using BatteryZoom.Core.Steps;
using System.Runtime.CompilerServices;

namespace BatteryZoom.Segmentation.DistanceTransform;

/// <summary>Exact Euclidean distance transform with anisotropic voxel spacing (float32 result in metres).</summary>
/// <remarks>
/// Separable lower envelope of parabolas (Felzenszwalb &amp; Huttenlocher 2012; Meijster, Roerdink &amp; Hesselink 2000): a 1D
/// distance along x, then the lower envelope along y and along z of <c>(q − qᵢ)² + f(i)</c> with <c>qᵢ = i·d</c> for the axis spacing d.
/// Exact (not an approximation such as a chamfer); same values as <c>scipy.ndimage.distance_transform_edt(mask, sampling=(dz, dy, dx))</c>.
/// Intermediate squared distances are float32 in units of the smallest spacing; envelopes are computed in float64.
/// </remarks>
public static class EuclideanDistance
{
    /// <summary>Step id written to provenance.</summary>
    public const string StepId = "segment.distance";

    /// <summary>Distance of every non-zero voxel of <paramref name="mask"/> to the centre of the nearest zero voxel, in metres; zero voxels get 0.</summary>
    /// <remarks>The volume's outside is not background (as SciPy). Spacing is taken from <c>mask.Grid</c>. The result is in memory
    /// (4 bytes per voxel, plus one z-column plane of nz·nx floats per thread); a file-backed mask is read slice by slice, not copied.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="mask"/> is null.</exception>
    /// <exception cref="IncompatibleInputException">The mask has no zero (background) voxel, so no distance is defined.</exception>
    public static Volume<float> Compute(Volume<byte> mask, RunContext? context = null)
    {
        ArgumentNullException.ThrowIfNull(mask);
        context ??= RunContext.Default;
        var started = DateTimeOffset.UtcNow;
        var prov = VolumeAccess.Step(mask.Provenance, StepId, 1, context, started,
            ("spacing", string.Create(CultureInfo.InvariantCulture, $"{mask.Grid.Dz}, {mask.Grid.Dy}, {mask.Grid.Dx} (z, y, x)")));
        var result = VolumeAccess.NewInMemory<float>(mask.Grid, Quantity.Distance, prov, out var slices);
        double unit = SquaredDistances(mask, featureIsNonZero: false, slices, context);
        if (float.IsPositiveInfinity(slices[0][0]) || FirstInfinite(slices))
        {
            result.Dispose();
            throw new IncompatibleInputException($"{StepId}: the mask ({mask.Grid.Size}) has no background (zero) voxel, so no distance is defined. Check the mask's polarity.");
        }
        float scale = (float)unit;
        Parallel.For(0, slices.Count, context.ParallelOptions, z =>
        {
            var s = slices[z];
            for (int i = 0; i < s.Length; i++) s[i] = MathF.Sqrt(s[i]) * scale;
        });
        return result;
    }

    private static bool FirstInfinite(VolumeAccess.Slices<float> slices)
    {
        // With one feature voxel anywhere, every voxel has a finite distance; so checking one voxel suffices, but be defensive.
        return float.IsPositiveInfinity(slices[slices.Count - 1][^1]);
    }

    /// <summary>Squared distance of each voxel to the nearest feature voxel (value != 0 when <paramref name="featureIsNonZero"/>,
    /// else value == 0), written to <paramref name="output"/> in units of the smallest spacing squared; +∞ when there is no feature.
    /// Returns that unit in metres.</summary>
    internal static double SquaredDistances(Volume<byte> mask, bool featureIsNonZero, VolumeAccess.Slices<float> output, RunContext context)
    {
        var grid = mask.Grid;
        int nx = grid.Size.Nx, ny = grid.Size.Ny, nz = grid.Size.Nz;
        double unit = Math.Min(grid.Dx.Meters, Math.Min(grid.Dy.Meters, grid.Dz.Meters));
        double sx = grid.Dx.Meters / unit, sy = grid.Dy.Meters / unit, sz = grid.Dz.Meters / unit;
        // A file-backed mask is read slice by slice (positional reads), not copied into memory.
        bool maskInMemory = mask.Slices.IsInMemory;
        {
            // Pass 1 (x) and pass 2 (y), slice by slice.
            Parallel.For(0, nz, context.ParallelOptions,
                () => new LineBuffers(Math.Max(nx, Math.Max(ny, nz)), maskInMemory ? 0 : nx * ny),
                (z, _, buf) =>
                {
                    ReadOnlySpan<byte> m;
                    if (maskInMemory) m = mask.GetSlice(z);
                    else { mask.ReadSlice(z, buf.Mask); m = buf.Mask; }
                    Span<float> o = output[z];
                    for (int y = 0; y < ny; y++)
                        RowPass(m.Slice(y * nx, nx), o.Slice(y * nx, nx), featureIsNonZero, sx);
                    if (ny > 1)
                        for (int x = 0; x < nx; x++) ColumnPass(o, x, nx, ny, sy, buf);
                    return buf;
                }, _ => { });
            if (nz > 1)
            {
                Parallel.For(0, ny, context.ParallelOptions,
                    () => (Buffers: new LineBuffers(nz), Plane: new float[(long)nz * nx <= Array.MaxLength ? nz * nx : 0]),
                    (y, _, state) =>
                    {
                        float[] plane = state.Plane;
                        int off = y * nx;
                        for (int z = 0; z < nz; z++) output[z].Slice(off, nx).CopyTo(plane.AsSpan(z * nx, nx));
                        for (int x = 0; x < nx; x++) ColumnPass(plane, x, nx, nz, sz, state.Buffers);
                        for (int z = 0; z < nz; z++) plane.AsSpan(z * nx, nx).CopyTo(output[z].Slice(off, nx));
                        return state;
                    }, _ => { });
            }
        }
        return unit;
    }

    /// <summary>1D distance along a row to the nearest feature voxel, squared and scaled by the x spacing.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RowPass(ReadOnlySpan<byte> m, Span<float> o, bool featureIsNonZero, double sx)
    {
        int n = m.Length;
        const int Far = int.MaxValue / 4;
        // Forward sweep: distance (in voxels) to the last feature at or before x.
        int last = -Far;
        for (int x = 0; x < n; x++)
        {
            if ((m[x] != 0) == featureIsNonZero) last = x;
            o[x] = x - last;    // temporarily the integer distance, stored as float (exact below 2^24)
        }
        int next = Far + n;
        for (int x = n - 1; x >= 0; x--)
        {
            if ((m[x] != 0) == featureIsNonZero) next = x;
            int d = Math.Min((int)o[x], next - x);
            if (d >= Far / 2) o[x] = float.PositiveInfinity;
            else { double v = d * sx; o[x] = (float)(v * v); }
        }
    }

    private sealed class LineBuffers(int n, int maskLength = 0)
    {
        public readonly byte[] Mask = new byte[maskLength];
        public readonly double[] F = new double[n];
        public readonly int[] V = new int[n];
        public readonly double[] Z = new double[n + 1];
    }

    /// <summary>Lower envelope of parabolas along one strided column of <paramref name="data"/> (element x + i·stride, i &lt; n).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ColumnPass(Span<float> data, int x, int stride, int n, double spacing, LineBuffers b)
    {
        double[] f = b.F, zz = b.Z;
        int[] v = b.V;
        bool anyNonZero = false, anyFinite = false;
        for (int i = 0, p = x; i < n; i++, p += stride)
        {
            float val = data[p];
            f[i] = val;
            anyNonZero |= val != 0;
            anyFinite |= !float.IsPositiveInfinity(val);
        }
        if (!anyNonZero || !anyFinite) return;   // all zero stays zero; all infinite stays infinite
        int k = -1;
        for (int i = 0; i < n; i++)
        {
            double fi = f[i];
            if (double.IsPositiveInfinity(fi)) continue;
            double qi = i * spacing, hi = fi + qi * qi;
            double s = double.NegativeInfinity;
            while (k >= 0)
            {
                int j = v[k];
                double qj = j * spacing;
                s = (hi - (f[j] + qj * qj)) / (2 * (qi - qj));
                if (s <= zz[k]) k--;
                else break;
            }
            k++;
            v[k] = i;
            zz[k] = k == 0 ? double.NegativeInfinity : s;
        }
        int K = k + 1;
        k = 0;
        for (int i = 0, p = x; i < n; i++, p += stride)
        {
            double q = i * spacing;
            while (k + 1 < K && zz[k + 1] < q) k++;
            int j = v[k];
            double d = q - j * spacing;
            data[p] = (float)(d * d + f[j]);
        }
    }
}
