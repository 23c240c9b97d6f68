using BatteryZoom.Core.Units;
using BatteryZoom.Tomography.Iterative;
using BatteryZoom.Tomography.Projectors;
using CsCheck;

namespace BatteryZoom.Tomography.Tests.Projectors;

public class ProjectorTests
{
    [Fact]
    public void BackwardIsTheAdjointOfForward()
    {
        // ⟨A x, y⟩ = ⟨x, Aᵀ y⟩ for random x, y and random (non-uniform) angles and axis offsets.
        Gen.Select(Gen.Int[8, 24], Gen.Int[3, 12], Gen.Double[-2, 2], Gen.UInt).Sample((n, na, offset, seed) =>
        {
            var rng = new Core.Random.CounterRandom(seed);
            var angles = Enumerable.Range(0, na).Select(i => new Angle(rng.Uniform((ulong)i) * 2 * Math.PI)).ToArray();
            var g = new Core.Geometry.ParallelBeam(new Core.Geometry.Detector(n + 3, 1, TestScans.Pixel), angles, TestScans.Pixel * offset);
            var p = new JosephProjector(g, n, n, TestScans.Pixel);
            var x = Enumerable.Range(0, n * n).Select(i => (float)rng.Normal(1000 + (ulong)i)).ToArray();
            var y = Enumerable.Range(0, na * (n + 3)).Select(i => (float)rng.Normal(100000 + (ulong)i)).ToArray();
            var ax = new float[y.Length]; var aty = new float[x.Length];
            p.Forward(x, ax);
            p.Backward(y, aty);
            double lhs = ax.Zip(y, (a, b) => (double)a * b).Sum(), rhs = x.Zip(aty, (a, b) => (double)a * b).Sum();
            return Math.Abs(lhs - rhs) <= 1e-4 * (Math.Abs(lhs) + Math.Abs(rhs) + 1e-9);
        }, iter: 30);
    }

    [Fact]
    public void Forward_MatchesAnalyticLineIntegrals()
    {
        const int n = 64, na = 30;
        var phantom = TestScans.SheppLogan(n);
        var g = TestScans.Geometry(n, na);
        using var scan = TestScans.Scan(phantom, g);
        var exact = TestScans.Sinogram(scan);
        var p = new JosephProjector(g, n, n, TestScans.Pixel);
        var sino = new float[na * n];
        p.Forward(TestScans.Truth(phantom, n), sino);
        double err = Math.Sqrt(sino.Zip(exact, (a, b) => (double)(a - b) * (a - b)).Average());
        // Pixelisation of the 1–2 px Shepp–Logan skull at N = 64 dominates: 3.3 % of the peak line integral measured.
        Assert.True(err < 0.05 * exact.Max(), $"RMS error {err / exact.Max():P2} of peak");
    }

    [Fact]
    public void FewViews_CglsAndSirtBeatFbp()
    {
        const int n = 64, na = 24;
        var phantom = TestScans.SheppLogan(n);
        var g = TestScans.Geometry(n, na);
        using var scan = TestScans.Scan(phantom, g);
        var sino = TestScans.Sinogram(scan);
        var truth = TestScans.Truth(phantom, n);
        double fbp = TestScans.DiscRmse(TestScans.Fbp(sino, g), truth, n);
        var p = new JosephProjector(g, n, n, TestScans.Pixel);
        double cgls = TestScans.DiscRmse(IterativeReconstruction.Cgls(p, sino, 15), truth, n);
        double sirt = TestScans.DiscRmse(IterativeReconstruction.Sirt(p, sino, 150, nonNegative: true), truth, n);
        Assert.True(cgls < fbp, $"CGLS {cgls:0.0000} vs FBP {fbp:0.0000}");
        Assert.True(sirt < fbp, $"SIRT {sirt:0.0000} vs FBP {fbp:0.0000}");
    }
}
