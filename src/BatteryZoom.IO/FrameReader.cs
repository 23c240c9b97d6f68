using System.Numerics;
using System.Runtime.InteropServices;
using BatteryZoom.Core.Diagnostics;

namespace BatteryZoom.IO;

/// <summary>Base of the format readers: checks ranges, converts element types and keeps one reusable frame buffer.</summary>
public abstract class FrameReader : IFrameReader
{
    private byte[] _buffer = [];
    private bool _disposed;

    /// <summary>Creates a reader for <paramref name="source"/> (used in messages).</summary>
    protected FrameReader(string source) => Source = source;

    /// <inheritdoc/>
    public string Source { get; }
    /// <inheritdoc/>
    public abstract int Count { get; }
    /// <inheritdoc/>
    public abstract int Rows { get; }
    /// <inheritdoc/>
    public abstract int Columns { get; }
    /// <inheritdoc/>
    public abstract ElementType ElementType { get; }
    /// <inheritdoc/>
    public virtual StackMetadata Metadata => StackMetadata.Empty;

    /// <inheritdoc/>
    public void ReadRows<T>(int index, int rowStart, int rowCount, Span<T> destination) where T : unmanaged, INumber<T>
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if ((uint)index >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(index), $"frame {index} is outside 0..{Count - 1} of {Source}.");
        if (rowStart < 0 || rowCount <= 0 || rowStart + rowCount > Rows)
            throw new ArgumentOutOfRangeException(nameof(rowStart), $"rows [{rowStart}, {rowStart + rowCount}) are outside 0..{Rows} of {Source}.");
        int n = rowCount * Columns;
        if (destination.Length < n) throw new ArgumentException($"destination holds {destination.Length} elements; {rowCount} rows need {n}.", nameof(destination));
        var dst = destination[..n];
        if (ElementTypes.Of<T>() == ElementType)
        {
            ReadRowBytes(index, rowStart, rowCount, MemoryMarshal.AsBytes(dst));
            return;
        }
        int bytes = n * ElementType.SizeOf();
        if (_buffer.Length < bytes) _buffer = new byte[bytes];
        var raw = _buffer.AsSpan(0, bytes);
        ReadRowBytes(index, rowStart, rowCount, raw);
        ElementConversion.FromBytes(raw, ElementType, dst);
    }

    /// <summary>Reads rows of one frame as elements of <see cref="ElementType"/> in machine byte order.</summary>
    protected abstract void ReadRowBytes(int index, int rowStart, int rowCount, Span<byte> destination);

    /// <summary>A <see cref="DataFormatException"/> naming <see cref="Source"/>.</summary>
    protected DataFormatException Corrupt(string expected, string found, Exception? inner = null) => new(Source, expected, found, inner);

    /// <summary>Releases the file.</summary>
    protected virtual void Dispose(bool disposing) { }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        Dispose(true);
        GC.SuppressFinalize(this);
    }
}

/// <summary>Base of the format writers: counts frames, converts element types, and commits or discards the temporary output.</summary>
public abstract class FrameWriter : IFrameWriter
{
    private byte[] _buffer = [];
    private bool _disposed;

    /// <summary>Creates a writer of <paramref name="count"/> frames of <paramref name="rows"/> × <paramref name="columns"/>.</summary>
    protected FrameWriter(string destination, int count, int rows, int columns, ElementType elementType)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rows);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(columns);
        (Destination, Count, Rows, Columns, ElementType) = (destination, count, rows, columns, elementType);
    }

    /// <inheritdoc/>
    public string Destination { get; }
    /// <inheritdoc/>
    public int Count { get; }
    /// <inheritdoc/>
    public int Rows { get; }
    /// <inheritdoc/>
    public int Columns { get; }
    /// <inheritdoc/>
    public ElementType ElementType { get; }
    /// <inheritdoc/>
    public int Written { get; private set; }
    /// <summary>True once <see cref="Complete"/> has succeeded.</summary>
    public bool IsComplete { get; private set; }

    /// <inheritdoc/>
    public void WriteFrame<T>(ReadOnlySpan<T> frame) where T : unmanaged, INumber<T>
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (Written >= Count) throw new InvalidOperationException($"all {Count} frames of {Destination} are already written.");
        int n = Rows * Columns;
        if (frame.Length < n) throw new ArgumentException($"a frame of {Rows}×{Columns} needs {n} elements; got {frame.Length}.", nameof(frame));
        if (ElementTypes.Of<T>() == ElementType)
        {
            WriteFrameBytes(Written, MemoryMarshal.AsBytes(frame[..n]));
        }
        else
        {
            int bytes = n * ElementType.SizeOf();
            if (_buffer.Length < bytes) _buffer = new byte[bytes];
            ElementConversion.ToBytes(frame[..n], ElementType, _buffer.AsSpan(0, bytes));
            WriteFrameBytes(Written, _buffer.AsSpan(0, bytes));
        }
        Written++;
    }

    /// <inheritdoc/>
    public void Complete()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (IsComplete) return;
        if (Written != Count) throw new InvalidOperationException($"{Destination}: {Written} of {Count} frames written; write them all before Complete().");
        OnComplete();
        IsComplete = true;
    }

    /// <summary>Writes frame <paramref name="index"/> given as machine-order bytes of <see cref="ElementType"/>.</summary>
    protected abstract void WriteFrameBytes(int index, ReadOnlySpan<byte> frame);

    /// <summary>Finishes the file and commits it (called once, after all frames).</summary>
    protected abstract void OnComplete();

    /// <summary>Releases resources; an uncommitted output is deleted.</summary>
    protected virtual void Dispose(bool disposing) { }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        Dispose(true);
        GC.SuppressFinalize(this);
    }
}
