using BatteryZoom.Core.Units;
using BatteryZoom.Segmentation.Filters;
using BatteryZoom.Segmentation.Tests.Infrastructure;

namespace BatteryZoom.Segmentation.Tests.Filters;

public sealed class FilterPeerTests
{
    // Our float32-accumulated passes against SciPy's float64-accumulated ones, both stored as float32 between passes: each
    // pass rounds ~9–13 products (≈ 1e-7 relative each) on values of order 1, three passes: a few 1e-7, well inside 1e-5.
    private const double GaussianTolerance = 1e-5;

    [Fact, Trait("Category", "fast"), Trait("Category", "peer")]
    public void Filters_MatchScipyAndSkimage()
    {
        Peer.RequireAvailable();
        using var dir = new TempDir();
        var grid = TestVolumes.Grid(26, 22, 18, 0.5, 0.5, 1.0);
        using var image = TestVolumes.Noise(grid, 3);
        using var mask = TestVolumes.Balls(TestVolumes.Grid(26, 22, 18), 14, 1, 5, seed: 17);
        using var gauss = GaussianFilter.Apply(image, Length.FromMicrometers(1.0), Length.FromMicrometers(0.75), Length.FromMicrometers(1.5));
        using var median = MedianFilter.Apply(image, 1);
        using var ero = BinaryMorphology.Erode(mask, Length.FromMicrometers(2));
        using var dil = BinaryMorphology.Dilate(mask, Length.FromMicrometers(2));
        using var opened = BinaryMorphology.Open(mask, Length.FromMicrometers(1));
        using var closed = BinaryMorphology.Close(mask, Length.FromMicrometers(1));
        using var filled = BinaryMorphology.FillHoles(closed, Connectivity.Faces6);
        using var small = BinaryMorphology.RemoveSmallObjects(mask, 30, Connectivity.Vertices26);
        Npy.Write(dir["image.npy"], image);
        Npy.Write(dir["mask.npy"], mask);
        Npy.Write(dir["closed.npy"], closed);
        Peer.Run("""
            import numpy as np, scipy.ndimage as ndi
            from skimage.morphology import ball, binary_erosion, binary_dilation, binary_opening, binary_closing, remove_small_objects
            im = np.load('image.npy'); m = np.load('mask.npy').astype(bool); c = np.load('closed.npy').astype(bool)
            np.save('gauss.npy', ndi.gaussian_filter(im, sigma=(1.5/1.0, 0.75/0.5, 1.0/0.5)).astype(np.float32))
            np.save('median.npy', ndi.median_filter(im, size=3).astype(np.float32))
            np.save('ero.npy', binary_erosion(m, ball(2)).astype(np.uint8))
            np.save('dil.npy', binary_dilation(m, ball(2)).astype(np.uint8))
            np.save('open.npy', binary_opening(m, ball(1)).astype(np.uint8))
            np.save('close.npy', binary_closing(m, ball(1)).astype(np.uint8))
            np.save('fill.npy', ndi.binary_fill_holes(c).astype(np.uint8))
            np.save('small.npy', remove_small_objects(m, 30, connectivity=3).astype(np.uint8))
            """, dir.Path);
        var g = Npy.Read<float>(dir["gauss.npy"]).Data;
        var ours = TestVolumes.Flatten(gauss);
        Assert.True(g.Zip(ours).Max(p => Math.Abs(p.First - p.Second)) <= GaussianTolerance);
        Assert.Equal(Npy.Read<float>(dir["median.npy"]).Data, TestVolumes.Flatten(median));
        Assert.Equal(Npy.Read<byte>(dir["ero.npy"]).Data, TestVolumes.Flatten(ero));
        Assert.Equal(Npy.Read<byte>(dir["dil.npy"]).Data, TestVolumes.Flatten(dil));
        Assert.Equal(Npy.Read<byte>(dir["open.npy"]).Data, TestVolumes.Flatten(opened));
        Assert.Equal(Npy.Read<byte>(dir["close.npy"]).Data, TestVolumes.Flatten(closed));
        Assert.Equal(Npy.Read<byte>(dir["fill.npy"]).Data, TestVolumes.Flatten(filled));
        Assert.Equal(Npy.Read<byte>(dir["small.npy"]).Data, TestVolumes.Flatten(small));
    }

    [Fact, Trait("Category", "fast")]
    public void RemoveSmallObjects_SizeRuleIsStrictlyLess()
    {
        // One object of exactly 4 voxels: kept for min 4, removed for min 5.
        using var mask = TestVolumes.Make<byte>(TestVolumes.Grid(8, 3, 3), (x, y, z) => y == 1 && z == 1 && x is >= 2 and <= 5 ? (byte)1 : (byte)0);
        using var kept = BinaryMorphology.RemoveSmallObjects(mask, 4, Connectivity.Faces6);
        using var removed = BinaryMorphology.RemoveSmallObjects(mask, 5, Connectivity.Faces6);
        Assert.Equal(4, TestVolumes.Flatten(kept).Sum(b => b));
        Assert.Equal(0, TestVolumes.Flatten(removed).Sum(b => b));
    }

    [Fact, Trait("Category", "fast")]
    public void BadArguments_Throw()
    {
        using var image = TestVolumes.Noise(TestVolumes.Grid(4, 4, 4), 1);
        Assert.Throws<ArgumentOutOfRangeException>(() => GaussianFilter.Apply(image, Length.FromMicrometers(-1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => MedianFilter.Apply(image, 0));
        // Spacing ≤ 0 is refused where the grid is made.
        Assert.Throws<ArgumentOutOfRangeException>(() => TestVolumes.Grid(4, 4, 4, 0, 1, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => TestVolumes.Grid(4, 4, 4, 1, -1, 1));
    }
}
