using BatteryZoom.Core.Geometry;
using BatteryZoom.Phase.Ctf;
using BatteryZoom.Phase.Holotomography;
using BatteryZoom.Simulation.Acquisition;
using BatteryZoom.Simulation.Holotomography;

namespace BatteryZoom.Phase.Tests.Retrieval;

/// <summary>The regularisation study behind <see cref="CtfOptions"/>' defaults (docs/algorithms/phase-retrieval.md);
/// slow tier: set BZOOM_SLOW_TESTS=1 and read the table from the test output.</summary>
public sealed class RegularizationStudy(ITestOutputHelper output)
{
    [Fact]
    [Trait("tier", "slow")]
    public void NmcElectrode_AlphaSweep()
    {
        Assert.SkipUnless(Environment.GetEnvironmentVariable("BZOOM_SLOW_TESTS") == "1", "slow tier: set BZOOM_SLOW_TESTS=1");
        const int n = 256;
        var ph = TestSetup.NmcClusters(n);
        var defaults = (Low: 0.0, Contrast: 0.0);
        foreach (double counts in new[] { 0.0, 1e4, 1e3 })
        {
            using var sim = TestSetup.Simulate(ph, n, TestSetup.ParallelPlanes, detector: counts > 0 ? new DetectorModel(FlatCounts: counts, Seed: 9) : null);
            var truth = sim.TruePhase.GetFrame(0).ToArray();
            var holo = new float[4 * n * n];
            for (int d = 0; d < 4; d++)
            {
                var f = new float[n * n];
                sim.Scans[d].Projections.ReadFrame(0, f);
                FlatField.For(sim.Scans[d]).Apply(f);
                f.CopyTo(holo, d * n * n);
            }
            float tmax = truth.Max();
            var mask = truth.Select(t => t > 0.5f * tmax).ToArray();
            output.WriteLine($"## {(counts > 0 ? $"{counts:G3} counts" : "noise-free")}\n| coupling | α_low | α_high | rel. L2 error | NMC contrast |\n|---|---:|---:|---:|---:|");
            var rec = new float[n * n];
            foreach (double? db in new double?[] { TestSetup.Nmc.DeltaOverBeta, null })
                foreach (double lo in db is null ? [1e-4, 1e-3, 1e-2] : new[] { 0, 1e-8, 1e-7, 1e-6, 1e-5, 1e-4 })
                    foreach (double hi in new[] { 1e-3, 1e-2, 1e-1 })
                    {
                        CtfPlan.Create(n, n, new CtfOptions
                        {
                            Energy = TestSetup.Energy, PixelSize = TestSetup.Pixel, Distances = TestSetup.Distances, DeltaOverBeta = db,
                            LowFrequencyRegularization = lo, HighFrequencyRegularization = hi,
                        }).Execute(holo, rec);
                        double a = 0, b = 0;
                        for (int i = 0; i < rec.Length; i++) if (mask[i]) { a += rec[i]; b += truth[i]; }
                        output.WriteLine($"| {(db is null ? "none" : "δ/β 148")} | {lo:G2} | {hi:G2} | {TestSetup.RelativeError(rec, truth):P2} | {a / b:F3} |");
                        if (counts == 0 && db is not null && lo == CtfOptions.DefaultLowFrequencyRegularization && hi == CtfOptions.DefaultHighFrequencyRegularization) defaults = (lo, a / b);
                    }
        }
        Assert.InRange(defaults.Contrast, 0.99, 1.01);
    }
}
