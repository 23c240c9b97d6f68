using System.Globalization;
using BatteryZoom.Core.Data;
using BatteryZoom.Core.Diagnostics;
using BatteryZoom.Core.Steps;
using BatteryZoom.Core.Units;
using BatteryZoom.Segmentation.Labelling;
using System.Runtime.CompilerServices;

namespace BatteryZoom.Segmentation.Watershed;

/// <summary>Watershed markers from the maxima of a distance map (or any image where objects are bright).</summary>
/// <remarks>
/// <c>LocalMaxima</c> follows <c>skimage.feature.peak_local_max(image, min_distance=m, labels=mask, exclude_border=False)</c>:
/// a voxel is a candidate when it lies in the mask and equals the maximum of the box of half-width m voxels around it (box maximum
/// by the van Herk–Gil-Werman algorithm, outside the mask and the volume counting as −∞); candidates are taken by decreasing value
/// and one is kept only if no kept seed lies within Chebyshev distance &lt; m (per axis). Ties in value are taken in raster order
/// (scikit-image's order among equal values is that of an unstable sort). Seeds are numbered 1… in the order they were kept.
/// <c>HMaxima</c> (in SeedDetection.HMaxima.cs) gives one marker per maximum whose dynamic is at least h: the regional maxima of
/// the reconstruction by dilation of (image − h) under the image (the "extended maxima" of Soille 2003 and MorphoLibJ).
/// </remarks>
public static partial class SeedDetection
{
    /// <summary>Step id written to provenance.</summary>
    public const string StepId = "segment.seeds";

    /// <summary>One seed voxel per local maximum of <paramref name="image"/>, at least <paramref name="minSeparation"/> apart.</summary>
    /// <param name="image">Usually the distance map.</param>
    /// <param name="mask">Where seeds may lie (non-zero); null = everywhere.</param>
    /// <param name="minSeparation">Minimum separation; converted to m = max(1, round(L / spacing)) voxels per axis.</param>
    /// <param name="context">Cancellation.</param>
    /// <returns>Markers labelled 1…N (one voxel each), with N in <see cref="LabelVolume.Count"/>.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="minSeparation"/> is not positive.</exception>
    /// <exception cref="IncompatibleInputException">Shapes differ, or no seed was found (empty mask).</exception>
    public static LabelVolume LocalMaxima(Volume<float> image, Volume<byte>? mask, Length minSeparation, RunContext? context = null)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (!(minSeparation.Meters > 0) || !double.IsFinite(minSeparation.Meters))
            throw new ArgumentOutOfRangeException(nameof(minSeparation), $"minimum separation must be positive; got {minSeparation}.");
        var g = image.Grid;
        int mx = Math.Max(1, (int)Math.Round(minSeparation / g.Dx));
        int my = Math.Max(1, (int)Math.Round(minSeparation / g.Dy));
        int mz = Math.Max(1, (int)Math.Round(minSeparation / g.Dz));
        return LocalMaxima(image, mask, mz, my, mx, context, minSeparation.ToString());
    }

    /// <summary>As <see cref="LocalMaxima(Volume{float}, Volume{byte}?, Length, RunContext?)"/> with the separation in voxels
    /// (scikit-image's <c>min_distance</c>), the same along every axis.</summary>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="minDistanceVoxels"/> is less than 1.</exception>
    /// <exception cref="IncompatibleInputException">Shapes differ, or no seed was found (empty mask).</exception>
    public static LabelVolume LocalMaxima(Volume<float> image, Volume<byte>? mask, int minDistanceVoxels, RunContext? context = null)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentOutOfRangeException.ThrowIfLessThan(minDistanceVoxels, 1);
        return LocalMaxima(image, mask, minDistanceVoxels, minDistanceVoxels, minDistanceVoxels, context,
            minDistanceVoxels.ToString(CultureInfo.InvariantCulture) + " voxels");
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static LabelVolume LocalMaxima(Volume<float> image, Volume<byte>? mask, int mz, int my, int mx, RunContext? context, string sepText)
    {
        context ??= RunContext.Default;
        if (mask is not null) VolumeAccess.CheckSameShape(image, mask, StepId, "image", "mask");
        var started = DateTimeOffset.UtcNow;
        int nx = image.Nx, ny = image.Ny, nz = image.Nz;
        var img = image;
        var msk = mask;
        {
            // Masked copy (−∞ outside), then its box maximum in place of a second copy. Inputs are read slice by slice
            // (a file-backed input is not copied first).
            using var maskedStack = VolumeAccess.NewScratch<float>(image.Grid, out var masked);
            using var boxMaxStack = VolumeAccess.NewScratch<float>(image.Grid, out var boxMax);
            Parallel.For(0, nz, context.ParallelOptions, () => msk is null ? [] : new byte[nx * ny], (z, _, k) =>
            {
                Span<float> a = masked[z];
                img.ReadSlice(z, a);
                if (msk is not null)
                {
                    msk.ReadSlice(z, k);
                    for (int i = 0; i < a.Length; i++) if (k[i] == 0) a[i] = float.NegativeInfinity;
                }
                a.CopyTo(boxMax[z]);
                return k;
            }, _ => { });
            BoxMaximum(boxMax, nx, ny, nz, mx, my, mz, context);

            // Candidates: in the mask, equal to the box maximum; sorted by value descending, raster order among ties.
            var candIndex = new List<long>();
            var candKey = new List<ulong>();
            for (int z = 0; z < nz; z++)
            {
                Span<float> a = masked[z], b = boxMax[z];
                for (int i = 0; i < a.Length; i++)
                    if (a[i] == b[i] && !float.IsNegativeInfinity(a[i]) && !float.IsNaN(a[i]))
                    {
                        // Descending value, then raster order: complement of the order-preserving key, then the candidate's ordinal.
                        candKey.Add(((ulong)~FloodQueue.Key(a[i]) << 32) | (uint)candIndex.Count);
                        candIndex.Add((long)z * nx * ny + i);
                    }
            }
            var order = candKey.ToArray();
            Array.Sort(order);

            // Greedy spacing with a hash grid of cells m wide: a kept seed rejects candidates with |d| < m on every axis.
            var cells = new Dictionary<long, List<(int Z, int Y, int X)>>();
            long ncx = nx / mx + 3, ncy = ny / my + 3;
            long Cell(int cz, int cy, int cx) => ((cz + 1) * ncy + (cy + 1)) * ncx + (cx + 1);
            var prov = VolumeAccess.Step(image.Provenance, StepId, 1, context, started, ("method", "local maxima"), ("min_separation", sepText));
            var result = VolumeAccess.NewInMemory<uint>(image.Grid, Quantity.Label, prov, out var labels);
            uint n = 0;
            long slice = (long)nx * ny;
            foreach (ulong ok in order)
            {
                long index = candIndex[(int)(uint)ok];
                int z = (int)(index / slice); int r = (int)(index - z * slice); int y = r / nx, x = r - y * nx;
                int cz = z / mz, cy = y / my, cx = x / mx;
                bool reject = false;
                for (int dz = -1; dz <= 1 && !reject; dz++)
                    for (int dy = -1; dy <= 1 && !reject; dy++)
                        for (int dx = -1; dx <= 1 && !reject; dx++)
                            if (cells.TryGetValue(Cell(cz + dz, cy + dy, cx + dx), out var list))
                                foreach (var p in list)
                                    if (Math.Abs(p.Z - z) < mz && Math.Abs(p.Y - y) < my && Math.Abs(p.X - x) < mx) { reject = true; break; }
                if (reject) continue;
                long own = Cell(cz, cy, cx);
                if (!cells.TryGetValue(own, out var ownList)) cells[own] = ownList = [];
                ownList.Add((z, y, x));
                labels[z][r] = ++n;
            }
            if (n == 0)
            {
                result.Dispose();
                throw new IncompatibleInputException($"{StepId}: no seed found: the mask ({image.Grid.Size}) is empty. Check the threshold.");
            }
            return new LabelVolume(result, n, Connectivity.Vertices26);
        }
    }

    /// <summary>Box maximum of half-widths (mz, my, mx), −∞ outside the volume, in place.</summary>
    internal static void BoxMaximum(VolumeAccess.Slices<float> data, int nx, int ny, int nz, int mx, int my, int mz, RunContext context)
    {
        Parallel.For(0, nz, context.ParallelOptions, () => new RunningMax(Math.Max(nx, ny), Math.Max(mx, my)), (z, _, rm) =>
        {
            Span<float> s = data[z];
            for (int y = 0; y < ny; y++) rm.Apply(s, y * nx, 1, nx, mx);
            if (ny > 1) for (int x = 0; x < nx; x++) rm.Apply(s, x, nx, ny, my);
            return rm;
        }, _ => { });
        if (nz == 1) return;
        Parallel.For(0, ny, context.ParallelOptions, () => (Max: new RunningMax(nz, mz), Plane: new float[nz * nx]), (y, _, st) =>
        {
            int off = y * nx;
            for (int z = 0; z < nz; z++) data[z].Slice(off, nx).CopyTo(st.Plane.AsSpan(z * nx, nx));
            for (int x = 0; x < nx; x++) st.Max.Apply(st.Plane, x, nx, nz, mz);
            for (int z = 0; z < nz; z++) st.Plane.AsSpan(z * nx, nx).CopyTo(data[z].Slice(off, nx));
            return st;
        }, _ => { });
    }

    /// <summary>van Herk–Gil-Werman running maximum over a window of 2m+1, O(1) per element.</summary>
    private sealed class RunningMax(int n, int m)
    {
        private float[] _pad = new float[n + 4 * m + 2], _g = new float[n + 4 * m + 2], _h = new float[n + 4 * m + 2];

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Apply(Span<float> data, int start, int stride, int n, int m)
        {
            int w = 2 * m + 1;
            int len = n + 2 * m;
            int padded = (len + w - 1) / w * w;
            if (_pad.Length < padded) { _pad = new float[padded]; _g = new float[padded]; _h = new float[padded]; }
            float[] p = _pad, g = _g, h = _h;
            for (int i = 0; i < padded; i++) p[i] = float.NegativeInfinity;
            for (int i = 0, q = start; i < n; i++, q += stride) p[i + m] = data[q];
            for (int b = 0; b < padded; b += w)
            {
                g[b] = p[b];
                for (int i = b + 1; i < b + w; i++) g[i] = Math.Max(g[i - 1], p[i]);
                h[b + w - 1] = p[b + w - 1];
                for (int i = b + w - 2; i >= b; i--) h[i] = Math.Max(h[i + 1], p[i]);
            }
            // Window [i, i + 2m] in padded coordinates gives the output at i.
            for (int i = 0, q = start; i < n; i++, q += stride) data[q] = Math.Max(h[i], g[i + 2 * m]);
        }
    }
}
