using BatteryZoom.Core.Units;
using BatteryZoom.Simulation.Particles;
using BatteryZoom.Spectroscopy.EdgeEnergy;
using BatteryZoom.Spectroscopy.Normalisation;

namespace BatteryZoom.Spectroscopy.Tests.EdgeEnergy;

/// <summary>E at half step on the 63-energy TXM grid (model: arctan Γ = 1.5 eV + white line), 400–1000 noise draws each.
/// Measured values are in docs/algorithms/xanes.md; the error is dominated by the noise of the pre-/post-edge fits.</summary>
public class EdgeEnergyAccuracyTests
{
    private static readonly NiKEdgeModel Model = new();
    private static readonly double[] Grid = NiKEdgeModel.TxmEnergyGrid();
    // Pre-edge up to E0 − 25 eV (Athena's habit; Larch's pre1/2 would keep 8 of the 15 pre-edge points) and the post-edge fit
    // past the white line (Larch's norm1 = 15 eV would fit the white-line tail on this grid).
    internal static readonly PreEdgeOptions Ranges = new() { E0 = new Energy(8344), Pre2 = new Energy(-25), Norm1 = new Energy(30) };

    internal static (double Mean, double Rms, double P95, int Masked) Errors(double noise, bool localFit, int n, double soc = 0.37, bool correct = true)
    {
        var plan = PreEdgePlan.Create(Grid, Ranges);
        var kernel = new XanesKernel(plan, new EdgeEnergyOptions { LocalFit = localFit, LocalFitBiasCorrection = correct });
        double truth = Model.HalfHeightEnergy(soc);
        var err = new List<double>();
        for (int k = 0; k < n; k++)
        {
            var f = kernel.Evaluate(TestData.Spectrum(Model, Grid, soc, noise, (ulong)k + 1000));
            if (f.Status == SpectrumStatus.Ok) err.Add(f.EdgeEnergy - truth);
        }
        double mean = err.Average(), rms = Math.Sqrt(err.Select(e => e * e).Average());
        var abs = err.Select(Math.Abs).OrderBy(x => x).ToArray();
        return (mean, rms, abs[(int)(0.95 * (abs.Length - 1))], n - err.Count);
    }

    [Fact]
    public void Noiseless_RecoversModelHalfHeight()
    {
        // Linear interpolation on a curved edge sampled every 1 eV: measured −0.03 eV.
        Assert.InRange(Errors(0, false, 1).Mean, -0.05, 0.05);
        Assert.InRange(Errors(0, true, 1).Mean, -0.05, 0.05);
    }

    [Fact]
    public void TwoPercentNoise_RmsWithin0p1eV()
    {
        var r = Errors(0.02, false, 400);
        Assert.True(r.Rms <= 0.1, $"rms {r.Rms:F3} eV > 0.1 eV (mean {r.Mean:F3}, p95 {r.P95:F3})");
        Assert.Equal(0, r.Masked);
    }

    [Fact]
    public void TenPercentNoise_RmsWithin0p5eV()
    {
        var r = Errors(0.10, false, 400);
        Assert.True(r.Rms <= 0.5, $"rms {r.Rms:F3} eV > 0.5 eV (mean {r.Mean:F3}, p95 {r.P95:F3})");
    }

    [Fact]
    public void TwentyPercentNoise_LocalFitWithoutTable_BiasBounded()
    {
        var r = Errors(0.20, true, 1000);
        // A bare kernel (no noise-bias table, e.g. one spectrum) with the second-order correction: measured −0.11 ± 0.007 eV over SOC
        // 0..1 (20 000 draws; −0.145 without). The correction removes the part caused by noisy normalisation; the remaining ≈ −0.10 eV
        // is the window-selection effect that the table removes (LocalFitCalibrationTests). 0.2 eV bounds this path only.
        Assert.True(Math.Abs(r.Mean) <= 0.2, $"bias {r.Mean:F3} eV (rms {r.Rms:F3})");
        var off = Errors(0.20, true, 1000, correct: false);
        Assert.True(r.Mean > off.Mean, $"correction must move the bias toward 0: {r.Mean:F3} vs {off.Mean:F3} eV without");
    }
}
