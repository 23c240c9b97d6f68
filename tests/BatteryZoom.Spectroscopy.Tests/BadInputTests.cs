using BatteryZoom.Core.Diagnostics;
using BatteryZoom.Core.Units;
using BatteryZoom.Simulation.Particles;
using BatteryZoom.Spectroscopy.Data;
using BatteryZoom.Spectroscopy.EdgeEnergy;
using BatteryZoom.Spectroscopy.Normalisation;

namespace BatteryZoom.Spectroscopy.Tests;

public class BadInputTests
{
    private static string Write(string name, string text)
    {
        string dir = Path.Combine(Path.GetTempPath(), "bzoom-xanes-tests");
        Directory.CreateDirectory(dir);
        string p = Path.Combine(dir, name);
        File.WriteAllText(p, text);
        return p;
    }

    private static string Columns(double[] e, double[] mu, string sep) =>
        string.Join("\n", e.Select((x, i) => FormattableString.Invariant($"{x}{sep}{mu[i]}")));

    private static (double[] E, double[] Mu) Model()
    {
        var e = NiKEdgeModel.TxmEnergyGrid();
        var m = new NiKEdgeModel();
        return (e, e.Select(x => m.Mu(x, 0.5)).ToArray());
    }

    [Theory]
    [InlineData(",", "csv")]
    [InlineData("\t", "tsv")]
    [InlineData("  ", "txt")]
    public void Columns_ReadInAnySeparator(string sep, string ext)
    {
        var (e, mu) = Model();
        var path = Write($"ok.{ext}", "# energy mu\n" + Columns(e, mu, sep));
        var s = SpectrumReader.Read(path);
        Assert.Equal(63, s.EnergiesEv.Length);
        var r = XanesSpectrumAnalysis.Analyse(s, new SpectrumAnalysisOptions { PreEdge = new PreEdgeOptions { Norm1 = new Energy(30) } });
        Assert.InRange(r.EHalf!.Value, 8342, 8345);
    }

    [Fact]
    public void NonIncreasingEnergies_InFile_ClearError()
    {
        var (e, mu) = Model();
        (e[10], e[11]) = (e[11], e[10]);
        var ex = Assert.Throws<DataFormatException>(() => SpectrumReader.Read(Write("swap.csv", Columns(e, mu, ","))));
        Assert.Contains("strictly increasing", ex.Message);
    }

    [Fact]
    public void NaN_InFile_ClearError()
    {
        var (e, mu) = Model();
        mu[5] = double.NaN;
        var ex = Assert.Throws<DataFormatException>(() => SpectrumReader.Read(Write("nan.csv", Columns(e, mu, ","))));
        Assert.Contains("finite", ex.Message);
    }

    [Fact]
    public void FlatSpectrum_ClearError()
    {
        var e = NiKEdgeModel.TxmEnergyGrid();
        var mu = TestData.Spectrum(new NiKEdgeModel { Step = 0.01 }, e, 0, 1.0, 3).Select(v => v - 0.3).ToArray();   // flat + noise (σ = 0.01)
        var ex = Assert.Throws<IncompatibleInputException>(() => XanesSpectrumAnalysis.Analyse(new Spectrum("flat", "flat.csv", e, mu)));
        Assert.Contains("no absorption edge", ex.Message);
    }

    [Fact]
    public void TooFewPointsBeforeEdge_ClearError()
    {
        var all = NiKEdgeModel.TxmEnergyGrid();
        var e = all.Where(x => x >= 8338).ToArray();     // starts 6 eV below the edge
        var m = new NiKEdgeModel();
        var mu = e.Select(x => m.Mu(x, 0)).ToArray();
        var ex = Assert.Throws<IncompatibleInputException>(() => PreEdgePlan.Create(e, new PreEdgeOptions { E0 = new Energy(8343), Pre1 = new Energy(-150), Pre2 = new Energy(-30) }, mu));
        Assert.Contains("below E0", ex.Message);
    }

    [Fact]
    public void TooFewPointsAfterEdge_ClearError()
    {
        var e = NiKEdgeModel.TxmEnergyGrid().Where(x => x <= 8356).ToArray();
        var ex = Assert.Throws<IncompatibleInputException>(() => PreEdgePlan.Create(e, new PreEdgeOptions { E0 = new Energy(8343), Norm1 = new Energy(30), Norm2 = new Energy(200), NNorm = 2 }));
        Assert.Contains("above E0", ex.Message);
    }

    [Fact]
    public void Kernel_NaNSpectrum_IsMaskedNotThrown()
    {
        var e = NiKEdgeModel.TxmEnergyGrid();
        var kernel = new XanesKernel(PreEdgePlan.Create(e, EdgeEnergy.EdgeEnergyAccuracyTests.Ranges));
        var mu = new double[e.Length];
        mu[3] = double.NaN;
        Assert.Equal(SpectrumStatus.NotFinite, kernel.Evaluate(mu).Status);
        Assert.Equal(SpectrumStatus.NoEdge, kernel.Evaluate(new double[e.Length]).Status);
    }
}
