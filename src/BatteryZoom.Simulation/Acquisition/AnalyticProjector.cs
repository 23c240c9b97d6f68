using BatteryZoom.Core.Data;
using BatteryZoom.Core.Geometry;
using BatteryZoom.Core.Steps;
using BatteryZoom.Simulation.Phantoms;

namespace BatteryZoom.Simulation.Acquisition;

/// <summary>Exact line integrals of an ellipsoid phantom through every detector pixel centre, for any geometry.</summary>
/// <remarks>No pixel-based projector is involved, so reconstructions tested against these avoid the "inverse crime".
/// Output is [projection, row, column] in <see cref="IntensityDomain.LineIntegral"/> (value × metres, e.g. μ·L).</remarks>
public static class AnalyticProjector
{
    /// <summary>Projects <paramref name="phantom"/> through <paramref name="geometry"/>.</summary>
    public static ProjectionSet Project(EllipsoidPhantom phantom, AcquisitionGeometry geometry, RunContext? context = null)
    {
        ArgumentNullException.ThrowIfNull(phantom);
        ArgumentNullException.ThrowIfNull(geometry);
        context ??= RunContext.Default;
        var det = geometry.Detector;
        var stack = ImageStack<float>.Create(geometry.ProjectionCount, det.Rows, det.Columns, context.Storage);
        long done = 0;
        Parallel.For(0, geometry.ProjectionCount, context.ParallelOptions, i =>
        {
            var frame = new float[det.Rows * det.Columns];
            ProjectFrame(phantom, geometry.PoseAt(i), geometry.IsParallel, det, frame);
            stack.WriteFrame(i, frame);
            context.Report("simulate.project", Interlocked.Increment(ref done), geometry.ProjectionCount);
        });
        return new ProjectionSet(stack, geometry, IntensityDomain.LineIntegral);
    }

    /// <summary>One projection into <paramref name="frame"/> [row, column].</summary>
    public static void ProjectFrame(EllipsoidPhantom phantom, ProjectionPose pose, bool parallel, Detector det, Span<float> frame)
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
