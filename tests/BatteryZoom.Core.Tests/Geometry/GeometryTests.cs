using BatteryZoom.Core.Diagnostics;
using BatteryZoom.Core.Geometry;
using BatteryZoom.Core.Units;
using BatteryZoom.Core.Data;

namespace BatteryZoom.Core.Tests.Geometry;

public class GeometryTests
{
    private static readonly Detector Det = new(8, 4, Length.FromMicrometers(10));

    [Fact]
    public void ParallelPose_MapsPointToRadonCoordinate()
    {
        // A point at (x, y) must meet the detector at t = x cos θ + y sin θ (docs/conventions.md).
        var angles = new[] { Angle.FromDegrees(30) };
        var g = new ParallelBeam(Det, angles);
        var pose = g.PoseAt(0);
        var p = new Vec3(12e-6, -7e-6, 3e-6);
        double t = Vec3.Dot(p - pose.DetectorCentre, pose.U) / Vec3.Dot(pose.U, pose.U) * Det.PixelWidth.Meters;
        double expected = p.X * Math.Cos(Math.PI / 6) + p.Y * Math.Sin(Math.PI / 6);
        Assert.Equal(expected, t, 1e-15);
        Assert.Equal(0, Vec3.Dot(pose.RayDirection, pose.U), 1e-15);
    }

    [Fact]
    public void ParallelBeam_CentreOfRotationInPixels_FollowsAxisOffset()
    {
        var g = new ParallelBeam(Det, [Angle.Zero], Length.FromMicrometers(15));
        Assert.Equal(3.5 + 1.5, g.CenterOfRotationPixels, 1e-12);
    }

    [Fact]
    public void ConeBeam_MagnificationAndPoses()
    {
        var g = new CircularConeBeam(Det, ParallelBeam.UniformAngles(4, Angle.Zero, Angle.FromDegrees(360)), Length.FromMillimeters(50), Length.FromMillimeters(250));
        Assert.Equal(5.0, g.Magnification, 1e-12);
        var pose = g.PoseAt(1);   // θ = 90°: the source sits at +x, beam along −x.
        Assert.Equal(0.05, pose.Source.X, 1e-12);
        Assert.Equal(-0.2, pose.DetectorCentre.X, 1e-12);
        Assert.Equal(0.25, (pose.DetectorCentre - pose.Source).Norm, 1e-12);
    }

    [Fact]
    public void ConeBeam_DetectorInsideSource_IsRejected()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new CircularConeBeam(Det, [Angle.Zero], Length.FromMillimeters(50), Length.FromMillimeters(40)));
        Assert.Contains("must exceed the source–axis distance", e.Message);
    }

    [Fact]
    public void ProjectionSet_RejectsAngleCountMismatch()
    {
        var g = new ParallelBeam(Det, ParallelBeam.UniformAngles(3, Angle.Zero, Angle.FromDegrees(180)));
        var e = Assert.Throws<IncompatibleInputException>(() => new ProjectionSet(ImageStack<float>.Create(5, 4, 8), g, IntensityDomain.Raw));
        Assert.Contains("3 angles", e.Message);
        Assert.Contains("5 projections", e.Message);
    }

    [Fact]
    public void ProjectionSet_RejectsFlatsOfAnotherShape()
    {
        var g = new ParallelBeam(Det, ParallelBeam.UniformAngles(2, Angle.Zero, Angle.FromDegrees(180)));
        var e = Assert.Throws<IncompatibleInputException>(() =>
            new ProjectionSet(ImageStack<float>.Create(2, 4, 8), g, IntensityDomain.Raw, flats: ImageStack<float>.Create(1, 4, 7)));
        Assert.Contains("flats are 4×7", e.Message);
    }

    [Fact]
    public void VoxelGrid_CenteredAndSlab()
    {
        var grid = VoxelGrid.Centered(new GridSize(4, 4, 10), Length.FromMicrometers(2));
        Assert.Equal(-3e-6, grid.Origin.X, 1e-18);
        var slab = grid.Slab(5, 3);
        Assert.Equal(grid.Position(0, 0, 5).Z, slab.Origin.Z, 1e-18);
        Assert.Throws<ArgumentOutOfRangeException>(() => grid.Slab(8, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => new VoxelGrid(grid.Size, Length.Zero, grid.Dy, grid.Dz, grid.Origin));
    }

    [Fact]
    public void VectorGeometry_ReproducesPoses()
    {
        var g = new ParallelBeam(Det, ParallelBeam.UniformAngles(5, Angle.Zero, Angle.FromDegrees(180)), Length.FromMicrometers(3));
        var v = VectorGeometry.From(g);
        for (int i = 0; i < 5; i++) Assert.Equal(g.PoseAt(i), v.PoseAt(i));
        Assert.True(v.IsParallel);
    }
}
