using System.Globalization;
using System.Text;
using BatteryZoom.Core.Diagnostics;
using BatteryZoom.Core.Steps;
using BatteryZoom.Core.Units;
using BatteryZoom.IO.Hdf5;

namespace BatteryZoom.IO;

/// <summary>What <c>bzoom info</c> shows about a file.</summary>
public sealed record FileSummary
{
    /// <summary>The file or folder.</summary>
    public required string Path { get; init; }
    /// <summary>Layout name: "HDF5 volume", "APS Data Exchange", "NXtomo", "HDF5 dataset", "TIFF", "TIFF folder", "EDF", "raw".</summary>
    public required string Layout { get; init; }
    /// <summary>Dataset read, for HDF5.</summary>
    public string? Dataset { get; init; }
    /// <summary>Frames (slices or projections).</summary>
    public int Frames { get; init; }
    /// <summary>Rows per frame.</summary>
    public int Rows { get; init; }
    /// <summary>Columns per frame.</summary>
    public int Columns { get; init; }
    /// <summary>Stored element type.</summary>
    public ElementType ElementType { get; init; }
    /// <summary>Voxel size, origin, quantity, provenance where stored.</summary>
    public StackMetadata Metadata { get; init; } = StackMetadata.Empty;
    /// <summary>Flats in a scan file.</summary>
    public int? Flats { get; init; }
    /// <summary>Darks in a scan file.</summary>
    public int? Darks { get; init; }
    /// <summary>Number of rotation angles and their first and last value, for scans.</summary>
    public (int Count, Angle First, Angle Last)? Angles { get; init; }
    /// <summary>Detector pixel size, for scans.</summary>
    public Length? PixelSize { get; init; }
    /// <summary>Photon energy, where stored.</summary>
    public Energy? Energy { get; init; }
    /// <summary>Smallest finite value (null when not computed or none finite).</summary>
    public double? Min { get; init; }
    /// <summary>Largest finite value.</summary>
    public double? Max { get; init; }
    /// <summary>Mean of the finite values.</summary>
    public double? Mean { get; init; }
    /// <summary>NaN and ±∞ count.</summary>
    public long NonFinite { get; init; }

    /// <summary>Human-readable lines for the CLI.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        var ci = CultureInfo.InvariantCulture;
        sb.Append(ci, $"{Path}: {Layout}{(Dataset is null ? "" : " " + Dataset)}\n");
        sb.Append(ci, $"  shape      {Frames}×{Rows}×{Columns} (frames×rows×columns), {ElementType.Name()}\n");
        if (Metadata.Dx is { } dx) sb.Append(ci, $"  voxel size x {dx}, y {Metadata.Dy}, z {(Metadata.Dz is { } dz ? dz.ToString() : "unknown")}\n");
        if (Metadata.Quantity is { } q) sb.Append(ci, $"  quantity   {q.Name}{(q.Unit.Length > 0 ? " [" + q.Unit + "]" : "")}\n");
        if (Angles is { } a) sb.Append(ci, $"  angles     {a.Count}, {a.First} … {a.Last}\n");
        if (PixelSize is { } p) sb.Append(ci, $"  pixel size {p}\n");
        if (Flats is not null || Darks is not null) sb.Append(ci, $"  flats      {Flats ?? 0}, darks {Darks ?? 0}\n");
        if (Energy is { } e) sb.Append(ci, $"  energy     {e}\n");
        if (Min is not null) sb.Append(ci, $"  values     min {Min:G6}, max {Max:G6}, mean {Mean:G6}\n");
        if (NonFinite > 0) sb.Append(ci, $"  non-finite {NonFinite}\n");
        if (Metadata.Provenance is { Entries.Count: > 0 } pv) sb.Append(ci, $"  provenance {string.Join(" → ", pv.Entries.Select(x => x.Step))}\n");
        return sb.ToString().TrimEnd();
    }
}

/// <summary>Summarises any supported file for <c>bzoom info</c>; the value range is computed streaming, one frame at a time.</summary>
public static class FileInspector
{
    /// <summary>Reads shape, element type, metadata and (when <paramref name="computeRange"/>) min/max/mean of <paramref name="path"/>.</summary>
    /// <exception cref="UsageException">Unknown format, or .raw without a layout.</exception>
    /// <exception cref="DataFormatException">Not what its name says, truncated or corrupt.</exception>
    public static FileSummary Inspect(string path, StackOpenOptions? options = null, bool computeRange = true, RunContext? context = null)
    {
        options ??= new();
        context ??= RunContext.Default;
        var format = FileFormats.Detect(path);
        using var reader = FileFormats.OpenReader(path, options);
        var summary = new FileSummary
        {
            Path = path,
            Layout = format switch
            {
                FileFormat.Tiff => "TIFF", FileFormat.TiffFolder => "TIFF folder", FileFormat.Edf => "EDF", FileFormat.Raw => "raw", _ => "HDF5 dataset",
            },
            Frames = reader.Count, Rows = reader.Rows, Columns = reader.Columns, ElementType = reader.ElementType, Metadata = reader.Metadata,
        };
        if (format == FileFormat.Hdf5)
        {
            string dataset = reader.Source[(reader.Source.LastIndexOf(':') + 1)..];
            summary = summary with { Dataset = dataset };
            if (dataset == Hdf5Volume.DatasetPath) summary = summary with { Layout = "HDF5 volume" };
            else if (dataset == DataExchange.DataPath || dataset.EndsWith("/" + NxTomo.DataPath, StringComparison.Ordinal))
                summary = DescribeScan(path, summary, dataset == DataExchange.DataPath);
        }
        if (!computeRange) return summary;
        double min = double.PositiveInfinity, max = double.NegativeInfinity, sum = 0;
        long finite = 0, nonFinite = 0;
        var buffer = new double[reader.Rows * reader.Columns];
        for (int i = 0; i < reader.Count; i++)
        {
            context.Cancellation.ThrowIfCancellationRequested();
            reader.ReadFrame<double>(i, buffer);
            foreach (double v in buffer)
            {
                if (!double.IsFinite(v)) { nonFinite++; continue; }
                if (v < min) min = v;
                if (v > max) max = v;
                sum += v;
                finite++;
            }
            context.Report("io.inspect", i + 1, reader.Count, path);
        }
        return summary with
        {
            Min = finite > 0 ? min : null, Max = finite > 0 ? max : null, Mean = finite > 0 ? sum / finite : null, NonFinite = nonFinite,
        };
    }

    private static FileSummary DescribeScan(string path, FileSummary summary, bool dataExchange)
    {
        // Geometry and counts only: one row of every frame, in memory, no value checks.
        try
        {
            var options = new ProjectionReadOptions { Rows = 0..1, RejectNonFinite = false, DefaultPixelSize = new Length(1) };
            using var scan = dataExchange ? DataExchange.Read(path, options) : NxTomo.Read(path, options);
            var angles = ((BatteryZoom.Core.Geometry.ParallelBeam)scan.Geometry).Angles;
            var pixel = scan.Geometry.Detector.PixelWidth;
            return summary with
            {
                Layout = dataExchange ? "APS Data Exchange" : "NXtomo",
                Flats = scan.Flats?.Count ?? 0, Darks = scan.Darks?.Count ?? 0,
                Angles = angles.Count > 0 ? (angles.Count, angles[0], angles[^1]) : null,
                PixelSize = pixel.Meters == 1 ? null : pixel,
                Energy = scan.Energy,
            };
        }
        catch (Exception ex) when (ex is DataFormatException or UsageException)
        {
            return summary with { Layout = (dataExchange ? "APS Data Exchange" : "NXtomo") + " (incomplete: " + ex.Message + ")" };
        }
    }
}

/// <summary>Options for converting between formats.</summary>
public sealed record ConvertOptions
{
    /// <summary>Replace an existing output.</summary>
    public bool Overwrite { get; init; }
    /// <summary>Element type of the output; null keeps the input's where the output format can hold it, else float32.</summary>
    public ElementType? ElementType { get; init; }
    /// <summary>How to open the input (HDF5 dataset, raw layout).</summary>
    public StackOpenOptions Input { get; init; } = new();
    /// <summary>Voxel size written when the input stores none.</summary>
    public Length? DefaultVoxelSize { get; init; }
    /// <summary>Shuffle + gzip HDF5 output.</summary>
    public bool Compress { get; init; }
    /// <summary>Byte order of raw output.</summary>
    public ByteOrder ByteOrder { get; init; } = ByteOrder.LittleEndian;
    /// <summary>Reject NaN and ±∞ in the input (default false: convert copies values as they are).</summary>
    public bool RejectNonFinite { get; init; }
}

/// <summary>Slab-by-slab conversion between any two supported formats (for <c>bzoom convert</c>).</summary>
public static class FileConverter
{
    /// <summary>Copies the stack of <paramref name="input"/> to <paramref name="output"/> one frame at a time, keeping voxel size,
    /// origin, quantity and provenance where both formats can; the output appears atomically.</summary>
    /// <exception cref="UsageException">Output equals input, exists without overwrite, unknown format, or an element type the output cannot hold.</exception>
    /// <exception cref="DataFormatException">The input is truncated or corrupt.</exception>
    /// <exception cref="OperationCanceledException">Cancelled; no output is left behind.</exception>
    public static void Convert(string input, string output, ConvertOptions? options = null, RunContext? context = null)
    {
        options ??= new();
        OutputPath.Check(output, options.Overwrite, [input]);
        var outFormat = FileFormats.Detect(output);
        using var reader = FileFormats.OpenReader(input, options.Input);
        var md = reader.Metadata;
        if (md.Dx is null && options.DefaultVoxelSize is { } v) md = md with { Dx = v, Dy = v, Dz = v };
        var type = options.ElementType ?? reader.ElementType;
        if (options.ElementType is null && outFormat is FileFormat.Tiff or FileFormat.TiffFolder
            && type is not (ElementType.Float32 or ElementType.UInt16 or ElementType.UInt8 or ElementType.UInt32))
            type = ElementType.Float32;
        using var writer = VolumeFile.OpenWriter(output, reader.Count, reader.Rows, reader.Columns, md,
            new VolumeWriteOptions { Overwrite = options.Overwrite, ElementType = type, Compress = options.Compress, ByteOrder = options.ByteOrder });
        reader.CopyTo(writer, options.RejectNonFinite, context);
    }
}
