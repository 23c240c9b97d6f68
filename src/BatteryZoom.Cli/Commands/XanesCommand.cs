using System.CommandLine;
using System.Globalization;
using BatteryZoom.Cli.Infrastructure;
using BatteryZoom.Core.Data;
using BatteryZoom.Core.Diagnostics;
using BatteryZoom.Core.Steps;
using BatteryZoom.Core.Units;
using BatteryZoom.IO;
using BatteryZoom.Spectroscopy;
using BatteryZoom.Spectroscopy.Data;
using BatteryZoom.Spectroscopy.EdgeEnergy;
using BatteryZoom.Spectroscopy.EnergyAlignment;
using BatteryZoom.Spectroscopy.Normalisation;
using BatteryZoom.Spectroscopy.Reconstruction;
using BatteryZoom.Spectroscopy.StateOfCharge;

namespace BatteryZoom.Cli.Commands;

/// <summary><c>bzoom xanes spectrum|recon|map</c>: Larch-equivalent normalisation and edge energies of one spectrum or of every voxel;
/// alignment across energies and per-energy reconstruction of an HDF5 projection series.</summary>
internal static class XanesCommand
{
    public static Command Create()
    {
        var command = new Command("xanes", "XANES: normalise spectra as Larch's pre_edge, edge energy at half step, white line, SOC maps.");
        command.Subcommands.Add(Spectrum());
        command.Subcommands.Add(Recon());
        command.Subcommands.Add(Map());
        return command;
    }

    /// <summary>Options of the projection-series chain (align → reconstruct), shared by <c>recon</c> and <c>map</c>.</summary>
    private sealed record SeriesOptionSet(Option<string> Align, Option<double> ScaleExponent, Option<string> Method, Option<int> SirtIterations,
        Option<string?> PixelSize, Option<string?> Domain)
    {
        public static SeriesOptionSet Add(Command c)
        {
            var set = new SeriesOptionSet(
                new Option<string>("--align") { Description = "HDF5 series: alignment across energies: estimate (shift + scale), energy-scale (scale = (E/E_ref)^k, shift estimated), shift (scale 1), none.", DefaultValueFactory = _ => "estimate" },
                new Option<double>("--scale-exponent") { Description = "Exponent k of --align energy-scale (default 1: magnification ∝ E).", DefaultValueFactory = _ => 1.0 },
                new Option<string>("--recon") { Description = "HDF5 series: per-energy reconstruction: auto (FBP, SIRT below 60 view directions), fbp, sirt.", DefaultValueFactory = _ => "auto" },
                new Option<int>("--sirt-iterations") { Description = "SIRT iterations.", DefaultValueFactory = _ => 100 },
                new Option<string?>("--pixel-size") { Description = "HDF5 series: pixel size when the file has none, e.g. 30nm." },
                new Option<string?>("--domain") { Description = "HDF5 series: what /exchange/data holds when the file does not say: raw, transmission, lineintegral." });
            foreach (var o in new Option[] { set.Align, set.ScaleExponent, set.Method, set.SirtIterations, set.PixelSize, set.Domain }) c.Options.Add(o);
            return set;
        }

        public SeriesChain Parse(ParseResult parse)
        {
            var scale = parse.GetValue(Align)?.Trim().ToLowerInvariant() switch
            {
                "estimate" => (ScaleMode?)ScaleMode.Estimate,
                "energy-scale" => ScaleMode.EnergyPowerLaw,
                "shift" => ScaleMode.None,
                "none" => null,
                var v => throw new UsageException($"--align: expected estimate, energy-scale, shift or none; got '{v}'."),
            };
            double k = parse.GetValue(ScaleExponent);
            if (!double.IsFinite(k)) throw new UsageException($"--scale-exponent: expected a finite number; got {k}.");
            var method = parse.GetValue(Method)?.Trim().ToLowerInvariant() switch
            {
                "auto" => XanesReconstructionMethod.Auto,
                "fbp" => XanesReconstructionMethod.Fbp,
                "sirt" => XanesReconstructionMethod.Sirt,
                var v => throw new UsageException($"--recon: expected auto, fbp or sirt; got '{v}'."),
            };
            int iterations = parse.GetValue(SirtIterations);
            if (iterations < 1) throw new UsageException($"--sirt-iterations: expected ≥ 1; got {iterations}.");
            Length? pixel = null;
            if (parse.GetValue(PixelSize) is { } text)
            {
                try { pixel = Length.Parse(text); }
                catch (FormatException ex) { throw new UsageException($"--pixel-size: {ex.Message}", ex); }
                if (!(pixel.Value.Meters > 0)) throw new UsageException($"--pixel-size: expected a positive length; got {text}.");
            }
            IntensityDomain? domain = parse.GetValue(Domain)?.Trim().ToLowerInvariant() switch
            {
                null => null,
                "raw" => IntensityDomain.Raw,
                "transmission" => IntensityDomain.Transmission,
                "lineintegral" or "line-integral" => IntensityDomain.LineIntegral,
                var v => throw new UsageException($"--domain: expected raw, transmission or lineintegral; got '{v}'."),
            };
            return new SeriesChain(scale is null ? null : new AlignmentOptions { Scale = scale.Value, ScaleExponent = k },
                new XanesReconstructionOptions { Method = method, SirtIterations = iterations }, pixel, domain);
        }
    }

    /// <summary>The parsed chain: alignment (null = none), reconstruction, file overrides.</summary>
    internal sealed record SeriesChain(AlignmentOptions? Alignment, XanesReconstructionOptions Reconstruction, Length? PixelSize, IntensityDomain? Domain)
    {
        /// <summary>Reads an HDF5 projection series, aligns it across energies and reconstructs every energy; optionally saves the
        /// aligned line-integral projections as a series file (<paramref name="saveAligned"/>, atomically).</summary>
        public SpectralVolume Run(string path, RunContext context, out EnergyAlignmentResult? alignment, out XanesReconstructionMethod method,
            string? saveAligned = null, bool overwrite = false)
        {
            using var series = XanesSeriesFile.Read(path, PixelSize, Domain, context);
            method = EnergySeriesReconstruction.ChooseMethod(series, Reconstruction);
            if (Alignment is null)
            {
                alignment = null;
                if (saveAligned is not null) XanesSeriesFile.Write(saveAligned, series, overwrite, context);
                return EnergySeriesReconstruction.Run(series, null, Reconstruction, context);
            }
            alignment = EnergySeriesAligner.Estimate(series, Alignment, context);
            using var aligned = EnergySeriesAligner.Apply(series, alignment, context);
            if (saveAligned is not null) XanesSeriesFile.Write(saveAligned, aligned, overwrite, context);
            return EnergySeriesReconstruction.Run(aligned, null, Reconstruction, context);
        }
    }

    /// <summary>alignment.tsv: energy (eV), shift x, shift y (px), scale, one line per energy.</summary>
    internal static void WriteAlignment(string file, IReadOnlyList<Energy> energies, EnergyAlignmentResult alignment)
    {
        using var w = new StreamWriter(file);
        w.WriteLine($"# bzoom xanes alignment: reference energy {energies[alignment.ReferenceIndex]}; q = scale·(p − c) + c + shift (pixels, c = detector centre)");
        w.WriteLine("energy_ev\tshift_x_px\tshift_y_px\tscale");
        for (int i = 0; i < energies.Count; i++)
        {
            var t = alignment.Transforms[i];
            w.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{energies[i].ElectronVolts:R}\t{t.ShiftX:F4}\t{t.ShiftY:F4}\t{t.Scale:F6}"));
        }
    }

    private static string AlignmentSummary(EnergyAlignmentResult? a)
    {
        if (a is null) return "not aligned";
        var t = a.Transforms;
        return string.Create(CultureInfo.InvariantCulture,
            $"aligned to energy {a.ReferenceIndex}: |shift| ≤ {t.Max(x => Math.Max(Math.Abs(x.ShiftX), Math.Abs(x.ShiftY))):0.##} px, scale {t.Min(x => x.Scale):0.####}–{t.Max(x => x.Scale):0.####}");
    }

    private static Command Recon()
    {
        var c = new Command("recon", "Align an HDF5 XANES projection series across energies and reconstruct every energy (FBP, or SIRT for few views) into a spectral-volume folder.");
        var input = new Argument<string>("input") { Description = "HDF5 projection series: /exchange/data [energy, angle, row, column], /exchange/energy (eV), /exchange/theta (deg) (docs/formats.md)." };
        var output = CommonOptions.Out("Output spectral-volume folder (energies.txt, e0000.h5 …, alignment.tsv).");
        var overwrite = CommonOptions.Overwrite();
        var memory = CommonOptions.Memory();
        var saveAligned = new Option<string?>("--save-aligned") { Description = "Also write the aligned line-integral projections as an HDF5 projection series (same layout as the input)." };
        c.Arguments.Add(input);
        foreach (var o in new Option[] { output, overwrite, memory, saveAligned }) c.Options.Add(o);
        var chain = SeriesOptionSet.Add(c);
        CommandAction.Set(c, async (parse, ct) =>
        {
            var series = chain.Parse(parse);
            string inPath = parse.GetRequiredValue(input), outPath = parse.GetRequiredValue(output);
            bool replace = parse.GetValue(overwrite);
            var storage = new StorageOptions(CommonOptions.ParseMemory(parse.GetValue(memory)));
            // Refuse an existing output before hours of work (the folder itself is written atomically at the end).
            if (File.Exists(outPath)) throw new UsageException($"--out {outPath}: expected a folder; found an existing file.");
            if (!replace && Directory.Exists(outPath) && Directory.EnumerateFileSystemEntries(outPath).Any())
                throw new UsageException($"--out {outPath}: the folder exists and is not empty; pass --overwrite to replace it.");
            if (parse.GetValue(saveAligned) is { } sa && !replace && File.Exists(sa))
                throw new UsageException($"--save-aligned {sa}: the file exists; pass --overwrite to replace it.");
            var summary = await ProgressDisplay.RunAsync(progress =>
            {
                var context = new RunContext { Cancellation = ct, Progress = progress, Storage = storage };
                using var volume = series.Run(inPath, context, out var alignment, out var method, parse.GetValue(saveAligned), replace);
                SpectralVolumeFolder.Write(outPath, volume, replace, context, staging =>
                {
                    if (alignment is not null) WriteAlignment(Path.Combine(staging, "alignment.tsv"), volume.Energies, alignment);
                });
                return $"xanes recon: {volume.Count} energies, {method} onto {volume.Grid.Size}; {AlignmentSummary(alignment)}";
            }).ConfigureAwait(false);
            Console.WriteLine($"{summary}; wrote {Path.GetFullPath(outPath)}");
            return 0;
        });
        return c;
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

    /// <summary>--local-fit, --local-fit-half-width and --no-fit-calibration: E½ refined by a local polynomial, its noise bias removed
    /// by a simulated table (docs/algorithms/xanes.md, "Bias of E½ at 20 % noise").</summary>
    private sealed record LocalFitOptionSet(Option<bool> LocalFit, Option<string?> HalfWidth, Option<bool> NoCalibration)
    {
        /// <summary>Largest accepted half-width: the crossing search itself spans ±40 eV around E0.</summary>
        private const double MaxHalfWidthEv = 20;

        public static LocalFitOptionSet Add(Command c, string tableDescription)
        {
            var set = new LocalFitOptionSet(
                new Option<bool>("--local-fit") { Description = "Refine E at half step with a local quadratic fit (for noisy data) and remove its noise bias (" + tableDescription + ")." },
                new Option<string?>("--local-fit-half-width") { Description = "Half-width of the local fit window with a unit, e.g. 2.5eV (default 2.5eV; needs --local-fit)." },
                new Option<bool>("--no-fit-calibration") { Description = "With --local-fit: no simulated noise-bias table; use the analytic second-order correction (leaves ≈ −0.1 eV at 20 % noise)." });
            foreach (var o in new Option[] { set.LocalFit, set.HalfWidth, set.NoCalibration }) c.Options.Add(o);
            return set;
        }

        public EdgeEnergyOptions Parse(ParseResult parse)
        {
            bool on = parse.GetValue(LocalFit);
            string? text = parse.GetValue(HalfWidth);
            bool noTable = parse.GetValue(NoCalibration);
            if (!on && text is not null) throw new UsageException($"--local-fit-half-width: needs --local-fit.");
            if (!on && noTable) throw new UsageException($"--no-fit-calibration: needs --local-fit.");
            if (!on) return EdgeEnergyOptions.Default;
            var hw = new Energy(2.5);
            if (text is not null)
            {
                try { hw = Energy.Parse(text); }
                catch (FormatException ex) { throw new UsageException($"--local-fit-half-width: {ex.Message}", ex); }
                catch (ArgumentException ex) { throw new UsageException($"--local-fit-half-width: {ex.Message}", ex); }
                if (!(hw.ElectronVolts > 0 && hw.ElectronVolts <= MaxHalfWidthEv))
                    throw new UsageException(string.Create(CultureInfo.InvariantCulture, $"--local-fit-half-width: expected an energy in (0, {MaxHalfWidthEv}] eV; got {text}."));
            }
            return EdgeEnergyOptions.Default with { LocalFit = true, LocalFitHalfWidth = hw, LocalFitCalibration = !noTable };
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
        var fit = LocalFitOptionSet.Add(c, "a table simulated from an edge model fitted to the spectrum; JSON local_fit says what was used");
        CommandAction.Set(c, (parse, ct) =>
        {
            ct.ThrowIfCancellationRequested();
            var options = new SpectrumAnalysisOptions { PreEdge = pre.Parse(parse), UseAthenaRanges = parse.GetValue(athena), Edge = fit.Parse(parse) };
            var report = XanesSpectrumAnalysis.Analyse(parse.GetRequiredValue(file), parse.GetValue(group), options);
            Console.Out.WriteLine(report.ToJson());
            return Task.FromResult(0);
        });
        return c;
    }

    private static Command Map()
    {
        var c = new Command("map", "Map a spectral volume voxel by voxel: edge energy, white line, edge step, residual, mask, status and (with --soc-ref) SOC, one HDF5 volume each in the --out folder.");
        var input = new Argument<string>("input") { Description = "Spectral volume (a folder with energies.txt and one volume per energy), or an HDF5 projection series, aligned and reconstructed first (docs/formats.md)." };
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
        var fit = LocalFitOptionSet.Add(c, "a table simulated from the voxels' mean spectrum; recorded in provenance as local_fit_calibration");
        var chain = SeriesOptionSet.Add(c);
        CommandAction.Set(c, async (parse, ct) =>
        {
            // Parse everything before any work, so usage errors come first.
            var options = new XanesMapOptions
            {
                PreEdge = pre.Parse(parse), MaskStep = parse.GetValue(maskStep), Soc = ParseSoc(parse.GetValue(socRef)), Edge = fit.Parse(parse),
            };
            var series = chain.Parse(parse);
            string inPath = parse.GetRequiredValue(input), outPath = parse.GetRequiredValue(output);
            bool replace = parse.GetValue(overwrite);
            var storage = new StorageOptions(CommonOptions.ParseMemory(parse.GetValue(memory)));
            using var folder = OutputDirectory.Begin(outPath, replace);
            var summary = await ProgressDisplay.RunAsync(progress =>
            {
                var context = new RunContext { Cancellation = ct, Progress = progress, Storage = storage };
                EnergyAlignmentResult? alignment = null;
                string prefix = "";
                SpectralVolume volume;
                if (XanesSeriesFile.Detect(inPath))
                {
                    volume = series.Run(inPath, context, out alignment, out var method);
                    prefix = $"{method} per energy, {AlignmentSummary(alignment)}; ";
                }
                else volume = SpectralVolumeFolder.Read(inPath, context);
                using var _ = volume;
                using var maps = XanesMapper.Map(volume, options, context);
                WriteMaps(folder.StagingPath, maps, context);
                if (alignment is not null) WriteAlignment(Path.Combine(folder.StagingPath, "alignment.tsv"), volume.Energies, alignment);
                long total = volume.Grid.Size.VoxelCount;
                var r = maps.Ranges;
                string localFit = !options.Edge.LocalFit ? "" : string.Create(CultureInfo.InvariantCulture,
                    $"; local fit ±{options.Edge.LocalFitHalfWidth.ElectronVolts:0.###} eV, noise-bias table: {maps.LocalFitCalibration}");
                return prefix + string.Create(CultureInfo.InvariantCulture,
                    $"xanes map: {volume.Count} energies, {total} voxels: {maps.CountOf(SpectrumStatus.Ok)} mapped, {total - maps.CountOf(SpectrumStatus.Ok)} masked; " +
                    $"E0 {r.E0.ElectronVolts:0.###} eV, pre [{r.Pre1.ElectronVolts:0.#}, {r.Pre2.ElectronVolts:0.#}] eV, norm [{r.Norm1.ElectronVolts:0.#}, {r.Norm2.ElectronVolts:0.#}] eV, nnorm {r.NNorm}") + localFit;
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
