using BatteryZoom.Core.Diagnostics;
using PureHDF.Selections;
using PureHDF.VOL.Native;

namespace BatteryZoom.IO.Hdf5;

/// <summary>Reads frames (first axis) of a 3-D HDF5 dataset [frame, row, column] by hyperslab, optionally through an index
/// map (e.g. the projections of an NXtomo dataset that also holds flats and darks).</summary>
/// <remarks>A large <see cref="SimpleReadingChunkCache"/> is installed: PureHDF's default cache (1 MiB) thrashes on
/// chunked data read frame by frame (GUIDE §11). The cache is sized to hold the chunks one frame touches, at least 64 MiB.</remarks>
public sealed class Hdf5FrameReader : FrameReader
{
    private readonly NativeFile _file;
    private readonly bool _ownsFile;
    private readonly NativeDataset _dataset;
    private readonly int[]? _frameMap;
    private readonly int _count, _rows, _columns;
    private readonly bool _twoD;
    private readonly ElementType _type;
    private readonly H5DatasetAccess _access;

    /// <summary>Opens dataset <paramref name="datasetPath"/> of <paramref name="path"/>.</summary>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    /// <exception cref="DataFormatException">Not HDF5, no such dataset, not 2-D/3-D, or an unsupported element type.</exception>
    public Hdf5FrameReader(string path, string datasetPath, StackMetadata? metadata = null)
        : this(Hdf5Support.OpenRead(path), true, datasetPath, null, metadata) { }

    internal Hdf5FrameReader(NativeFile file, bool ownsFile, string datasetPath, int[]? frameMap, StackMetadata? metadata)
        : base($"{file.Path}:{datasetPath}")
    {
        (_file, _ownsFile, _frameMap) = (file, ownsFile, frameMap);
        try
        {
            _dataset = Hdf5Support.Dataset(file, datasetPath, "frames [frame, row, column]");
            var dims = Hdf5Support.Dims(_dataset);
            if (dims.Length is not (2 or 3))
                throw Corrupt("a 3-D dataset [frame, row, column] (or one 2-D frame)", $"{dims.Length}-D [{string.Join(", ", dims)}]");
            _twoD = dims.Length == 2;
            ulong frames = _twoD ? 1 : dims[0], rows = dims[^2], cols = dims[^1];
            if (frames > int.MaxValue || rows * cols > (ulong)Array.MaxLength || rows == 0 || cols == 0 || frames == 0)
                throw Corrupt("a non-empty frame of fewer than 2³¹ elements", $"shape [{string.Join(", ", dims)}]");
            (_rows, _columns) = ((int)rows, (int)cols);
            _count = frameMap?.Length ?? (int)frames;
            if (frameMap is not null && frameMap.Any(i => i < 0 || (ulong)i >= frames))
                throw Corrupt($"frame indices within 0..{frames - 1}", "an index outside");
            _type = Hdf5Support.ElementTypeOf(_dataset.Type, Source);
            Metadata = metadata ?? StackMetadata.Empty;
            var (cacheBytes, slots) = CacheSize(_dataset, dims, _type.SizeOf());
            _access = new H5DatasetAccess(ChunkCache: new SimpleReadingChunkCache(chunkSlotCount: slots, byteCount: (ulong)cacheBytes));
        }
        catch
        {
            if (ownsFile) file.Dispose();
            throw;
        }
    }

    /// <summary>Enough cache for every chunk one layer of frames touches (a chunk spanning k frames is re-read for each of
    /// them otherwise), plus one chunk; at least 8 MiB, at most 1 GiB.</summary>
    private static (long Bytes, int Slots) CacheSize(NativeDataset dataset, ulong[] dims, int elementSize)
    {
        ulong[] chunks;
        try { chunks = dataset.Layout.Class == PureHDF.H5DataLayoutClass.Chunked ? dataset.Layout.Chunks : []; }
        catch (Exception ex) when (ex is not OutOfMemoryException) { chunks = []; }
        if (chunks.Length < dims.Length) return (8L << 20, 521);
        long chunkBytes = elementSize, perLayer = 1;
        for (int i = 0; i < dims.Length; i++)
        {
            ulong c = Math.Max(1UL, chunks[i]);
            chunkBytes *= (long)c;
            if (i >= dims.Length - 2) perLayer *= (long)((dims[i] + c - 1) / c);
        }
        long bytes = Math.Clamp(chunkBytes * (perLayer + 1), 8L << 20, 1L << 30);
        int slots = (int)Math.Clamp(perLayer * 2 + 1, 521, 1 << 20);
        return (bytes, slots);
    }

    /// <inheritdoc/>
    public override int Count => _count;
    /// <inheritdoc/>
    public override int Rows => _rows;
    /// <inheritdoc/>
    public override int Columns => _columns;
    /// <inheritdoc/>
    public override ElementType ElementType => _type;
    /// <inheritdoc/>
    public override StackMetadata Metadata { get; }
    /// <summary>Index in the dataset of frame <paramref name="index"/>.</summary>
    public int FileFrame(int index) => _frameMap?[index] ?? index;

    /// <inheritdoc/>
    protected override void ReadRowBytes(int index, int rowStart, int rowCount, Span<byte> destination)
    {
        Selection selection = _twoD
            ? new HyperslabSelection(2, [(ulong)rowStart, 0], [(ulong)rowCount, (ulong)_columns])
            : new HyperslabSelection(3, [(ulong)FileFrame(index), (ulong)rowStart, 0], [1, (ulong)rowCount, (ulong)_columns]);
        try
        {
            Hdf5Support.ReadInto(_dataset, _type, destination, selection, Source, _access);
        }
        catch (Exception ex) when (ex is not DataFormatException and not OutOfMemoryException)
        {
            throw Corrupt($"readable data at frame {FileFrame(index)}", Hdf5Support.OneLine(ex.Message) + " (truncated or corrupt)", ex);
        }
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing && _ownsFile) _file.Dispose();
        base.Dispose(disposing);
    }
}
