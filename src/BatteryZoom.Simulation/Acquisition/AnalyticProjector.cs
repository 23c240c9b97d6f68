using BatteryZoom.Core.Data;
using BatteryZoom.Core.Geometry;
using BatteryZoom.Core.Steps;
using BatteryZoom.Simulation.Phantoms;

namespace BatteryZoom.Simulation.Acquisition;

/// <summary>Exact line integrals of an ellipsoid phantom through every detector pixel centre, for any geometry.</summary>
/// <remarks>No pixel-based projector is involved, so reconstructions tested against these avoid the "inverse crime".
/// Output is [projection, row, column] in <see cref="IntensityDomain.LineIntegral"/> (value × metres, e.g. μ·L).
/// An ellipsoid phantom is a composite phantom without cylinders: the work is done by <see cref="CompositeProjector"/>.</remarks>
public static class AnalyticProjector
{
    /// <summary>Projects <paramref name="phantom"/> through <paramref name="geometry"/>.</summary>
    public static ProjectionSet Project(EllipsoidPhantom phantom, AcquisitionGeometry geometry, RunContext? context = null) =>
        CompositeProjector.Project(CompositePhantom.From(phantom), geometry, context);

    /// <summary>One projection into <paramref name="frame"/> [row, column].</summary>
    public static void ProjectFrame(EllipsoidPhantom phantom, ProjectionPose pose, bool parallel, Detector det, Span<float> frame) =>
        CompositeProjector.ProjectFrame(CompositePhantom.From(phantom), pose, parallel, det, frame);
}
