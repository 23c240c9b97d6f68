using System.Globalization;
using System.Text.Json;
using BatteryZoom.Core.Geometry;
using BatteryZoom.Core.Units;
using BatteryZoom.IO;
using BatteryZoom.Simulation.Particles;

namespace BatteryZoom.Cli.Tests;

[Collection("Console")]
public class XanesCommandTests
{
    /// <summary>shared/data/xanes beside the repository (…/main/../shared in this workspace; &lt;clone&gt;/../shared in CI), or null.</summary>
    private static string? SharedXanes()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "shared", "data", "xanes");
            if (Directory.Exists(candidate)) return candidate;
        }
        return null;
    }

    [Fact]
    public void Spectrum_NiMetalXdi_PrintsJsonWithE0NearTheNiKEdge()
    {
        string? root = SharedXanes();
        string file = root is null ? "" : Path.Combine(root, "larch", "ni_metal_rt.xdi");
        if (!File.Exists(file)) Assert.Skip("shared/data/xanes/larch/ni_metal_rt.xdi not found beside the repository");
        var (code, stdout, stderr) = CliRunner.Run("xanes", "spectrum", file);
        Assert.True(code == 0, $"exit {code}: {stderr}");
        using var json = JsonDocument.Parse(stdout);
        double e0 = json.RootElement.GetProperty("e0").GetDouble();
        Assert.InRange(e0, 8328, 8338);
        Assert.Equal("Ok", json.RootElement.GetProperty("status").GetString());
        Assert.True(json.RootElement.GetProperty("edge_step").GetDouble() > 0);
    }

    [Fact]
    public void Spectrum_NonIncreasingEnergies_ExitsWithDataErrorOnOneLine()
    {
        string folder = CliRunner.TempFolder();
        string file = Path.Combine(folder, "bad.txt");
        File.WriteAllText(file, "8300 0.1\n8310 0.2\n8305 0.9\n8320 1.0\n");
        var (code, stdout, stderr) = CliRunner.Run("xanes", "spectrum", file);
        Assert.Equal(3, code);
        Assert.Empty(stdout);
        string message = stderr.Trim();
        Assert.DoesNotContain('\n', message);
        Assert.StartsWith("bzoom: error:", message);
        Assert.Contains("strictly increasing energies", message);
    }

    [Fact]
    public void Spectrum_EnergyWithoutUnit_IsAUsageError()
    {
        string folder = CliRunner.TempFolder();
        string file = Path.Combine(folder, "s.txt");
        File.WriteAllText(file, "8300 0.1\n8310 0.2\n");
        var (code, _, stderr) = CliRunner.Run("xanes", "spectrum", file, "--e0", "8333");
        Assert.Equal(2, code);
        Assert.Contains("--e0", stderr);
    }

    [Fact]
    public void Map_TinySpectralVolume_RoundTripsEdgeEnergyAndSoc()
    {
        string root = CliRunner.TempFolder();
        string output = Path.Combine(root, "maps");
        var model = new NiKEdgeModel();
        // The documented layout (docs/formats.md, "Spectral volume"): energies.txt and one BatteryZoom HDF5 volume per energy.
        var (input, phantom) = TinySpectralVolume(root);
        var grid = TinyGrid;
        string r0 = (model.HalfHeightEnergy(0)).ToString("R", CultureInfo.InvariantCulture) + "eV";
        string r1 = (model.HalfHeightEnergy(1)).ToString("R", CultureInfo.InvariantCulture) + "eV";

        var (code, stdout, stderr) = CliRunner.Run("xanes", "map", input, "--out", output, "--e0", "8344eV", "--pre2", "-25eV", "--norm1", "30eV",
            "--mask-step", "0.5", "--soc-ref", r0, r1);
        Assert.True(code == 0, $"exit {code}: {stderr}");
        Assert.Contains("xanes map:", stdout);
        foreach (var name in new[] { "edge_energy", "whiteline_energy", "whiteline_height", "edge_step", "residual", "soc", "mask", "status" })
            Assert.True(File.Exists(Path.Combine(output, name + ".h5")), name);
        Assert.Empty(Directory.GetDirectories(root, "*.partial-*"));

        using var labels = phantom.Labels();
        using var edge = VolumeFile.Read(Path.Combine(output, "edge_energy.h5"), new VolumeReadOptions { RejectNonFinite = false });
        using var soc = VolumeFile.Read(Path.Combine(output, "soc.h5"), new VolumeReadOptions { RejectNonFinite = false });
        using var mask = VolumeFile.Read<byte>(Path.Combine(output, "mask.h5"));
        Assert.Equal(grid.Size, edge.Grid.Size);
        int inside = 0;
        for (int z = 0; z < grid.Size.Nz; z++)
        {
            var lab = labels.GetSlice(z);
            var e = edge.GetSlice(z);
            var s = soc.GetSlice(z);
            var m = mask.GetSlice(z);
            for (int v = 0; v < lab.Length; v++)
            {
                if (lab[v] == 0) { Assert.Equal(0, m[v]); continue; }
                inside++;
                Assert.Equal(1, m[v]);
                Assert.InRange(e[v], model.HalfHeightEnergy(0.5) - 0.3, model.HalfHeightEnergy(0.5) + 0.3);
                Assert.InRange(s[v], 0.4, 0.6);
            }
        }
        Assert.True(inside > 0);

        // A second run refuses the existing output without --overwrite.
        var again = CliRunner.Run("xanes", "map", input, "--out", output);
        Assert.Equal(2, again.Code);
    }

    [Fact]
    public void Map_MissingIndex_IsADataError()
    {
        string root = CliRunner.TempFolder();
        var (code, _, stderr) = CliRunner.Run("xanes", "map", root, "--out", Path.Combine(root, "maps"));
        Assert.Equal(3, code);
        Assert.Contains("energies.txt", stderr);
        Assert.Empty(Directory.GetDirectories(root));
    }

    /// <summary>A model spectrum (NiKEdgeModel, TXM grid, seeded Gaussian noise as a fraction of the step) as a two-column text file.</summary>
    private static string ModelSpectrumFile(double soc, double noise, ulong seed)
    {
        var model = new NiKEdgeModel();
        var rng = new BatteryZoom.Core.Random.CounterRandom(seed, 11);
        string file = Path.Combine(CliRunner.TempFolder(), "model.txt");
        var e = NiKEdgeModel.TxmEnergyGrid();
        File.WriteAllLines(file, e.Select((x, i) => string.Create(CultureInfo.InvariantCulture, $"{x:R} {model.Mu(x, soc) + noise * rng.Normal((ulong)i):R}")));
        return file;
    }

    private static readonly string[] ModelRanges = ["--e0", "8344eV", "--pre2", "-25eV", "--norm1", "30eV"];

    [Fact]
    public void Spectrum_LocalFit_JsonSaysFitTableAndBias()
    {
        string file = ModelSpectrumFile(0.5, 0.10, 77);
        var (code, stdout, stderr) = CliRunner.Run(["xanes", "spectrum", file, .. ModelRanges, "--local-fit"]);
        Assert.True(code == 0, $"exit {code}: {stderr}");
        using var json = JsonDocument.Parse(stdout);
        var lf = json.RootElement.GetProperty("local_fit");
        Assert.True(lf.GetProperty("enabled").GetBoolean());
        Assert.Equal("table", lf.GetProperty("correction").GetString());
        Assert.Equal(2.5, lf.GetProperty("half_width_ev").GetDouble());
        double b = lf.GetProperty("table_bias_ev").GetDouble(), s = lf.GetProperty("relative_noise").GetDouble();
        // 10 % noise: ŝ ≈ 0.1 (≈ 20 degrees of freedom); |b| at 10 % is ≈ 0.06 eV for the true shape, a fitted template's within ≈ 0.15.
        Assert.InRange(s, 0.06, 0.14);
        Assert.InRange(Math.Abs(b), 0, 0.3);
        Assert.Equal(-b, lf.GetProperty("applied_ev").GetDouble(), 12);
        Assert.Equal(JsonValueKind.Object, lf.GetProperty("edge_model").ValueKind);
        // A pilot of 1 000 pairs, then as many as reach an SE of 0.004 eV, at most the default 10 000 (≈ 1 300 at 10 % noise).
        Assert.InRange(lf.GetProperty("table_pairs").GetInt32(), BatteryZoom.Spectroscopy.EdgeEnergy.LocalFitCalibration.PilotSpectrumPairs, LocalFitCalibrationPairs);
        Assert.True(lf.GetProperty("table_bias_se_ev").GetDouble() <= BatteryZoom.Spectroscopy.EdgeEnergy.LocalFitCalibration.SpectrumTargetStandardError * 1.2);

        var analytic = CliRunner.Run(["xanes", "spectrum", file, .. ModelRanges, "--local-fit", "--local-fit-half-width", "3eV", "--no-fit-calibration"]);
        Assert.True(analytic.Code == 0, analytic.Err);
        using var json2 = JsonDocument.Parse(analytic.Out);
        var lf2 = json2.RootElement.GetProperty("local_fit");
        Assert.Equal("analytic", lf2.GetProperty("correction").GetString());
        Assert.Equal(3.0, lf2.GetProperty("half_width_ev").GetDouble());
        Assert.Equal(JsonValueKind.Null, lf2.GetProperty("table_bias_ev").ValueKind);

        var plain = CliRunner.Run(["xanes", "spectrum", file, .. ModelRanges]);
        using var json3 = JsonDocument.Parse(plain.Out);
        Assert.False(json3.RootElement.GetProperty("local_fit").GetProperty("enabled").GetBoolean());
    }

    private const int LocalFitCalibrationPairs = BatteryZoom.Spectroscopy.EdgeEnergy.LocalFitCalibration.DefaultSpectrumPairs;

    [Theory]
    [InlineData("--local-fit-half-width", "--local-fit", "--local-fit-half-width", "2.5")]
    [InlineData("--local-fit-half-width", "--local-fit", "--local-fit-half-width", "-1eV")]
    [InlineData("--local-fit-half-width", "--local-fit", "--local-fit-half-width", "50eV")]
    [InlineData("--local-fit-half-width", "--local-fit-half-width", "3eV")]
    [InlineData("--no-fit-calibration", "--no-fit-calibration")]
    public void LocalFit_BadValues_AreOneLineUsageErrorsNamingTheOption(string option, params string[] args)
    {
        string file = ModelSpectrumFile(0.5, 0.0, 1);
        foreach (var sub in new[] { "spectrum", "map" })
        {
            string[] cmd = sub == "spectrum" ? ["xanes", "spectrum", file, .. args] : ["xanes", "map", Path.GetDirectoryName(file)!, "--out", Path.Combine(CliRunner.TempFolder(), "maps"), .. args];
            var (code, stdout, stderr) = CliRunner.Run(cmd);
            Assert.True(code == 2, $"{sub}: exit {code}: {stderr}");
            Assert.Empty(stdout);
            string message = stderr.Trim();
            Assert.DoesNotContain('\n', message);
            Assert.Contains(option, message);
        }
    }

    private static readonly VoxelGrid TinyGrid = VoxelGrid.Centered(new GridSize(8, 8, 6), Length.FromNanometers(50));

    /// <summary>A spectral-volume folder of one SOC-0.5 grain (noise-free phantom) on the TXM grid, and the phantom.</summary>
    private static (string Input, XanesParticlePhantom Phantom) TinySpectralVolume(string root)
    {
        string input = Path.Combine(root, "spectra");
        var phantom = new XanesParticlePhantom(new XanesParticleOptions { Grid = TinyGrid, GrainCount = 1, GrainSoc = [0.5], Model = new NiKEdgeModel() });
        double[] energies = NiKEdgeModel.TxmEnergyGrid();
        Directory.CreateDirectory(input);
        var volumes = phantom.Render(energies);
        var index = new List<string> { "# bzoom-spectral-volume/1" };
        for (int i = 0; i < energies.Length; i++)
        {
            string name = string.Create(CultureInfo.InvariantCulture, $"e{i:D4}.h5");
            VolumeFile.Write(Path.Combine(input, name), volumes[i]);
            volumes[i].Dispose();
            index.Add(string.Create(CultureInfo.InvariantCulture, $"{energies[i]:R} {name}"));
        }
        File.WriteAllLines(Path.Combine(input, "energies.txt"), index);
        return (input, phantom);
    }

    [Fact]
    public void Map_LocalFit_RecordsFitAndTableInProvenance()
    {
        string root = CliRunner.TempFolder();
        string input = TinySpectralVolume(root).Input;
        var model = new NiKEdgeModel();
        string output = Path.Combine(root, "maps");
        var (code, stdout, stderr) = CliRunner.Run(["xanes", "map", input, "--out", output, .. ModelRanges, "--mask-step", "0.5", "--local-fit"]);
        Assert.True(code == 0, $"exit {code}: {stderr}");
        Assert.Contains("local fit ±2.5 eV, noise-bias table: template of", stdout);
        using var edge = VolumeFile.Read(Path.Combine(output, "edge_energy.h5"), new VolumeReadOptions { RejectNonFinite = false });
        var p = edge.Provenance.Entries[^1].Parameters;
        Assert.Equal("true", p["local_fit"]);
        Assert.Equal("2.5 eV", p["local_fit_half_width"]);
        Assert.Equal("table", p["local_fit_correction"]);
        Assert.StartsWith("template of", p["local_fit_calibration"]);
        Assert.Contains("b(ŝ)", p["local_fit_calibration"]);
        // Noise-free phantom: the local quadratic is within a few meV of the truth and b(ŝ ≈ 0) ≈ 0.
        double truth = model.HalfHeightEnergy(0.5);
        var e = edge.GetSlice(3);
        Assert.Contains(e.ToArray(), v => float.IsFinite(v));
        foreach (var v in e) if (float.IsFinite(v)) Assert.InRange(v, truth - 0.05, truth + 0.05);

        string output2 = Path.Combine(root, "maps2");
        var off = CliRunner.Run(["xanes", "map", input, "--out", output2, .. ModelRanges, "--mask-step", "0.5", "--local-fit", "--local-fit-half-width", "3eV", "--no-fit-calibration"]);
        Assert.True(off.Code == 0, off.Err);
        using var edge2 = VolumeFile.Read(Path.Combine(output2, "edge_energy.h5"), new VolumeReadOptions { RejectNonFinite = false });
        var p2 = edge2.Provenance.Entries[^1].Parameters;
        Assert.Equal("off", p2["local_fit_calibration"]);
        Assert.Equal("analytic", p2["local_fit_correction"]);
        Assert.Equal("3 eV", p2["local_fit_half_width"]);
    }
}
