using System.Globalization;
using BatteryZoom.Core.Data;
using BatteryZoom.Core.Diagnostics;
using BatteryZoom.Core.Units;
using BatteryZoom.Segmentation.DistanceTransform;
using BatteryZoom.Segmentation.Tests.Infrastructure;
using BatteryZoom.Segmentation.Watershed;

namespace BatteryZoom.Segmentation.Tests.Watershed;

public sealed class HMaximaTests
{
    public static TheoryData<Connectivity, int> Cases => new()
    {
        { Connectivity.Faces6, 1 }, { Connectivity.Edges18, 2 }, { Connectivity.Vertices26, 3 },
    };

    /// <summary>Our definition, built from scikit-image's own parts: reconstruction by dilation of (image − h) under the image
    /// with the connectivity's footprint, its regional maxima (<c>local_maxima</c>), labelled by <c>scipy.ndimage.label</c>.
    /// Outside the mask the image is set far below everything (−1000), which can neither create a maximum nor lift a path.
    /// The arithmetic is exact on both sides (image − h in float32, then only max/min of existing values), so labels must be
    /// identical, numbering included (raster order of first voxel).</summary>
    private static string ReferenceScript(double h, int rank) => string.Create(CultureInfo.InvariantCulture, $"""
        import numpy as np, scipy.ndimage as ndi
        from skimage.morphology import reconstruction, local_maxima, h_maxima
        im = np.load('image.npy'); m = np.load('mask.npy').astype(bool)
        fp = ndi.generate_binary_structure(3, {rank})
        f = np.where(m, im, np.float32(-1000)).astype(np.float32)
        rec = reconstruction(f - {h:R}, f, method='dilation', footprint=fp)
        lm = local_maxima(rec, connectivity={rank}, allow_borders=True) & m
        lab, n = ndi.label(lm, structure=fp)
        np.save('ref.npy', lab.astype(np.uint32))
        hm, _ = ndi.label(h_maxima(f, {h:R}, footprint=fp).astype(bool) & m, structure=fp)
        np.save('hmax.npy', hm.astype(np.uint32))
        """);

    [Theory, Trait("Category", "fast"), Trait("Category", "peer")]
    [MemberData(nameof(Cases))]
    public void HMaxima_NoiseInMask_MatchesSkimageReconstructionAndLocalMaxima(Connectivity connectivity, int rank)
    {
        Peer.RequireAvailable();
        using var dir = new TempDir();
        var grid = TestVolumes.Grid(31, 27, 23);
        using var image = TestVolumes.Noise(grid, seed: 21);        // tie-free: many maxima with dynamics spread over [0, 1)
        using var mask = TestVolumes.Balls(grid, 8, 4, 9, seed: 4);
        const double h = 0.1;
        using var ours = SeedDetection.HMaxima(image, mask, h, connectivity);
        Npy.Write(dir["image.npy"], image);
        Npy.Write(dir["mask.npy"], mask);
        Peer.Run(ReferenceScript(h, rank), dir.Path);
        var (reference, _) = Npy.Read<uint>(dir["ref.npy"]);
        Assert.True(reference.Max() > 5, "the input should give several maxima");
        Assert.Equal(reference.Max(), ours.Count);
        Assert.Equal(reference, TestVolumes.Flatten(ours.Labels));
    }

    [Theory, Trait("Category", "fast"), Trait("Category", "peer")]
    [MemberData(nameof(Cases))]
    public void HMaxima_DistanceMap_MatchesSkimage(Connectivity connectivity, int rank)
    {
        Peer.RequireAvailable();
        using var dir = new TempDir();
        var grid = TestVolumes.Grid(48, 44, 40);
        using var mask = TestVolumes.Balls(grid, 18, 4, 10, seed: 17);
        using var dist = EuclideanDistance.Compute(mask);
        // 1.5 µm: the dynamic of a distance map is a difference of square roots of integers (in µm here), which is never
        // exactly 1.5, so the float32 rounding of image − h and skimage's extra 2e-6·|image| cannot move a maximum across h.
        var h = Length.FromMicrometers(1.5);
        using var ours = SeedDetection.HMaxima(dist, mask, h, connectivity);
        Npy.Write(dir["image.npy"], dist);
        Npy.Write(dir["mask.npy"], mask);
        Peer.Run(ReferenceScript(h.Meters, rank), dir.Path);
        var (reference, _) = Npy.Read<uint>(dir["ref.npy"]);
        var labels = TestVolumes.Flatten(ours.Labels);
        Assert.Equal(reference, labels);

        // skimage.morphology.h_maxima keeps only the top of each dome (image − reconstruction ≥ h): each of its pieces must lie in
        // one of our markers, and each of our markers must hold at least one piece (one marker may hold two equal tops).
        var (hmax, _) = Npy.Read<uint>(dir["hmax.npy"]);
        var covered = new HashSet<uint>();
        for (int i = 0; i < labels.Length; i++)
            if (hmax[i] != 0) { Assert.NotEqual(0u, labels[i]); covered.Add(labels[i]); }
        Assert.Equal((int)ours.Count, covered.Count);
        Assert.True(ours.Count >= 10, $"only {ours.Count} markers");
    }

    [Fact, Trait("Category", "fast")]
    public void HMaxima_TwoTouchingBalls_GiveTwoMarkersAndWatershedSplitsThem()
    {
        var grid = TestVolumes.Grid(40, 24, 24);
        using var mask = TestVolumes.Make<byte>(grid, (x, y, z) =>
            (Sq(x - 12) + Sq(y - 12) + Sq(z - 12) <= 64 || Sq(x - 25) + Sq(y - 12) + Sq(z - 12) <= 64) ? (byte)1 : (byte)0);
        using var dist = EuclideanDistance.Compute(mask);
        // Radius 8 and the neck between the balls ~ 5 deep: h = 2 µm keeps both, h = 6 µm merges them into one dome.
        using var seeds = SeedDetection.HMaxima(dist, mask, Length.FromMicrometers(2), Connectivity.Vertices26);
        Assert.Equal(2u, seeds.Count);
        using var one = SeedDetection.HMaxima(dist, mask, Length.FromMicrometers(6), Connectivity.Vertices26);
        Assert.Equal(1u, one.Count);
        using var ws = MarkerWatershed.FloodDistance(dist, seeds.Labels, mask, Connectivity.Faces6);
        var l = TestVolumes.Flatten(ws.Labels);
        Assert.NotEqual(l[(12 * 24 + 12) * 40 + 12], l[(12 * 24 + 12) * 40 + 25]);
        static int Sq(int a) => a * a;
    }

    [Fact, Trait("Category", "fast")]
    public void HMaxima_FileBackedInputs_GiveSameMarkers()
    {
        var grid = TestVolumes.Grid(20, 18, 16);
        using var image = TestVolumes.Noise(grid, seed: 3);
        using var onDisk = image.Copy(StorageOptions.OnDisk());
        using var a = SeedDetection.HMaxima(image, null, 0.2, Connectivity.Faces6);
        using var b = SeedDetection.HMaxima(onDisk, null, 0.2, Connectivity.Faces6);
        Assert.Equal(TestVolumes.Flatten(a.Labels), TestVolumes.Flatten(b.Labels));
    }

    [Fact, Trait("Category", "fast")]
    public void HMaxima_BadInput_Throws()
    {
        var grid = TestVolumes.Grid(8, 8, 8);
        using var image = TestVolumes.Noise(grid, 1);
        using var empty = TestVolumes.Make<byte>(grid, (_, _, _) => 0);
        using var otherShape = TestVolumes.Make<byte>(TestVolumes.Grid(8, 8, 7), (_, _, _) => 1);
        using var withNaN = TestVolumes.Make<float>(grid, (x, y, z) => x == 3 && y == 4 && z == 5 ? float.NaN : 1f);
        Assert.Throws<ArgumentOutOfRangeException>(() => SeedDetection.HMaxima(image, null, 0.0, Connectivity.Faces6));
        Assert.Throws<ArgumentOutOfRangeException>(() => SeedDetection.HMaxima(image, null, double.NaN, Connectivity.Faces6));
        Assert.Throws<ArgumentOutOfRangeException>(() => SeedDetection.HMaxima(image, null, 0.1, (Connectivity)5));
        Assert.Contains("empty", Assert.Throws<IncompatibleInputException>(() => SeedDetection.HMaxima(image, empty, 0.1, Connectivity.Faces6)).Message);
        Assert.Contains("shape", Assert.Throws<IncompatibleInputException>(() => SeedDetection.HMaxima(image, otherShape, 0.1, Connectivity.Faces6)).Message);
        Assert.Contains("NaN at (z 5, y 4, x 3)", Assert.Throws<IncompatibleInputException>(() => SeedDetection.HMaxima(withNaN, null, 0.1, Connectivity.Faces6)).Message);
        // A length needs a distance map in metres.
        Assert.Contains("metres", Assert.Throws<IncompatibleInputException>(() =>
            SeedDetection.HMaxima(image, null, Length.FromMicrometers(1), Connectivity.Faces6)).Message);
    }
}
