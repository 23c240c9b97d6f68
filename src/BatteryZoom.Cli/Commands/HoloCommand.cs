using System.CommandLine;
using BatteryZoom.Cli.Infrastructure;
using BatteryZoom.Core.Data;
using BatteryZoom.Core.Diagnostics;
using BatteryZoom.Core.Geometry;
using BatteryZoom.Core.Steps;
using BatteryZoom.Core.Units;
using BatteryZoom.IO;
using BatteryZoom.Phase.Holotomography;
using BatteryZoom.Phase.Propagation;

namespace BatteryZoom.Cli.Commands;

/// <summary><c>bzoom holo</c>: holotomography — per-distance flat-field, registration, multi-distance phase retrieval and FBP to δ.</summary>
internal static class HoloCommand
{
    public static Command Create()
    {
        var c = new Command("holo", "Holotomography: scans at several distances → phase retrieval (CTF or Paganin) → FBP → δ volume.");
        var inputs = new Argument<string[]>("inputs") { Description = "One parallel-beam scan per distance (raw with flats, or transmissions), in the order of --distances.", Arity = ArgumentArity.OneOrMore };
        var distances = new Option<string>("--distances", "--distance") { Description = "Effective propagation distances with units, strictly increasing, e.g. 1mm,1.5mm,2.5mm,4mm.", Required = true };
        var physics = PhysicsOptions.Add(c, deltaBetaRequired: false);
        var method = new Option<string>("--method") { Description = "ctf (all distances) or paganin (nearest distance; needs --delta-beta).", DefaultValueFactory = _ => "ctf" };
        var noRegister = new Option<bool>("--no-register") { Description = "Skip the registration of distances (use when they are already aligned)." };
        var output = CommonOptions.Out("δ volume (.h5, .tif, a folder/ of TIFFs, …).");
        var overwrite = CommonOptions.Overwrite();
        var memory = CommonOptions.Memory();
        c.Arguments.Add(inputs);
        foreach (var o in new Option[] { distances, method, noRegister, output, overwrite, memory }) c.Options.Add(o);
        CommandAction.Set(c, async (parse, ct) =>
        {
            string[] inPaths = parse.GetRequiredValue(inputs);
            string outPath = parse.GetRequiredValue(output);
            bool replace = parse.GetValue(overwrite);
            var zs = PhaseArguments.ParseDistances(parse.GetRequiredValue(distances), inPaths.Length);
            var (energy, pixel, deltaBeta) = physics.Parse(parse);
            var phaseMethod = (parse.GetValue(method) ?? "ctf").Trim().ToLowerInvariant() switch
            {
                "ctf" => PhaseMethod.Ctf,
                "paganin" => PhaseMethod.Paganin,
                var other => throw new UsageException($"--method: expected 'ctf' or 'paganin'; got '{other}'."),
            };
            if (phaseMethod == PhaseMethod.Paganin && deltaBeta is null) throw new UsageException("--method paganin needs --delta-beta (e.g. 148 for NMC532 at 33.6 keV).");
            OutputPath.Check(outPath, replace, inPaths);
            var storage = new StorageOptions(CommonOptions.ParseMemory(parse.GetValue(memory)));
            var options = new HolotomographyOptions { Method = phaseMethod, DeltaOverBeta = deltaBeta, Register = !parse.GetValue(noRegister) };
            string note = await ProgressDisplay.RunAsync(progress =>
            {
                var context = new RunContext { Cancellation = ct, Progress = progress, Storage = storage, Log = Console.Error.WriteLine };
                var scans = new List<ProjectionSet>();
                try
                {
                    foreach (var p in inPaths) scans.Add(ProjectionFile.Read(p, PhaseArguments.ReadOptions(energy, pixel), context));
                    var set = new HolotomoSet(scans.Select((s, i) => new HolotomoDistance(Adjust(s, energy, pixel, inPaths[i]), FresnelGeometry.Parallel(zs[i]))).ToArray());
                    using var delta = HolotomographyPipeline.Reconstruct(set, options, context);
                    VolumeFile.Write(outPath, delta, new VolumeWriteOptions { Overwrite = replace }, context);
                    return $"{delta.Grid.Size} voxels of {delta.Grid.Dx} from {zs.Count} distances ({string.Join(", ", zs)}) at {set.Energy}, {phaseMethod} retrieval";
                }
                finally
                {
                    foreach (var s in scans) s.Dispose();
                }
            }).ConfigureAwait(false);
            Console.WriteLine($"holo: {note}");
            Console.WriteLine($"holo: wrote {outPath} (δ, dimensionless)");
            return 0;
        });
        return c;
    }

    /// <summary>The scan with --energy and --pixel applied (sharing its stacks; the caller disposes the original only).</summary>
    private static ProjectionSet Adjust(ProjectionSet scan, Energy? energy, Length? pixel, string path)
    {
        var e = PhaseArguments.EnergyOf(scan, energy, path);
        var geometry = scan.Geometry;
        if (pixel is { } px && geometry is ParallelBeam pb && (pb.Detector.PixelWidth != px || pb.Detector.PixelHeight != px))
        {
            var d = pb.Detector;
            geometry = pb with { Detector = new Detector(d.Columns, d.Rows, px, px, d.OffsetU, d.OffsetV) };
        }
        if (e == scan.Energy && ReferenceEquals(geometry, scan.Geometry)) return scan;
        return new ProjectionSet(scan.Projections, geometry, scan.Domain, scan.Flats, scan.Darks, e, scan.Provenance);
    }
}
