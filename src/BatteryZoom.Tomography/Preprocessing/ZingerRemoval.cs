// SPDX-License-Identifier: MIT
using System.Diagnostics;
using System.Globalization;
using BatteryZoom.Core.Data;
using BatteryZoom.Core.Steps;

namespace BatteryZoom.Tomography.Preprocessing;

/// <summary>Removes zingers (isolated outliers from direct hits on the detector) by comparison with a 3×3 median.</summary>
/// <remarks>A pixel is a zinger when |v − median₃ₓ₃| &gt; <c>threshold</c>·σ, σ = 1.4826·MAD of (v − median₃ₓ₃) over the frame
/// (a robust noise estimate), and it is replaced by the median. Works in any intensity domain, frame by frame.</remarks>
public static class ZingerRemoval
{
    /// <summary>Step id.</summary>
    public const string StepId = "preprocess.zingers";

    /// <summary>Filters every projection; returns the new scan and the number of replaced pixels.</summary>
    public static ProjectionSet Apply(ProjectionSet scan, out long replaced, double threshold = 6.0, RunContext? context = null)
    {
        ArgumentNullException.ThrowIfNull(scan);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(threshold);
        context ??= RunContext.Default;
        var started = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        var src = scan.Projections;
        var dst = ImageStack<float>.Create(src.Count, src.Rows, src.Columns, context.Storage);
        long total = 0;
        Parallel.For(0, src.Count, context.ParallelOptions, () => new float[src.FrameLength], (i, _, frame) =>
        {
            src.ReadFrame(i, frame);
            long n = FilterFrame(frame, src.Rows, src.Columns, threshold);
            Interlocked.Add(ref total, n);
            dst.WriteFrame(i, frame);
            return frame;
        }, _ => { });
        replaced = total;
        if (total > 0) context.Log?.Invoke($"{StepId}: replaced {total} zinger pixels.");
        var parameters = new Dictionary<string, string>
        {
            ["threshold"] = threshold.ToString("G4", CultureInfo.InvariantCulture) + " sigma",
            ["replaced"] = total.ToString(CultureInfo.InvariantCulture),
        };
        return new ProjectionSet(dst, scan.Geometry, scan.Domain, scan.Flats, scan.Darks, scan.Energy,
            scan.Provenance.Append(StepId, 1, parameters, context.Backend, started, clock.Elapsed.TotalSeconds));
    }

    /// <summary>Filters one frame [row, column] in place; returns the number of replaced pixels.</summary>
    public static long FilterFrame(Span<float> frame, int rows, int columns, double threshold)
    {
        int n = rows * columns;
        var median = new float[n];
        var window = new float[9];
        for (int y = 0; y < rows; y++)
            for (int x = 0; x < columns; x++)
            {
                int k = 0;
                for (int dy = -1; dy <= 1; dy++)
                    for (int dx = -1; dx <= 1; dx++)
                        window[k++] = frame[SinogramOps.Reflect(y + dy, rows) * columns + SinogramOps.Reflect(x + dx, columns)];
                Array.Sort(window);
                median[y * columns + x] = window[4];
            }
        var residual = new float[n];
        for (int i = 0; i < n; i++) residual[i] = Math.Abs(frame[i] - median[i]);
        var sorted = (float[])residual.Clone();
        Array.Sort(sorted);
        double sigma = 1.4826 * sorted[n / 2];
        if (sigma <= 0) sigma = 1e-12 + 1e-6 * Math.Abs(sorted[^1]);
        long count = 0;
        for (int i = 0; i < n; i++)
            if (residual[i] > threshold * sigma) { frame[i] = median[i]; count++; }
        return count;
    }
}
