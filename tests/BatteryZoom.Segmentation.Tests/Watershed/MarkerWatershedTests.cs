using BatteryZoom.Core.Data;
using BatteryZoom.Core.Diagnostics;
using BatteryZoom.Core.Steps;
using BatteryZoom.Segmentation.DistanceTransform;
using BatteryZoom.Segmentation.Tests.Infrastructure;
using BatteryZoom.Segmentation.Watershed;

namespace BatteryZoom.Segmentation.Tests.Watershed;

public sealed class MarkerWatershedTests
{
    public static TheoryData<Connectivity, int> Cases => new()
    {
        { Connectivity.Faces6, 1 }, { Connectivity.Edges18, 2 }, { Connectivity.Vertices26, 3 },
    };

    [Theory, Trait("Category", "fast"), Trait("Category", "peer")]
    [MemberData(nameof(Cases))]
    public void Flood_TieFreeInput_MatchesSkimage(Connectivity connectivity, int skimageConnectivity)
    {
        Peer.RequireAvailable();
        using var dir = new TempDir();
        var grid = TestVolumes.Grid(33, 30, 27);
        using var image = TestVolumes.Noise(grid, seed: 5);                    // distinct float values: no ties
        using var mask = TestVolumes.Balls(grid, 10, 5, 10, seed: 9);
        using var markers = TestVolumes.Make<uint>(grid, (x, y, z) => (x * 7 + y * 13 + z * 29) % 97 == 0 ? (uint)(1 + (x + y + z) % 9) : 0u);
        using var ours = MarkerWatershed.Flood(image, markers, mask, connectivity);
        Npy.Write(dir["image.npy"], image);
        Npy.Write(dir["mask.npy"], mask);
        Npy.Write(dir["markers.npy"], markers);
        Peer.Run($"""
            import numpy as np
            from skimage.segmentation import watershed
            im = np.load('image.npy'); m = np.load('mask.npy').astype(bool); k = np.load('markers.npy').astype(np.int32)
            np.save('ref.npy', watershed(im, k, connectivity={skimageConnectivity}, mask=m).astype(np.uint32))
            """, dir.Path);
        var (reference, _) = Npy.Read<uint>(dir["ref.npy"]);
        Assert.Equal(reference, TestVolumes.Flatten(ours.Labels));
    }

    [Theory, Trait("Category", "fast")]
    [InlineData(Connectivity.Faces6)]
    [InlineData(Connectivity.Vertices26)]
    public void Flood_FileBackedInputsAndSliceLayout_GiveSameLabels(Connectivity connectivity)
    {
        // The padded one-array flood (default), the same with file-backed inputs and output, and the slice-array layout used
        // beyond 2³¹ voxels must agree voxel for voxel (same tie order).
        var grid = TestVolumes.Grid(29, 26, 22);
        using var mask = TestVolumes.Balls(grid, 9, 4, 9, seed: 12);
        using var dist = EuclideanDistance.Compute(mask);
        using var seeds = SeedDetection.LocalMaxima(dist, mask, 3);
        using var padded = MarkerWatershed.FloodDistance(dist, seeds.Labels, mask, connectivity);
        using var distDisk = dist.Copy(StorageOptions.OnDisk());
        using var seedsDisk = seeds.Labels.Copy(StorageOptions.OnDisk());
        using var maskDisk = mask.Copy(StorageOptions.OnDisk());
        using var onDisk = MarkerWatershed.FloodDistance(distDisk, seedsDisk, maskDisk, connectivity, new RunContext { Storage = StorageOptions.OnDisk() });
        Assert.False(onDisk.Labels.Slices.IsInMemory);
        using var slices = MarkerWatershed.Run(dist, negate: true, seeds.Labels, mask, connectivity, null, sliceLayout: true);
        var expected = TestVolumes.Flatten(padded.Labels);
        Assert.Equal(expected, TestVolumes.Flatten(onDisk.Labels));
        Assert.Equal(expected, TestVolumes.Flatten(slices.Labels));
        Assert.Equal(padded.Count, slices.Count);
    }

    [Fact, Trait("Category", "fast")]
    public void FloodDistance_SplitsTwoTouchingBalls()
    {
        var grid = TestVolumes.Grid(40, 24, 24);
        using var mask = TestVolumes.Make<byte>(grid, (x, y, z) =>
            (Sq(x - 12) + Sq(y - 12) + Sq(z - 12) <= 64 || Sq(x - 25) + Sq(y - 12) + Sq(z - 12) <= 64) ? (byte)1 : (byte)0);
        using var dist = EuclideanDistance.Compute(mask);
        using var seeds = SeedDetection.LocalMaxima(dist, mask, 5);
        Assert.Equal(2u, seeds.Count);
        using var ws = MarkerWatershed.FloodDistance(dist, seeds.Labels, mask, Connectivity.Faces6);
        var l = TestVolumes.Flatten(ws.Labels);
        Assert.NotEqual(l[(12 * 24 + 12) * 40 + 12], l[(12 * 24 + 12) * 40 + 25]);
        static int Sq(int a) => a * a;
    }

    [Fact, Trait("Category", "fast")]
    public void Flood_Errors()
    {
        var grid = TestVolumes.Grid(8, 8, 8);
        using var image = TestVolumes.Noise(grid, 1);
        using var noMarkers = TestVolumes.Make<uint>(grid, (_, _, _) => 0u);
        using var otherShape = TestVolumes.Make<uint>(TestVolumes.Grid(8, 8, 7), (_, _, _) => 1u);
        Assert.Throws<IncompatibleInputException>(() => MarkerWatershed.Flood(image, noMarkers, null, Connectivity.Faces6));
        var e = Assert.Throws<IncompatibleInputException>(() => MarkerWatershed.Flood(image, otherShape, null, Connectivity.Faces6));
        Assert.Contains("shape", e.Message);
    }
}
