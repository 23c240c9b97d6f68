using System.Globalization;
using BatteryZoom.Core.Data;
using BatteryZoom.Core.Diagnostics;
using BatteryZoom.Core.Steps;

namespace BatteryZoom.Segmentation.Thresholds;

/// <summary>Global thresholds of a float image: Otsu, 3-class multi-Otsu (both as scikit-image 0.19) and manual; and masks from them.</summary>
/// <remarks>
/// The histogram is scikit-image's for float images: 256 equal bins spanning [min, max] of the finite values (NumPy's
/// <c>histogram</c> edges, float32, last bin closed), thresholds are bin <em>centres</em> (float32), so
/// <see cref="Otsu"/> returns exactly <c>skimage.filters.threshold_otsu(image)</c> and <see cref="MultiOtsu"/> exactly
/// <c>threshold_multiotsu(image, classes=3)</c>. NaN and ±∞ are left out of the histogram (scikit-image would fail on them).
/// Foreground is <c>value &gt; threshold</c>, as <c>image &gt; threshold_otsu(image)</c>.
/// </remarks>
public static class Threshold
{
    /// <summary>Step id written to provenance.</summary>
    public const string StepId = "segment.threshold";
    /// <summary>Bins of the histogram (scikit-image's default).</summary>
    public const int Bins = 256;

    /// <summary>Otsu's threshold (Otsu 1979): the bin centre maximising the between-class variance of the 256-bin histogram.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="image"/> is null.</exception>
    /// <exception cref="IncompatibleInputException">The image has no finite value, or one value only (nothing to separate).</exception>
    public static double Otsu(Volume<float> image, RunContext? context = null)
    {
        var (counts, centres) = Histogram(image, context ?? RunContext.Default);
        int n = counts.Length;
        // scikit-image: weight1/2 = cumulative counts from each end; mean1/2 = cumulative first moments / weights (float64).
        var w1 = new double[n]; var w2 = new double[n]; var m1 = new double[n]; var m2 = new double[n];
        double acc = 0, accM = 0;
        for (int i = 0; i < n; i++) { acc += counts[i]; accM += counts[i] * (double)centres[i]; w1[i] = acc; m1[i] = accM / acc; }
        acc = 0; accM = 0;
        for (int i = n - 1; i >= 0; i--) { acc += counts[i]; accM += counts[i] * (double)centres[i]; w2[i] = acc; m2[i] = accM / acc; }
        int best = 0; double bestVar = double.NegativeInfinity;
        for (int i = 0; i < n - 1; i++)
        {
            double d = m1[i] - m2[i + 1];
            double v = w1[i] * w2[i + 1] * (d * d);
            if (v > bestVar || (double.IsNaN(bestVar) && !double.IsNaN(v))) { bestVar = v; best = i; }
        }
        return centres[best];
    }

    /// <summary>Two thresholds splitting the image into 3 classes (Liao, Chen &amp; Chung 2001), ascending.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="image"/> is null.</exception>
    /// <exception cref="IncompatibleInputException">Fewer than 3 distinct histogram bins are occupied.</exception>
    public static (double Low, double High) MultiOtsu(Volume<float> image, RunContext? context = null)
    {
        var (counts, centres) = Histogram(image, context ?? RunContext.Default);
        int n = counts.Length;
        double total = 0;
        foreach (long c in counts) total += c;
        var prob = new float[n];
        int nonZero = 0;
        for (int i = 0; i < n; i++) { prob[i] = (float)(counts[i] / total); if (prob[i] > 0) nonZero++; }
        if (nonZero < 3)
            throw new IncompatibleInputException($"{StepId}: the image has only {nonZero} occupied histogram bins; 3 classes need at least 3.");
        if (nonZero == 3)
        {
            var idx = Enumerable.Range(0, n).Where(i => prob[i] > 0).ToArray();
            return (centres[idx[0]], centres[idx[1]]);
        }
        // Float32 moments and between-class variances as in scikit-image's _multiotsu.pyx (first_moment[0] = prob[0] included).
        var p0 = new float[n]; var p1 = new float[n];
        p0[0] = prob[0]; p1[0] = prob[0];
        for (int i = 1; i < n; i++) { p0[i] = p0[i - 1] + prob[i]; p1[i] = p1[i - 1] + i * prob[i]; }
        float Var(int i, int j)
        {
            if (i == 0) { if (j == 0) return 0; return p0[j] > 0 ? p1[j] * p1[j] / p0[j] : 0; }
            float z = p0[j] - p0[i - 1];
            if (!(z > 0)) return 0;
            float f = p1[j] - p1[i - 1];
            return f * f / z;
        }
        float sigmaMax = 0; int b0 = 0, b1 = 1;
        for (int t0 = 0; t0 < n - 2; t0++)
            for (int t1 = t0 + 1; t1 < n - 1; t1++)
            {
                float sigma = Var(0, t0) + Var(t1 + 1, n - 1);
                sigma += Var(t0 + 1, t1);
                if (sigma > sigmaMax) { sigmaMax = sigma; b0 = t0; b1 = t1; }
            }
        return (centres[b0], centres[b1]);
    }

    /// <summary>Binary mask <c>value &gt; threshold</c> (1) else 0; NaN is background.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="image"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="threshold"/> is NaN.</exception>
    public static Volume<byte> Apply(Volume<float> image, double threshold, RunContext? context = null)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (double.IsNaN(threshold)) throw new ArgumentOutOfRangeException(nameof(threshold), "threshold is NaN.");
        context ??= RunContext.Default;
        var started = DateTimeOffset.UtcNow;
        var prov = VolumeAccess.Step(image.Provenance, StepId, 1, context, started, ("threshold", threshold.ToString("R", CultureInfo.InvariantCulture)));
        var mask = Volume<byte>.Create(image.Grid, Quantity.Mask, context.Storage, prov);
        bool inMem = image.Slices.IsInMemory && mask.Slices.IsInMemory;
        var po = context.ParallelOptions;
        if (!inMem) po.MaxDegreeOfParallelism = 1;
        float[]? src = inMem ? null : new float[image.Slices.FrameLength];
        byte[]? dst = inMem ? null : new byte[image.Slices.FrameLength];
        Parallel.For(0, image.Nz, po, z =>
        {
            ReadOnlySpan<float> s; Span<byte> d;
            if (inMem) { s = image.GetSlice(z); d = mask.GetSlice(z); }
            else { image.ReadSlice(z, src); s = src; d = dst; }
            for (int i = 0; i < s.Length; i++) d[i] = s[i] > threshold ? (byte)1 : (byte)0;
            if (!inMem) mask.WriteSlice(z, d);
        });
        return mask;
    }

    /// <summary>scikit-image's 256-bin histogram of a float image: counts and float32 bin centres.</summary>
    internal static (long[] Counts, float[] Centres) Histogram(Volume<float> image, RunContext context)
    {
        ArgumentNullException.ThrowIfNull(image);
        float[] buffer = new float[image.Slices.FrameLength];
        float min = float.PositiveInfinity, max = float.NegativeInfinity;
        for (int z = 0; z < image.Nz; z++)
        {
            context.Cancellation.ThrowIfCancellationRequested();
            ReadOnlySpan<float> s = Slice(image, z, buffer);
            foreach (float v in s)
                if (float.IsFinite(v)) { if (v < min) min = v; if (v > max) max = v; }
        }
        if (float.IsPositiveInfinity(min))
            throw new IncompatibleInputException($"{StepId}: the image ({image.Grid.Size}) has no finite value to threshold.");
        if (min == max)
            throw new IncompatibleInputException($"{StepId}: the image is constant ({min.ToString(CultureInfo.InvariantCulture)}); no threshold separates two classes.");
        // NumPy: edges = linspace(min, max, 257) computed in float64, stored as float32; last edge = max.
        var edges = new float[Bins + 1];
        double lo = min, hi = max, step = (hi - lo) / Bins;
        for (int i = 0; i < Bins; i++) edges[i] = (float)(lo + i * step);
        edges[Bins] = max;
        var centres = new float[Bins];
        for (int i = 0; i < Bins; i++) centres[i] = (edges[i] + edges[i + 1]) / 2f;
        var counts = new long[Bins];
        double norm = Bins / (hi - lo);
        for (int z = 0; z < image.Nz; z++)
        {
            ReadOnlySpan<float> s = Slice(image, z, buffer);
            foreach (float v in s)
            {
                if (!float.IsFinite(v)) continue;
                int k = (int)((v - lo) * norm);
                if (k >= Bins) k = Bins - 1;
                if (k > 0 && v < edges[k]) k--;
                else if (k < Bins - 1 && v >= edges[k + 1]) k++;
                counts[k]++;
            }
        }
        return (counts, centres);
    }

    private static ReadOnlySpan<float> Slice(Volume<float> v, int z, float[] buffer)
    {
        if (v.Slices.IsInMemory) return v.GetSlice(z);
        v.ReadSlice(z, buffer);
        return buffer;
    }
}
