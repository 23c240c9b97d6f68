using System.CommandLine;
using System.Globalization;
using BatteryZoom.Cli.Infrastructure;
using BatteryZoom.Core.Data;
using BatteryZoom.Core.Diagnostics;
using BatteryZoom.Core.Steps;
using BatteryZoom.Core.Units;
using BatteryZoom.IO;
using BatteryZoom.IO.Hdf5;
using BatteryZoom.Phase;
using BatteryZoom.Phase.Ctf;
using BatteryZoom.Phase.Paganin;
using BatteryZoom.Tomography.Preprocessing;

namespace BatteryZoom.Cli.Commands;

/// <summary><c>bzoom phase paganin|ctf</c>: phase maps Φ = k∫δ ds (rad) from parallel-beam scans, written as a line-integral
/// Data Exchange scan that <c>bzoom recon fbp</c> reconstructs to k·δ (1/m).</summary>
internal static class PhaseCommand
{
    public static Command Create()
    {
        var command = new Command("phase", "Phase retrieval of propagation-based phase-contrast scans (Paganin, multi-distance CTF).");
        command.Subcommands.Add(Paganin());
        command.Subcommands.Add(Ctf());
        return command;
    }

    private static Command Paganin()
    {
        var c = new Command("paganin", "Single-distance Paganin retrieval (homogeneous object): one phase map per projection.");
        var input = new Argument<string>("input") { Description = "Parallel-beam scan (Data Exchange or NXtomo HDF5): raw with flats, transmissions or line integrals." };
        var distance = new Option<string>("--distance", "--distances") { Description = "Sample–detector (effective) propagation distance with a unit, e.g. 3mm.", Required = true };
        var physics = PhysicsOptions.Add(c, deltaBetaRequired: true);
        var output = CommonOptions.Out("Phase maps as a Data Exchange scan (.h5, line-integral domain) for 'bzoom recon fbp'.");
        var overwrite = CommonOptions.Overwrite();
        var memory = CommonOptions.Memory();
        c.Arguments.Add(input);
        foreach (var o in new Option[] { distance, output, overwrite, memory }) c.Options.Add(o);
        CommandAction.Set(c, async (parse, ct) =>
        {
            string inPath = parse.GetRequiredValue(input), outPath = parse.GetRequiredValue(output);
            bool replace = parse.GetValue(overwrite);
            var z = PhaseArguments.ParseLength(parse.GetRequiredValue(distance), "--distance");
            if (!(z.Meters > 0)) throw new UsageException($"--distance: the propagation distance must be positive; got {z}.");
            var (energy, pixel, deltaBeta) = physics.Parse(parse);
            OutputPath.Check(outPath, replace, inPath);
            var storage = new StorageOptions(CommonOptions.ParseMemory(parse.GetValue(memory)));
            string note = await ProgressDisplay.RunAsync(progress =>
            {
                var context = new RunContext { Cancellation = ct, Progress = progress, Storage = storage, Log = Console.Error.WriteLine };
                using var scan = ProjectionFile.Read(inPath, PhaseArguments.ReadOptions(energy, pixel), context);
                var options = new PaganinOptions
                {
                    Energy = PhaseArguments.EnergyOf(scan, energy, inPath), Distance = z, PixelSize = pixel ?? scan.Geometry.Detector.PixelWidth, DeltaOverBeta = deltaBeta!.Value,
                };
                options.Validate();
                var started = DateTimeOffset.UtcNow;
                using var transmission = PhaseArguments.Transmissions(scan, context);
                var phase = PhaseRetrieval.Paganin(transmission, options, context);
                var parameters = new Dictionary<string, string>
                {
                    ["energy"] = options.Energy.ToString(), ["distance"] = z.ToString(), ["pixel_size"] = options.PixelSize.ToString(),
                    ["delta_over_beta"] = options.DeltaOverBeta.ToString("G6", CultureInfo.InvariantCulture),
                };
                using var result = PhaseArguments.PhaseScan(phase, scan, options.Energy, "phase.paganin", parameters, started, context);
                ProjectionFile.Write(outPath, result, new DataExchangeWriteOptions { Overwrite = replace }, context);
                return $"{phase.Count} phase maps of {phase.Rows}×{phase.Columns} at {options.Energy}, z = {z}, pixel {options.PixelSize}, δ/β = {options.DeltaOverBeta.ToString("G6", CultureInfo.InvariantCulture)}";
            }).ConfigureAwait(false);
            Console.WriteLine($"phase paganin: {note}");
            Console.WriteLine($"phase paganin: wrote {outPath} (Φ in rad, line-integral domain; 'bzoom recon fbp' gives k·δ in 1/m)");
            return 0;
        });
        return c;
    }

    private static Command Ctf()
    {
        var c = new Command("ctf", "Multi-distance contrast-transfer-function retrieval: one scan per distance, already on one pixel grid.");
        var inputs = new Argument<string[]>("inputs") { Description = "One parallel-beam scan per distance, in the order of --distances.", Arity = ArgumentArity.OneOrMore };
        var distances = new Option<string>("--distances", "--distance") { Description = "Effective propagation distances with units, strictly increasing, e.g. 1mm,1.5mm,2.5mm,4mm.", Required = true };
        var physics = PhysicsOptions.Add(c, deltaBetaRequired: false);
        var output = CommonOptions.Out("Phase maps as a Data Exchange scan (.h5, line-integral domain) for 'bzoom recon fbp'.");
        var overwrite = CommonOptions.Overwrite();
        var memory = CommonOptions.Memory();
        c.Arguments.Add(inputs);
        foreach (var o in new Option[] { distances, output, overwrite, memory }) c.Options.Add(o);
        CommandAction.Set(c, async (parse, ct) =>
        {
            string[] inPaths = parse.GetRequiredValue(inputs);
            string outPath = parse.GetRequiredValue(output);
            bool replace = parse.GetValue(overwrite);
            var zs = PhaseArguments.ParseDistances(parse.GetRequiredValue(distances), inPaths.Length);
            var (energy, pixel, deltaBeta) = physics.Parse(parse);
            OutputPath.Check(outPath, replace, inPaths);
            var storage = new StorageOptions(CommonOptions.ParseMemory(parse.GetValue(memory)));
            string note = await ProgressDisplay.RunAsync(progress =>
            {
                var context = new RunContext { Cancellation = ct, Progress = progress, Storage = storage, Log = Console.Error.WriteLine };
                var scans = new List<ProjectionSet>();
                var transmissions = new List<ImageStack<float>>();
                try
                {
                    foreach (var p in inPaths) scans.Add(ProjectionFile.Read(p, PhaseArguments.ReadOptions(energy, pixel), context));
                    var options = new CtfOptions
                    {
                        Energy = PhaseArguments.EnergyOf(scans[0], energy, inPaths[0]), PixelSize = pixel ?? scans[0].Geometry.Detector.PixelWidth, Distances = zs, DeltaOverBeta = deltaBeta,
                    };
                    options.Validate();
                    var started = DateTimeOffset.UtcNow;
                    foreach (var s in scans) transmissions.Add(PhaseArguments.Transmissions(s, context));
                    var phase = PhaseRetrieval.Ctf(transmissions, options, context);
                    var parameters = new Dictionary<string, string>
                    {
                        ["energy"] = options.Energy.ToString(), ["distances"] = string.Join(", ", zs), ["pixel_size"] = options.PixelSize.ToString(),
                        ["delta_over_beta"] = deltaBeta?.ToString("G6", CultureInfo.InvariantCulture) ?? "none (pure phase)",
                        ["regularization"] = string.Create(CultureInfo.InvariantCulture, $"low {options.LowFrequencyRegularization:G3}, high {options.HighFrequencyRegularization:G3}"),
                    };
                    using var result = PhaseArguments.PhaseScan(phase, scans[0], options.Energy, "phase.ctf", parameters, started, context);
                    ProjectionFile.Write(outPath, result, new DataExchangeWriteOptions { Overwrite = replace }, context);
                    return $"{phase.Count} phase maps of {phase.Rows}×{phase.Columns} from {zs.Count} distances ({string.Join(", ", zs)}) at {options.Energy}, pixel {options.PixelSize}";
                }
                finally
                {
                    foreach (var t in transmissions) t.Dispose();
                    foreach (var s in scans) s.Dispose();
                }
            }).ConfigureAwait(false);
            Console.WriteLine($"phase ctf: {note}");
            Console.WriteLine($"phase ctf: wrote {outPath} (Φ in rad, line-integral domain; 'bzoom recon fbp' gives k·δ in 1/m)");
            return 0;
        });
        return c;
    }
}

/// <summary>--energy, --pixel and --delta-beta, shared by the phase and holo commands.</summary>
internal sealed class PhysicsOptions
{
    private readonly Option<string?> _energy = new("--energy") { Description = "Photon energy with a unit, e.g. 33.6keV (default: the file's)." };
    private readonly Option<string?> _pixel = new("--pixel") { Description = "Sample-plane pixel with a unit, e.g. 70nm (default: the file's)." };
    private readonly Option<double?> _deltaBeta = new("--delta-beta") { Description = "δ/β of the material, e.g. 148 for NMC532 at 33.6 keV." };
    private bool _deltaBetaRequired;

    public static PhysicsOptions Add(Command command, bool deltaBetaRequired)
    {
        var p = new PhysicsOptions { _deltaBetaRequired = deltaBetaRequired };
        if (!deltaBetaRequired) p._deltaBeta.Description += " Optional: without it the retrieval assumes a pure phase object.";
        command.Options.Add(p._energy); command.Options.Add(p._pixel); command.Options.Add(p._deltaBeta);
        return p;
    }

    public (Energy? Energy, Length? Pixel, double? DeltaOverBeta) Parse(ParseResult parse)
    {
        Energy? energy = parse.GetValue(_energy) is { } e ? PhaseArguments.ParseEnergy(e) : null;
        Length? pixel = parse.GetValue(_pixel) is { } p ? PhaseArguments.ParseLength(p, "--pixel") : null;
        if (pixel is { } px && !(px.Meters > 0)) throw new UsageException($"--pixel: must be positive; got {px}.");
        double? db = parse.GetValue(_deltaBeta);
        if (db is null && _deltaBetaRequired) throw new UsageException("--delta-beta is required (δ/β of the material, e.g. 148 for NMC532 at 33.6 keV).");
        if (db is { } v && (!(v > 0) || !double.IsFinite(v))) throw new UsageException(string.Create(CultureInfo.InvariantCulture, $"--delta-beta: must be positive and finite; got {v}."));
        return (energy, pixel, db);
    }
}

/// <summary>Parsing and data preparation shared by the phase and holo commands.</summary>
internal static class PhaseArguments
{
    public static Energy ParseEnergy(string text)
    {
        Energy e;
        try { e = Energy.Parse(text); }
        catch (FormatException f) { throw new UsageException($"--energy: {f.Message}", f); }
        if (!(e.ElectronVolts > 0)) throw new UsageException($"--energy: must be positive; got {e}.");
        return e;
    }

    public static Length ParseLength(string text, string option)
    {
        try { return Length.Parse(text); }
        catch (FormatException f) { throw new UsageException($"{option}: {f.Message}", f); }
    }

    /// <summary>Comma-separated distances with units, one per input, positive and strictly increasing.</summary>
    public static IReadOnlyList<Length> ParseDistances(string text, int inputs)
    {
        var zs = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(s => ParseLength(s, "--distances")).ToArray();
        if (zs.Length != inputs)
            throw new UsageException($"--distances: {zs.Length} distance(s) for {inputs} input scan(s); give one distance per scan, in the same order.");
        for (int i = 0; i < zs.Length; i++)
        {
            if (!(zs[i].Meters > 0) || !double.IsFinite(zs[i].Meters))
                throw new UsageException($"--distances: distance {i + 1} is {zs[i]}; distances must be positive.");
            if (i > 0 && !(zs[i] > zs[i - 1]))
                throw new UsageException($"--distances: distances must increase strictly; {zs[i]} follows {zs[i - 1]}. Give the scans and distances from the nearest to the farthest.");
        }
        return zs;
    }

    public static ProjectionReadOptions ReadOptions(Energy? energy, Length? pixel) => new() { DefaultEnergy = energy, DefaultPixelSize = pixel };

    /// <summary>--energy when given, otherwise the file's.</summary>
    public static Energy EnergyOf(ProjectionSet scan, Energy? given, string path) =>
        given ?? scan.Energy ?? throw new UsageException($"{path} stores no photon energy; give --energy (e.g. 33.6keV).");

    /// <summary>Transmissions I/I0, as the Phase library expects: flat-field-corrected raw data (no logarithm), transmissions
    /// as they are, or exp(−p) of line integrals. The caller disposes the result.</summary>
    public static ImageStack<float> Transmissions(ProjectionSet scan, RunContext context)
    {
        switch (scan.Domain)
        {
            case IntensityDomain.Raw:
            {
                var corrected = FlatFieldCorrection.Apply(scan, out var report, new FlatFieldOptions { TakeLogarithm = false }, context);
                if (report.ClampedValues > 0)
                    context.Log?.Invoke(string.Create(CultureInfo.InvariantCulture, $"flat-field: {report.ClampedValues} values ({report.ClampedFraction:P3}) clamped to the minimum transmission."));
                return TakeProjections(corrected, context);
            }
            case IntensityDomain.Transmission:
                return Copy(scan.Projections, v => v, context);
            default:
                return Copy(scan.Projections, v => MathF.Exp(-v), context);
        }
    }

    private static ImageStack<float> TakeProjections(ProjectionSet set, RunContext context)
    {
        using (set) return Copy(set.Projections, v => v, context);
    }

    private static ImageStack<float> Copy(ImageStack<float> source, Func<float, float> map, RunContext context)
    {
        var copy = ImageStack<float>.Create(source.Count, source.Rows, source.Columns, context.Storage);
        var buffer = new float[source.FrameLength];
        for (int i = 0; i < source.Count; i++)
        {
            source.ReadFrame(i, buffer);
            for (int k = 0; k < buffer.Length; k++) buffer[k] = map(buffer[k]);
            copy.WriteFrame(i, buffer);
        }
        return copy;
    }

    /// <summary>Phase maps as a line-integral scan on the input's geometry.</summary>
    public static ProjectionSet PhaseScan(ImageStack<float> phase, ProjectionSet input, Energy energy, string step, Dictionary<string, string> parameters, DateTimeOffset started, RunContext context)
    {
        var provenance = input.Provenance.Append(step, 1, parameters, context.Backend, started, (DateTimeOffset.UtcNow - started).TotalSeconds);
        return new ProjectionSet(phase, input.Geometry, IntensityDomain.LineIntegral, energy: energy, provenance: provenance);
    }
}
