using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace BatteryZoom.Core.Data;

/// <summary>A stack of equally sized 2D frames [frame, row, column] (slices of a volume, or projections), stored frame by frame.</summary>
/// <remarks>
/// A stack may exceed 2³¹ elements, more than one array or span can index, so it is addressed by frame. When it fits
/// the <see cref="StorageOptions.Budget"/> frames live in memory and <see cref="GetFrame"/> gives a span on one: small stacks
/// hold one array per frame, large ones carve frames from huge-page-advised blocks (see <see cref="FrameBlock{T}"/>);
/// otherwise frames live in a scratch file (deleted on dispose) read and written with positional I/O, so resident memory
/// stays at what the caller holds. Reads and writes of distinct frames are thread-safe.
/// </remarks>
public sealed class ImageStack<T> : IDisposable where T : unmanaged
{
    // In memory: frame i is _blocks[i / _framesPerBlock], from element Offset + (i % _framesPerBlock) · FrameLength.
    private readonly FrameBlock<T>[]? _blocks;
    private readonly int _framesPerBlock = 1;
    private readonly SafeFileHandle? _file;
    private readonly string? _filePath;
    private bool _disposed;

    private ImageStack(int count, int rows, int columns, FrameBlock<T>[]? blocks, int framesPerBlock, SafeFileHandle? file, string? filePath)
    {
        (Count, Rows, Columns, _blocks, _framesPerBlock, _file, _filePath) = (count, rows, columns, blocks, framesPerBlock, file, filePath);
    }

    /// <summary>Number of frames.</summary>
    public int Count { get; }
    /// <summary>Rows per frame.</summary>
    public int Rows { get; }
    /// <summary>Columns per frame.</summary>
    public int Columns { get; }
    /// <summary>Elements per frame.</summary>
    public int FrameLength => Rows * Columns;
    /// <summary>Bytes of all frames.</summary>
    public long ByteCount => (long)Count * FrameLength * Marshal.SizeOf<T>();
    /// <summary>True when frames are arrays in memory (then <see cref="GetFrame"/> works).</summary>
    public bool IsInMemory => _blocks is not null;

    /// <summary>Creates a zero-filled stack, in memory if it fits the budget.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A count is not positive, or a frame exceeds 2³¹−1 elements.</exception>
    public static ImageStack<T> Create(int count, int rows, int columns, StorageOptions? storage = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rows);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(columns);
        if ((long)rows * columns > Array.MaxLength)
            throw new ArgumentOutOfRangeException(nameof(columns), $"a frame of {rows}×{columns} exceeds the {Array.MaxLength} elements one array holds.");
        storage ??= StorageOptions.Default;
        long bytes = (long)count * rows * columns * Marshal.SizeOf<T>();
        if (bytes <= storage.Budget.Bytes)
        {
            int frameLength = rows * columns;
            int perBlock = bytes < FrameBlock<T>.MinimumStackBytes ? 1 : FrameBlock<T>.FramesPerBlock(count, frameLength);
            var blocks = new FrameBlock<T>[(count + perBlock - 1) / perBlock];
            for (int b = 0; b < blocks.Length; b++)
            {
                int frames = Math.Min(perBlock, count - b * perBlock);
                blocks[b] = perBlock == 1 ? new FrameBlock<T>(new T[frameLength], 0) : FrameBlock<T>.Allocate((long)frames * frameLength);
            }
            return new ImageStack<T>(count, rows, columns, blocks, perBlock, null, null);
        }
        string dir = storage.ScratchDirectory ?? Path.GetTempPath();
        Directory.CreateDirectory(dir);
        string path = Path.Combine(dir, $"bzoom-scratch-{Guid.NewGuid():N}.bin");
        var handle = File.OpenHandle(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, FileOptions.DeleteOnClose | FileOptions.RandomAccess);
        RandomAccess.SetLength(handle, bytes);
        return new ImageStack<T>(count, rows, columns, null, 1, handle, path);
    }

    /// <summary>Wraps existing frame arrays (no copy).</summary>
    /// <exception cref="ArgumentException">Frames of different length than rows × columns.</exception>
    public static ImageStack<T> FromFrames(T[][] frames, int rows, int columns)
    {
        ArgumentNullException.ThrowIfNull(frames);
        ArgumentOutOfRangeException.ThrowIfZero(frames.Length);
        foreach (var f in frames)
            if (f.Length != rows * columns) throw new ArgumentException($"every frame must hold {rows}×{columns} = {rows * columns} elements; one holds {f.Length}.", nameof(frames));
        return new ImageStack<T>(frames.Length, rows, columns, Array.ConvertAll(frames, f => new FrameBlock<T>(f, 0)), 1, null, null);
    }

    /// <summary>Direct access to an in-memory frame [row, column].</summary>
    /// <exception cref="InvalidOperationException">The stack lives in a scratch file: use <see cref="ReadFrame"/>/<see cref="WriteFrame"/>.</exception>
    public Span<T> GetFrame(int index)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        CheckIndex(index);
        if (_blocks is null) throw new InvalidOperationException("this stack is file-backed: use ReadFrame/WriteFrame.");
        return Frame(index);
    }

    private Span<T> Frame(int index)
    {
        var block = _blocks![index / _framesPerBlock];
        return block.Array.AsSpan(block.Offset + index % _framesPerBlock * FrameLength, FrameLength);
    }

    /// <summary>Copies frame <paramref name="index"/> into <paramref name="destination"/> (length ≥ <see cref="FrameLength"/>).</summary>
    public void ReadFrame(int index, Span<T> destination)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        CheckIndex(index);
        CheckLength(destination.Length, nameof(destination));
        if (_blocks is not null) { Frame(index).CopyTo(destination); return; }
        var bytes = MemoryMarshal.AsBytes(destination[..FrameLength]);
        long offset = (long)index * bytes.Length;
        int read = 0;
        while (read < bytes.Length)
        {
            int n = RandomAccess.Read(_file!, bytes[read..], offset + read);
            if (n == 0) throw new IOException($"scratch file {_filePath} ended early at frame {index}.");
            read += n;
        }
    }

    /// <summary>Copies <paramref name="source"/> (length ≥ <see cref="FrameLength"/>) into frame <paramref name="index"/>.</summary>
    public void WriteFrame(int index, ReadOnlySpan<T> source)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        CheckIndex(index);
        CheckLength(source.Length, nameof(source));
        if (_blocks is not null) { source[..FrameLength].CopyTo(Frame(index)); return; }
        var bytes = MemoryMarshal.AsBytes(source[..FrameLength]);
        RandomAccess.Write(_file!, bytes, (long)index * bytes.Length);
    }

    /// <summary>Reads <paramref name="count"/> consecutive frames into one buffer [frame, row, column].</summary>
    public void ReadFrames(int start, int count, Span<T> destination)
    {
        if (start < 0 || count < 0 || start + count > Count)
            throw new ArgumentOutOfRangeException(nameof(start), $"frames [{start}, {start + count}) are outside 0..{Count}.");
        if (destination.Length < (long)count * FrameLength)
            throw new ArgumentException($"destination holds {destination.Length} elements; {count} frames need {(long)count * FrameLength}.", nameof(destination));
        for (int i = 0; i < count; i++) ReadFrame(start + i, destination.Slice(i * FrameLength, FrameLength));
    }

    /// <summary>Writes <paramref name="count"/> consecutive frames from one buffer [frame, row, column].</summary>
    public void WriteFrames(int start, int count, ReadOnlySpan<T> source)
    {
        if (start < 0 || count < 0 || start + count > Count)
            throw new ArgumentOutOfRangeException(nameof(start), $"frames [{start}, {start + count}) are outside 0..{Count}.");
        if (source.Length < (long)count * FrameLength)
            throw new ArgumentException($"source holds {source.Length} elements; {count} frames need {(long)count * FrameLength}.", nameof(source));
        for (int i = 0; i < count; i++) WriteFrame(start + i, source.Slice(i * FrameLength, FrameLength));
    }

    /// <summary>Reads one row of one frame (e.g. a sinogram line) into <paramref name="destination"/>.</summary>
    public void ReadRow(int index, int row, Span<T> destination)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        CheckIndex(index);
        if ((uint)row >= (uint)Rows) throw new ArgumentOutOfRangeException(nameof(row), $"row {row} is outside 0..{Rows - 1}.");
        if (destination.Length < Columns) throw new ArgumentException($"destination holds {destination.Length}; a row needs {Columns}.", nameof(destination));
        if (_blocks is not null) { Frame(index).Slice(row * Columns, Columns).CopyTo(destination); return; }
        var bytes = MemoryMarshal.AsBytes(destination[..Columns]);
        long offset = ((long)index * FrameLength + (long)row * Columns) * Marshal.SizeOf<T>();
        int read = 0;
        while (read < bytes.Length)
        {
            int n = RandomAccess.Read(_file!, bytes[read..], offset + read);
            if (n == 0) throw new IOException($"scratch file {_filePath} ended early.");
            read += n;
        }
    }

    /// <summary>Writes rows [<paramref name="firstRow"/>, + <paramref name="rowCount"/>) of frame <paramref name="index"/> from
    /// <paramref name="source"/> ([row, column], length ≥ rowCount · Columns). The rows are contiguous in the frame, so a
    /// file-backed stack does one positioned write (no read-modify-write of the whole frame).</summary>
    public void WriteRows(int index, int firstRow, int rowCount, ReadOnlySpan<T> source)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        CheckIndex(index);
        if (firstRow < 0 || rowCount < 0 || firstRow + rowCount > Rows)
            throw new ArgumentOutOfRangeException(nameof(firstRow), $"rows [{firstRow}, {firstRow + rowCount}) are outside 0..{Rows}.");
        int length = rowCount * Columns;
        if (source.Length < length) throw new ArgumentException($"source holds {source.Length}; {rowCount} rows need {length}.", nameof(source));
        if (_blocks is not null) { source[..length].CopyTo(Frame(index).Slice(firstRow * Columns, length)); return; }
        long offset = ((long)index * FrameLength + (long)firstRow * Columns) * Marshal.SizeOf<T>();
        RandomAccess.Write(_file!, MemoryMarshal.AsBytes(source[..length]), offset);
    }

    private void CheckIndex(int index)
    {
        if ((uint)index >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(index), $"frame {index} is outside 0..{Count - 1}.");
    }

    private void CheckLength(int length, string name)
    {
        if (length < FrameLength) throw new ArgumentException($"buffer holds {length} elements; a frame of {Rows}×{Columns} needs {FrameLength}.", name);
    }

    /// <summary>Releases the scratch file, if any.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _file?.Dispose();
    }
}
