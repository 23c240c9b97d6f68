using System.Globalization;
using BatteryZoom.Core.Data;
using BatteryZoom.Core.Diagnostics;
using BatteryZoom.Core.Units;
using BatteryZoom.Segmentation.Labelling;
using BatteryZoom.Segmentation.Measurements;
using BatteryZoom.Segmentation.Tests.Infrastructure;
using CsCheck;

namespace BatteryZoom.Segmentation.Tests.Measurements;

public sealed class RegionMeasurementsTests
{
    private static Volume<uint> Ball(double r, double dx = 1)
    {
        int n = (int)Math.Ceiling(2 * r) + 4;
        double c = (n - 1) / 2.0 + 0.17;   // off-centre so the digitisation is generic
        return TestVolumes.Make<uint>(TestVolumes.Grid(n, n, n, dx, dx, dx), (x, y, z) =>
            (x - c) * (x - c) + (y - c) * (y - c) + (z - c) * (z - c) <= r * r ? 1u : 0u);
    }

    [Theory, Trait("Category", "fast")]
    [InlineData(4.0)]
    [InlineData(8.0)]
    [InlineData(16.0)]
    public void VoxelisedBall_VolumeAndAreaApproachTheBall(double r)
    {
        using var ball = Ball(r, dx: 0.5);
        var row = Assert.Single(RegionMeasurements.Measure(ball).Rows);
        double rm = r * 0.5e-6;
        double exactV = 4.0 / 3 * Math.PI * rm * rm * rm, exactA = 4 * Math.PI * rm * rm;
        // Volume: lattice-point counting error of a ball shrinks at least as fast as 1/r (relative); 1/r (voxels) is the bound.
        Assert.InRange(Math.Abs(row.Volume.CubicMeters - exactV) / exactV, 0, 1.0 / r);
        // Area: the 2/3 face-count estimator converges like 1/r with a larger constant (staircase corners).
        Assert.InRange(Math.Abs(row.SurfaceArea.SquareMeters - exactA) / exactA, 0, 1.5 / r);
        Assert.InRange(row.Sphericity, 1 - 1.5 / r, 1 + 1.5 / r);
        Assert.Equal(Math.Cbrt(6 * row.Volume.CubicMeters / Math.PI), row.EquivalentDiameter.Meters, 1e-15);
        Assert.False(row.TouchesBorder);
    }

    [Fact, Trait("Category", "fast")]
    public void Box_ExactCountsCentroidBoundsAndIntensity()
    {
        var grid = TestVolumes.Grid(10, 8, 6, 1, 2, 3);
        using var labels = TestVolumes.Make<uint>(grid, (x, y, z) => x is >= 2 and <= 5 && y is >= 1 and <= 3 && z is >= 0 and <= 1 ? 7u : 0u);
        using var energy = new Volume<float>(grid, TestVolumes.Make<float>(grid, (x, y, z) => 8333f + x).Slices, Quantity.EdgeEnergy);
        var row = Assert.Single(RegionMeasurements.Measure(labels, energy).Rows);
        Assert.Equal(7u, row.Label);
        Assert.Equal(24, row.VoxelCount);
        Assert.Equal(24 * 6e-18, row.Volume.CubicMeters, 1e-25);
        Assert.Equal(new VoxelBox(2, 1, 0, 5, 3, 1), row.Bounds);
        Assert.Equal(3.5e-6, row.Centroid.X, 1e-15);
        Assert.Equal(2 * 2e-6, row.Centroid.Y, 1e-15);
        Assert.Equal(0.5 * 3e-6, row.Centroid.Z, 1e-15);
        Assert.True(row.TouchesBorder);
        // Faces: x-faces 2·(3·2) of 2·3 µm², y-faces 2·(4·2) of 1·3 µm², z-faces 2·(4·3) of 1·2 µm²; times 2/3.
        Assert.Equal(2.0 / 3 * (12 * 6 + 16 * 3 + 24 * 2) * 1e-12, row.SurfaceArea.SquareMeters, 1e-20);
        var s = row.Intensity!.Value;
        Assert.Equal(24, s.Count);
        Assert.Equal(8336.5, s.Mean, 1e-9);
        Assert.Equal(Math.Sqrt(1.25), s.StandardDeviation, 1e-9);
        Assert.Equal(8335, s.Min);
        Assert.Equal(8338, s.Max);
    }

    [Fact, Trait("Category", "fast")]
    public void Relabelling_LeavesStatisticsUnchanged() =>
        Gen.Select(Gen.ULong, Gen.Int[1, 1_000_000]).Sample((seed, permSeed) =>
        {
            var grid = TestVolumes.Grid(20, 17, 13);
            using var mask = TestVolumes.Balls(grid, 8, 1.5, 4, seed);
            using var labelled = ConnectedComponents.Label(mask, Connectivity.Faces6);
            using var noise = TestVolumes.Noise(grid, seed + 1);
            // A random bijection of 1..N onto scattered labels.
            var rnd = new Random(permSeed);
            var targets = Enumerable.Range(1, (int)labelled.Count).Select(i => (uint)(i * 1000 + rnd.Next(1000))).OrderBy(_ => rnd.Next()).ToArray();
            var flat = TestVolumes.Flatten(labelled.Labels);
            using var relabelled = TestVolumes.Make<uint>(grid, (x, y, z) =>
            {
                uint l = flat[(z * 17 + y) * 20 + x];
                return l == 0 ? 0 : targets[l - 1];
            });
            var a = RegionMeasurements.Measure(labelled.Labels, noise).Rows.ToDictionary(r => targets[r.Label - 1]);
            var b = RegionMeasurements.Measure(relabelled, noise).Rows;
            return b.Count == a.Count && b.All(r => a[r.Label] with { Label = r.Label } == r);
        }, iter: 20);

    [Fact, Trait("Category", "fast")]
    public void Regions_TakeTheMajorityRegion_AndSizeDistributionsSplitByRegion()
    {
        var grid = TestVolumes.Grid(30, 10, 10);
        // Object 1 mostly in region 1 (x < 12), object 2 entirely in region 2.
        using var labels = TestVolumes.Make<uint>(grid, (x, y, z) => x is >= 2 and <= 13 && y < 4 ? 1u : x >= 20 && y < 4 ? 2u : 0u);
        using var regions = TestVolumes.Make<uint>(grid, (x, _, _) => x < 12 ? 1u : 2u);
        var table = RegionMeasurements.Measure(labels, null, regions);
        Assert.Equal([1u, 2u], table.Rows.Select(r => r.Region));
        var dists = SizeDistribution.ByRegion(table, new SizeBins(Length.FromMicrometers(1), Length.FromMicrometers(100), 4, BinSpacing.Logarithmic));
        Assert.Equal(2, dists.Count);
        Assert.All(dists, d => Assert.Equal(1, d.Counts.Sum()));
        using var w = new StringWriter(CultureInfo.InvariantCulture);
        SizeDistribution.WriteCsv(dists, w);
        var lines = w.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("region,bin_lower [um],bin_upper [um],count,number_fraction,volume [um^3],volume_fraction", lines[0]);
        Assert.Equal(9, lines.Length);
    }

    [Fact, Trait("Category", "fast")]
    public void Csv_HasUnitsInHeader_AndInvariantNumbers()
    {
        // InvariantGlobalization is on in this repository, so no other culture can be set; the writer formats with InvariantCulture anyway.
        {
            using var ball = Ball(3, dx: 0.5);
            var grid = ball.Grid;
            using var e = new Volume<float>(grid, TestVolumes.Make<float>(grid, (_, _, _) => 8333.25f).Slices, Quantity.EdgeEnergy);
            using var w = new StringWriter(CultureInfo.InvariantCulture);
            RegionMeasurements.Measure(ball, e).WriteCsv(w);
            var lines = w.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.StartsWith("label,voxel_count,volume [um^3],equivalent_diameter [um],", lines[0]);
            Assert.EndsWith("edge_energy_mean [eV],edge_energy_std [eV],edge_energy_min [eV],edge_energy_max [eV]", lines[0]);
            Assert.Contains("8333.25", lines[1]);
            Assert.Equal(lines[0].Split(',').Length, lines[1].Split(',').Length);
        }
    }

    [Fact, Trait("Category", "fast")]
    public void Errors_RegionImageOfAnotherShape_AndNoObject()
    {
        using var labels = TestVolumes.Make<uint>(TestVolumes.Grid(6, 6, 6), (x, _, _) => x > 2 ? 1u : 0u);
        using var regions = TestVolumes.Make<uint>(TestVolumes.Grid(6, 6, 5), (_, _, _) => 1u);
        using var empty = TestVolumes.Make<uint>(TestVolumes.Grid(6, 6, 6), (_, _, _) => 0u);
        var e = Assert.Throws<IncompatibleInputException>(() => RegionMeasurements.Measure(labels, null, regions));
        Assert.Contains("region image", e.Message);
        Assert.Throws<IncompatibleInputException>(() => RegionMeasurements.Measure(empty));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SizeBins(Length.Zero, Length.FromMicrometers(1), 3, BinSpacing.Logarithmic).Edges());
    }

    [Fact, Trait("Category", "fast"), Trait("Category", "peer")]
    public void CountsCentroidsAndMeans_MatchRegionprops()
    {
        Peer.RequireAvailable();
        using var dir = new TempDir();
        var grid = TestVolumes.Grid(30, 26, 22);
        using var mask = TestVolumes.Balls(grid, 15, 2, 6, seed: 21);
        using var labels = ConnectedComponents.Label(mask, Connectivity.Vertices26);
        using var image = TestVolumes.Noise(grid, 4);
        var table = RegionMeasurements.Measure(labels.Labels, image);
        Npy.Write(dir["labels.npy"], labels.Labels);
        Npy.Write(dir["image.npy"], image);
        string output = Peer.Run("""
            import numpy as np
            from skimage.measure import regionprops
            l = np.load('labels.npy').astype(np.int64); im = np.load('image.npy').astype(np.float64)
            for p in regionprops(l, intensity_image=im):
                print(p.label, p.area, *[repr(float(c)) for c in p.centroid], repr(float(p.mean_intensity)))
            """, dir.Path);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(table.Rows.Count, lines.Length);
        foreach (var (line, row) in lines.Zip(table.Rows))
        {
            var f = line.Split(' ').Select(s => double.Parse(s, CultureInfo.InvariantCulture)).ToArray();
            Assert.Equal(f[0], row.Label);
            Assert.Equal(f[1], row.VoxelCount);
            Assert.Equal(f[2], row.Centroid.Z * 1e6, 1e-9);
            Assert.Equal(f[3], row.Centroid.Y * 1e6, 1e-9);
            Assert.Equal(f[4], row.Centroid.X * 1e6, 1e-9);
            Assert.Equal(f[5], row.Intensity!.Value.Mean, 1e-9);
        }
    }
}
