using System.Numerics;
using BatteryZoom.Core.Data;
using BatteryZoom.Core.Diagnostics;
using BatteryZoom.Core.Geometry;
using BatteryZoom.Core.Steps;
using BatteryZoom.Core.Units;
using BatteryZoom.IO.Edf;
using BatteryZoom.IO.Hdf5;
using BatteryZoom.IO.Raw;
using BatteryZoom.IO.Tiff;

namespace BatteryZoom.IO;

/// <summary>Options for reading a volume from any supported format.</summary>
public sealed record VolumeReadOptions
{
    /// <summary>Defaults: the whole volume, non-finite values rejected.</summary>
    public static VolumeReadOptions Default { get; } = new();
    /// <summary>Voxel size used when the file stores none.</summary>
    public Length? DefaultVoxelSize { get; init; }
    /// <summary>Slices to read (e.g. <c>100..164</c>); null for all.</summary>
    public Range? Slices { get; init; }
    /// <summary>Rows (y) to read of every slice; null for all.</summary>
    public Range? Rows { get; init; }
    /// <summary>Reject NaN and ±∞ (default true).</summary>
    public bool RejectNonFinite { get; init; } = true;
    /// <summary>HDF5 dataset and raw layout (see <see cref="StackOpenOptions"/>).</summary>
    public StackOpenOptions Open { get; init; } = new();
}

/// <summary>Options for writing a volume (or any stack) to any supported format.</summary>
public sealed record VolumeWriteOptions
{
    /// <summary>Replace an existing output.</summary>
    public bool Overwrite { get; init; }
    /// <summary>Element type written (default float32). TIFF takes float32, uint16, uint8 or uint32.</summary>
    public ElementType ElementType { get; init; } = ElementType.Float32;
    /// <summary>Shuffle + gzip HDF5 chunks.</summary>
    public bool Compress { get; init; }
    /// <summary>Byte order of raw output.</summary>
    public ByteOrder ByteOrder { get; init; } = ByteOrder.LittleEndian;
    /// <summary>Write a folder of TIFF files instead of one multipage TIFF (also chosen by a path ending in '/').</summary>
    public bool TiffFolder { get; init; }
}

/// <summary>Format-agnostic volume I/O, dispatched by extension: .h5/.hdf5/.nxs/.cxi, .tif/.tiff or a folder of TIFF files,
/// .edf, .raw (with an explicit layout). Everything streams slice by slice.</summary>
public static class VolumeFile
{
    /// <summary>Opens any supported file for slice-by-slice reading.</summary>
    /// <exception cref="UsageException">Unknown format, or .raw without a layout.</exception>
    /// <exception cref="DataFormatException">Not the format its name says, truncated or corrupt.</exception>
    public static IFrameReader OpenReader(string path, StackOpenOptions? options = null) => FileFormats.OpenReader(path, options);

    /// <summary>Reads a volume as float32 (converted from the stored type), slice by slice into storage that follows the budget.</summary>
    /// <exception cref="UsageException">Unknown format, .raw without a layout, or no voxel size anywhere.</exception>
    /// <exception cref="DataFormatException">Missing dataset, wrong element type, truncated or corrupt data, non-finite values.</exception>
    public static Volume<float> Read(string path, VolumeReadOptions? options = null, RunContext? context = null) => Read<float>(path, options, context);

    /// <summary>Reads a volume converted to <typeparamref name="T"/> (integers rounded and saturated).</summary>
    /// <exception cref="UsageException">Unknown format, .raw without a layout, or no voxel size anywhere.</exception>
    /// <exception cref="DataFormatException">Missing dataset, wrong element type, truncated or corrupt data, non-finite values.</exception>
    public static Volume<T> Read<T>(string path, VolumeReadOptions? options = null, RunContext? context = null) where T : unmanaged, INumber<T>
    {
        options ??= VolumeReadOptions.Default;
        using var reader = OpenReader(path, options.Open);
        return reader.ReadVolume<T>(options.DefaultVoxelSize,
            new StackReadOptions { Frames = options.Slices, Rows = options.Rows, RejectNonFinite = options.RejectNonFinite }, context);
    }

    /// <summary>Opens a writer for a stack of <paramref name="count"/> × <paramref name="rows"/> × <paramref name="columns"/> frames,
    /// with metadata, in the format <paramref name="path"/> names.</summary>
    /// <exception cref="UsageException">Unknown format, an element type the format cannot hold, or an existing output without overwrite.</exception>
    public static IFrameWriter OpenWriter(string path, int count, int rows, int columns, StackMetadata metadata, VolumeWriteOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        options ??= new();
        var format = options.TiffFolder ? FileFormat.TiffFolder : FileFormats.Detect(path);
        var tiff = new TiffWriteOptions { ElementType = options.ElementType, Overwrite = options.Overwrite, Metadata = metadata };
        switch (format)
        {
            case FileFormat.Tiff: return new TiffStackWriter(path, count, rows, columns, tiff);
            case FileFormat.TiffFolder: return new TiffFolderWriter(path.TrimEnd('/', '\\'), count, rows, columns, tiff);
            case FileFormat.Edf: return new EdfWriter(path, count, rows, columns, options.ElementType, metadata.Dx, options.Overwrite);
            case FileFormat.Raw: return new RawWriter(path, count, rows, columns, options.ElementType, options.ByteOrder, options.Overwrite);
            default:
                var voxel = metadata.Dx ?? new Length(1);
                var grid = metadata.ToGrid(new GridSize(columns, rows, count), voxel);
                return Hdf5Volume.CreateWriter(path, grid, metadata.Quantity, metadata.Provenance,
                    new Hdf5WriteOptions { ElementType = options.ElementType, Compress = options.Compress, Overwrite = options.Overwrite });
        }
    }

    /// <summary>Writes <paramref name="volume"/> slice by slice (grid, quantity and provenance kept where the format can), atomically.</summary>
    /// <exception cref="UsageException">Unknown format, an element type the format cannot hold, or an existing output without overwrite.</exception>
    /// <exception cref="OperationCanceledException">Cancelled; no output is left behind.</exception>
    public static void Write<T>(string path, Volume<T> volume, VolumeWriteOptions? options = null, RunContext? context = null) where T : unmanaged, INumber<T>
    {
        ArgumentNullException.ThrowIfNull(volume);
        var md = StackMetadata.FromVolume(volume.Grid, volume.Quantity, volume.Provenance);
        using var writer = OpenWriter(path, volume.Nz, volume.Ny, volume.Nx, md, options);
        writer.WriteStack(volume.Slices, context);
    }
}

/// <summary>Format-agnostic reading of scans: HDF5 (Data Exchange or NXtomo, detected by content), or projections only from
/// TIFF, EDF and raw files (angles and pixel size then come from the options).</summary>
public static class ProjectionFile
{
    /// <summary>Reads a scan into a <see cref="ProjectionSet"/> with <see cref="ParallelBeam"/> geometry.</summary>
    /// <exception cref="UsageException">Unknown format, no angles or pixel size where the file has none, .raw without a layout.</exception>
    /// <exception cref="DataFormatException">Missing dataset, wrong element type, flats/darks of another shape, angles of another
    /// count, non-finite values, truncated or corrupt data.</exception>
    public static ProjectionSet Read(string path, ProjectionReadOptions? options = null, RunContext? context = null)
    {
        options ??= ProjectionReadOptions.Default;
        context ??= RunContext.Default;
        var format = FileFormats.Detect(path);
        if (format == FileFormat.Hdf5)
        {
            if (!File.Exists(path)) throw new UsageException($"input '{path}' does not exist.");
            if (DataExchange.Detect(path)) return DataExchange.Read(path, options, context);
            if (NxTomo.FindEntry(path) is not null || options.Entry is not null) return NxTomo.Read(path, options, context);
            throw new DataFormatException(path, $"a scan: {DataExchange.DataPath} (Data Exchange) or an NXtomo entry", "neither");
        }
        using var reader = FileFormats.OpenReader(path, new StackOpenOptions { RawLayout = options.RawLayout });
        var angles = options.Angles ?? throw new UsageException($"{path} stores no rotation angles; give them (e.g. --angles \"0:180 deg\").");
        var pixel = ScanAssembler.PixelSize(reader.Metadata.Dx, options, path);
        return ScanAssembler.Build(reader, null, null, angles, $"{path} (angles given)", pixel, reader.Metadata.Dy ?? pixel,
            options.DefaultEnergy, IntensityDomain.Raw, Length.Zero, null, options, context);
    }

    /// <summary>Writes a parallel-beam scan as APS Data Exchange HDF5 (the one scan format we write).</summary>
    /// <exception cref="UsageException">A non-HDF5 output path, or an existing output without overwrite.</exception>
    /// <exception cref="IncompatibleInputException">Not parallel-beam geometry.</exception>
    public static void Write(string path, ProjectionSet scan, DataExchangeWriteOptions? options = null, RunContext? context = null)
    {
        if (FileFormats.Detect(path) != FileFormat.Hdf5)
            throw new UsageException($"'{path}': scans are written as Data Exchange HDF5 (.h5); convert projections to other formats with Convert.");
        DataExchange.Write(path, scan, options, context);
    }
}
