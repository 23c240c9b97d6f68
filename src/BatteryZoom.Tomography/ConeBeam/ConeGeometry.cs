// SPDX-License-Identifier: MIT
using BatteryZoom.Core.Diagnostics;
using BatteryZoom.Core.Geometry;
using BatteryZoom.Core.Units;

namespace BatteryZoom.Tomography.ConeBeam;

/// <summary>Rotation of a flat detector about its own centre, applied in the order roll, then pitch, then yaw.</summary>
/// <param name="Roll">In-plane rotation about the central ray (turns u towards v).</param>
/// <param name="Pitch">Rotation about the detector u axis (tips the rows towards the source).</param>
/// <param name="Yaw">Rotation about the detector v axis (tips the columns towards the source).</param>
public readonly record struct DetectorTilt(Angle Roll, Angle Pitch, Angle Yaw)
{
    /// <summary>No tilt.</summary>
    public static DetectorTilt None => default;
    /// <summary>True when all three angles are zero.</summary>
    public bool IsZero => Roll.Radians == 0 && Pitch.Radians == 0 && Yaw.Radians == 0;
}

/// <summary>Builds and checks circular cone-beam geometries; reduces them, with an optional detector tilt, to per-projection vectors.</summary>
/// <remarks>All arithmetic is float64. Conventions (docs/conventions.md): source at −SourceToAxis·d(θ), detector centre at
/// (SourceToDetector − SourceToAxis)·d(θ) + OffsetU·u(θ) + OffsetV·ẑ, d(θ) = (−sin θ, cos θ, 0), u(θ) = (cos θ, sin θ, 0).</remarks>
public static class ConeGeometry
{
    /// <summary>A circular cone-beam geometry with errors worded for the command line.</summary>
    /// <exception cref="UsageException">A distance is not positive, or the detector is not beyond the rotation axis.</exception>
    public static CircularConeBeam Circular(Detector detector, IReadOnlyList<Angle> angles, Length sourceToAxis, Length sourceToDetector)
    {
        ArgumentNullException.ThrowIfNull(detector);
        ArgumentNullException.ThrowIfNull(angles);
        if (!(sourceToAxis.Meters > 0) || !double.IsFinite(sourceToAxis.Meters))
            throw new UsageException($"cone beam: the source–axis distance must be positive; got {sourceToAxis}.");
        if (!(sourceToDetector > sourceToAxis) || !double.IsFinite(sourceToDetector.Meters))
            throw new UsageException($"cone beam: the source–detector distance ({sourceToDetector}) must exceed the source–axis distance ({sourceToAxis}); " +
                "the detector sits behind the sample. Check that the two values are not swapped.");
        if (angles.Count == 0) throw new UsageException("cone beam: no projection angles.");
        return new CircularConeBeam(detector, angles, sourceToAxis, sourceToDetector);
    }

    /// <summary>Evenly spaced angles over a full turn (end excluded).</summary>
    public static IReadOnlyList<Angle> FullTurn(int count) => ParallelBeam.UniformAngles(count, Angle.Zero, new Angle(2 * Math.PI));

    /// <summary>The explicit poses of <paramref name="geometry"/> with its detector rotated by <paramref name="tilt"/> about its centre.</summary>
    /// <remarks>The tilt is applied to the pixel steps U and V in the detector's own frame (u, v, n = u × v), so a tilted
    /// detector is still described by <see cref="ProjectionPose"/> vectors and any vector-geometry projector handles it.
    /// FDK itself needs an untilted detector: rectify tilted projections first with <see cref="TiltRectifier"/>.</remarks>
    public static VectorGeometry WithTilt(CircularConeBeam geometry, DetectorTilt tilt)
    {
        ArgumentNullException.ThrowIfNull(geometry);
        var poses = new ProjectionPose[geometry.ProjectionCount];
        for (int i = 0; i < poses.Length; i++) poses[i] = Tilt(geometry.PoseAt(i), tilt);
        return new VectorGeometry(geometry.Detector, poses, Parallel: false);
    }

    /// <summary>One pose with its detector tilted about its centre.</summary>
    public static ProjectionPose Tilt(ProjectionPose pose, DetectorTilt tilt)
    {
        if (tilt.IsZero) return pose;
        double pw = pose.U.Norm, ph = pose.V.Norm;
        Vec3 u = pose.U * (1 / pw), v = pose.V * (1 / ph);
        Vec3 n = Vec3.Cross(u, v);
        // Roll about n, then pitch about the (rolled) u, then yaw about the (rolled, pitched) v.
        (u, v) = Rotate(u, v, tilt.Roll.Radians);
        (v, n) = Rotate(v, n, tilt.Pitch.Radians);
        (n, u) = Rotate(n, u, tilt.Yaw.Radians);
        return pose with { U = u * pw, V = v * ph };
    }

    private static (Vec3, Vec3) Rotate(Vec3 a, Vec3 b, double angle)
    {
        double c = Math.Cos(angle), s = Math.Sin(angle);
        return (a * c + b * s, b * c - a * s);
    }

    /// <summary>Radius of the cylinder about the rotation axis that holds every voxel centre of <paramref name="grid"/>.</summary>
    public static double GridRadius(VoxelGrid grid)
    {
        ArgumentNullException.ThrowIfNull(grid);
        double x0 = grid.Origin.X, x1 = x0 + (grid.Size.Nx - 1) * grid.Dx.Meters;
        double y0 = grid.Origin.Y, y1 = y0 + (grid.Size.Ny - 1) * grid.Dy.Meters;
        double mx = Math.Max(Math.Abs(x0), Math.Abs(x1)), my = Math.Max(Math.Abs(y0), Math.Abs(y1));
        return Math.Sqrt(mx * mx + my * my);
    }

    /// <summary>A grid that fills the field of view: voxel = pixel / magnification, Columns × Columns × Rows voxels, centred
    /// on the axis and on the central plane (shifted by OffsetV/M).</summary>
    public static VoxelGrid FieldOfViewGrid(CircularConeBeam geometry, Length? voxel = null)
    {
        ArgumentNullException.ThrowIfNull(geometry);
        var det = geometry.Detector;
        double m = geometry.Magnification;
        double v = voxel?.Meters ?? det.PixelWidth.Meters / m;
        double halfU = (det.Columns / 2.0 * det.PixelWidth.Meters + Math.Abs(det.OffsetU.Meters)) / m;
        // The field-of-view circle: rays at the detector edge pass at distance R·sin(γ) from the axis.
        double gamma = Math.Atan(halfU * m / geometry.SourceToDetector.Meters);
        double radius = geometry.SourceToAxis.Meters * Math.Sin(gamma);
        int nxy = Math.Max(1, (int)Math.Floor(2 * radius / v));
        int nz = Math.Max(1, (int)Math.Round(det.Rows * det.PixelHeight.Meters / m / v));
        var size = new GridSize(nxy, nxy, nz);
        var grid = VoxelGrid.Centered(size, new Length(v));
        return new VoxelGrid(size, grid.Dx, grid.Dy, grid.Dz, grid.Origin + new Vec3(0, 0, det.OffsetV.Meters / m));
    }
}
