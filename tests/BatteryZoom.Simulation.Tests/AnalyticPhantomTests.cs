using BatteryZoom.Core.Data;
using BatteryZoom.Core.Geometry;
using BatteryZoom.Core.Units;
using BatteryZoom.Simulation.Acquisition;
using BatteryZoom.Simulation.Phantoms;

namespace BatteryZoom.Simulation.Tests;

public class AnalyticPhantomTests
{
    [Fact]
    public void SphereChord_IsTwiceTheHalfChord()
    {
        // A ray at distance h from the centre of a sphere of radius r cuts a chord 2√(r² − h²).
        var sphere = EllipsoidPhantom.Sphere(Length.FromMillimeters(1), 100);
        double h = 0.6e-3;
        double integral = sphere.LineIntegral(new Vec3(h, -5e-3, 0), new Vec3(0, 1, 0));
        Assert.Equal(100 * 2 * Math.Sqrt(1e-6 - h * h), integral, 1e-12);
        Assert.Equal(0, sphere.LineIntegral(new Vec3(1.01e-3, 0, 0), new Vec3(0, 1, 0)));
    }

    [Fact]
    public void RotatedEllipse_ChordMatchesClosedForm()
    {
        // Kak & Slaney eq. 3.16: the projection of an ellipse (A, B, rotation α) at angle θ and offset t is
        // 2ρAB√(a² − t²)/a² with a² = A²cos²(θ−α) + B²sin²(θ−α).
        double A = 0.3, B = 0.1, alpha = 0.4, theta = 1.1, t = 0.12;
        var e = new EllipsoidPhantom([new Ellipsoid(Vec3.Zero, new Vec3(A, B, 1e6), new Angle(alpha), 1.0)]);
        var geometry = new ParallelBeam(new Detector(1, 1, new Length(1)), [new Angle(theta)], new Length(-t));
        var pose = geometry.PoseAt(0);
        double got = e.LineIntegral(pose.DetectorCentre, pose.RayDirection);
        double a2 = A * A * Math.Cos(theta - alpha) * Math.Cos(theta - alpha) + B * B * Math.Sin(theta - alpha) * Math.Sin(theta - alpha);
        Assert.Equal(2 * A * B * Math.Sqrt(a2 - t * t) / a2, got, 1e-12);
    }

    [Fact]
    public void ParallelProjection_OfSheppLogan_IsSymmetricUnderHalfTurn()
    {
        // p(θ + π, t) = p(θ, −t): the same lines, traversed backwards.
        var phantom = SheppLogan.Create2D(Length.FromMillimeters(1));
        var det = new Detector(33, 1, Length.FromMicrometers(60));
        var g = new ParallelBeam(det, [Angle.FromDegrees(25), Angle.FromDegrees(205)]);
        using var scan = AnalyticProjector.Project(phantom, g);
        var a = scan.Projections.GetFrame(0).ToArray();
        var b = scan.Projections.GetFrame(1).ToArray();
        for (int j = 0; j < 33; j++) Assert.Equal(a[j], b[32 - j], 1e-6);
    }

    [Fact]
    public void Voxelize_SphereVolume_ApproachesAnalytic()
    {
        // 2³ sub-samples per voxel: the volume error is a surface effect ~ (voxel/r); 3 % at r = 12 voxels.
        var sphere = EllipsoidPhantom.Sphere(Length.FromMicrometers(120), 1.0);
        var grid = VoxelGrid.Centered(new GridSize(32, 32, 32), Length.FromMicrometers(10));
        using var v = sphere.Voxelize(grid, oversample: 2);
        double sum = 0;
        for (int z = 0; z < 32; z++) foreach (float f in v.GetSlice(z)) sum += f;
        double expected = 4.0 / 3 * Math.PI * Math.Pow(12, 3);
        Assert.InRange(sum, expected * 0.97, expected * 1.03);
    }

    [Fact]
    public void DetectorModel_NoiseFree_GivesExactBeerLambert()
    {
        var g = new ParallelBeam(new Detector(4, 2, Length.FromMicrometers(1)), ParallelBeam.UniformAngles(3, Angle.Zero, Angle.FromDegrees(180)));
        var stack = ImageStack<float>.Create(3, 2, 4, StorageOptions.InMemory);
        stack.GetFrame(1)[5] = 1.0f;
        using var lineIntegrals = new ProjectionSet(stack, g, IntensityDomain.LineIntegral);
        using var raw = new DetectorModel(FlatCounts: 1000, DarkCounts: 10, Noise: false).Record(lineIntegrals);
        Assert.Equal(IntensityDomain.Raw, raw.Domain);
        Assert.Equal(1000 * Math.Exp(-1) + 10, raw.Projections.GetFrame(1)[5], 1e-3);
        Assert.Equal(1010f, raw.Flats!.GetFrame(0)[0]);
        Assert.Equal(10f, raw.Darks!.GetFrame(0)[0]);
    }

    [Fact]
    public void DetectorModel_IsDeterministicForASeed()
    {
        var g = new ParallelBeam(new Detector(8, 2, Length.FromMicrometers(1)), ParallelBeam.UniformAngles(2, Angle.Zero, Angle.FromDegrees(180)));
        using var li = new ProjectionSet(ImageStack<float>.Create(2, 2, 8, StorageOptions.InMemory), g, IntensityDomain.LineIntegral);
        using var a = new DetectorModel(Seed: 7).Record(li);
        using var b = new DetectorModel(Seed: 7).Record(li);
        Assert.Equal(a.Projections.GetFrame(1).ToArray(), b.Projections.GetFrame(1).ToArray());
    }
}
