using System.Globalization;
using BatteryZoom.Core.Diagnostics;
using BatteryZoom.Core.Random;
using BatteryZoom.Segmentation.Tests.Infrastructure;
using BatteryZoom.Segmentation.Thresholds;

namespace BatteryZoom.Segmentation.Tests.Thresholds;

public sealed class ThresholdTests
{
    [Theory, Trait("Category", "fast"), Trait("Category", "peer")]
    [InlineData(1UL)]
    [InlineData(2UL)]
    [InlineData(3UL)]
    public void OtsuAndMultiOtsu_EqualScikitImage(ulong seed)
    {
        Peer.RequireAvailable();
        using var dir = new TempDir();
        var rng = new CounterRandom(seed);
        var grid = TestVolumes.Grid(31, 27, 23);
        // Three phases plus noise: a realistic tri-modal histogram.
        using var image = TestVolumes.Make<float>(grid, (x, y, z) =>
        {
            ulong i = (ulong)((z * 27 + y) * 31 + x);
            double phase = x < 10 ? 0.1 : x < 20 ? 0.5 : 0.8;
            return (float)(phase + 0.07 * rng.Normal(i));
        });
        double otsu = Threshold.Otsu(image);
        var (lo, hi) = Threshold.MultiOtsu(image);
        Npy.Write(dir["image.npy"], image);
        string output = Peer.Run("""
            import numpy as np
            from skimage.filters import threshold_otsu, threshold_multiotsu
            im = np.load('image.npy')
            t = threshold_multiotsu(im, classes=3)
            print(repr(float(threshold_otsu(im))), repr(float(t[0])), repr(float(t[1])))
            """, dir.Path);
        var parts = output.Trim().Split(' ').Select(s => double.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(parts[0], otsu);
        Assert.Equal(parts[1], lo);
        Assert.Equal(parts[2], hi);
    }

    [Fact, Trait("Category", "fast")]
    public void Apply_IsStrictlyGreater()
    {
        using var image = TestVolumes.Make<float>(TestVolumes.Grid(4, 1, 1), (x, _, _) => x);
        using var mask = Threshold.Apply(image, 2.0);
        Assert.Equal(new byte[] { 0, 0, 0, 1 }, mask.GetSlice(0).ToArray());
    }

    [Fact, Trait("Category", "fast")]
    public void Otsu_ConstantImage_Throws()
    {
        using var image = TestVolumes.Make<float>(TestVolumes.Grid(4, 4, 4), (_, _, _) => 3f);
        Assert.Throws<IncompatibleInputException>(() => Threshold.Otsu(image));
    }
}
