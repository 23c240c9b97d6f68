using BatteryZoom.Core.Data;
using BatteryZoom.Core.Steps;

namespace BatteryZoom.Segmentation.Filters;

/// <summary>Small 3D median filter over a (2r+1)³ cube, as <c>scipy.ndimage.median_filter(v, size=2r+1)</c> (mirror "reflect" boundary).</summary>
public static class MedianFilter
{
    /// <summary>Step id.</summary>
    public const string StepId = "filter.median";

    /// <summary>Median of the cube of half-width <paramref name="radius"/> voxels (1 → 3×3×3, 2 → 5×5×5).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="input"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="radius"/> is not 1, 2 or 3.</exception>
    public static Volume<float> Apply(Volume<float> input, int radius = 1, RunContext? context = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentOutOfRangeException.ThrowIfLessThan(radius, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(radius, 3);
        context ??= RunContext.Default;
        var started = DateTimeOffset.UtcNow;
        var src = VolumeAccess.RequireInMemory(input, out bool copied);
        try
        {
            int nx = input.Nx, ny = input.Ny, nz = input.Nz, w = 2 * radius + 1, count = w * w * w;
            var prov = VolumeAccess.Step(input.Provenance, StepId, 1, context, started, ("size", $"{w}x{w}x{w} voxels"));
            var output = VolumeAccess.NewInMemory<float>(input.Grid, input.Quantity, prov, out var o);
            Parallel.For(0, nz, context.ParallelOptions, () => new float[count], (z, _, window) =>
            {
                Span<float> oz = o[z];
                for (int y = 0; y < ny; y++)
                    for (int x = 0; x < nx; x++)
                    {
                        int k = 0;
                        for (int dz = -radius; dz <= radius; dz++)
                        {
                            ReadOnlySpan<float> sl = src.GetSlice(GaussianFilter.Reflect(z + dz, nz));
                            for (int dy = -radius; dy <= radius; dy++)
                            {
                                int row = GaussianFilter.Reflect(y + dy, ny) * nx;
                                for (int dx = -radius; dx <= radius; dx++) window[k++] = sl[row + GaussianFilter.Reflect(x + dx, nx)];
                            }
                        }
                        oz[y * nx + x] = Select(window, count / 2);
                    }
                return window;
            }, _ => { });
            return output;
        }
        finally { if (copied) src.Dispose(); }
    }

    /// <summary>k-th smallest (Hoare quickselect, in place).</summary>
    private static float Select(float[] a, int k)
    {
        int lo = 0, hi = a.Length - 1;
        while (lo < hi)
        {
            float pivot = a[(lo + hi) >> 1];
            int i = lo, j = hi;
            while (i <= j)
            {
                while (a[i] < pivot) i++;
                while (a[j] > pivot) j--;
                if (i <= j) { (a[i], a[j]) = (a[j], a[i]); i++; j--; }
            }
            if (k <= j) hi = j;
            else if (k >= i) lo = i;
            else return a[k];
        }
        return a[k];
    }
}
