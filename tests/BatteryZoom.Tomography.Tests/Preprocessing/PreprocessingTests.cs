using BatteryZoom.Core.Steps;
using BatteryZoom.Core.Data;
using BatteryZoom.Core.Diagnostics;
using BatteryZoom.Core.Units;
using BatteryZoom.Simulation.Acquisition;
using BatteryZoom.Tomography.Preprocessing;

namespace BatteryZoom.Tomography.Tests.Preprocessing;

public class FlatFieldTests
{
    private static ProjectionSet RawScan(int na, int n, Func<int, double> beam, float[][] flats, int[]? _ = null, float[]? sinogram = null)
    {
        var g = TestScans.Geometry(n, na);
        var frames = new float[na][];
        for (int a = 0; a < na; a++)
        {
            frames[a] = new float[n];
            for (int c = 0; c < n; c++) frames[a][c] = (float)(beam(a) * Math.Exp(-(sinogram?[a * n + c] ?? 0.1 * c / n)) + 100);
        }
        var darks = ImageStack<float>.FromFrames([Enumerable.Repeat(100f, n).ToArray()], 1, n);
        return new ProjectionSet(ImageStack<float>.FromFrames(frames, 1, n), g, IntensityDomain.Raw, ImageStack<float>.FromFrames(flats, 1, n), darks);
    }

    [Fact]
    public void FlatsBeforeAndAfter_AreInterpolatedByIndex()
    {
        const int na = 20, n = 16;
        Func<int, double> beam = a => 10000 - 100.0 * a;   // beam decays linearly through the scan
        float[] Flat(double i0) => Enumerable.Repeat((float)(i0 + 100), n).ToArray();
        using var raw = RawScan(na, n, beam, [Flat(10000), Flat(10000), Flat(10000), Flat(10000 - 100.0 * na), Flat(10000 - 100.0 * na)]);
        using var p = FlatFieldCorrection.Apply(raw, out var report, new FlatFieldOptions { FlatIndices = [0, 0, 0, na, na] });
        Assert.Equal(IntensityDomain.LineIntegral, p.Domain);
        Assert.Equal(0, report.ClampedValues);
        var row = new float[n];
        for (int a = 0; a < na; a++)
        {
            p.Projections.ReadRow(a, 0, row);
            for (int c = 0; c < n; c++) Assert.Equal(0.1 * c / n, row[c], 1e-5);
        }
        Assert.Equal(FlatFieldCorrection.StepId, p.Provenance.Entries[^1].Step);
    }

    [Fact]
    public void MedianOfFlats_RejectsAZinger()
    {
        const int na = 4, n = 8;
        var good = Enumerable.Repeat(10100f, n).ToArray();
        var hit = (float[])good.Clone(); hit[3] = 60000;
        using var raw = RawScan(na, n, _ => 10000, [good, hit, (float[])good.Clone()]);
        using var p = FlatFieldCorrection.Apply(raw, out _, new FlatFieldOptions { FlatCombine = FrameCombine.Median });
        var row = new float[n];
        p.Projections.ReadRow(0, 0, row);
        Assert.Equal(0.1 * 3 / n, row[3], 4);
    }

    [Fact]
    public void NonPositiveTransmission_IsClampedCountedAndLogged()
    {
        const int na = 3, n = 8;
        using var raw = RawScan(na, n, _ => 10000, [Enumerable.Repeat(10100f, n).ToArray()]);
        raw.Projections.GetFrame(1)[2] = 50;    // below the dark level
        raw.Projections.GetFrame(2)[5] = 100;   // exactly the dark level
        var log = new List<string>();
        using var p = FlatFieldCorrection.Apply(raw, out var report, context: new Core.Steps.RunContext { Log = log.Add });
        Assert.Equal(2, report.ClampedValues);
        Assert.Contains(log, l => l.Contains("clamped 2", StringComparison.Ordinal));
        Assert.Equal(-Math.Log(1e-6), p.Projections.GetFrame(1)[2], 3);
    }

    [Fact]
    public void AllZeroFlats_AreRejected()
    {
        using var raw = RawScan(3, 8, _ => 10000, [new float[8], new float[8]]);
        var e = Assert.Throws<IncompatibleInputException>(() => FlatFieldCorrection.Apply(raw, out _));
        Assert.Contains("flat fields are all zero", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NaNInRawData_IsReportedWithItsPosition()
    {
        using var raw = RawScan(3, 8, _ => 10000, [Enumerable.Repeat(10100f, 8).ToArray()]);
        raw.Projections.GetFrame(2)[6] = float.NaN;
        var e = Assert.Throws<IncompatibleInputException>(() => FlatFieldCorrection.Apply(raw, out _));
        Assert.Contains("projection 2, row 0, column 6 holds NaN", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SecondNormalisation_IsRefused()
    {
        using var scan = TestScans.Scan(TestScans.SheppLogan(16), TestScans.Geometry(16, 4));
        var e = Assert.Throws<IncompatibleInputException>(() => FlatFieldCorrection.Apply(scan, out _));
        Assert.Contains("log twice", e.Message, StringComparison.Ordinal);
    }
}

public class ZingerTests
{
    [Fact]
    public void IsolatedHits_AreReplaced_NoiseIsKept()
    {
        const int rows = 32, cols = 32;
        var rng = new Core.Random.CounterRandom(3);
        var frame = new float[rows * cols];
        for (int i = 0; i < frame.Length; i++) frame[i] = (float)(100 + 10 * Math.Sin(i % cols / 5.0) + rng.Normal((ulong)i));
        var clean = (float[])frame.Clone();
        int[] hits = [40, 300, 777, 1000];
        foreach (int h in hits) frame[h] += 60;
        long n = ZingerRemoval.FilterFrame(frame, rows, cols, 6);
        Assert.InRange(n, hits.Length, hits.Length + 3);
        foreach (int h in hits) Assert.InRange(frame[h] - clean[h], -5, 5);
    }
}

public class RotationCenterTests
{
    // 0.25 px: the requirement.
    private const double CenterTolerance = 0.25;

    private static ProjectionSet NoisyScan(int n, int na, double rangeDegrees, double offsetPixels, ulong seed)
    {
        var g = TestScans.Geometry(n, na, rangeDegrees, rows: 3, axisOffsetPixels: offsetPixels);
        var phantom = TestScans.SheppLogan(n).Scaled(2.0 / TestScans.Pixel.Meters / n).Shifted(new Core.Geometry.Vec3(0.1 * n * TestScans.Pixel.Meters, 0, 0));
        using var exact = TestScans.Scan(phantom, g);
        using var raw = new DetectorModel(FlatCounts: 5000, DarkCounts: 50, Seed: seed).Record(exact);
        return FlatFieldCorrection.Apply(raw, out _);
    }

    [Theory]
    [InlineData(3.3)]
    [InlineData(-6.75)]
    public void ShiftedAxis_360_RecoveredFromPairs(double offset)
    {
        const int n = 128;
        using var scan = NoisyScan(n, 360, 360, offset, 11);
        double truth = (n - 1) / 2.0 + offset;
        Assert.InRange(RotationCenter.Estimate(scan), truth - CenterTolerance, truth + CenterTolerance);
    }

    [Fact]
    public void ShiftedAxis_180WithEndProjection_FromOpposingProjections()
    {
        const int n = 128, na = 181;
        var g = TestScans.Geometry(n, na, 180, rows: 3, axisOffsetPixels: -2.4);
        var angles = ParallelBeamAngles(na);
        var geom = new Core.Geometry.ParallelBeam(g.Detector, angles, g.AxisOffset);
        using var exact = TestScans.Scan(TestScans.SheppLogan(n).Scaled(2.0 / TestScans.Pixel.Meters / n), geom);
        using var raw = new DetectorModel(FlatCounts: 5000, DarkCounts: 50, Seed: 5).Record(exact);
        using var scan = FlatFieldCorrection.Apply(raw, out _);
        var p0 = new float[n]; var p180 = new float[n];
        scan.Projections.ReadRow(0, 1, p0);
        scan.Projections.ReadRow(na - 1, 1, p180);
        double truth = (n - 1) / 2.0 - 2.4;
        Assert.InRange(RotationCenter.FromOpposingProjections(p0, p180), truth - CenterTolerance, truth + CenterTolerance);
        Assert.InRange(RotationCenter.Estimate(scan), truth - CenterTolerance, truth + CenterTolerance);
    }

    private static Angle[] ParallelBeamAngles(int na) =>
        Core.Geometry.ParallelBeam.UniformAngles(na, Angle.Zero, Angle.FromDegrees(180), includeEnd: true).ToArray();

    [Fact]
    public void NoOpposingAngles_GivesAClearError()
    {
        using var scan = TestScans.Scan(TestScans.SheppLogan(32), TestScans.Geometry(32, 30, 90));
        var e = Assert.Throws<IncompatibleInputException>(() => RotationCenter.Estimate(scan));
        Assert.Contains("180° apart", e.Message, StringComparison.Ordinal);
    }
}

public class RingRemovalTests
{
    /// <summary>A cylinder-like sample (large disc with two inclusions): smooth sinogram columns, as in real scans, unlike
    /// Shepp–Logan's 2-px skull whose column-to-column changes exceed the stripes.</summary>
    private static Simulation.Phantoms.EllipsoidPhantom Sample(int n)
    {
        double p = TestScans.Pixel.Meters;
        return new([
            new(new(0, 0, 0), new(0.42 * n * p, 0.42 * n * p, 1e3), Angle.Zero, 1.0),
            new(new(0.1 * n * p, -0.05 * n * p, 0), new(0.12 * n * p, 0.07 * n * p, 1e3), Angle.FromDegrees(30), 0.5),
            new(new(-0.15 * n * p, 0.12 * n * p, 0), new(0.05 * n * p, 0.05 * n * p, 1e3), Angle.Zero, -0.4),
        ]);
    }

    [Fact]
    public void Apply_OnAFileBackedScan_EqualsTheInMemoryResult()
    {
        // Rows are processed in bands and written into each frame with ImageStack.WriteRows when the output lives in a
        // scratch file; the result must not depend on where the stack lives (bit-identical: same arithmetic per row).
        const int na = 12, nr = 7, nc = 16;
        var rng = new Core.Random.CounterRandom(5);
        var geometry = new Core.Geometry.ParallelBeam(new Core.Geometry.Detector(nc, nr, TestScans.Pixel),
            Core.Geometry.ParallelBeam.UniformAngles(na, Angle.Zero, Angle.FromDegrees(180)));
        ProjectionSet Make(StorageOptions storage)
        {
            var stack = ImageStack<float>.Create(na, nr, nc, storage);
            var frame = new float[nr * nc];
            for (int a = 0; a < na; a++)
            {
                for (int i = 0; i < frame.Length; i++) frame[i] = (float)(1 + rng.Uniform((ulong)(a * frame.Length + i)) + (i % nc == 5 ? 0.3 : 0));
                stack.WriteFrame(a, frame);
            }
            return new ProjectionSet(stack, geometry, IntensityDomain.LineIntegral);
        }
        using var memory = Make(StorageOptions.InMemory);
        using var disk = Make(StorageOptions.OnDisk());
        var options = new RingRemovalOptions { Method = RingMethod.Sorting };
        using var a = RingRemoval.Apply(memory, options, RunContext.Default with { Storage = StorageOptions.InMemory });
        // A budget of three sinograms gives bands of one row (half the budget per band).
        using var b = RingRemoval.Apply(disk, options, RunContext.Default with { Storage = new StorageOptions(new MemorySize(3L * 4 * na * nc)) });
        Assert.False(b.Projections.IsInMemory);
        var fa = new float[nr * nc];
        var fb = new float[nr * nc];
        for (int i = 0; i < na; i++)
        {
            a.Projections.ReadFrame(i, fa);
            b.Projections.ReadFrame(i, fb);
            Assert.Equal(fa, fb);
        }
    }

    /// <summary>Ring metric: RMS of the column-mean of (sinogram − stripe-free sinogram) minus its 15-column median: the
    /// column offsets (stripes) left, without the object's own profile.</summary>
    private static double RingMetric(float[] sino, float[] reference, int na, int n)
    {
        var profile = new float[n];
        for (int c = 0; c < n; c++) { double s = 0; for (int a = 0; a < na; a++) s += sino[a * n + c] - reference[a * n + c]; profile[c] = (float)(s / na); }
        var smooth = new float[n];
        SinogramOps.Median1D(profile, smooth, 15);
        return Math.Sqrt(profile.Zip(smooth, (p, q) => (double)(p - q) * (p - q)).Average());
    }

    /// <summary>Gaussian noise of <paramref name="relative"/> × the sinogram's peak (real scans are never noise-free).</summary>
    private static float[] Noisy(float[] sino, double relative, ulong seed)
    {
        var rng = new Core.Random.CounterRandom(seed);
        double sigma = relative * sino.Max();
        return sino.Select((v, i) => (float)(v + sigma * rng.Normal((ulong)i))).ToArray();
    }

    [Theory]
    [InlineData(RingMethod.Sorting)]
    [InlineData(RingMethod.LargeStripe)]
    [InlineData(RingMethod.DeadStripe)]
    [InlineData(RingMethod.All)]
    public void InjectedStripes_LowerRingMetric_WithoutRaisingRmse(RingMethod method)
    {
        const int n = 128, na = 180;
        var phantom = Sample(n);
        var g = TestScans.Geometry(n, na);
        using var scan = TestScans.Scan(phantom, g);
        var clean = Noisy(TestScans.Sinogram(scan), 0.003, 5);
        var striped = (float[])clean.Clone();
        var rng = new Core.Random.CounterRandom(21);
        double peak = clean.Max();
        // Partial small stripes (gain errors), one large stripe band, one dead column.
        // Each method gets the stripe kind it is made for; All gets every kind.
        bool small = method is RingMethod.Sorting or RingMethod.All, large = method is RingMethod.LargeStripe or RingMethod.DeadStripe or RingMethod.All;
        foreach (int c in small ? new[] { 20, 33, 47, 70, 88, 101 } : [])
        {
            double offset = 0.03 * peak * (rng.Uniform((ulong)c) < 0.5 ? -1 : 1);
            for (int a = 0; a < na; a++) striped[a * n + c] += (float)offset;
        }
        if (large) for (int c = 60; c < 63; c++) for (int a = 0; a < na; a++) striped[a * n + c] += (float)(0.05 * peak);
        if (method is RingMethod.DeadStripe or RingMethod.All) for (int a = 0; a < na; a++) striped[a * n + 95] = (float)(0.4 * peak);
        var truth = TestScans.Truth(phantom, n);
        double before = RingMetric(striped, clean, na, n), rmseBefore = TestScans.DiscRmse(TestScans.Fbp(striped, g), truth, n);
        var fixedSino = (float[])striped.Clone();
        RingRemoval.Filter(fixedSino, na, n, new RingRemovalOptions { Method = method });
        // The stripes left = filtered striped sinogram against the filtered stripe-free one (the filter's own small
        // changes to the object are not rings; the RMSE check guards against them).
        var fixedClean = (float[])clean.Clone();
        RingRemoval.Filter(fixedClean, na, n, new RingRemovalOptions { Method = method });
        double after = RingMetric(fixedSino, fixedClean, na, n), rmseAfter = TestScans.DiscRmse(TestScans.Fbp(fixedSino, g), truth, n);
        Assert.True(after < RingReduction * before, $"ring metric {before:0.0000} → {after:0.0000}");
        Assert.True(rmseAfter <= rmseBefore, $"RMSE {rmseBefore:0.00000} → {rmseAfter:0.00000}");
    }

    // The issue asks for a lower ring metric; we require at least 40 % lower (the sorting filter on its own removes about half).
    private const double RingReduction = 0.6;

    // 5 %: the filters may smooth sharp edges a little; on stripe-free data they must leave the image essentially as is.
    private const double CleanRmseGrowth = 1.05;

    [Theory]
    [InlineData(RingMethod.Sorting)]
    [InlineData(RingMethod.LargeStripe)]
    [InlineData(RingMethod.DeadStripe)]
    [InlineData(RingMethod.All)]
    public void CleanSinogram_IsBarelyChanged(RingMethod method)
    {
        const int n = 128, na = 180;
        var phantom = Sample(n);
        var g = TestScans.Geometry(n, na);
        using var scan = TestScans.Scan(phantom, g);
        var clean = Noisy(TestScans.Sinogram(scan), 0.003, 6);
        var truth = TestScans.Truth(phantom, n);
        double rmse = TestScans.DiscRmse(TestScans.Fbp(clean, g), truth, n);
        var filtered = (float[])clean.Clone();
        RingRemoval.Filter(filtered, na, n, new RingRemovalOptions { Method = method });
        double rmse2 = TestScans.DiscRmse(TestScans.Fbp(filtered, g), truth, n);
        Assert.True(rmse2 <= CleanRmseGrowth * rmse, $"RMSE {rmse:0.00000} → {rmse2:0.00000}");
    }

    [Fact]
    public void UnknownMethod_ListsValidNames()
    {
        var e = Assert.Throws<FormatException>(() => RingRemovalOptions.ParseMethod("wavelet"));
        Assert.Contains("sorting", e.Message, StringComparison.Ordinal);
    }
}

public class FourierCentreMetricTests
{
    // 0.25 px: the requirement.
    private const double CenterTolerance = 0.25;

    [Theory]
    [InlineData(3.3, 21UL)]
    [InlineData(-5.65, 22UL)]
    public void ShiftedAxis_180WithoutEndProjection_Recovered(double offset, ulong seed)
    {
        // 180 views over [0°, 180°): no opposing pair exists, so only the Fourier metric applies.
        const int n = 128;
        var g = TestScans.Geometry(n, 180, 180, rows: 3, axisOffsetPixels: offset);
        var phantom = TestScans.SheppLogan(n).Scaled(2.0 / TestScans.Pixel.Meters / n).Shifted(new Core.Geometry.Vec3(0.08 * n * TestScans.Pixel.Meters, 0, 0));
        using var exact = TestScans.Scan(phantom, g);
        using var raw = new DetectorModel(FlatCounts: 5000, DarkCounts: 50, Seed: seed).Record(exact);
        using var scan = FlatFieldCorrection.Apply(raw, out _);
        double truth = (n - 1) / 2.0 + offset;
        Assert.InRange(FourierCentreMetric.Estimate(scan), truth - CenterTolerance, truth + CenterTolerance);
    }

    [Fact]
    public void NonUniformAngles_GiveAClearError()
    {
        using var scan = TestScans.Scan(TestScans.SheppLogan(32), TestScans.Geometry(32, 30, 90));
        var e = Assert.Throws<IncompatibleInputException>(() => FourierCentreMetric.Estimate(scan));
        Assert.Contains("uniform over [0°, 180°)", e.Message, StringComparison.Ordinal);
    }
}

public class RotationCenterAutoTests
{
    [Fact]
    public void EstimateAuto_UsesTheFourierMetric_WhenNoPairExists()
    {
        const int n = 96;
        var g = TestScans.Geometry(n, 120, 180, rows: 3, axisOffsetPixels: 2.2);
        using var exact = TestScans.Scan(TestScans.SheppLogan(n).Scaled(2.0 / TestScans.Pixel.Meters / n), g);
        double c = RotationCenter.EstimateAuto(exact, out string method);
        Assert.Contains("Fourier", method, StringComparison.Ordinal);
        Assert.InRange(c, (n - 1) / 2.0 + 2.2 - 0.25, (n - 1) / 2.0 + 2.2 + 0.25);   // 0.25 px: the requirement
    }
}
