// SPDX-License-Identifier: MIT
using System.Diagnostics;
using System.Globalization;
using BatteryZoom.Core.Data;
using BatteryZoom.Core.Diagnostics;
using BatteryZoom.Core.Geometry;
using BatteryZoom.Core.Steps;
using BatteryZoom.Core.Units;
using BatteryZoom.Tomography.Preprocessing;

namespace BatteryZoom.Tomography.HalfAcquisition;

/// <summary>Converts a 360° offset-axis ("half-acquisition") scan into an equivalent 180° scan on a wider virtual detector.</summary>
/// <remarks>
/// With the axis at column c, the projection at θ covers t ∈ [−c, N−1−c] and the reversed projection at θ + π covers
/// t ∈ [−(N−1−c), c]: together they give the full line set at θ over t ∈ [−R, R], R = max(c, N−1−c). Each output sample
/// blends the two sources, interpolated linearly (c may be fractional), with weights that fall smoothly (sin²) to zero at
/// each source's detector edge across the overlap, so no seam appears. The overlap (2·min(c, N−1−c) + 1 columns) follows
/// from the axis, which <see cref="RotationCenter.EstimateOffsetAxis"/> finds automatically. See docs/algorithms/fbp.md.
/// </remarks>
public static class HalfAcquisitionStitching
{
    /// <summary>Step id.</summary>
    public const string StepId = "preprocess.half_acquisition";

    /// <summary>Stitches a 360° parallel-beam line-integral scan into a 180° one.</summary>
    /// <param name="scan">The 360° scan; every angle θ &lt; θ₀ + π needs a partner at θ + π.</param>
    /// <param name="centerOfRotation">Axis column; null estimates it (<see cref="RotationCenter.EstimateOffsetAxis"/>).</param>
    /// <param name="context">Storage, progress and log.</param>
    /// <exception cref="IncompatibleInputException">Not parallel beam, raw counts, or angles without a partner 180° away.</exception>
    public static ProjectionSet To180(ProjectionSet scan, double? centerOfRotation = null, RunContext? context = null)
    {
        ArgumentNullException.ThrowIfNull(scan);
        context ??= RunContext.Default;
        if (scan.Geometry is not ParallelBeam geometry)
            throw new IncompatibleInputException($"{StepId}: needs ParallelBeam geometry; got {scan.Geometry.GetType().Name}.");
        if (scan.Domain == IntensityDomain.Raw)
            throw new IncompatibleInputException($"{StepId}: needs normalised data; the scan holds raw counts. Run preprocess.flatfield first.");
        var started = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        int n = geometry.Detector.Columns, rows = geometry.Detector.Rows;
        double c = centerOfRotation ?? RotationCenter.EstimateOffsetAxis(scan);
        var pairs = RotationCenter.AllPairs(geometry.Angles);
        double start = geometry.Angles.Min(a => a.Radians);
        var half = pairs.Where(p => geometry.Angles[p.A].Radians < start + Math.PI - 1e-9).OrderBy(p => geometry.Angles[p.A].Radians).ToArray();
        if (half.Length == 0 || half.Length * 2 < geometry.ProjectionCount - 1)
            throw new IncompatibleInputException(
                $"{StepId}: only {half.Length} of {geometry.ProjectionCount} angles have a partner 180° away; a half-acquisition scan must cover 360° with opposite pairs.");
        double radius = Math.Max(c, n - 1 - c);
        // Output column k sits at t = k − R: then the direct source is read at integer columns (no interpolation) and,
        // when 2c is an integer, the opposite one too.
        double cOut = radius;
        int width = (int)Math.Floor(2 * radius + 1e-9) + 1;
        context.Log?.Invoke(string.Create(CultureInfo.InvariantCulture,
            $"{StepId}: axis at column {c:0.##}; overlap {Math.Max(0, 2 * Math.Min(c, n - 1 - c) + 1):0.#} columns; {width} columns over 180°."));
        var output = ImageStack<float>.Create(half.Length, rows, width, context.Storage);
        Parallel.For(0, half.Length, context.ParallelOptions, i =>
        {
            var (a, b) = half[i];
            var direct = new float[n]; var opposite = new float[n];
            var frame = new float[rows * width];
            for (int r = 0; r < rows; r++)
            {
                scan.Projections.ReadRow(a, r, direct);
                scan.Projections.ReadRow(b, r, opposite);
                for (int k = 0; k < width; k++)
                {
                    double t = k - cOut;
                    double jd = c + t, jf = c - t;                  // direct column; reversed opposite column
                    double wd = EdgeWeight(jd, n), wf = EdgeWeight(jf, n);
                    double sum = wd + wf;
                    double v = 0;
                    if (sum > 0)
                    {
                        double f = wd / sum;
                        f = Math.Pow(Math.Sin(Math.PI / 2 * f), 2);   // smooth blend across the overlap
                        if (f > 0) v += f * Sample(direct, jd);
                        if (f < 1) v += (1 - f) * Sample(opposite, jf);
                    }
                    frame[r * width + k] = (float)v;
                }
            }
            output.WriteFrame(i, frame);
        });
        var angles = half.Select(p => geometry.Angles[p.A]).ToArray();
        var det = new Detector(width, rows, geometry.Detector.PixelWidth, geometry.Detector.PixelHeight, Length.Zero, geometry.Detector.OffsetV);
        var stitched = new ParallelBeam(det, angles, geometry.Detector.PixelWidth * (cOut - (width - 1) / 2.0));   // axis at column R
        var parameters = new Dictionary<string, string>
        {
            ["center_of_rotation"] = c.ToString("0.###", CultureInfo.InvariantCulture) + " px",
            ["estimated"] = centerOfRotation is null ? "true" : "false",
            ["output_columns"] = width.ToString(CultureInfo.InvariantCulture),
            ["blend"] = "sin^2 across the overlap",
        };
        return new ProjectionSet(output, stitched, scan.Domain, energy: scan.Energy,
            provenance: scan.Provenance.Append(StepId, 1, parameters, context.Backend, started, clock.Elapsed.TotalSeconds));
    }

    // Distance (in columns) from the detector's nearer edge, 0 outside: weights fall to zero where a source ends.
    private static double EdgeWeight(double j, int n) => j < 0 || j > n - 1 ? 0 : Math.Min(j, n - 1 - j) + 0.5;

    private static double Sample(float[] row, double j)
    {
        int n = row.Length;
        if (j <= 0) return row[0];
        if (j >= n - 1) return row[n - 1];
        int j0 = (int)j;
        double w = j - j0;
        return row[j0] + w * (row[j0 + 1] - row[j0]);
    }
}
