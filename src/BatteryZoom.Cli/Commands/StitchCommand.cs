using System.CommandLine;
using System.Globalization;
using BatteryZoom.Cli.Infrastructure;
using BatteryZoom.Core.Data;
using BatteryZoom.Core.Steps;
using BatteryZoom.IO;
using BatteryZoom.Tomography.Stitching;

namespace BatteryZoom.Cli.Commands;

/// <summary><c>bzoom stitch VOL... --out</c>: vertical stitching of stacked scans (sub-voxel registration, smooth blend).</summary>
internal static class StitchCommand
{
    public static Command Create()
    {
        var inputs = new Argument<string[]>("volumes") { Description = "Two or more volumes, bottom to top, with voxel size and z origin stored.", Arity = new ArgumentArity(2, 64) };
        var output = CommonOptions.Out("Stitched volume (.h5, .tif, …).");
        var coneZone = new Option<int>("--cone-zone") { Description = "Slices at each scan's top and bottom down-weighted for cone artefacts." };
        var blend = new Option<int?>("--blend") { Description = "Blend width in slices (default: the whole overlap)." };
        var noRegister = new Option<bool>("--no-register") { Description = "Trust the stored z origins; skip registration." };
        var memory = CommonOptions.Memory();
        var overwrite = CommonOptions.Overwrite();
        var command = new Command("stitch", "Stitch vertically stacked volumes: find each overlap's shift by sub-voxel registration and blend with a smooth ramp.");
        command.Arguments.Add(inputs);
        foreach (var o in new Option[] { output, coneZone, blend, noRegister, memory, overwrite }) command.Options.Add(o);
        CommandAction.Set(command, async (parse, cancellation) =>
        {
            var paths = parse.GetRequiredValue(inputs);
            string outPath = parse.GetRequiredValue(output);
            bool replace = parse.GetValue(overwrite);
            OutputPath.Check(outPath, replace, paths);
            var storage = new StorageOptions(CommonOptions.ParseMemory(parse.GetValue(memory)));
            var options = new StitchOptions { ConeZoneSlices = parse.GetValue(coneZone), BlendSlices = parse.GetValue(blend), Register = !parse.GetValue(noRegister) };
            string summary = await ProgressDisplay.RunAsync(progress =>
            {
                var context = new RunContext { Cancellation = cancellation, Progress = progress, Storage = storage };
                var volumes = new List<Volume<float>>();
                try
                {
                    foreach (var p in paths) volumes.Add(VolumeFile.Read(p, context: context));
                    using var stitched = VerticalStitcher.Stitch(volumes, options, context);
                    VolumeFile.Write(outPath, stitched, new VolumeWriteOptions { Overwrite = replace }, context);
                    return string.Create(CultureInfo.InvariantCulture, $"{volumes.Count} volumes → {stitched.Grid.Size}, z origin {stitched.Grid.Origin.Z * 1e3:F4} mm");
                }
                finally
                {
                    foreach (var v in volumes) v.Dispose();
                }
            }).ConfigureAwait(false);
            Console.WriteLine($"stitch: {summary}; wrote {outPath}");
            return 0;
        });
        return command;
    }
}
