using BatteryZoom.Core.Data;
using BatteryZoom.Core.Diagnostics;
using BatteryZoom.Core.Geometry;
using BatteryZoom.Core.Units;
using BatteryZoom.Phase.Holotomography;
using BatteryZoom.Phase.Paganin;
using BatteryZoom.Phase.Propagation;
using BatteryZoom.Simulation.Acquisition;
using BatteryZoom.Simulation.Holotomography;
using CsCheck;

namespace BatteryZoom.Phase.Tests.Holotomography;

public sealed class HolotomographyTests
{
    // Issue 6 acceptance values.
    private const double ShiftTolerancePx = 0.05;
    private const double MagnificationTolerance = 0.001;
    private const double DeltaTolerance = 0.03;

    private static HolotomoSet SetOf(SimulatedHolotomography sim) => new(sim.Scans.Select((s, d) => new HolotomoDistance(s,
        sim.Planes[d].SourceToSample is { } z1 ? FresnelGeometry.ConeBeam(z1, z1 + sim.Planes[d].SampleToDetector) : FresnelGeometry.Parallel(sim.Planes[d].SampleToDetector))).ToArray());

    [Fact]
    public void Registration_RecoversKnownShifts()
    {
        const int n = 128;
        var px = TestSetup.Pixel.Meters;
        (double R, double C)[] shifts = [(0, 0), (0.3, -0.7), (1.25, 0.4), (-2.1, 1.6)];
        var planes = TestSetup.Distances.Select((z, d) => new HoloPlane(z, null, (new Length(shifts[d].C * px), new Length(shifts[d].R * px)))).ToArray();
        // Noise-free: with Poisson noise at 2·10⁴ counts the median over 3 angles is off by up to 0.1 px (flat-field noise is
        // common to all angles); see docs/algorithms/phase-retrieval.md.
        using var sim = TestSetup.Simulate(TestSetup.NmcClusters(n, seed: 5), n, planes, ParallelBeam.UniformAngles(3, Angle.Zero, Angle.FromDegrees(180)));
        var found = HolotomographyPipeline.RegisterDistances(SetOf(sim), new HolotomographyOptions { DeltaOverBeta = TestSetup.Nmc.DeltaOverBeta, RegistrationAngles = 3 });
        for (int d = 0; d < shifts.Length; d++)
        {
            Assert.True(Math.Abs(found[d].Rows - shifts[d].R) <= ShiftTolerancePx, $"distance {d}: rows {found[d].Rows:F3} vs {shifts[d].R}");
            Assert.True(Math.Abs(found[d].Columns - shifts[d].C) <= ShiftTolerancePx, $"distance {d}: columns {found[d].Columns:F3} vs {shifts[d].C}");
        }
    }

    [Fact]
    public void ShiftEstimator_RecoversFractionalShift_OfSmoothImage() =>
        Gen.Select(Gen.Double[-3, 3], Gen.Double[-3, 3]).Sample((dy, dx) =>
        {
            const int n = 64;
            float Blob(double r, double c) => (float)(Math.Exp(-((r - 30) * (r - 30) + (c - 27) * (c - 27)) / 40.0) + 0.5 * Math.Exp(-((r - 20) * (r - 20) + (c - 40) * (c - 40)) / 15.0));
            var a = new float[n * n];
            var b = new float[n * n];
            for (int r = 0; r < n; r++) for (int c = 0; c < n; c++) { a[r * n + c] = Blob(r, c); b[r * n + c] = Blob(r - dy, c - dx); }
            var (fy, fx) = ShiftEstimator.Estimate(a, b, n, n);
            return Math.Abs(fy - dy) < ShiftTolerancePx && Math.Abs(fx - dx) < ShiftTolerancePx;
        }, iter: 10);

    [Fact]
    public void MagnificationNormalisation_ScalesDistancesToFinestPixel()
    {
        // Cone beam: focus–detector 0.3 m, z1 = 2.0 … 2.9 mm (M ≈ 150 … 103); detector pixel 10.5 µm → 70 nm at distance 0.
        const int n = 128;
        var sourceToDetector = Length.FromMillimeters(300);
        double[] z1mm = [2.0, 2.3, 2.6, 2.9];
        var planes = z1mm.Select(z => HoloPlane.ConeBeam(Length.FromMillimeters(z), sourceToDetector)).ToArray();
        var detectorPixel = TestSetup.Pixel * planes[0].Magnification;
        var px = TestSetup.Pixel.Meters;
        var phantom = RefractivePhantom.Spheres([(new Vec3(-25 * px, 0, -20 * px), TestSetup.Pixel * 7), (new Vec3(22 * px, 0, 24 * px), TestSetup.Pixel * 7)], TestSetup.NmcValues);
        using var sim = TestSetup.Simulate(phantom, n, planes, detectorPixel: detectorPixel);
        var set = HolotomoSet.FromConeBeamScans(sim.Scans);
        Assert.Equal(0, set.ReferenceIndex);
        Assert.Equal(TestSetup.Pixel.Meters, set.ReferencePixel.Meters, 15);
        double? reference = null;
        for (int d = 0; d < planes.Length; d++)
        {
            var raw = sim.Scans[d].Projections.GetFrame(0).ToArray();
            var norm = new float[n * n];
            ImageResampling.Resample(raw, norm, n, n, HolotomographyPipeline.Scale(set, d));
            var phase = new float[n * n];
            PaganinPlan.Create(n, n, new PaganinOptions { Energy = TestSetup.Energy, Distance = set.Distances[d].Propagation.EffectiveDistance, PixelSize = set.ReferencePixel, DeltaOverBeta = TestSetup.Nmc.DeltaOverBeta })
                .Execute(norm, phase);
            var (r1, c1) = Centroid(phase, n, 0, 64, 0, 64);
            var (r2, c2) = Centroid(phase, n, 64, 128, 64, 128);
            double separation = Math.Sqrt((r2 - r1) * (r2 - r1) + (c2 - c1) * (c2 - c1));
            reference ??= separation;
            Assert.True(Math.Abs(separation / reference.Value - 1) <= MagnificationTolerance, $"distance {d}: separation {separation:F3} px vs {reference:F3} px");
        }
        Assert.True(Math.Abs(reference!.Value / Math.Sqrt(44 * 44 + 47 * 47) - 1) <= MagnificationTolerance, $"separation {reference:F3} px");
    }

    [Fact]
    public void Resampling_ConstantImage_Unchanged() =>
        Gen.Select(Gen.Double[0.5, 1], Gen.Double[-3, 3], Gen.Float[-2, 2]).Sample((scale, shift, value) =>
        {
            var src = Enumerable.Repeat(value, 20 * 24).ToArray();
            var dst = new float[20 * 24];
            ImageResampling.Resample(src, dst, 20, 24, scale, shift, -shift);
            return dst.All(v => Math.Abs(v - value) <= 1e-5f * Math.Max(1, Math.Abs(value)));
        }, iter: 40);

    [Fact]
    public void Set_Throws_OnMismatchedSizes_AndDistances()
    {
        var angles = ParallelBeam.UniformAngles(2, Angle.Zero, Angle.FromDegrees(180));
        ProjectionSet Scan(int cols) => new(ImageStack<float>.Create(2, 16, cols, StorageOptions.InMemory), new ParallelBeam(new Detector(cols, 16, TestSetup.Pixel), angles),
            IntensityDomain.Transmission, energy: TestSetup.Energy);
        var e = Assert.Throws<IncompatibleInputException>(() => new HolotomoSet([new(Scan(16), FresnelGeometry.Parallel(Length.FromMillimeters(1))), new(Scan(20), FresnelGeometry.Parallel(Length.FromMillimeters(2)))]));
        Assert.Contains("16×20", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<IncompatibleInputException>(() => new HolotomoSet([new(Scan(16), FresnelGeometry.Parallel(Length.FromMillimeters(2))), new(Scan(16), FresnelGeometry.Parallel(Length.FromMillimeters(1)))]));
        Assert.Contains("increase", e.Message, StringComparison.Ordinal);
        Assert.Throws<IncompatibleInputException>(() => HolotomoSet.FromConeBeamScans([Scan(16)]));
        Assert.Throws<IncompatibleInputException>(() => new HolotomoSet([]));
    }

    [Fact]
    public void Pipeline_ReconstructsDeltaInNmcParticles()
    {
        // 96² detector, 4 distances, 120 angles over 180°, Poisson noise at 10⁴ counts, flats and darks; δ from CTF + FBP.
        const int n = 96;
        var phantom = RefractivePhantom.NmcElectrode(TestSetup.Pixel * 40, TestSetup.Pixel * 40, TestSetup.Pixel * 18, 2, TestSetup.NmcValues,
            new RefractiveValues(TestSetup.Carbon.Delta, TestSetup.Carbon.Beta), seed: 7);
        using var sim = TestSetup.Simulate(phantom, n, TestSetup.ParallelPlanes, ParallelBeam.UniformAngles(120, Angle.Zero, Angle.FromDegrees(180)), new DetectorModel(Seed: 3));
        var set = SetOf(sim);
        using var volume = HolotomographyPipeline.Reconstruct(set, new HolotomographyOptions { DeltaOverBeta = TestSetup.Nmc.DeltaOverBeta, Register = false });
        Assert.Equal(Quantity.Delta, volume.Quantity);
        // Mean δ inside each particle core (inner 60 % of the core radius, where the truth is exactly δ_NMC).
        var cores = phantom.Parts.Where(p => p.Shape.SemiAxes.X >= 0.45 * 18 * TestSetup.Pixel.Meters && p.Material == TestSetup.NmcValues).Select(p => p.Shape).ToArray();
        Assert.NotEmpty(cores);
        var g = volume.Grid;
        foreach (var core in cores)
        {
            double sum = 0; int count = 0;
            for (int z = 0; z < g.Size.Nz; z++)
            {
                var slice = volume.GetSlice(z);
                for (int y = 0; y < g.Size.Ny; y++)
                    for (int x = 0; x < g.Size.Nx; x++)
                        if ((g.Position(x, y, z) - core.Centre).Norm <= 0.6 * core.SemiAxes.X) { sum += slice[y * g.Size.Nx + x]; count++; }
            }
            double mean = sum / count;
            Assert.True(Math.Abs(mean / TestSetup.Nmc.Delta - 1) <= DeltaTolerance, $"core at {core.Centre}: δ {mean:E4} vs {TestSetup.Nmc.Delta:E4} ({count} voxels)");
        }
    }

    private static (double R, double C) Centroid(float[] img, int n, int r0, int r1, int c0, int c1)
    {
        // Above half the local maximum only, so Fresnel halos cut by the box do not pull the centroid.
        float threshold = 0;
        for (int r = r0; r < r1; r++) for (int c = c0; c < c1; c++) threshold = Math.Max(threshold, 0.5f * img[r * n + c]);
        double s = 0, sr = 0, sc = 0;
        for (int r = r0; r < r1; r++)
            for (int c = c0; c < c1; c++)
            {
                double v = Math.Max(0, img[r * n + c] - threshold);
                s += v; sr += v * r; sc += v * c;
            }
        return (sr / s, sc / s);
    }
}
