using System.CommandLine;
using System.Globalization;
using BatteryZoom.Cli.Infrastructure;
using BatteryZoom.Core.Data;
using BatteryZoom.Core.Diagnostics;
using BatteryZoom.Core.Steps;
using BatteryZoom.Core.Units;
using BatteryZoom.IO;
using BatteryZoom.Spectroscopy;
using BatteryZoom.Spectroscopy.EdgeEnergy;
using BatteryZoom.Spectroscopy.Normalisation;
using BatteryZoom.Spectroscopy.StateOfCharge;

namespace BatteryZoom.Cli.Commands;

/// <summary><c>bzoom xanes spectrum|map</c>: Larch-equivalent normalisation and edge energies of one spectrum or of every voxel.</summary>
internal static class XanesCommand
{
    public static Command Create()
    {
        var command = new Command("xanes", "XANES: normalise spectra as Larch's pre_edge, edge energy at half step, white line, SOC maps.");
        command.Subcommands.Add(Spectrum());
        command.Subcommands.Add(Map());
        return command;
    }

    /// <summary>--e0, --pre1, --pre2, --norm1, --norm2 and --nnorm (Larch's pre_edge parameters; ranges relative to E0).</summary>
    private sealed record PreEdgeOptionSet(Option<string?> E0, Option<string?> Pre1, Option<string?> Pre2, Option<string?> Norm1, Option<string?> Norm2, Option<int?> NNorm)
    {
        public static PreEdgeOptionSet Add(Command c)
        {
            var set = new PreEdgeOptionSet(
                new Option<string?>("--e0") { Description = "Edge energy E0 with a unit, e.g. 8333eV (default: Larch's find_e0)." },
                new Option<string?>("--pre1") { Description = "Pre-edge range start relative to E0, e.g. -150eV (default: Larch's rule)." },
                new Option<string?>("--pre2") { Description = "Pre-edge range end relative to E0, e.g. -25eV." },
                new Option<string?>("--norm1") { Description = "Post-edge range start relative to E0, e.g. 30eV." },
                new Option<string?>("--norm2") { Description = "Post-edge range end relative to E0 (negative: counted back from the last energy)." },
                new Option<int?>("--nnorm") { Description = "Degree of the post-edge polynomial, 0..5 (default: Larch's rule)." });
            foreach (var o in new Option[] { set.E0, set.Pre1, set.Pre2, set.Norm1, set.Norm2, set.NNorm }) c.Options.Add(o);
            return set;
        }

        public PreEdgeOptions Parse(ParseResult parse)
        {
            int? nnorm = parse.GetValue(NNorm);
            if (nnorm is < 0 or > 5) throw new UsageException($"--nnorm: expected 0..5; got {nnorm}.");
            return new PreEdgeOptions
            {
                E0 = Energy(parse, E0), Pre1 = Energy(parse, Pre1), Pre2 = Energy(parse, Pre2),
                Norm1 = Energy(parse, Norm1), Norm2 = Energy(parse, Norm2), NNorm = nnorm,
            };
        }

        private static Energy? Energy(ParseResult parse, Option<string?> option)
        {
            if (parse.GetValue(option) is not { } text) return null;
            try { return Core.Units.Energy.Parse(text); }
            catch (FormatException ex) { throw new UsageException($"{option.Name}: {ex.Message}", ex); }
            catch (ArgumentException ex) { throw new UsageException($"{option.Name}: {ex.Message}", ex); }
        }
    }

    private static Command Spectrum()
    {
        var c = new Command("spectrum", "Analyse one spectrum (XDI, column text/CSV, Athena .prj): E0, edge step, E at half step, white line; JSON on stdout.");
        var file = new Argument<string>("file") { Description = "Spectrum file: XDI, whitespace/CSV/TSV columns (energy, μ), or Athena project." };
        var group = new Option<string?>("--group") { Description = "Athena group label/id, or the μ column name of an XDI/text file." };
        var athena = new Option<bool>("--athena-ranges") { Description = "Athena projects: use the normalisation ranges Athena stored for the group." };
        c.Arguments.Add(file);
        c.Options.Add(group); c.Options.Add(athena);
        var pre = PreEdgeOptionSet.Add(c);
        CommandAction.Set(c, (parse, ct) =>
        {
            ct.ThrowIfCancellationRequested();
            var options = new SpectrumAnalysisOptions { PreEdge = pre.Parse(parse), UseAthenaRanges = parse.GetValue(athena) };
            var report = XanesSpectrumAnalysis.Analyse(parse.GetRequiredValue(file), parse.GetValue(group), options);
            Console.Out.WriteLine(report.ToJson());
            return Task.FromResult(0);
        });
        return c;
    }

    private static Command Map()
    {
        var c = new Command("map", "Map a spectral volume voxel by voxel: edge energy, white line, edge step, residual, mask, status and (with --soc-ref) SOC, one HDF5 volume each in the --out folder.");
        var input = new Argument<string>("input") { Description = "Spectral volume: a folder with energies.txt and one volume per energy (docs/formats.md)." };
        var output = CommonOptions.Out("Output folder for edge_energy.h5, whiteline_energy.h5, whiteline_height.h5, edge_step.h5, residual.h5, soc.h5, mask.h5, status.h5.");
        var maskStep = new Option<double?>("--mask-step") { Description = "Mask voxels whose edge step (in the volume's μ units) is below this." };
        var socRef = new Option<string[]>("--soc-ref")
        {
            Description = "Edge energies of the SOC 0 and SOC 1 references, e.g. --soc-ref 8343.2eV 8345.2eV; writes soc.h5.",
            Arity = new ArgumentArity(2, 2), AllowMultipleArgumentsPerToken = true,
        };
        var overwrite = CommonOptions.Overwrite();
        var memory = CommonOptions.Memory();
        c.Arguments.Add(input);
        foreach (var o in new Option[] { output, maskStep, socRef, overwrite, memory }) c.Options.Add(o);
        var pre = PreEdgeOptionSet.Add(c);
        CommandAction.Set(c, async (parse, ct) =>
        {
            // Parse everything before any work, so usage errors come first.
            var options = new XanesMapOptions { PreEdge = pre.Parse(parse), MaskStep = parse.GetValue(maskStep), Soc = ParseSoc(parse.GetValue(socRef)) };
            string inPath = parse.GetRequiredValue(input), outPath = parse.GetRequiredValue(output);
            bool replace = parse.GetValue(overwrite);
            var storage = new StorageOptions(CommonOptions.ParseMemory(parse.GetValue(memory)));
            using var folder = OutputDirectory.Begin(outPath, replace);
            var summary = await ProgressDisplay.RunAsync(progress =>
            {
                var context = new RunContext { Cancellation = ct, Progress = progress, Storage = storage };
                using var volume = SpectralVolumeFolder.Read(inPath, context);
                using var maps = XanesMapper.Map(volume, options, context);
                WriteMaps(folder.StagingPath, maps, context);
                long total = volume.Grid.Size.VoxelCount;
                var r = maps.Ranges;
                return string.Create(CultureInfo.InvariantCulture,
                    $"xanes map: {volume.Count} energies, {total} voxels: {maps.CountOf(SpectrumStatus.Ok)} mapped, {total - maps.CountOf(SpectrumStatus.Ok)} masked; " +
                    $"E0 {r.E0.ElectronVolts:0.###} eV, pre [{r.Pre1.ElectronVolts:0.#}, {r.Pre2.ElectronVolts:0.#}] eV, norm [{r.Norm1.ElectronVolts:0.#}, {r.Norm2.ElectronVolts:0.#}] eV, nnorm {r.NNorm}");
            }).ConfigureAwait(false);
            folder.Commit();
            Console.WriteLine($"{summary}; wrote {folder.FinalPath}");
            return 0;
        });
        return c;
    }

    private static SocCalibration? ParseSoc(string[]? values)
    {
        if (values is null || values.Length == 0) return null;
        if (values.Length != 2) throw new UsageException($"--soc-ref: expected two energies (SOC 0, SOC 1); got {values.Length}.");
        try
        {
            var soc = new SocCalibration(Energy.Parse(values[0]), Energy.Parse(values[1]));
            soc.Validate();
            return soc;
        }
        catch (FormatException ex) { throw new UsageException($"--soc-ref: {ex.Message}", ex); }
        catch (ArgumentException ex) { throw new UsageException($"--soc-ref: {ex.Message}", ex); }
    }

    /// <summary>Writes every float map, the mask and the status as BatteryZoom HDF5 volumes named after the maps.</summary>
    internal static void WriteMaps(string folder, XanesMaps maps, RunContext context)
    {
        ArgumentNullException.ThrowIfNull(maps);
        foreach (var (name, map) in maps.FloatMaps)
            VolumeFile.Write(Path.Combine(folder, name + ".h5"), map, context: context);
        var bytes = new VolumeWriteOptions { ElementType = ElementType.UInt8 };
        VolumeFile.Write(Path.Combine(folder, "mask.h5"), maps.Mask, bytes, context);
        VolumeFile.Write(Path.Combine(folder, "status.h5"), maps.Status, bytes, context);
    }
}
