using BatteryZoom.Core.Units;

namespace BatteryZoom.Core.Geometry;

/// <summary>The pose of source and detector for one projection, in ASTRA "vec" style (metres, float64).</summary>
/// <param name="Source">Source position (cone beam); for parallel beam a point far upstream on the central ray.</param>
/// <param name="RayDirection">Unit direction of the rays (parallel beam) or of the central ray (cone beam).</param>
/// <param name="DetectorCentre">Centre of the detector (between its middle pixels when counts are even).</param>
/// <param name="U">Step from one column to the next (length = pixel width).</param>
/// <param name="V">Step from one row to the next (length = pixel height).</param>
public readonly record struct ProjectionPose(Vec3 Source, Vec3 RayDirection, Vec3 DetectorCentre, Vec3 U, Vec3 V);

/// <summary>How projections were taken: a detector and one pose per projection, in acquisition order.</summary>
public abstract record AcquisitionGeometry(Detector Detector)
{
    /// <summary>Number of projections.</summary>
    public abstract int ProjectionCount { get; }
    /// <summary>True when rays are parallel (synchrotron); false for a point source.</summary>
    public abstract bool IsParallel { get; }
    /// <summary>The pose of projection <paramref name="index"/>.</summary>
    public abstract ProjectionPose PoseAt(int index);

    /// <summary>Checks the geometry describes <paramref name="projections"/> frames of rows × columns.</summary>
    /// <exception cref="Diagnostics.IncompatibleInputException">A count differs.</exception>
    public void CheckMatches(int projections, int rows, int columns, string what)
    {
        if (projections != ProjectionCount)
            throw new Diagnostics.IncompatibleInputException($"{what}: geometry has {ProjectionCount} angles but the data have {projections} projections.");
        if (rows != Detector.Rows || columns != Detector.Columns)
            throw new Diagnostics.IncompatibleInputException($"{what}: geometry expects {Detector.Rows}×{Detector.Columns} (rows×columns) projections; got {rows}×{columns}.");
    }

    /// <summary>Beam direction d(θ) = (−sin θ, cos θ, 0) and detector axis u(θ) = (cos θ, sin θ, 0) of a circular orbit.</summary>
    /// <remarks>With these, a parallel ray through (x, y) meets the detector at <c>t = x·cos θ + y·sin θ</c> (the Radon convention).</remarks>
    protected static (Vec3 Direction, Vec3 UAxis) OrbitAxes(Angle angle)
    {
        double s = Math.Sin(angle.Radians), c = Math.Cos(angle.Radians);
        return (new Vec3(-s, c, 0), new Vec3(c, s, 0));
    }

    /// <summary>Detector centre offset by (OffsetU, OffsetV) along the orbit axes.</summary>
    protected Vec3 ShiftedCentre(Vec3 centre, Vec3 uAxis) =>
        centre + uAxis * Detector.OffsetU.Meters + new Vec3(0, 0, 1) * Detector.OffsetV.Meters;
}

/// <summary>Parallel-beam rotation about +z; the axis sits at <paramref name="AxisOffset"/> from the detector centre along u.</summary>
/// <param name="Detector">The detector (pixel size in the sample plane, i.e. divided by any optical magnification).</param>
/// <param name="Angles">Rotation angle of each projection, in acquisition order; need not be uniform.</param>
/// <param name="AxisOffset">Lateral position of the rotation axis relative to the detector centre, along u.</param>
public sealed record ParallelBeam(Detector Detector, IReadOnlyList<Angle> Angles, Length AxisOffset) : AcquisitionGeometry(Detector)
{
    /// <summary>Axis on the detector centre.</summary>
    public ParallelBeam(Detector detector, IReadOnlyList<Angle> angles) : this(detector, angles, Length.Zero) { }

    /// <inheritdoc/>
    public override int ProjectionCount => Angles.Count;
    /// <inheritdoc/>
    public override bool IsParallel => true;

    /// <summary>Rotation-axis position in pixels from the first column's centre (TomoPy's "center").</summary>
    public double CenterOfRotationPixels => (Detector.Columns - 1) / 2.0 + (AxisOffset - Detector.OffsetU).Meters / Detector.PixelWidth.Meters;

    /// <inheritdoc/>
    public override ProjectionPose PoseAt(int index)
    {
        var (d, u) = OrbitAxes(Angles[index]);
        // The axis lies at u = AxisOffset on the detector, so the detector centre sits at −AxisOffset along u.
        Vec3 centre = ShiftedCentre(u * -AxisOffset.Meters, u);
        return new ProjectionPose(centre - d * 1.0, d, centre, u * Detector.PixelWidth.Meters, new Vec3(0, 0, Detector.PixelHeight.Meters));
    }

    /// <summary>Evenly spaced angles: <paramref name="count"/> views from <paramref name="start"/> over <paramref name="range"/>, end excluded unless <paramref name="includeEnd"/>.</summary>
    public static IReadOnlyList<Angle> UniformAngles(int count, Angle start, Angle range, bool includeEnd = false)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        var angles = new Angle[count];
        double step = range.Radians / (includeEnd && count > 1 ? count - 1 : count);
        for (int i = 0; i < count; i++) angles[i] = new Angle(start.Radians + i * step);
        return angles;
    }
}

/// <summary>Circular cone-beam orbit about +z: a point source at distance SourceToAxis, a flat detector at SourceToDetector.</summary>
/// <remarks>Magnification M = SourceToDetector / SourceToAxis; the voxel size at the axis is the pixel size / M.</remarks>
public sealed record CircularConeBeam : AcquisitionGeometry
{
    /// <summary>Creates a circular cone-beam geometry.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Source–axis not positive, or detector not beyond the axis.</exception>
    public CircularConeBeam(Detector detector, IReadOnlyList<Angle> angles, Length sourceToAxis, Length sourceToDetector) : base(detector)
    {
        if (!(sourceToAxis.Meters > 0))
            throw new ArgumentOutOfRangeException(nameof(sourceToAxis), $"source–axis distance must be positive; got {sourceToAxis}.");
        if (!(sourceToDetector > sourceToAxis))
            throw new ArgumentOutOfRangeException(nameof(sourceToDetector), $"source–detector distance ({sourceToDetector}) must exceed the source–axis distance ({sourceToAxis}).");
        (Angles, SourceToAxis, SourceToDetector) = (angles, sourceToAxis, sourceToDetector);
    }

    /// <summary>Rotation angles.</summary>
    public IReadOnlyList<Angle> Angles { get; }
    /// <summary>Source to rotation axis.</summary>
    public Length SourceToAxis { get; }
    /// <summary>Source to detector plane.</summary>
    public Length SourceToDetector { get; }
    /// <summary>Geometric magnification at the axis.</summary>
    public double Magnification => SourceToDetector / SourceToAxis;

    /// <inheritdoc/>
    public override int ProjectionCount => Angles.Count;
    /// <inheritdoc/>
    public override bool IsParallel => false;

    /// <inheritdoc/>
    public override ProjectionPose PoseAt(int index)
    {
        var (d, u) = OrbitAxes(Angles[index]);
        Vec3 source = d * -SourceToAxis.Meters;
        Vec3 centre = ShiftedCentre(d * (SourceToDetector - SourceToAxis).Meters, u);
        return new ProjectionPose(source, d, centre, u * Detector.PixelWidth.Meters, new Vec3(0, 0, Detector.PixelHeight.Meters));
    }
}

/// <summary>Arbitrary per-projection poses (ASTRA parallel3d_vec / cone_vec), e.g. after tilt or drift correction.</summary>
public sealed record VectorGeometry(Detector Detector, IReadOnlyList<ProjectionPose> Poses, bool Parallel) : AcquisitionGeometry(Detector)
{
    /// <inheritdoc/>
    public override int ProjectionCount => Poses.Count;
    /// <inheritdoc/>
    public override bool IsParallel => Parallel;
    /// <inheritdoc/>
    public override ProjectionPose PoseAt(int index) => Poses[index];

    /// <summary>Expands any geometry into explicit poses.</summary>
    public static VectorGeometry From(AcquisitionGeometry geometry)
    {
        ArgumentNullException.ThrowIfNull(geometry);
        var poses = new ProjectionPose[geometry.ProjectionCount];
        for (int i = 0; i < poses.Length; i++) poses[i] = geometry.PoseAt(i);
        return new VectorGeometry(geometry.Detector, poses, geometry.IsParallel);
    }
}
