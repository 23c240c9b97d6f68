using System.CommandLine;
using BatteryZoom.Cli.Infrastructure;
using BatteryZoom.Core.Diagnostics;
using BatteryZoom.Core.Geometry;
using BatteryZoom.Core.Units;
using BatteryZoom.IO;
using BatteryZoom.IO.Edf;
using BatteryZoom.IO.Hdf5;
using BatteryZoom.IO.Raw;
using BatteryZoom.IO.Tiff;

namespace BatteryZoom.Cli.Commands;

/// <summary><c>bzoom convert IN OUT</c>: between TIFF, HDF5, EDF and raw, one frame at a time (bounded memory).</summary>
internal static class ConvertCommand
{
    public static Command Create()
    {
        var input = new Argument<string>("input") { Description = "Input file (TIFF file or folder, HDF5, EDF, raw)." };
        var output = new Argument<string>("output") { Description = "Output: .h5 (BatteryZoom volume), .tif (multipage; BigTIFF when > 4 GB), a folder ending in / (one TIFF per frame), .raw or .edf." };
        var dtype = new Option<string>("--dtype") { Description = "Output element type: float32 (default) or uint16 (values rounded and clipped).", DefaultValueFactory = _ => "float32" };
        var voxel = new Option<string?>("--voxel") { Description = "Voxel size when the input does not store one, e.g. 0.65um (needed for .h5 output)." };
        var dataset = new Option<string?>("--dataset") { Description = "HDF5 input dataset (default: found automatically)." };
        var overwrite = CommonOptions.Overwrite();
        var layout = RawOptions.Create();
        var command = new Command("convert", "Convert a stack between TIFF, HDF5, EDF and raw, frame by frame.");
        command.Arguments.Add(input);
        command.Arguments.Add(output);
        command.Options.Add(dtype);
        command.Options.Add(voxel);
        command.Options.Add(dataset);
        command.Options.Add(overwrite);
        foreach (var o in layout.All) command.Options.Add(o);
        CommandAction.Set(command, async (parse, cancellation) =>
        {
            string inPath = parse.GetRequiredValue(input), outPath = parse.GetRequiredValue(output);
            bool replace = parse.GetValue(overwrite);
            OutputPath.Check(outPath, replace, inPath);
            var type = ElementTypes.Parse(parse.GetValue(dtype) ?? "float32");
            if (type is not (ElementType.Float32 or ElementType.UInt16))
                throw new UsageException($"--dtype: output types are float32 or uint16; got '{parse.GetValue(dtype)}'.");
            Length? defaultVoxel = parse.GetValue(voxel) is { } v ? Length.Parse(v) : null;
            var open = new StackOpenOptions { Dataset = parse.GetValue(dataset), RawLayout = layout.Parse(parse) };
            int frames = await ProgressDisplay.RunAsync(progress =>
            {
                using var reader = FileFormats.OpenReader(inPath, open);
                using var writer = CreateWriter(outPath, reader, type, defaultVoxel, replace);
                reader.CopyTo(writer, rejectNonFinite: type == ElementType.UInt16,
                    context: new Core.Steps.RunContext { Cancellation = cancellation, Progress = progress });
                return reader.Count;
            }).ConfigureAwait(false);
            Console.WriteLine($"convert: wrote {outPath} ({frames} frames, {type.Name()})");
            return 0;
        });
        return command;
    }

    private static IFrameWriter CreateWriter(string path, IFrameReader reader, ElementType type, Length? defaultVoxel, bool overwrite)
    {
        var md = reader.Metadata;
        var provenance = (md.Provenance ?? Core.Data.Provenance.Empty).Append("io.convert", 1,
            [new("input", reader.Source), new("element_type", type.Name())], "cpu", DateTimeOffset.UtcNow, 0);
        md = md with { Provenance = provenance };
        bool folder = path.EndsWith('/') || path.EndsWith(Path.DirectorySeparatorChar);
        if (folder) return new TiffFolderWriter(path.TrimEnd('/', Path.DirectorySeparatorChar), reader.Count, reader.Rows, reader.Columns,
            new TiffWriteOptions { ElementType = type, Overwrite = overwrite, Metadata = md });
        return FileFormats.Detect(path) switch
        {
            FileFormat.Hdf5 => Hdf5Volume.CreateWriter(path, GridOf(reader, md, defaultVoxel, path), md.Quantity, provenance,
                new Hdf5WriteOptions { ElementType = type, Overwrite = overwrite }),
            FileFormat.Tiff => new TiffStackWriter(path, reader.Count, reader.Rows, reader.Columns,
                new TiffWriteOptions { ElementType = type, Overwrite = overwrite, Metadata = md }),
            FileFormat.Raw => new RawWriter(path, reader.Count, reader.Rows, reader.Columns, type, ByteOrder.LittleEndian, overwrite),
            FileFormat.Edf => new EdfWriter(path, reader.Count, reader.Rows, reader.Columns, type, md.Dx ?? defaultVoxel, overwrite),
            var f => throw new UsageException($"output '{path}': cannot write {f}."),
        };
    }

    private static VoxelGrid GridOf(IFrameReader reader, StackMetadata md, Length? defaultVoxel, string output)
    {
        if (!md.HasVoxelSize && defaultVoxel is null)
            throw new UsageException($"output '{output}': an HDF5 volume needs a voxel size and '{reader.Source}' stores none; pass --voxel (e.g. --voxel 0.65um).");
        return md.ToGrid(new GridSize(reader.Columns, reader.Rows, reader.Count), defaultVoxel);
    }
}
