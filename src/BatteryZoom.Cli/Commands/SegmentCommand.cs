using System.CommandLine;
using System.Globalization;
using BatteryZoom.Cli.Infrastructure;
using BatteryZoom.Core.Data;
using BatteryZoom.Core.Diagnostics;
using BatteryZoom.Core.Steps;
using BatteryZoom.Core.Units;
using BatteryZoom.IO;
using BatteryZoom.Segmentation.Commands;
using BatteryZoom.Segmentation.Measurements;

namespace BatteryZoom.Cli.Commands;

/// <summary><c>bzoom segment threshold|label|distance|watershed|measure</c>: volumes in, volumes and CSV tables out.</summary>
internal static class SegmentCommand
{
    public static Command Create()
    {
        var command = new Command("segment", "Segment and measure volumes: thresholds, labels, distance maps, watershed, per-object tables.");
        command.Subcommands.Add(Threshold());
        command.Subcommands.Add(Label());
        command.Subcommands.Add(Distance());
        command.Subcommands.Add(Watershed());
        command.Subcommands.Add(Measure());
        return command;
    }

    private sealed record Common(Argument<string> Input, Option<string> Out, Option<bool> Overwrite, Option<string?> Memory)
    {
        public static Common Add(Command c, string input, string output)
        {
            var common = new Common(new Argument<string>("input") { Description = input }, CommonOptions.Out(output), CommonOptions.Overwrite(), CommonOptions.Memory());
            c.Arguments.Add(common.Input);
            c.Options.Add(common.Out); c.Options.Add(common.Overwrite); c.Options.Add(common.Memory);
            return common;
        }

        public (string In, string Out, bool Overwrite, RunContext Context) Resolve(ParseResult parse, CancellationToken ct, IProgress<StepProgress> progress)
        {
            string inPath = parse.GetRequiredValue(Input), outPath = parse.GetRequiredValue(Out);
            bool overwrite = parse.GetValue(Overwrite);
            OutputPath.Check(outPath, overwrite, inPath);
            var storage = new StorageOptions(CommonOptions.ParseMemory(parse.GetValue(Memory)));
            return (inPath, outPath, overwrite, new RunContext { Cancellation = ct, Progress = progress, Storage = storage });
        }
    }

    private static Option<string> Connectivity() => new("--connectivity") { Description = "Neighbourhood: 6 (faces), 18 (edges) or 26 (vertices); required, as libraries disagree on the default.", Required = true };

    private static Command Threshold()
    {
        var c = new Command("threshold", "Global threshold (Otsu, 3-class multi-Otsu or manual) after optional Gaussian smoothing; writes a 0/1 uint8 mask.");
        var common = Common.Add(c, "Grey-value volume.", "Mask volume (.h5, .tif, …).");
        var method = new Option<string>("--method") { Description = "otsu, multiotsu (mask = top class) or manual.", DefaultValueFactory = _ => "otsu" };
        var value = new Option<double?>("--value") { Description = "Threshold for --method manual, in the image's unit." };
        var smooth = new Option<string?>("--smooth") { Description = "Gaussian σ applied first, with a unit (e.g. 1um)." };
        var table = new Option<string?>("--table") { Description = "CSV file for the threshold(s) found." };
        foreach (var o in new Option[] { method, value, smooth, table }) c.Options.Add(o);
        CommandAction.Set(c, async (parse, ct) => await ProgressDisplay.RunAsync(progress =>
        {
            var (inPath, outPath, overwrite, context) = common.Resolve(parse, ct, progress);
            using var image = VolumeFile.Read(inPath, context: context);
            var result = SegmentCommands.Threshold(image, SegmentCommands.ParseThresholdMethod(parse.GetValue(method) ?? "otsu"), parse.GetValue(value),
                parse.GetValue(smooth) is { } s ? Length.Parse(s) : null, context);
            using (result.Mask)
            {
                VolumeFile.Write(outPath, result.Mask, new VolumeWriteOptions { Overwrite = overwrite, ElementType = ElementType.UInt8 }, context);
                if (parse.GetValue(table) is { } t) WriteCsv(t, overwrite, result.WriteCsv);
            }
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"segment threshold: {result.Method} at {string.Join(", ", result.Thresholds.Select(v => v.ToString("G6", CultureInfo.InvariantCulture)))} {result.Unit}; wrote {outPath}"));
            return 0;
        }).ConfigureAwait(false));
        return c;
    }

    private static Command Label()
    {
        var c = new Command("label", "Connected components of a mask (uint32 labels, 0 = background).");
        var common = Common.Add(c, "Mask volume (non-zero = foreground).", "Label volume.");
        var connectivity = Connectivity();
        var minVoxels = new Option<long>("--min-voxels") { Description = "Drop objects with fewer voxels than this (strictly fewer) before labelling." };
        c.Options.Add(connectivity); c.Options.Add(minVoxels);
        CommandAction.Set(c, async (parse, ct) => await ProgressDisplay.RunAsync(progress =>
        {
            var (inPath, outPath, overwrite, context) = common.Resolve(parse, ct, progress);
            var conn = SegmentCommands.ParseConnectivity(parse.GetRequiredValue(connectivity));
            using var mask = VolumeFile.Read<byte>(inPath, context: context);
            using var labels = SegmentCommands.Label(mask, conn, parse.GetValue(minVoxels), context);
            VolumeFile.Write(outPath, labels.Labels, new VolumeWriteOptions { Overwrite = overwrite, ElementType = ElementType.UInt32 }, context);
            Console.WriteLine($"segment label: {labels.Count} objects ({parse.GetRequiredValue(connectivity)}-connectivity); wrote {outPath}");
            return 0;
        }).ConfigureAwait(false));
        return c;
    }

    private static Command Distance()
    {
        var c = new Command("distance", "Exact Euclidean distance of each foreground voxel to the background, in metres (anisotropic spacing honoured).");
        var common = Common.Add(c, "Mask volume.", "Distance volume (float32, metres).");
        CommandAction.Set(c, async (parse, ct) => await ProgressDisplay.RunAsync(progress =>
        {
            var (inPath, outPath, overwrite, context) = common.Resolve(parse, ct, progress);
            using var mask = VolumeFile.Read<byte>(inPath, context: context);
            using var distance = SegmentCommands.Distance(mask, context);
            VolumeFile.Write(outPath, distance, new VolumeWriteOptions { Overwrite = overwrite }, context);
            Console.WriteLine($"segment distance: wrote {outPath}");
            return 0;
        }).ConfigureAwait(false));
        return c;
    }

    private static Command Watershed()
    {
        var c = new Command("watershed", "Split touching objects: distance map, seeds at its maxima, marker-controlled watershed within the mask.");
        var common = Common.Add(c, "Mask volume.", "Label volume.");
        var connectivity = Connectivity();
        var separation = new Option<string?>("--min-separation") { Description = "Seeds at local maxima of the distance map at least this far apart, with a unit (e.g. 3um)." };
        var hMaxima = new Option<string?>("--h-maxima") { Description = "Seeds at the h-maxima of the distance map: maxima at least this deep, as a length (e.g. 1.5um) or in voxels of the smallest spacing (e.g. 2vx). Exactly one of --min-separation and --h-maxima." };
        c.Options.Add(connectivity); c.Options.Add(separation); c.Options.Add(hMaxima);
        CommandAction.Set(c, async (parse, ct) => await ProgressDisplay.RunAsync(progress =>
        {
            var (inPath, outPath, overwrite, context) = common.Resolve(parse, ct, progress);
            var conn = SegmentCommands.ParseConnectivity(parse.GetRequiredValue(connectivity));
            string? sep = parse.GetValue(separation), hm = parse.GetValue(hMaxima);
            if ((sep is null) == (hm is null))
                throw new UsageException("segment watershed needs exactly one of --min-separation (e.g. 3um) and --h-maxima (e.g. 2vx or 1.5um)" +
                    (sep is null ? "; got neither." : "; got both."));
            using var mask = VolumeFile.Read<byte>(inPath, context: context);
            var seeds = sep is not null ? SeedRule.MinSeparation(Length.Parse(sep)) : SeedRule.HMaxima(SegmentCommands.ParseHMaxima(hm!, mask.Grid));
            using var labels = SegmentCommands.Watershed(mask, seeds, conn, context);
            VolumeFile.Write(outPath, labels.Labels, new VolumeWriteOptions { Overwrite = overwrite, ElementType = ElementType.UInt32 }, context);
            Console.WriteLine($"segment watershed: {labels.Count} objects (seeds: {(sep is not null ? "min separation " + sep : "h-maxima " + hm)}); wrote {outPath}");
            return 0;
        }).ConfigureAwait(false));
        return c;
    }

    private static Command Measure()
    {
        var c = new Command("measure", "Per-object table (volume, equivalent diameter, centroid, box, surface, sphericity, border flag, intensity statistics) as CSV with units.");
        var common = Common.Add(c, "Label volume (uint32).", "CSV table of objects.");
        var intensity = new Option<string?>("--intensity") { Description = "A second image (e.g. an edge-energy map) to average per object." };
        var regions = new Option<string?>("--regions") { Description = "A region label image (e.g. depth regions 1..5) that groups objects." };
        var distribution = new Option<string?>("--distribution") { Description = "CSV file for size distributions per region." };
        var bins = new Option<int>("--bins") { Description = "Number of size bins.", DefaultValueFactory = _ => 20 };
        var log = new Option<bool>("--log-bins") { Description = "Logarithmic bins of equivalent diameter." };
        foreach (var o in new Option[] { intensity, regions, distribution, bins, log }) c.Options.Add(o);
        CommandAction.Set(c, async (parse, ct) => await ProgressDisplay.RunAsync(progress =>
        {
            var (inPath, outPath, overwrite, context) = common.Resolve(parse, ct, progress);
            using var labels = VolumeFile.Read<uint>(inPath, context: context);
            using var image = parse.GetValue(intensity) is { } i ? VolumeFile.Read(i, context: context) : null;
            using var regionImage = parse.GetValue(regions) is { } r ? VolumeFile.Read<uint>(r, context: context) : null;
            var (table, _) = SegmentCommands.Measure(labels, image, regionImage, null, context);
            WriteCsv(outPath, overwrite, table.WriteCsv);
            if (parse.GetValue(distribution) is { } d)
            {
                var sizeBins = SizeBins.Span(table, parse.GetValue(bins), parse.GetValue(log) ? BinSpacing.Logarithmic : BinSpacing.Linear);
                WriteCsv(d, overwrite, w => SizeDistribution.WriteCsv(SizeDistribution.ByRegion(table, sizeBins), w));
            }
            Console.WriteLine($"segment measure: {table.Rows.Count} objects; wrote {outPath}");
            return 0;
        }).ConfigureAwait(false));
        return c;
    }

    /// <summary>Writes a CSV atomically (temporary file, then rename).</summary>
    internal static void WriteCsv(string path, bool overwrite, Action<TextWriter> write) =>
        AtomicFileWriter.Write(path, overwrite, temp =>
        {
            using var writer = new StreamWriter(temp);
            write(writer);
        });
}
