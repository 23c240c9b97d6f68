using BatteryZoom.Core.Diagnostics;
using Microsoft.Win32.SafeHandles;

namespace BatteryZoom.IO.Raw;

/// <summary>The shape and encoding of a headerless binary file: frames [frame, row, column], C order, no padding.</summary>
/// <param name="Count">Frames (slices or projections).</param>
/// <param name="Rows">Rows per frame.</param>
/// <param name="Columns">Columns per frame.</param>
/// <param name="ElementType">Element type.</param>
/// <param name="ByteOrder">Byte order of multi-byte elements.</param>
/// <param name="HeaderBytes">Bytes to skip at the start of the file.</param>
public sealed record RawLayout(int Count, int Rows, int Columns, ElementType ElementType, ByteOrder ByteOrder = ByteOrder.LittleEndian, long HeaderBytes = 0)
{
    /// <summary>Bytes of one frame.</summary>
    public long FrameBytes => (long)Rows * Columns * ElementType.SizeOf();
    /// <summary>Bytes the file must hold: header plus all frames.</summary>
    public long FileBytes => HeaderBytes + Count * FrameBytes;

    /// <summary>Parses "NZxNYxNX" (frames × rows × columns, e.g. "100x512x512").</summary>
    /// <exception cref="UsageException">Not three positive integers separated by 'x'.</exception>
    public static RawLayout Parse(string shape, ElementType type, ByteOrder order = ByteOrder.LittleEndian, long headerBytes = 0)
    {
        ArgumentNullException.ThrowIfNull(shape);
        var parts = shape.Split(['x', 'X', '×', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Length != 3 || !parts.All(p => int.TryParse(p, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int v) && v > 0))
            throw new UsageException($"raw shape '{shape}' must be frames×rows×columns, e.g. \"100x512x512\".");
        var n = parts.Select(p => int.Parse(p, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        return new RawLayout(n[0], n[1], n[2], type, order, headerBytes);
    }
}

/// <summary>Reads frames of a raw binary file with positional I/O (one frame or a band of rows per call).</summary>
public sealed class RawReader : FrameReader
{
    private readonly SafeFileHandle _file;
    private readonly RawLayout _layout;

    /// <summary>Opens <paramref name="path"/> with the given layout.</summary>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    /// <exception cref="DataFormatException">The file is shorter than the layout needs.</exception>
    public RawReader(string path, RawLayout layout) : base(path)
    {
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(layout.Count);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(layout.Rows);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(layout.Columns);
        ArgumentOutOfRangeException.ThrowIfNegative(layout.HeaderBytes);
        _layout = layout;
        _file = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.RandomAccess);
        long length = RandomAccess.GetLength(_file);
        if (length < layout.FileBytes)
        {
            _file.Dispose();
            throw Corrupt($"{layout.FileBytes} bytes for {layout.Count}×{layout.Rows}×{layout.Columns} {layout.ElementType.Name()} (+{layout.HeaderBytes} header)",
                $"{length} bytes (truncated or wrong shape)");
        }
    }

    /// <inheritdoc/>
    public override int Count => _layout.Count;
    /// <inheritdoc/>
    public override int Rows => _layout.Rows;
    /// <inheritdoc/>
    public override int Columns => _layout.Columns;
    /// <inheritdoc/>
    public override ElementType ElementType => _layout.ElementType;

    /// <inheritdoc/>
    protected override void ReadRowBytes(int index, int rowStart, int rowCount, Span<byte> destination)
    {
        long offset = _layout.HeaderBytes + index * _layout.FrameBytes + (long)rowStart * Columns * ElementType.SizeOf();
        ReadExactly(_file, destination, offset, Source);
        if (ElementConversion.NeedsSwap(_layout.ByteOrder)) ElementConversion.ReverseEndianness(destination, ElementType);
    }

    internal static void ReadExactly(SafeFileHandle file, Span<byte> destination, long offset, string source)
    {
        int read = 0;
        while (read < destination.Length)
        {
            int n = RandomAccess.Read(file, destination[read..], offset + read);
            if (n == 0) throw new DataFormatException(source, $"{destination.Length} bytes at offset {offset}", $"end of file after {read} bytes (truncated)");
            read += n;
        }
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing) _file.Dispose();
        base.Dispose(disposing);
    }
}

/// <summary>Writes frames to a raw binary file (C order, chosen element type and byte order), atomically.</summary>
public sealed class RawWriter : StreamFrameWriter
{
    private readonly ByteOrder _order;
    private byte[] _swap = [];

    /// <summary>Starts writing <paramref name="count"/> frames to <paramref name="path"/>.</summary>
    /// <exception cref="UsageException">The output exists and <paramref name="overwrite"/> is false.</exception>
    public RawWriter(string path, int count, int rows, int columns, ElementType elementType, ByteOrder byteOrder = ByteOrder.LittleEndian, bool overwrite = false)
        : base(path, count, rows, columns, elementType, overwrite)
    {
        _order = byteOrder;
    }

    /// <summary>The layout a reader needs for the file being written.</summary>
    public RawLayout Layout => new(Count, Rows, Columns, ElementType, _order);

    /// <inheritdoc/>
    protected override void WriteFrameBytes(int index, ReadOnlySpan<byte> frame)
    {
        if (!ElementConversion.NeedsSwap(_order)) { Stream.Write(frame); return; }
        if (_swap.Length < frame.Length) _swap = new byte[frame.Length];
        var s = _swap.AsSpan(0, frame.Length);
        frame.CopyTo(s);
        ElementConversion.ReverseEndianness(s, ElementType);
        Stream.Write(s);
    }
}
