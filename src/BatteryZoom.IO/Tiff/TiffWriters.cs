using BatteryZoom.Core.Diagnostics;
using LibTiff = BitMiracle.LibTiff.Classic.Tiff;

namespace BatteryZoom.IO.Tiff;

/// <summary>Options for writing TIFF.</summary>
public sealed record TiffWriteOptions
{
    /// <summary>Element type written: Float32 (default), UInt16, UInt8 or UInt32.</summary>
    public ElementType ElementType { get; init; } = ElementType.Float32;
    /// <summary>Force BigTIFF (true), classic TIFF (false) or choose by size (null: BigTIFF when the file may pass 4 GiB).</summary>
    public bool? BigTiff { get; init; }
    /// <summary>Replace an existing output.</summary>
    public bool Overwrite { get; init; }
    /// <summary>Voxel size, origin, quantity and provenance written to the ImageDescription JSON and resolution tags.</summary>
    public StackMetadata Metadata { get; init; } = StackMetadata.Empty;
}

/// <summary>Writes frames as pages of one multipage TIFF (uncompressed), switching to BigTIFF when the size needs it.</summary>
public sealed class TiffStackWriter : FrameWriter
{
    // Classic TIFF offsets are 32-bit; keep 64 MiB headroom for directories and the description.
    private const long ClassicLimit = (1L << 32) - (64L << 20);
    private readonly AtomicFileWriter _output;
    private readonly LibTiff _tif;
    private readonly TiffWriteOptions _options;
    private readonly string _description;
    private byte[] _strip = [];

    /// <summary>Starts writing <paramref name="count"/> pages to <paramref name="path"/>.</summary>
    /// <exception cref="UsageException">The output exists and overwriting was not asked for, or an unsupported element type.</exception>
    public TiffStackWriter(string path, int count, int rows, int columns, TiffWriteOptions? options = null)
        : base(path, count, rows, columns, (options ?? new()).ElementType)
    {
        _options = options ?? new();
        CheckType(_options.ElementType);
        long bytes = (long)count * rows * columns * _options.ElementType.SizeOf() + count * 512L;
        IsBigTiff = _options.BigTiff ?? bytes > ClassicLimit;
        _description = TiffSupport.Describe(_options.Metadata);
        TiffSupport.Install();
        _output = AtomicFileWriter.Begin(path, _options.Overwrite);
        _tif = LibTiff.Open(_output.TempPath, IsBigTiff ? "w8" : "w")
            ?? throw new IOException($"{path}: cannot create TIFF: {TiffSupport.TakeError("LibTiff refused to open the file")}.");
    }

    /// <summary>True when the file is written as BigTIFF.</summary>
    public bool IsBigTiff { get; }

    internal static void CheckType(ElementType type)
    {
        if (type is not (ElementType.Float32 or ElementType.UInt16 or ElementType.UInt8 or ElementType.UInt32))
            throw new UsageException($"TIFF output element type must be float32, uint16, uint8 or uint32; got {type.Name()}.");
    }

    /// <inheritdoc/>
    protected override void WriteFrameBytes(int index, ReadOnlySpan<byte> frame) =>
        TiffSupport.WritePage(_tif, Destination, Rows, Columns, ElementType, frame, index == 0 ? _description : null,
            _options.Metadata.Dx, _options.Metadata.Dy, index, Count, ref _strip);

    /// <inheritdoc/>
    protected override void OnComplete()
    {
        _tif.Dispose();
        _output.Commit();
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _tif.Dispose();
            _output.Dispose();
        }
        base.Dispose(disposing);
    }
}

/// <summary>Writes frames as a folder of single-page TIFF files named <c>&lt;prefix&gt;00000.tif</c>, … (folder appears on completion).</summary>
public sealed class TiffFolderWriter : FrameWriter
{
    private readonly AtomicFileWriter _output;
    private readonly TiffWriteOptions _options;
    private readonly string _prefix;
    private readonly string _description;
    private byte[] _strip = [];

    /// <summary>Starts writing <paramref name="count"/> files into folder <paramref name="path"/>.</summary>
    /// <exception cref="UsageException">The folder exists and overwriting was not asked for, or an unsupported element type.</exception>
    public TiffFolderWriter(string path, int count, int rows, int columns, TiffWriteOptions? options = null, string prefix = "slice_")
        : base(path, count, rows, columns, (options ?? new()).ElementType)
    {
        _options = options ?? new();
        TiffStackWriter.CheckType(_options.ElementType);
        _prefix = prefix;
        _description = TiffSupport.Describe(_options.Metadata);
        TiffSupport.Install();
        _output = AtomicFileWriter.Begin(path, _options.Overwrite, isDirectory: true);
    }

    /// <inheritdoc/>
    protected override void WriteFrameBytes(int index, ReadOnlySpan<byte> frame)
    {
        string file = Path.Combine(_output.TempPath, _prefix + TiffFolderReader.FormatIndex(index, Count) + ".tif");
        using var tif = LibTiff.Open(file, "w") ?? throw new IOException($"{file}: cannot create TIFF: {TiffSupport.TakeError("LibTiff refused to open the file")}.");
        TiffSupport.WritePage(tif, file, Rows, Columns, ElementType, frame, _description, _options.Metadata.Dx, _options.Metadata.Dy, 0, 1, ref _strip);
    }

    /// <inheritdoc/>
    protected override void OnComplete() => _output.Commit();

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing) _output.Dispose();
        base.Dispose(disposing);
    }
}
