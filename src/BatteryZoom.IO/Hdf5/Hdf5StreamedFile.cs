using System.Runtime.InteropServices;
using PureHDF;
using PureHDF.Filters;
using PureHDF.Selections;
using PureHDF.VOL.Native;

namespace BatteryZoom.IO.Hdf5;

/// <summary>A writing chunk cache that holds at most <paramref name="byteLimit"/> bytes: the oldest chunk is written out
/// when a new one would exceed the limit.</summary>
/// <remarks>PureHDF 2.2's default writing cache keeps every chunk until the file closes, i.e. the whole dataset in memory.
/// Eviction is safe here because our writers fill chunks in order and never return to a written chunk (chunks hold whole
/// rows of one frame, and each write covers whole frames).</remarks>
internal sealed class BoundedWritingChunkCache(long byteLimit) : IWritingChunkCache
{
    // PureHDF 2.2 hands GetChunk a writer closure bound to the chunk being *requested* (it ignores its index argument), so
    // a chunk is evicted with the writer captured when that chunk itself was first requested, never with the current one.
    private readonly Dictionary<ulong, (Memory<byte> Data, Action<ulong, Memory<byte>> Writer)> _chunks = [];
    private readonly Queue<ulong> _order = new();
    private long _bytes;

    public Memory<byte> GetChunk(ulong chunkIndex, Func<Memory<byte>> chunkAllocator, Action<ulong, Memory<byte>> chunkWriter)
    {
        if (_chunks.TryGetValue(chunkIndex, out var entry)) return entry.Data;
        var chunk = chunkAllocator();
        while (_order.Count > 0 && _bytes + chunk.Length > byteLimit)
        {
            ulong oldest = _order.Dequeue();
            var (data, writer) = _chunks[oldest];
            _chunks.Remove(oldest);
            _bytes -= data.Length;
            writer(oldest, data);
        }
        _chunks[chunkIndex] = (chunk, chunkWriter);
        _order.Enqueue(chunkIndex);
        _bytes += chunk.Length;
        return chunk;
    }

    public void Flush(Action<ulong, Memory<byte>> chunkWriter)
    {
        while (_order.Count > 0)
        {
            ulong index = _order.Dequeue();
            chunkWriter(index, _chunks[index].Data);
        }
        _chunks.Clear();
        _bytes = 0;
    }
}

/// <summary>One 3-D dataset [frame, row, column] to be written frame by frame, with its attributes.</summary>
internal sealed record StreamedDatasetSpec(string Path, int Count, int Rows, int Columns, ElementType Type, Dictionary<string, object>? Attributes = null, bool Deflate = false);

/// <summary>A new HDF5 file with small datasets written at once and large 3-D datasets written frame by frame through
/// PureHDF's deferred writing (<c>H5File.BeginWrite</c> + <c>writer.Write(dataset, slab, fileSelection)</c>).</summary>
/// <remarks>Chunks are [1, r, columns] (whole rows, about 1 MiB), so a frame or a band of rows reads few chunks.</remarks>
internal sealed class Hdf5StreamedFile : IDisposable
{
    private readonly H5NativeWriter _writer;
    private readonly StreamedDataset[] _datasets;
    private bool _disposed;

    public Hdf5StreamedFile(string tempPath, H5File root, IReadOnlyList<StreamedDatasetSpec> specs)
    {
        _datasets = new StreamedDataset[specs.Count];
        for (int i = 0; i < specs.Count; i++)
        {
            var s = specs[i];
            _datasets[i] = s.Type switch
            {
                ElementType.UInt8 => new StreamedDataset<byte>(s),
                ElementType.Int8 => new StreamedDataset<sbyte>(s),
                ElementType.UInt16 => new StreamedDataset<ushort>(s),
                ElementType.Int16 => new StreamedDataset<short>(s),
                ElementType.UInt32 => new StreamedDataset<uint>(s),
                ElementType.Int32 => new StreamedDataset<int>(s),
                ElementType.Float32 => new StreamedDataset<float>(s),
                _ => new StreamedDataset<double>(s),
            };
            Place(root, s.Path, _datasets[i].Dataset);
        }
        _writer = root.BeginWrite(tempPath);
    }

    /// <summary>Puts <paramref name="item"/> at <paramref name="path"/>, creating groups on the way.</summary>
    public static void Place(H5Group root, string path, object item)
    {
        var parts = path.Trim('/').Split('/');
        H5Group group = root;
        for (int i = 0; i < parts.Length - 1; i++)
        {
            if (!group.TryGetValue(parts[i], out var child)) { child = new H5Group(); group[parts[i]] = child; }
            group = (H5Group)child;
        }
        group[parts[^1]] = item;
    }

    /// <summary>The group at <paramref name="path"/>, created if missing.</summary>
    public static H5Group Group(H5Group root, string path)
    {
        H5Group group = root;
        foreach (var part in path.Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (!group.TryGetValue(part, out var child)) { child = new H5Group(); group[part] = child; }
            group = (H5Group)child;
        }
        return group;
    }

    /// <summary>Writes frame <paramref name="frame"/> of dataset <paramref name="dataset"/> from machine-order bytes.</summary>
    public void WriteFrame(int dataset, int frame, ReadOnlySpan<byte> bytes) => _datasets[dataset].Write(_writer, frame, bytes);

    /// <summary>Closes the file, flushing the remaining chunks.</summary>
    public void Close()
    {
        if (_disposed) return;
        _disposed = true;
        _writer.Dispose();
    }

    public void Dispose() => Close();

    private abstract class StreamedDataset
    {
        public abstract object Dataset { get; }
        public abstract void Write(H5NativeWriter writer, int frame, ReadOnlySpan<byte> bytes);
    }

    private sealed class StreamedDataset<T> : StreamedDataset where T : unmanaged
    {
        private readonly H5Dataset<T[]> _dataset;
        private readonly T[] _buffer;
        private readonly StreamedDatasetSpec _spec;

        public StreamedDataset(StreamedDatasetSpec spec)
        {
            _spec = spec;
            long rowBytes = (long)spec.Columns * spec.Type.SizeOf();
            uint chunkRows = (uint)Math.Clamp((1 << 20) / Math.Max(1, rowBytes), 1, spec.Rows);
            long frameBytes = rowBytes * spec.Rows;
            var creation = new H5DatasetCreation(
                ChunkCache: new BoundedWritingChunkCache(Math.Max(8L << 20, 2 * frameBytes)),
                Filters: spec.Deflate ? [ShuffleFilter.Id, DeflateFilter.Id] : []);
            _dataset = new H5Dataset<T[]>(fileDims: [(ulong)spec.Count, (ulong)spec.Rows, (ulong)spec.Columns],
                chunks: [1, chunkRows, (uint)spec.Columns], datasetCreation: creation);
            if (spec.Attributes is not null) foreach (var (k, v) in spec.Attributes) _dataset.Attributes[k] = v;
            _buffer = new T[spec.Rows * spec.Columns];
        }

        public override object Dataset => _dataset;

        public override void Write(H5NativeWriter writer, int frame, ReadOnlySpan<byte> bytes)
        {
            MemoryMarshal.Cast<byte, T>(bytes).CopyTo(_buffer);
            var selection = new HyperslabSelection(3, [(ulong)frame, 0, 0], [1, (ulong)_spec.Rows, (ulong)_spec.Columns]);
            writer.Write(_dataset, _buffer, fileSelection: selection);
        }
    }
}
