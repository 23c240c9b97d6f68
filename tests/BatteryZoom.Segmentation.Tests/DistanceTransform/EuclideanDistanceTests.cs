using System.Globalization;
using BatteryZoom.Core.Diagnostics;
using BatteryZoom.Segmentation.DistanceTransform;
using BatteryZoom.Segmentation.Tests.Infrastructure;

namespace BatteryZoom.Segmentation.Tests.DistanceTransform;

public sealed class EuclideanDistanceTests
{
    // The criterion: equal to scipy.ndimage.distance_transform_edt within 1e-4 (in units of the sampling, here µm).
    private const double ScipyTolerance = 1e-4;

    [Theory, Trait("Category", "fast"), Trait("Category", "peer")]
    [InlineData(1.0, 1.0, 1.0)]
    [InlineData(0.65, 1.3, 2.6)]
    [InlineData(3.0, 0.5, 1.0)]
    public void Distance_MatchesScipyWithSampling(double dx, double dy, double dz)
    {
        Peer.RequireAvailable();
        using var dir = new TempDir();
        var grid = TestVolumes.Grid(41, 35, 29, dx, dy, dz);
        using var mask = TestVolumes.Balls(grid, 12, 4, 11, seed: 11);
        using var dist = EuclideanDistance.Compute(mask);
        Npy.Write(dir["mask.npy"], mask);
        string s = string.Create(CultureInfo.InvariantCulture, $"({dz}, {dy}, {dx})");
        Peer.Run($"""
            import numpy as np, scipy.ndimage as ndi
            m = np.load('mask.npy')
            np.save('ref.npy', ndi.distance_transform_edt(m, sampling={s}).astype(np.float64))
            """, dir.Path);
        var (reference, _) = Npy.Read<double>(dir["ref.npy"]);
        var ours = TestVolumes.Flatten(dist);
        double worst = 0;
        for (int i = 0; i < ours.Length; i++) worst = Math.Max(worst, Math.Abs(ours[i] * 1e6 - reference[i]));
        Assert.True(worst <= ScipyTolerance, $"max |ours − scipy| = {worst} µm");
    }

    [Fact, Trait("Category", "fast")]
    public void Distance_FileBackedMask_IsReadBySliceWithSameResult()
    {
        var grid = TestVolumes.Grid(23, 19, 17, 0.7, 1.0, 1.3);
        using var mask = TestVolumes.Balls(grid, 6, 3, 7, seed: 8);
        using var onDisk = mask.Copy(BatteryZoom.Core.Data.StorageOptions.OnDisk());
        using var a = EuclideanDistance.Compute(mask);
        using var b = EuclideanDistance.Compute(onDisk);
        Assert.Equal(TestVolumes.Flatten(a), TestVolumes.Flatten(b));
    }

    [Fact, Trait("Category", "fast")]
    public void LocalMaxima_FileBackedInputs_GiveSameSeeds()
    {
        var grid = TestVolumes.Grid(23, 19, 17);
        using var mask = TestVolumes.Balls(grid, 6, 3, 7, seed: 8);
        using var dist = EuclideanDistance.Compute(mask);
        using var distDisk = dist.Copy(BatteryZoom.Core.Data.StorageOptions.OnDisk());
        using var maskDisk = mask.Copy(BatteryZoom.Core.Data.StorageOptions.OnDisk());
        using var a = BatteryZoom.Segmentation.Watershed.SeedDetection.LocalMaxima(dist, mask, 3);
        using var b = BatteryZoom.Segmentation.Watershed.SeedDetection.LocalMaxima(distDisk, maskDisk, 3);
        Assert.Equal(TestVolumes.Flatten(a.Labels), TestVolumes.Flatten(b.Labels));
    }

    [Fact, Trait("Category", "fast")]
    public void Distance_SingleBackgroundVoxel_IsEuclideanNorm()
    {
        var grid = TestVolumes.Grid(9, 7, 5, 1, 2, 3);
        using var mask = TestVolumes.Make<byte>(grid, (x, y, z) => (x, y, z) == (4, 3, 2) ? (byte)0 : (byte)1);
        using var d = EuclideanDistance.Compute(mask);
        for (int z = 0; z < 5; z++)
            for (int y = 0; y < 7; y++)
                for (int x = 0; x < 9; x++)
                {
                    double expected = Math.Sqrt(Math.Pow(x - 4, 2) + Math.Pow(2 * (y - 3), 2) + Math.Pow(3 * (z - 2), 2)) * 1e-6;
                    Assert.Equal(expected, d.GetSlice(z)[y * 9 + x], 1e-11);
                }
    }

    [Fact, Trait("Category", "fast")]
    public void Distance_AllForeground_Throws()
    {
        using var mask = TestVolumes.Make<byte>(TestVolumes.Grid(5, 5, 5), (_, _, _) => 1);
        Assert.Throws<IncompatibleInputException>(() => EuclideanDistance.Compute(mask));
    }
}
