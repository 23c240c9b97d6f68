// SPDX-License-Identifier: MIT
using System.Diagnostics;
using System.Globalization;
using BatteryZoom.Core.Data;
using BatteryZoom.Core.Diagnostics;
using BatteryZoom.Core.Geometry;
using BatteryZoom.Core.Steps;
using BatteryZoom.Core.Units;
using BatteryZoom.Tomography.ConeBeam;

namespace BatteryZoom.Tomography.RoiFill;

/// <summary>Options of the ROI re-projection fill (step "preprocess.roi_fill").</summary>
public sealed record RoiFillOptions
{
    /// <summary>Position of the low-resolution volume in the ROI scan's lab frame: added to its grid origin (registration of
    /// the two scans, e.g. the stage move that brought the region of interest onto the axis).</summary>
    public Vec3 LowResolutionOffset { get; init; } = Vec3.Zero;

    /// <summary>Columns added on each side; null = enough to hold the whole shadow of the low-resolution object.</summary>
    public int? ExtraColumns { get; init; }

    /// <summary>Most columns added on each side when computed (default 4 × the detector width); beyond, the fill is cut off.</summary>
    public double MaxExtraFactor { get; init; } = 4;

    /// <summary>Measured columns at each edge whose mean difference to the re-projection sets the level match (default 4).</summary>
    public int MatchColumns { get; init; } = 4;

    /// <summary>Columns over which that level difference fades to zero into the fill (default 16).</summary>
    public int TaperColumns { get; init; } = 16;

    /// <summary>Values below this fraction of the volume's largest |value| count as outside the object when the shadow is sized.</summary>
    public double SupportThreshold { get; init; } = 0.1;

    /// <summary>Throws when a value is out of range.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A negative column count, a non-positive match width or factor.</exception>
    public void Validate()
    {
        if (ExtraColumns is < 0) throw new ArgumentOutOfRangeException(nameof(ExtraColumns), $"extra columns must be ≥ 0; got {ExtraColumns}.");
        if (!(MaxExtraFactor > 0)) throw new ArgumentOutOfRangeException(nameof(MaxExtraFactor), $"must be positive; got {MaxExtraFactor}.");
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MatchColumns);
        ArgumentOutOfRangeException.ThrowIfNegative(TaperColumns);
    }
}

/// <summary>Truncation correction of a local (ROI) cone-beam scan by re-projecting the low-resolution whole-object volume
/// through the ROI scan's geometry.</summary>
/// <remarks>
/// A local scan sees only part of the object, so each detector row is truncated and the non-local ramp filter leaves a
/// bias (cupping, a DC offset) in the region of interest. Peers pad the rows by smooth extrapolation
/// (<see cref="Fbp.FbpPadding.SmoothExtrapolation"/> in <see cref="Fdk.FdkOptions"/>): it hides the edge but not the mass outside
/// the field of view. Here the detector is widened to the object's whole shadow and the new columns are filled with line
/// integrals of the low-resolution volume (float64 Joseph ray casting through the ROI poses). At each edge the mean
/// difference over <see cref="RoiFillOptions.MatchColumns"/> measured columns is added to the fill, fading over
/// <see cref="RoiFillOptions.TaperColumns"/>, so rows stay continuous. The result is an ordinary scan on a wider detector:
/// reconstruct it with FDK and zero padding. docs/algorithms/fdk.md ("ROI fill") gives the bias study.
/// </remarks>
public static class RoiFill
{
    /// <summary>Step id written to provenance.</summary>
    public const string StepId = "preprocess.roi_fill";
    /// <summary>Step version.</summary>
    public const int StepVersion = 1;

    /// <summary>The ROI scan on a detector widened by the low-resolution re-projection (line integrals).</summary>
    /// <exception cref="IncompatibleInputException">Not a circular cone-beam scan of line integrals, the low-resolution volume does
    /// not overlap the ROI scan's field of view, or it reaches the source.</exception>
    public static ProjectionSet Fill(ProjectionSet roiScan, Volume<float> lowResolution, RoiFillOptions? options = null, RunContext? context = null)
    {
        ArgumentNullException.ThrowIfNull(roiScan);
        ArgumentNullException.ThrowIfNull(lowResolution);
        options ??= new RoiFillOptions();
        options.Validate();
        context ??= RunContext.Default;
        var started = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        if (roiScan.Geometry is not CircularConeBeam g)
            throw new IncompatibleInputException($"{StepId}: needs a CircularConeBeam ROI scan; got {roiScan.Geometry.GetType().Name}.");
        if (roiScan.Domain != IntensityDomain.LineIntegral)
            throw new IncompatibleInputException($"{StepId}: needs line integrals; the ROI scan holds {roiScan.Domain} values.");
        var lg = lowResolution.Grid;
        var grid = new VoxelGrid(lg.Size, lg.Dx, lg.Dy, lg.Dz, lg.Origin + options.LowResolutionOffset);
        var slices = ConeProjector.LoadSlices(lowResolution);
        double radius = SupportRadius(slices, grid, options.SupportThreshold);
        CheckOverlap(g, grid, radius);
        var det = g.Detector;
        int nc = det.Columns, nr = det.Rows;
        int extra = options.ExtraColumns ?? ShadowColumns(g, radius);
        int cap = (int)Math.Ceiling(options.MaxExtraFactor * nc);
        if (extra > cap)
        {
            context.Log?.Invoke($"{StepId}: the object's shadow needs {extra} extra columns per side; filling {cap} (MaxExtraFactor). The rest is cut off.");
            extra = cap;
        }
        var wide = new Detector(nc + 2 * extra, nr, det.PixelWidth, det.PixelHeight, det.OffsetU, det.OffsetV);
        var wideGeometry = new CircularConeBeam(wide, g.Angles, g.SourceToAxis, g.SourceToDetector);
        int ncE = wide.Columns, match = Math.Min(options.MatchColumns, nc), taper = options.TaperColumns;
        var output = ImageStack<float>.Create(g.ProjectionCount, nr, ncE, context.Storage);
        long done = 0;
        Parallel.For(0, g.ProjectionCount, context.ParallelOptions, () => (new float[nr * nc], new float[nr * ncE]), (a, _, buffers) =>
        {
            var (measured, frame) = buffers;
            roiScan.Projections.ReadFrame(a, measured);
            Array.Clear(frame);
            var pose = wideGeometry.PoseAt(a);
            ConeProjector.ProjectFrame(slices, grid, pose, wide, frame, 0, extra + match);
            ConeProjector.ProjectFrame(slices, grid, pose, wide, frame, extra + nc - match, extra + match);
            for (int r = 0; r < nr; r++)
            {
                var row = frame.AsSpan(r * ncE, ncE);
                var m = measured.AsSpan(r * nc, nc);
                double left = 0, right = 0;
                for (int k = 0; k < match; k++)
                {
                    left += m[k] - row[extra + k];
                    right += m[nc - 1 - k] - row[extra + nc - 1 - k];
                }
                left /= match; right /= match;
                for (int k = 0; k < extra; k++)
                {
                    double fade = Fade(extra - k, taper);       // distance from the first measured column
                    row[k] += (float)(left * fade);
                    row[ncE - 1 - k] += (float)(right * fade);
                }
                m.CopyTo(row.Slice(extra, nc));
            }
            output.WriteFrame(a, frame);
            context.Report(StepId, Interlocked.Increment(ref done), g.ProjectionCount);
            return buffers;
        }, _ => { });
        var inv = CultureInfo.InvariantCulture;
        var parameters = new Dictionary<string, string>
        {
            ["low_resolution_grid"] = $"{lg.Size}, voxel {lg.Dx}",
            ["low_resolution_offset"] = $"({new Length(options.LowResolutionOffset.X)}, {new Length(options.LowResolutionOffset.Y)}, {new Length(options.LowResolutionOffset.Z)})",
            ["extra_columns"] = extra.ToString(inv),
            ["object_radius"] = new Length(radius).ToString(),
            ["match_columns"] = match.ToString(inv),
            ["taper_columns"] = taper.ToString(inv),
        };
        var provenance = roiScan.Provenance.Append(StepId, StepVersion, parameters, context.Backend, started, clock.Elapsed.TotalSeconds);
        return new ProjectionSet(output, wideGeometry, IntensityDomain.LineIntegral, energy: roiScan.Energy, provenance: provenance);
    }

    /// <summary>Columns needed on each side of <paramref name="geometry"/>'s detector to hold the shadow of a cylinder of
    /// <paramref name="radius"/> (m) about the axis: <c>u = D_sd·r/√(D_so² − r²)</c>.</summary>
    public static int ShadowColumns(CircularConeBeam geometry, double radius)
    {
        ArgumentNullException.ThrowIfNull(geometry);
        double dso = geometry.SourceToAxis.Meters;
        double u = geometry.SourceToDetector.Meters * radius / Math.Sqrt(dso * dso - radius * radius);
        var det = geometry.Detector;
        double half = det.Columns / 2.0 * det.PixelWidth.Meters;
        return Math.Max(0, (int)Math.Ceiling((u + Math.Abs(det.OffsetU.Meters) - half) / det.PixelWidth.Meters) + 2);
    }

    private static double Fade(int distance, int taper)
    {
        if (taper == 0 || distance > taper) return 0;
        return 0.5 * (1 + Math.Cos(Math.PI * distance / (taper + 1)));
    }

    // Radius about the axis (after the offset) of the voxels whose |value| exceeds the threshold.
    private static double SupportRadius(float[][] slices, VoxelGrid grid, double threshold)
    {
        float peak = 0;
        foreach (var s in slices) peak = Math.Max(peak, System.Numerics.Tensors.TensorPrimitives.MaxMagnitude(s));
        float limit = (float)(threshold * peak);
        double r2 = 0;
        int nx = grid.Size.Nx;
        for (int z = 0; z < slices.Length; z++)
            for (int i = 0; i < slices[z].Length; i++)
            {
                if (Math.Abs(slices[z][i]) <= limit) continue;
                var p = grid.Position(i % nx, i / nx, z);
                r2 = Math.Max(r2, p.X * p.X + p.Y * p.Y);
            }
        // Half a voxel diagonal beyond the last voxel centre holding the object.
        return Math.Sqrt(r2) + 0.75 * Math.Max(grid.Dx.Meters, grid.Dy.Meters);
    }

    private static void CheckOverlap(CircularConeBeam g, VoxelGrid grid, double radius)
    {
        var det = g.Detector;
        double m = g.Magnification;
        double fovRadius = g.SourceToAxis.Meters * Math.Sin(Math.Atan((det.Columns / 2.0 * det.PixelWidth.Meters + Math.Abs(det.OffsetU.Meters)) / g.SourceToDetector.Meters));
        double zHalf = det.Rows / 2.0 * det.PixelHeight.Meters / m, zc = det.OffsetV.Meters / m;
        double gz0 = grid.Origin.Z, gz1 = gz0 + (grid.Size.Nz - 1) * grid.Dz.Meters;
        double x0 = grid.Origin.X, x1 = x0 + (grid.Size.Nx - 1) * grid.Dx.Meters;
        double y0 = grid.Origin.Y, y1 = y0 + (grid.Size.Ny - 1) * grid.Dy.Meters;
        // Distance from the axis to the nearest point of the grid's x–y rectangle.
        double dx = Math.Max(0, Math.Max(x0, -x1)), dy = Math.Max(0, Math.Max(y0, -y1));
        bool lateral = Math.Sqrt(dx * dx + dy * dy) < fovRadius;
        bool vertical = gz1 > zc - zHalf && gz0 < zc + zHalf;
        if (!lateral || !vertical)
            throw new IncompatibleInputException(
                $"{StepId}: the low-resolution volume (x {new Length(x0)}..{new Length(x1)}, y {new Length(y0)}..{new Length(y1)}, z {new Length(gz0)}..{new Length(gz1)} " +
                $"in the ROI frame) does not overlap the ROI scan's field of view (radius {new Length(fovRadius)}, z {new Length(zc - zHalf)}..{new Length(zc + zHalf)}). " +
                "Check LowResolutionOffset (the registration of the two scans).");
        if (radius >= g.SourceToAxis.Meters)
            throw new IncompatibleInputException(
                $"{StepId}: the low-resolution object reaches {new Length(radius)} from the axis, beyond the ROI scan's source ({g.SourceToAxis}): the source would sit inside the object.");
    }
}
