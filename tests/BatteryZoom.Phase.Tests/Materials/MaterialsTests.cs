using System.Diagnostics;
using System.Globalization;
using BatteryZoom.Core.Units;
using BatteryZoom.Phase.Materials;

namespace BatteryZoom.Phase.Tests.Materials;

public sealed class MaterialsTests
{
    // The issue quotes 3 significant figures (8.37e-7, 148, 4.79e-7, 715): half a unit in the last place is 0.06–0.35 %,
    // so 0.5 % accepts the rounding and the ~0.1 % difference of our ln-linear f1 from xraydb's spline.
    private const double QuotedValueTolerance = 0.005;
    // Peer comparison with xraydb at energies away from edges: the embedded table reproduces Chantler points to 1e-3.
    private const double PeerTolerance = 0.003;

    [Fact]
    public void Nmc532_At33p6keV_MatchesIssueValues()
    {
        var n = XrayOptics.RefractiveIndex("LiNi0.5Mn0.3Co0.2O2", MassDensity.Parse("4.77 g/cm3"), Energy.Parse("33.6 keV"));
        Assert.InRange(n.Delta, 8.37e-7 * (1 - QuotedValueTolerance), 8.37e-7 * (1 + QuotedValueTolerance));
        Assert.InRange(n.DeltaOverBeta, 148 * (1 - QuotedValueTolerance), 148 * (1 + QuotedValueTolerance));
        Assert.True(n.BetaPhoto < n.Beta);
    }

    [Fact]
    public void Aluminium_At33p6keV_MatchesIssueValues()
    {
        var n = XrayOptics.RefractiveIndex("Al", MassDensity.FromGramsPerCubicCentimeter(2.70), Energy.FromKiloElectronVolts(33.6));
        Assert.InRange(n.Delta, 4.79e-7 * (1 - QuotedValueTolerance), 4.79e-7 * (1 + QuotedValueTolerance));
        Assert.InRange(n.DeltaOverBeta, 715 * (1 - QuotedValueTolerance), 715 * (1 + QuotedValueTolerance));
    }

    [Fact]
    public void Formula_ParsesGroupsAndFractions()
    {
        var f = ChemicalFormula.Parse("CaMg(CO3)2");
        Assert.Equal(1, f.Counts["Ca"]);
        Assert.Equal(2, f.Counts["C"]);
        Assert.Equal(6, f.Counts["O"]);
        var nmc = ChemicalFormula.Parse("LiNi0.5Mn0.3Co0.2O2");
        Assert.Equal(0.5, nmc.Counts["Ni"], 12);
        Assert.Equal(96.55, nmc.MolarMass, 1);   // 6.94 + 0.5·58.693 + 0.3·54.938 + 0.2·58.933 + 2·15.999
    }

    [Theory]
    [InlineData("LiXx2")]
    [InlineData("Li(CoO2")]
    [InlineData("LiCoO2)")]
    [InlineData("licoo2")]
    [InlineData("")]
    [InlineData("Li0Co")]
    public void Formula_Throws_OnBadInput(string formula)
    {
        var e = Assert.Throws<FormatException>(() => ChemicalFormula.Parse(formula));
        Assert.Contains("formula", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownElement_MessageNamesIt()
    {
        var e = Assert.Throws<FormatException>(() => XrayOptics.RefractiveIndex("LiQz", MassDensity.FromGramsPerCubicCentimeter(1), Energy.FromKiloElectronVolts(20)));
        Assert.Contains("'Qz'", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(150)]
    public void EnergyOutsideTable_Throws(double keV)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => XrayOptics.RefractiveIndex("Al", MassDensity.FromGramsPerCubicCentimeter(2.7), Energy.FromKiloElectronVolts(keV)));
        Assert.Contains("tabulated range", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("4.77")]
    [InlineData("4.77 g/l")]
    [InlineData("-1 g/cm3")]
    public void Density_Throws_OnBadText(string text) => Assert.Throws<FormatException>(() => MassDensity.Parse(text));

    [Fact]
    public void Density_ParsesUnits() => Assert.Equal(2699, MassDensity.Parse("2.699 g/cm³").KilogramsPerCubicMeter, 9);

    [Fact]
    public void Table_CoversBatteryElements()
    {
        foreach (var s in "H Li C N O F Al P S Mn Fe Co Ni Cu Si Ti".Split(' ')) Assert.True(AtomicScatteringTable.Contains(s), s);
    }

    [Fact]
    public void MatchesXraydb_WhenInstalled()
    {
        var cases = new (string Formula, double Density, double KeV)[]
        {
            ("LiNi0.5Mn0.3Co0.2O2", 4.77, 33.6), ("Al", 2.699, 33.6), ("LiFePO4", 3.6, 20), ("C", 2.2, 12), ("Cu", 8.96, 17.5),
            ("LiPF6", 1.5, 45), ("Si", 2.33, 8), ("TiO2", 4.23, 60), ("C2H4O", 1.3, 25),
        };
        string script = "import xraydb, numpy, sys\n" + string.Join("\n", cases.Select(c => string.Create(CultureInfo.InvariantCulture,
            $"d,b,a=xraydb.xray_delta_beta('{c.Formula}',{c.Density},{c.KeV * 1000}); lam=1e-8*12398.419843320027/{c.KeV * 1000}; print(repr(d), repr(lam/(4*numpy.pi*a)))")));
        string? output = RunPython(script);
        Assert.SkipWhen(output is null, "python3-xraydb is not installed (/usr/bin/python3 -c 'import xraydb' failed).");
        var lines = output!.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(cases.Length, lines.Length);
        for (int i = 0; i < cases.Length; i++)
        {
            var p = lines[i].Split(' ').Select(s => double.Parse(s, CultureInfo.InvariantCulture)).ToArray();
            var n = XrayOptics.RefractiveIndex(cases[i].Formula, MassDensity.FromGramsPerCubicCentimeter(cases[i].Density), Energy.FromKiloElectronVolts(cases[i].KeV));
            Assert.True(Math.Abs(n.Delta / p[0] - 1) < PeerTolerance, $"{cases[i]}: δ {n.Delta:E5} vs xraydb {p[0]:E5}");
            Assert.True(Math.Abs(n.Beta / p[1] - 1) < PeerTolerance, $"{cases[i]}: β {n.Beta:E5} vs xraydb {p[1]:E5}");
        }
    }

    private static string? RunPython(string script)
    {
        if (!File.Exists("/usr/bin/python3")) return null;
        try
        {
            var psi = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            using var p = Process.Start(psi)!;
            p.StandardInput.Write(script);
            p.StandardInput.Close();
            string o = p.StandardOutput.ReadToEnd();
            p.WaitForExit(60_000);
            return p.ExitCode == 0 ? o : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
