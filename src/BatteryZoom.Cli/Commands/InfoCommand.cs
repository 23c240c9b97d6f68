using System.CommandLine;
using System.Globalization;
using BatteryZoom.Cli.Infrastructure;
using BatteryZoom.IO;
using BatteryZoom.IO.Hdf5;
using Spectre.Console;

namespace BatteryZoom.Cli.Commands;

/// <summary><c>bzoom info FILE</c>: shape, element type, geometry, voxel size and value range, read frame by frame.</summary>
internal static class InfoCommand
{
    public static Command Create()
    {
        var input = new Argument<string>("file") { Description = "A TIFF (file or folder), HDF5 (volume, Data Exchange, NXtomo), EDF or raw file." };
        var dataset = new Option<string?>("--dataset") { Description = "HDF5 dataset path to describe (default: found automatically)." };
        var layout = RawOptions.Create();
        var command = new Command("info", "Describe a file: shape, element type, geometry, voxel size, value range.");
        command.Arguments.Add(input);
        command.Options.Add(dataset);
        foreach (var o in layout.All) command.Options.Add(o);
        CommandAction.Set(command, async (parse, cancellation) =>
        {
            string path = parse.GetRequiredValue(input);
            var options = new StackOpenOptions { Dataset = parse.GetValue(dataset), RawLayout = layout.Parse(parse) };
            var rows = await ProgressDisplay.RunAsync(progress => Describe(path, options, progress, cancellation)).ConfigureAwait(false);
            var table = new Table().AddColumn("property").AddColumn("value");
            foreach (var (k, v) in rows) table.AddRow(Markup.Escape(k), Markup.Escape(v));
            AnsiConsole.Write(table);
            return 0;
        });
        return command;
    }

    internal static List<(string, string)> Describe(string path, StackOpenOptions options, IProgress<Core.Steps.StepProgress> progress, CancellationToken cancellation)
    {
        using var reader = FileFormats.OpenReader(path, options);
        var md = reader.Metadata;
        var rows = new List<(string, string)>
        {
            ("file", reader.Source),
            ("format", FileFormats.Detect(path).ToString()),
            ("shape", $"{reader.Count} × {reader.Rows} × {reader.Columns} (frames × rows × columns)"),
            ("element type", reader.ElementType.Name()),
        };
        if (md.Dx is { } dx) rows.Add(("voxel size", $"x {dx}, y {md.Dy?.ToString() ?? "?"}, z {md.Dz?.ToString() ?? "?"}"));
        if (md.Origin is { } o) rows.Add(("origin (voxel 0 centre)", string.Create(CultureInfo.InvariantCulture, $"({o.X:G6}, {o.Y:G6}, {o.Z:G6}) m")));
        if (md.Quantity is { } q) rows.Add(("quantity", q.Unit.Length > 0 ? $"{q.Name} ({q.Unit})" : q.Name));
        if (FileFormats.Detect(path) == FileFormat.Hdf5 && DataExchange.Detect(path))
            AddScanGeometry(rows, path);
        var (min, max, mean, nonFinite) = ValueRange(reader, progress, cancellation);
        rows.Add(("value range", string.Create(CultureInfo.InvariantCulture, $"{min:G6} .. {max:G6} (mean {mean:G6})")));
        if (nonFinite > 0) rows.Add(("non-finite values", nonFinite.ToString(CultureInfo.InvariantCulture)));
        if (md.Provenance is { Entries.Count: > 0 } p)
            rows.Add(("provenance", string.Join(" → ", p.Entries.Select(e => $"{e.Step} v{e.Version}"))));
        return rows;
    }

    private static void AddScanGeometry(List<(string, string)> rows, string path)
    {
        using var scan = DataExchange.Read(path, new ProjectionReadOptions { RejectNonFinite = false, Projections = 0..1 });
        if (scan.Geometry is Core.Geometry.ParallelBeam g)
        {
            rows.Add(("geometry", $"parallel beam, pixel {g.Detector.PixelWidth} × {g.Detector.PixelHeight}"));
            rows.Add(("rotation centre", string.Create(CultureInfo.InvariantCulture, $"{g.CenterOfRotationPixels:F2} px")));
        }
        if (scan.Flats is { } f) rows.Add(("flats", f.Count.ToString(CultureInfo.InvariantCulture)));
        if (scan.Darks is { } d) rows.Add(("darks", d.Count.ToString(CultureInfo.InvariantCulture)));
        if (scan.Energy is { } e) rows.Add(("energy", e.ToString()));
    }

    private static (double Min, double Max, double Mean, long NonFinite) ValueRange(IFrameReader reader, IProgress<Core.Steps.StepProgress> progress, CancellationToken cancellation)
    {
        var frame = new double[reader.Rows * reader.Columns];
        double min = double.PositiveInfinity, max = double.NegativeInfinity, sum = 0;
        long count = 0, nonFinite = 0;
        for (int i = 0; i < reader.Count; i++)
        {
            cancellation.ThrowIfCancellationRequested();
            reader.ReadFrame<double>(i, frame);
            foreach (double v in frame)
            {
                if (!double.IsFinite(v)) { nonFinite++; continue; }
                if (v < min) min = v;
                if (v > max) max = v;
                sum += v; count++;
            }
            progress.Report(new("info.scan", i + 1, reader.Count));
        }
        return (min, max, count > 0 ? sum / count : double.NaN, nonFinite);
    }
}
