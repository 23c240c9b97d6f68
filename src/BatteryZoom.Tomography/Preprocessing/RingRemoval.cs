// SPDX-License-Identifier: MIT
using System.Diagnostics;
using System.Globalization;
using BatteryZoom.Core.Data;
using BatteryZoom.Core.Diagnostics;
using BatteryZoom.Core.Steps;

namespace BatteryZoom.Tomography.Preprocessing;

/// <summary>Stripe (ring-artefact) removal methods of Vo, Atwood &amp; Drakopoulos, Opt. Express 26, 28396 (2018).</summary>
public enum RingMethod
{
    /// <summary>No ring removal.</summary>
    None,
    /// <summary>Sorting-based: sort each column along the angles, median-filter across columns, unsort (small partial stripes).</summary>
    Sorting,
    /// <summary>Large stripes: detect columns whose sorted-and-trimmed mean deviates, normalise them, then sorting-based filtering there.</summary>
    LargeStripe,
    /// <summary>Dead (unresponsive or fluctuating) stripes: detect, replace by interpolation from good neighbours, then large stripes.</summary>
    DeadStripe,
    /// <summary>Vo's recommended chain: dead stripes, large stripes, then sorting-based on everything.</summary>
    All,
}

/// <summary>Parameters of <see cref="RingRemoval"/> (sizes in detector columns).</summary>
public sealed record RingRemovalOptions
{
    /// <summary>Method (default <see cref="RingMethod.All"/>).</summary>
    public RingMethod Method { get; init; } = RingMethod.All;
    /// <summary>Median window across columns for small stripes (odd); Vo suggests 11–31 on 2k detectors, larger windows blur sharp edges.</summary>
    public int SmallSize { get; init; } = 5;
    /// <summary>Median window across columns for large stripes (odd).</summary>
    public int LargeSize { get; init; } = 31;
    /// <summary>Detection threshold: ratio of a stripe's deviation to the background noise.</summary>
    public double SignalToNoise { get; init; } = 3.0;
    /// <summary>Fraction of the sorted values dropped at each end before averaging (large-stripe detection).</summary>
    public double DropRatio { get; init; } = 0.1;

    /// <summary>Parses a CLI name: none, sorting, large, dead, all (Vo).</summary>
    /// <exception cref="FormatException">An unknown name.</exception>
    public static RingMethod ParseMethod(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.Trim().ToUpperInvariant() switch
        {
            "NONE" or "OFF" => RingMethod.None,
            "SORTING" or "SORT" => RingMethod.Sorting,
            "LARGE" or "LARGE-STRIPE" or "LARGESTRIPE" => RingMethod.LargeStripe,
            "DEAD" or "DEAD-STRIPE" or "DEADSTRIPE" => RingMethod.DeadStripe,
            "ALL" or "VO" => RingMethod.All,
            _ => throw new FormatException($"unknown ring-removal method '{name}'; expected one of: none, sorting, large, dead, all."),
        };
    }
}

/// <summary>Removes stripes from sinograms (rings in the slices) with Vo et al.'s (2018) algorithms.</summary>
/// <remarks>Each works on one sinogram [angle, column]; <see cref="Apply"/> maps them over every detector row. See
/// docs/algorithms/fbp.md ("Preprocessing").</remarks>
public static class RingRemoval
{
    /// <summary>Step id.</summary>
    public const string StepId = "preprocess.rings";

    /// <summary>Removes stripes from every sinogram of a line-integral scan.</summary>
    /// <exception cref="IncompatibleInputException">The scan holds raw counts.</exception>
    public static ProjectionSet Apply(ProjectionSet scan, RingRemovalOptions? options = null, RunContext? context = null)
    {
        ArgumentNullException.ThrowIfNull(scan);
        options ??= new RingRemovalOptions();
        context ??= RunContext.Default;
        if (scan.Domain == IntensityDomain.Raw)
            throw new IncompatibleInputException($"{StepId}: works on normalised data; the scan holds raw counts. Run preprocess.flatfield first.");
        var started = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        int na = scan.Projections.Count, nc = scan.Projections.Columns;
        var parameters = new Dictionary<string, string>
        {
            ["method"] = options.Method.ToString(),
            ["small_size"] = options.SmallSize.ToString(CultureInfo.InvariantCulture) + " px",
            ["large_size"] = options.LargeSize.ToString(CultureInfo.InvariantCulture) + " px",
            ["snr"] = options.SignalToNoise.ToString("G4", CultureInfo.InvariantCulture),
        };
        // Provenance time is that of planning; the mapping itself is reported through progress.
        var provenance = scan.Provenance.Append(StepId, 1, parameters, context.Backend, started, clock.Elapsed.TotalSeconds);
        return SinogramOps.MapSinograms(scan, context, StepId, (sino, _) => Filter(sino, na, nc, options), provenance);
    }

    /// <summary>Applies the chosen method to one sinogram [angle, column] in place.</summary>
    public static void Filter(Span<float> sinogram, int angles, int columns, RingRemovalOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        switch (options.Method)
        {
            case RingMethod.None: break;
            case RingMethod.Sorting: Sorting(sinogram, angles, columns, options.SmallSize); break;
            case RingMethod.LargeStripe: LargeStripes(sinogram, angles, columns, options.SignalToNoise, options.LargeSize, options.DropRatio); break;
            case RingMethod.DeadStripe:
                DeadStripes(sinogram, angles, columns, options.SignalToNoise, options.LargeSize);
                LargeStripes(sinogram, angles, columns, options.SignalToNoise, options.LargeSize, options.DropRatio);
                break;
            default:
                DeadStripes(sinogram, angles, columns, options.SignalToNoise, options.LargeSize);
                LargeStripes(sinogram, angles, columns, options.SignalToNoise, options.LargeSize, options.DropRatio);
                Sorting(sinogram, angles, columns, options.SmallSize);
                break;
        }
    }

    /// <summary>Sorting-based removal (Vo 2018, algorithm 3): sort each column along angles, median filter each sorted row
    /// across <paramref name="size"/> columns, put values back in their original order.</summary>
    public static void Sorting(Span<float> sinogram, int angles, int columns, int size)
    {
        CheckShape(sinogram, angles, columns);
        var (sorted, order) = SortColumns(sinogram, angles, columns);
        var row = new float[columns];
        var filtered = new float[columns];
        for (int a = 0; a < angles; a++)
        {
            for (int c = 0; c < columns; c++) row[c] = sorted[c * angles + a];
            SinogramOps.Median1D(row, filtered, Odd(size));
            for (int c = 0; c < columns; c++) sinogram[order[c * angles + a] * columns + c] = filtered[c];
        }
    }

    /// <summary>Large-stripe removal (Vo 2018, algorithm 5).</summary>
    public static void LargeStripes(Span<float> sinogram, int angles, int columns, double snr, int size, double dropRatio)
    {
        CheckShape(sinogram, angles, columns);
        var (sorted, _) = SortColumns(sinogram, angles, columns);
        int drop = (int)Math.Clamp(dropRatio * angles, 0, (angles - 1) / 2);
        var profile = new float[columns];
        for (int c = 0; c < columns; c++)
        {
            double s = 0;
            for (int a = drop; a < angles - drop; a++) s += sorted[c * angles + a];
            profile[c] = (float)(s / (angles - 2 * drop));
        }
        var smooth = new float[columns];
        SinogramOps.Median1D(profile, smooth, Odd(size));
        // Line integrals: a detector gain error is an additive offset after the log, so stripes are outliers of
        // profile − smoothed (Vo uses the ratio on transmission data) and are corrected additively.
        var mask = DetectStripes(Difference(profile, smooth), snr);
        // Object edges also make outliers of the profile; a stripe is different in that it shifts every rank of the
        // sorted column by the same amount. Keep a candidate only if its rank-wise difference to the median of its
        // neighbours is consistent (|mean| ≥ 3 standard deviations).
        int half = Odd(size) / 2;
        var neighbours = new List<float>();
        for (int c = 0; c < columns; c++)
        {
            if (!mask[c]) continue;
            double sum = 0, sum2 = 0; int m = 0;
            for (int a = drop; a < angles - drop; a++)
            {
                neighbours.Clear();
                for (int k = -half; k <= half; k++)
                {
                    int cc = c + k;
                    if (k == 0 || cc < 0 || cc >= columns || mask[cc]) continue;
                    neighbours.Add(sorted[cc * angles + a]);
                }
                if (neighbours.Count == 0) continue;
                neighbours.Sort();
                double d = sorted[c * angles + a] - neighbours[neighbours.Count / 2];
                sum += d; sum2 += d * d; m++;
            }
            if (m < 2) continue;
            double mean = sum / m, sd = Math.Sqrt(Math.Max(0, sum2 / m - mean * mean));
            if (Math.Abs(mean) < 3 * sd) mask[c] = false;
        }
        if (!mask.Any(m => m)) return;
        Dilate(mask);
        var copy = sinogram.ToArray();
        for (int a = 0; a < angles; a++)
            for (int c = 0; c < columns; c++)
                if (mask[c]) copy[a * columns + c] = sinogram[a * columns + c] + (smooth[c] - profile[c]);
        Sorting(copy, angles, columns, size);
        for (int a = 0; a < angles; a++)
            for (int c = 0; c < columns; c++)
                if (mask[c]) sinogram[a * columns + c] = copy[a * columns + c];
    }

    /// <summary>Dead/fluctuating stripe removal (Vo 2018, algorithm 6): columns whose variation along the angles differs
    /// strongly from their neighbours' are replaced by linear interpolation between the nearest good columns.</summary>
    public static void DeadStripes(Span<float> sinogram, int angles, int columns, double snr, int size)
    {
        CheckShape(sinogram, angles, columns);
        // Variation along the angles: Σ|p − smoothed p| with a 10-angle moving average, per column.
        int w = Math.Min(10, angles);
        var variation = new float[columns];
        for (int c = 0; c < columns; c++)
        {
            double total = 0;
            for (int a = 0; a < angles; a++)
            {
                double m = 0;
                for (int k = -w / 2; k < w - w / 2; k++) m += sinogram[SinogramOps.Reflect(a + k, angles) * columns + c];
                total += Math.Abs(sinogram[a * columns + c] - m / w);
            }
            variation[c] = (float)total;
        }
        var background = new float[columns];
        SinogramOps.Median1D(variation, background, Odd(size));
        var ratio = new float[columns];
        for (int c = 0; c < columns; c++) ratio[c] = background[c] > 0 ? variation[c] / background[c] : 1f;
        var mask = DetectStripes(ratio, snr);
        // An unresponsive column barely varies at all: flag it even when the statistics above miss it.
        for (int c = 0; c < columns; c++) if (background[c] > 0 && variation[c] < 1e-3f * background[c]) mask[c] = true;
        if (!mask.Any(m => m)) return;
        Dilate(mask);
        int good = mask.Count(m => !m);
        if (good < 2) return;
        for (int c = 0; c < columns; c++)
        {
            if (!mask[c]) continue;
            int l = c - 1, r = c + 1;
            while (l >= 0 && mask[l]) l--;
            while (r < columns && mask[r]) r++;
            for (int a = 0; a < angles; a++)
            {
                float v = l < 0 ? sinogram[a * columns + r]
                    : r >= columns ? sinogram[a * columns + l]
                    : sinogram[a * columns + l] + (sinogram[a * columns + r] - sinogram[a * columns + l]) * (c - l) / (float)(r - l);
                sinogram[a * columns + c] = v;
            }
        }
    }

    /// <summary>Vo's stripe detector: fit a line to the middle half of the sorted values; values beyond ±snr/2 times the
    /// line's rise over the whole range are stripes.</summary>
    internal static bool[] DetectStripes(float[] values, double snr)
    {
        int n = values.Length;
        var mask = new bool[n];
        if (n < 8) return mask;
        var sorted = (float[])values.Clone();
        Array.Sort(sorted);
        int drop = n / 4;
        double sx = 0, sy = 0, sxx = 0, sxy = 0; int m = 0;
        for (int i = drop; i < n - drop - 1; i++) { sx += i; sy += sorted[i]; sxx += (double)i * i; sxy += i * (double)sorted[i]; m++; }
        double slope = (m * sxy - sx * sy) / (m * sxx - sx * sx), intercept = (sy - slope * sx) / m;
        double yEnd = intercept + slope * (n - 1);
        double noise = Math.Max(Math.Abs(yEnd - intercept), 1e-6);
        if (Math.Abs(sorted[^1] - yEnd) / noise >= snr)
        {
            double upper = yEnd + noise * snr * 0.5;
            for (int i = 0; i < n; i++) if (values[i] > upper) mask[i] = true;
        }
        if (Math.Abs(intercept - sorted[0]) / noise >= snr)
        {
            double lower = intercept - noise * snr * 0.5;
            for (int i = 0; i < n; i++) if (values[i] <= lower) mask[i] = true;
        }
        return mask;
    }

    private static float[] Difference(float[] a, float[] b)
    {
        var d = new float[a.Length];
        for (int i = 0; i < a.Length; i++) d[i] = a[i] - b[i];
        return d;
    }

    private static void Dilate(bool[] mask)
    {
        var copy = (bool[])mask.Clone();
        for (int i = 0; i < mask.Length; i++)
            if (copy[i]) { if (i > 0) mask[i - 1] = true; if (i + 1 < mask.Length) mask[i + 1] = true; }
    }

    /// <summary>Columns sorted along angles: sorted[c·angles + k] and the angle each came from.</summary>
    private static (float[] Sorted, int[] Order) SortColumns(ReadOnlySpan<float> sinogram, int angles, int columns)
    {
        var sorted = new float[angles * columns];
        var order = new int[angles * columns];
        for (int c = 0; c < columns; c++)
        {
            var keys = sorted.AsSpan(c * angles, angles);
            var idx = order.AsSpan(c * angles, angles);
            for (int a = 0; a < angles; a++) { keys[a] = sinogram[a * columns + c]; idx[a] = a; }
            keys.Sort(idx);
        }
        return (sorted, order);
    }

    private static int Odd(int size) => Math.Max(1, size | 1);

    private static void CheckShape(ReadOnlySpan<float> sinogram, int angles, int columns)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(angles);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(columns);
        if (sinogram.Length < angles * columns)
            throw new ArgumentException($"sinogram holds {sinogram.Length} values; {angles} × {columns} needed.", nameof(sinogram));
    }
}
