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
        string input = Path.Combine(root, "spectra"), output = Path.Combine(root, "maps");
        var grid = VoxelGrid.Centered(new GridSize(8, 8, 6), Length.FromNanometers(50));
        var model = new NiKEdgeModel();
        var phantom = new XanesParticlePhantom(new XanesParticleOptions { Grid = grid, GrainCount = 1, GrainSoc = [0.5], Model = model });
        double[] energies = NiKEdgeModel.TxmEnergyGrid();
        // The documented layout (docs/formats.md, "Spectral volume"): energies.txt and one BatteryZoom HDF5 volume per energy.
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
}
