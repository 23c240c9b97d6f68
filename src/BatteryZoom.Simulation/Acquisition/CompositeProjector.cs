// SPDX-License-Identifier: MIT
using BatteryZoom.Core.Data;
using BatteryZoom.Core.Geometry;
using BatteryZoom.Core.Steps;
using BatteryZoom.Simulation.Phantoms;

namespace BatteryZoom.Simulation.Acquisition;

/// <summary>Exact line integrals of a <see cref="CompositePhantom"/> (ellipsoids and cylinders) through every detector pixel
/// centre, for any geometry (parallel, circular cone, vector poses with tilt).</summary>
/// <remarks>Same conventions as <see cref="AnalyticProjector"/>: output [projection, row, column] of line integrals; no
/// pixel-based projector is involved, so tests of reconstructions against these avoid the inverse crime.</remarks>
public static class CompositeProjector
{
    /// <summary>Projects <paramref name="phantom"/> through <paramref name="geometry"/> (stored per the context's storage budget).</summary>
    public static ProjectionSet Project(CompositePhantom phantom, AcquisitionGeometry geometry, RunContext? context = null)
    {
        ArgumentNullException.ThrowIfNull(phantom);
        ArgumentNullException.ThrowIfNull(geometry);
        context ??= RunContext.Default;
        var det = geometry.Detector;
        var stack = ImageStack<float>.Create(geometry.ProjectionCount, det.Rows, det.Columns, context.Storage);
        long done = 0;
        Parallel.For(0, geometry.ProjectionCount, context.ParallelOptions, () => new float[det.Rows * det.Columns], (i, _, frame) =>
        {
            ProjectFrame(phantom, geometry.PoseAt(i), geometry.IsParallel, det, frame);
            stack.WriteFrame(i, frame);
            context.Report("simulate.project", Interlocked.Increment(ref done), geometry.ProjectionCount);
            return frame;
        }, _ => { });
        return new ProjectionSet(stack, geometry, IntensityDomain.LineIntegral);
    }

    /// <summary>One projection into <paramref name="frame"/> [row, column].</summary>
    public static void ProjectFrame(CompositePhantom phantom, ProjectionPose pose, bool parallel, Detector det, Span<float> frame)
    {
        ArgumentNullException.ThrowIfNull(phantom);
        ArgumentNullException.ThrowIfNull(det);
        double cu = (det.Columns - 1) / 2.0, cv = (det.Rows - 1) / 2.0;
        for (int row = 0; row < det.Rows; row++)
            for (int col = 0; col < det.Columns; col++)
            {
                Vec3 pixel = pose.DetectorCentre + pose.U * (col - cu) + pose.V * (row - cv);
                Vec3 dir = parallel ? pose.RayDirection : (pixel - pose.Source).Normalized();
                frame[row * det.Columns + col] = (float)phantom.LineIntegral(pixel, dir);
            }
    }
}
