using BatteryZoom.Core.Data;
using BatteryZoom.Core.Diagnostics;
using BatteryZoom.Core.Units;
using BatteryZoom.Phase.Ctf;

namespace BatteryZoom.Phase.Tests.Retrieval;

public sealed class CtfTests
{
    // Issue 6: 4-distance CTF ≤ 2.5 % relative L2 phase error over the whole field, noise-free, phase up to 1 rad.
    private const double CtfTolerance = 0.025;

    private static CtfOptions Options(IReadOnlyList<Length>? distances = null) => new()
    {
        Energy = TestSetup.Energy, PixelSize = TestSetup.Pixel, Distances = distances ?? TestSetup.Distances, DeltaOverBeta = TestSetup.Nmc.DeltaOverBeta,
    };

    [Theory]
    [InlineData("spheres")]
    [InlineData("nmc")]
    public void FourDistances_NoiseFree_PhaseWithinTolerance(string phantom)
    {
        const int n = 256;
        var ph = phantom == "nmc" ? TestSetup.NmcClusters(n) : TestSetup.Spheres(n);
        using var sim = TestSetup.Simulate(ph, n, TestSetup.ParallelPlanes);
        var truth = sim.TruePhase.GetFrame(0).ToArray();
        Assert.InRange(truth.Max(), 0.7, 1.05);
        var plan = CtfPlan.Create(n, n, Options());
        Assert.Empty(plan.Warnings);
        var phase = new float[n * n];
        plan.Execute(TestSetup.Stack(sim, 0), phase);
        double err = TestSetup.RelativeError(phase, truth);
        Assert.True(err <= CtfTolerance, $"{phantom}: {err:P2}");
    }

    [Fact]
    public void OpenBeam_GivesZeroPhase()
    {
        var plan = CtfPlan.Create(30, 41, Options());
        var phase = new float[30 * 41];
        plan.Execute(Enumerable.Repeat(1f, 4 * 30 * 41).ToArray(), phase);
        Assert.All(phase, p => Assert.Equal(0, p, 6));
    }

    [Fact]
    public void PurePhase_Works_WithoutCoupling()
    {
        var plan = CtfPlan.Create(16, 16, Options() with { DeltaOverBeta = null, LowFrequencyRegularization = 1e-3 });
        var phase = new float[256];
        plan.Execute(Enumerable.Repeat(0.9f, 4 * 256).ToArray(), phase);
        Assert.All(phase, p => Assert.Equal(0, p, 4));   // the mean of a pure-phase object is not transferred
    }

    [Fact]
    public void Distances_NotIncreasing_Throw()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => CtfPlan.Create(8, 8, Options([Length.FromMillimeters(2), Length.FromMillimeters(1)])));
        Assert.Contains("increase", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => CtfPlan.Create(8, 8, Options([Length.FromMillimeters(1), Length.FromMillimeters(1)])));
        e = Assert.Throws<ArgumentOutOfRangeException>(() => CtfPlan.Create(8, 8, Options([Length.FromMillimeters(-1), Length.FromMillimeters(1)])));
        Assert.Contains("positive", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => CtfPlan.Create(8, 8, Options([])));
        Assert.Throws<ArgumentOutOfRangeException>(() => CtfPlan.Create(8, 8, Options() with { DeltaOverBeta = null, LowFrequencyRegularization = 0 }));
    }

    [Fact]
    public void Facade_Throws_OnMismatchedStacks()
    {
        using var a = ImageStack<float>.Create(2, 16, 16, StorageOptions.InMemory);
        using var b = ImageStack<float>.Create(2, 16, 18, StorageOptions.InMemory);
        var e = Assert.Throws<IncompatibleInputException>(() => PhaseRetrieval.Ctf([a, b], Options([Length.FromMillimeters(1), Length.FromMillimeters(2)])));
        Assert.Contains("16×18", e.Message, StringComparison.Ordinal);
        Assert.Throws<IncompatibleInputException>(() => PhaseRetrieval.Ctf([a, a], Options()));
    }

    [Fact]
    public void Erfc_MatchesKnownValues()
    {
        Assert.Equal(1, CtfPlan.Erfc(0), 6);
        Assert.Equal(0.157299207, CtfPlan.Erfc(1), 6);
        Assert.Equal(1.842700793, CtfPlan.Erfc(-1), 6);
    }
}
