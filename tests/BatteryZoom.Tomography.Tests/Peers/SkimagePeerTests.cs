using BatteryZoom.Core.Data;
using BatteryZoom.Core.Geometry;

namespace BatteryZoom.Tomography.Tests.Peers;

/// <summary>Accuracy against scikit-image's iradon on the same analytic sinogram (Debian python3-skimage).</summary>
public class SkimagePeerTests
{
    // Same discretisation as iradon (Kak–Slaney ramp, linear interpolation, Δθ = π/N): the two agree to ~1e-6 relative;
    // the slack covers our float32 accumulation against iradon's float64.
    private const double Float32Slack = 1e-4;

    [Fact]
    public void SheppLogan256_NoWorseThanIradonRamp()
    {
        PythonPeer.RequireModules("numpy", "skimage.transform");
        const int n = 256, na = 360;
        var phantom = TestScans.SheppLogan(n);
        // iradon puts the axis on column N//2 = 128, so the shared sinogram has its axis there (offset +0.5 px).
        var g = TestScans.Geometry(n, na, axisOffsetPixels: 0.5);
        using var scan = TestScans.Scan(phantom, g);
        var sino = TestScans.Sinogram(scan);

        // Our grid is shifted to coincide with iradon's (see below), so both are scored against the same truth and disc.
        var ours = TestScans.Fbp(sino, g, new Tomography.Fbp.FbpOptions { CentreX = TestScans.Pixel * -0.5, CentreY = TestScans.Pixel * 0.5 });

        using var py = new PythonPeer();
        py.Write("sino.f32", sino.Select(v => (float)(v / TestScans.Pixel.Meters)).ToArray());   // line integrals per pixel
        py.Execute($$"""
            import numpy as np
            from skimage.transform import iradon
            s = np.fromfile("sino.f32", dtype=np.float32).reshape({{na}}, {{n}})
            theta = np.arange({{na}}) * 180.0 / {{na}}
            r = iradon(s.T, theta=theta, output_size={{n}}, filter_name="ramp", interpolation="linear", circle=True)
            r.astype(np.float32).tofile("rec.f32")
            """);
        var sk = py.Read("rec.f32");
        // iradon: row i is y = 128 − i (y up), column j is x = j − 128. Flip rows to our y-down-the-array convention:
        // flipped row i' holds y = i' − 127, so its truth is the phantom on a grid whose origin is (−128, −127) px.
        var flipped = new float[n * n];
        for (int i = 0; i < n; i++) sk.AsSpan((n - 1 - i) * n, n).CopyTo(flipped.AsSpan(i * n, n));
        double p = TestScans.Pixel.Meters;
        var skGrid = new VoxelGrid(new GridSize(n, n, 1), TestScans.Pixel, TestScans.Pixel, TestScans.Pixel, new Vec3(-128 * p, -127 * p, 0));
        using var skTruth = phantom.Voxelize(skGrid, 4, StorageOptions.InMemory);
        double skRmse = TestScans.DiscRmse(flipped, skTruth.GetSlice(0), n, 128, 127);

        double ourRmse = TestScans.DiscRmse(ours, skTruth.GetSlice(0), n, 128, 127);
        Assert.True(skRmse < 0.05, $"peer sanity: iradon RMSE {skRmse:0.0000} (convention mismatch?)");
        Assert.True(ourRmse <= skRmse * (1 + Float32Slack), $"ours {ourRmse:0.00000} vs iradon {skRmse:0.00000}");
    }
}
