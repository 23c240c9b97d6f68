using System.CommandLine;
using System.Globalization;
using BatteryZoom.Cli.Infrastructure;
using BatteryZoom.Core.Diagnostics;
using BatteryZoom.Core.Steps;
using BatteryZoom.IO;
using BatteryZoom.IO.Images;

namespace BatteryZoom.Cli.Commands;

/// <summary><c>bzoom figure VOLUME --out F.png</c>: one plane of a volume as a PNG with a stated colour range.</summary>
internal static class FigureCommand
{
    public static Command Create()
    {
        var input = new Argument<string>("volume") { Description = "A volume (.h5, .tif, folder of TIFFs, …)." };
        var output = CommonOptions.Out("PNG file to write.");
        var axis = new Option<string>("--axis") { Description = "Plane: z (a slice), y or x (vertical cuts).", DefaultValueFactory = _ => "z" };
        var index = new Option<int?>("--index") { Description = "Plane index along the axis (default: the middle)." };
        var colormap = new Option<string>("--colormap") { Description = "gray, viridis or diverging.", DefaultValueFactory = _ => "gray" };
        var range = new Option<string?>("--range") { Description = "Values of the first and last colour, LO:HI (default: 0.5th and 99.5th percentiles of the plane)." };
        var memory = CommonOptions.Memory();
        var overwrite = CommonOptions.Overwrite();
        var command = new Command("figure", "Draw one plane of a volume as a PNG (colour range written into the image's text and printed).");
        command.Arguments.Add(input);
        foreach (var o in new Option[] { output, axis, index, colormap, range, memory, overwrite }) command.Options.Add(o);
        CommandAction.Set(command, async (parse, cancellation) =>
        {
            string inPath = parse.GetRequiredValue(input), outPath = parse.GetRequiredValue(output);
            bool replace = parse.GetValue(overwrite);
            OutputPath.Check(outPath, replace, inPath);
            var options = ParseOptions(parse.GetValue(axis) ?? "z", parse.GetValue(index), parse.GetValue(colormap) ?? "gray", parse.GetValue(range));
            var storage = new Core.Data.StorageOptions(CommonOptions.ParseMemory(parse.GetValue(memory)));
            string description = await ProgressDisplay.RunAsync(progress =>
            {
                var context = new RunContext { Cancellation = cancellation, Progress = progress, Storage = storage };
                using var volume = VolumeFile.Read(inPath, new VolumeReadOptions { RejectNonFinite = false }, context);   // NaN = masked, drawn black
                int count = options.Axis switch { SliceAxis.Z => volume.Nz, SliceAxis.Y => volume.Ny, _ => volume.Nx };
                if (options.Index is { } i && (i < 0 || i >= count))
                    throw new UsageException($"--index: plane {i} is outside the volume's {count} {options.Axis.ToString().ToLowerInvariant()} planes (0..{count - 1}).");
                var figure = SliceFigure.Render(volume, options);
                figure.WritePng(outPath, replace);
                return figure.Description;
            }).ConfigureAwait(false);
            Console.WriteLine($"figure: {description}; wrote {outPath}");
            return 0;
        });
        return command;
    }

    internal static SliceFigureOptions ParseOptions(string axis, int? index, string colormap, string? range)
    {
        var a = axis.Trim().ToLowerInvariant() switch
        {
            "z" => SliceAxis.Z,
            "y" => SliceAxis.Y,
            "x" => SliceAxis.X,
            _ => throw new UsageException($"--axis: expected z, y or x; got '{axis}'."),
        };
        Colormap map;
        try { map = Colormap.Parse(colormap); }
        catch (ArgumentException) { throw new UsageException($"--colormap: expected gray, viridis or diverging; got '{colormap}'."); }
        double? lo = null, hi = null;
        if (range is not null)
        {
            var parts = range.Split(':');
            if (parts.Length != 2 || !double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out double l)
                || !double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out double h))
                throw new UsageException($"--range: expected LO:HI, two numbers in the volume's units (e.g. 0:120); got '{range}'.");
            if (!(h > l)) throw new UsageException($"--range: LO must be below HI; got {l} and {h}.");
            (lo, hi) = (l, h);
        }
        return new SliceFigureOptions { Axis = a, Index = index, Colormap = map, Low = lo, High = hi };
    }
}
