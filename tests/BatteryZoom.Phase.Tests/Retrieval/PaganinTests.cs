using BatteryZoom.Core.Data;
using BatteryZoom.Core.Units;
using BatteryZoom.Phase.Paganin;
using CsCheck;

namespace BatteryZoom.Phase.Tests.Retrieval;

public sealed class PaganinTests
{
    // Issue 6: Paganin ≤ 8 % relative L2 phase error, noise-free, phase up to 1 rad (here at the largest distance, 4 mm).
    private const double PaganinTolerance = 0.08;

    private static PaganinOptions Options(Length z) => new() { Energy = TestSetup.Energy, Distance = z, PixelSize = TestSetup.Pixel, DeltaOverBeta = TestSetup.Nmc.DeltaOverBeta };

    [Fact]
    public void ConstantTransmission_GivesConstantPhase() =>
        Gen.Select(Gen.Float[0.05f, 1.5f], Gen.Int[8, 40], Gen.Int[8, 40]).Sample((t, rows, cols) =>
        {
            var plan = PaganinPlan.Create(rows, cols, Options(Length.FromMillimeters(2)));
            var phase = new float[rows * cols];
            plan.Execute(Enumerable.Repeat(t, rows * cols).ToArray(), phase);
            double expected = -0.5 * plan.Options.DeltaOverBeta * Math.Log(t);
            return phase.All(p => Math.Abs(p - expected) <= 1e-4 * Math.Max(1, Math.Abs(expected)));
        }, iter: 30);

    [Fact]
    public void OpenBeam_GivesZeroPhase()
    {
        var plan = PaganinPlan.Create(33, 47, Options(Length.FromMillimeters(4)));
        var phase = new float[33 * 47];
        plan.Execute(Enumerable.Repeat(1f, 33 * 47).ToArray(), phase);
        Assert.All(phase, p => Assert.Equal(0, p, 5));
    }

    [Theory]
    [InlineData("spheres")]
    [InlineData("nmc")]
    public void SimulatedHolograms_PhaseWithinTolerance(string phantom)
    {
        const int n = 256;
        var ph = phantom == "nmc" ? TestSetup.NmcClusters(n) : TestSetup.Spheres(n);
        using var sim = TestSetup.Simulate(ph, n, TestSetup.ParallelPlanes);
        var truth = sim.TruePhase.GetFrame(0).ToArray();
        Assert.InRange(truth.Max(), 0.7, 1.05);
        for (int d = 0; d < TestSetup.Distances.Length; d++)
        {
            using var stack = PhaseRetrieval.Paganin(sim.Scans[d].Projections, Options(TestSetup.Distances[d]));
            double err = TestSetup.RelativeError(stack.GetFrame(0), truth);
            Assert.True(err <= PaganinTolerance, $"{phantom} at {TestSetup.Distances[d]}: {err:P2}");
        }
    }

    [Fact]
    public void Options_Throw_WhenOutOfRange()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => PaganinPlan.Create(8, 8, Options(Length.Zero)));
        Assert.Throws<ArgumentOutOfRangeException>(() => PaganinPlan.Create(8, 8, Options(Length.FromMillimeters(1)) with { DeltaOverBeta = -3 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => PaganinPlan.Create(8, 8, Options(Length.FromMillimeters(1)) with { PaddingFactor = 0.5 }));
    }

    [Fact]
    public void Facade_KeepsShape()
    {
        using var input = ImageStack<float>.Create(3, 20, 30, StorageOptions.InMemory);
        for (int i = 0; i < 3; i++) input.GetFrame(i).Fill(0.5f + 0.1f * i);
        using var output = PhaseRetrieval.Paganin(input, Options(Length.FromMillimeters(1)));
        Assert.Equal((3, 20, 30), (output.Count, output.Rows, output.Columns));
        Assert.Equal(-0.5 * TestSetup.Nmc.DeltaOverBeta * Math.Log(0.7), output.GetFrame(2)[7], 2);
    }
}
