using System.Globalization;
using System.Text;
using BatteryZoom.Core.Diagnostics;
using BatteryZoom.Core.Units;
using Microsoft.Win32.SafeHandles;

namespace BatteryZoom.IO.Edf;

/// <summary>Reads ESRF Data Format files: one or more frames, each an ASCII header in <c>{ … }</c> (padded to a multiple of
/// 512 bytes) followed by its binary data.</summary>
/// <remarks>Header keys used: <c>Dim_1</c> (columns, fastest), <c>Dim_2</c> (rows), <c>Dim_3</c> (frames in this block, default 1),
/// <c>DataType</c>, <c>ByteOrder</c> (<c>LowByteFirst</c>/<c>HighByteFirst</c>), <c>Size</c> (data bytes) and optionally
/// <c>PSize_1</c>/<c>PSize_2</c> (pixel size in metres). The file is indexed once at open; frames are then read by offset.</remarks>
public sealed class EdfReader : FrameReader
{
    private const int BlockSize = 512;
    private const int MaxHeaderBytes = 1 << 20;
    private readonly SafeFileHandle _file;
    private readonly List<long> _frameOffsets = [];
    private readonly ByteOrder _order;
    private readonly int _rows, _columns;
    private readonly ElementType _type;
    private readonly StackMetadata _metadata;

    /// <summary>Opens and indexes <paramref name="path"/>.</summary>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    /// <exception cref="DataFormatException">No EDF header, a missing or bad key, frames of different shape, or truncated data.</exception>
    public EdfReader(string path) : base(path)
    {
        _file = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.RandomAccess);
        try
        {
            long length = RandomAccess.GetLength(_file);
            long offset = 0;
            Dictionary<string, string>? first = null;
            while (offset < length)
            {
                var (header, dataStart) = ReadHeader(offset, length);
                var (rows, columns, frames, type, order) = Describe(header);
                long frameBytes = (long)rows * columns * type.SizeOf();
                long size = header.TryGetValue("Size", out var s) && long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out long sz) ? sz : frameBytes * frames;
                if (size < frameBytes * frames)
                    throw Corrupt($"Size ≥ {frameBytes * frames} bytes for Dim_1={columns}, Dim_2={rows}, {type.Name()}", $"Size = {size}");
                if (dataStart + frameBytes * frames > length)
                    throw Corrupt($"{frameBytes * frames} data bytes after the header at offset {dataStart}", $"{length - dataStart} bytes (truncated)");
                if (first is null)
                {
                    first = header;
                    (_rows, _columns, _type, _order) = (rows, columns, type, order);
                }
                else if (rows != _rows || columns != _columns || type != _type || order != _order)
                {
                    throw Corrupt($"every frame {_rows}×{_columns} {_type.Name()} ({_order}) like frame 0",
                        $"{rows}×{columns} {type.Name()} ({order}) at frame {_frameOffsets.Count}");
                }
                for (int f = 0; f < frames; f++) _frameOffsets.Add(dataStart + f * frameBytes);
                offset = dataStart + size;
                // Some writers pad the data to a block boundary; skip padding up to the next '{'.
                offset = SkipPadding(offset, length);
            }
            if (first is null) throw Corrupt("an EDF header starting with '{'", "an empty file");
            _metadata = new StackMetadata { Dx = PixelSize(first, "PSize_1"), Dy = PixelSize(first, "PSize_2") };
        }
        catch
        {
            _file.Dispose();
            throw;
        }
    }

    /// <inheritdoc/>
    public override int Count => _frameOffsets.Count;
    /// <inheritdoc/>
    public override int Rows => _rows;
    /// <inheritdoc/>
    public override int Columns => _columns;
    /// <inheritdoc/>
    public override ElementType ElementType => _type;
    /// <inheritdoc/>
    public override StackMetadata Metadata => _metadata;
    /// <summary>Byte order of the data.</summary>
    public ByteOrder ByteOrder => _order;

    /// <inheritdoc/>
    protected override void ReadRowBytes(int index, int rowStart, int rowCount, Span<byte> destination)
    {
        long offset = _frameOffsets[index] + (long)rowStart * _columns * _type.SizeOf();
        Raw.RawReader.ReadExactly(_file, destination, offset, Source);
        if (ElementConversion.NeedsSwap(_order)) ElementConversion.ReverseEndianness(destination, _type);
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing) _file.Dispose();
        base.Dispose(disposing);
    }

    private (Dictionary<string, string> Header, long DataStart) ReadHeader(long offset, long length)
    {
        var buffer = new byte[BlockSize];
        var text = new StringBuilder();
        long p = offset;
        int close = -1;
        while (close < 0)
        {
            if (p - offset >= MaxHeaderBytes) throw Corrupt("an EDF header closed by '}' within 1 MiB", $"no '}}' after offset {offset}");
            int n = RandomAccess.Read(_file, buffer, p);
            if (n == 0) throw Corrupt("an EDF header closed by '}'", $"end of file inside the header at offset {offset} (truncated)");
            if (p == offset && buffer[0] != (byte)'{')
                throw Corrupt("an EDF header starting with '{'", $"byte 0x{buffer[0]:X2} at offset {offset}");
            int start = text.Length;
            text.Append(Encoding.Latin1.GetString(buffer, 0, n));
            for (int i = start; i < text.Length; i++) if (text[i] == '}') { close = i; break; }
            p += n;
        }
        long dataStart = offset + close + 1;
        // The header ends with "}\n" (or "}\r\n"); data follow.
        if (close + 1 < text.Length && text[close + 1] == '\r') dataStart++;
        if (dataStart - offset < text.Length && text[(int)(dataStart - offset)] == '\n') dataStart++;
        var header = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var entry in text.ToString(1, close - 1).Split(';'))
        {
            int eq = entry.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0) continue;
            header[entry[..eq].Trim()] = entry[(eq + 1)..].Trim();
        }
        if (header.TryGetValue("EDF_HeaderSize", out var hs) && long.TryParse(hs, NumberStyles.Integer, CultureInfo.InvariantCulture, out long headerSize) && headerSize > 0)
            dataStart = offset + headerSize;
        return (header, dataStart);
    }

    private long SkipPadding(long offset, long length)
    {
        Span<byte> one = stackalloc byte[1];
        long p = offset;
        while (p < length && p - offset < BlockSize)
        {
            if (RandomAccess.Read(_file, one, p) == 0) break;
            if (one[0] == (byte)'{') return p;
            if (one[0] is not ((byte)' ' or (byte)'\n' or (byte)'\r' or 0)) return p;
            p++;
        }
        return p >= length ? length : offset;
    }

    private (int Rows, int Columns, int Frames, ElementType Type, ByteOrder Order) Describe(Dictionary<string, string> header)
    {
        int columns = IntKey(header, "Dim_1", required: true);
        int rows = header.ContainsKey("Dim_2") ? IntKey(header, "Dim_2", true) : 1;
        int frames = header.ContainsKey("Dim_3") ? IntKey(header, "Dim_3", true) : 1;
        if (!header.TryGetValue("DataType", out var dt)) throw Corrupt("header key DataType", "no DataType");
        var type = dt.ToUpperInvariant() switch
        {
            "UNSIGNEDBYTE" or "UNSIGNEDCHAR" => ElementType.UInt8,
            "SIGNEDBYTE" or "SIGNEDCHAR" => ElementType.Int8,
            "UNSIGNEDSHORT" or "UNSIGNEDSHORTINTEGER" => ElementType.UInt16,
            "SIGNEDSHORT" or "SIGNEDSHORTINTEGER" => ElementType.Int16,
            "UNSIGNEDINTEGER" or "UNSIGNEDINT" or "UNSIGNEDLONG" or "UNSIGNEDLONGINTEGER" => ElementType.UInt32,
            "SIGNEDINTEGER" or "SIGNEDINT" or "SIGNEDLONG" or "SIGNEDLONGINTEGER" => ElementType.Int32,
            "FLOATVALUE" or "FLOAT" or "REALVALUE" or "REAL" => ElementType.Float32,
            "DOUBLEVALUE" or "DOUBLE" => ElementType.Float64,
            _ => throw Corrupt("DataType one of UnsignedByte, UnsignedShort, SignedShort, UnsignedInteger, SignedInteger, FloatValue, DoubleValue", $"DataType = {dt}"),
        };
        var order = ByteOrder.LittleEndian;
        if (header.TryGetValue("ByteOrder", out var bo))
        {
            order = bo.ToUpperInvariant() switch
            {
                "LOWBYTEFIRST" => ByteOrder.LittleEndian,
                "HIGHBYTEFIRST" => ByteOrder.BigEndian,
                _ => throw Corrupt("ByteOrder LowByteFirst or HighByteFirst", $"ByteOrder = {bo}"),
            };
        }
        return (rows, columns, frames, type, order);
    }

    private int IntKey(Dictionary<string, string> header, string key, bool required)
    {
        if (!header.TryGetValue(key, out var v))
        {
            if (required) throw Corrupt($"header key {key}", $"no {key}");
            return 0;
        }
        if (!int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) || n <= 0)
            throw Corrupt($"{key} a positive integer", $"{key} = {v}");
        return n;
    }

    private static Length? PixelSize(Dictionary<string, string> header, string key) =>
        header.TryGetValue(key, out var v) && double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out double m) && m > 0 && double.IsFinite(m)
            ? new Length(m) : null;
}

/// <summary>Writes an EDF file, one header block per frame (float32 or any element type), little-endian, atomically.</summary>
public sealed class EdfWriter : StreamFrameWriter
{
    private readonly Length? _pixel;

    /// <summary>Starts writing <paramref name="count"/> frames to <paramref name="path"/>; <paramref name="pixelSize"/> goes to PSize_1/PSize_2.</summary>
    /// <exception cref="UsageException">The output exists and <paramref name="overwrite"/> is false.</exception>
    public EdfWriter(string path, int count, int rows, int columns, ElementType elementType = ElementType.Float32, Length? pixelSize = null, bool overwrite = false)
        : base(path, count, rows, columns, elementType, overwrite)
    {
        _pixel = pixelSize;
    }

    /// <inheritdoc/>
    protected override void WriteFrameBytes(int index, ReadOnlySpan<byte> frame)
    {
        string type = ElementType switch
        {
            ElementType.UInt8 => "UnsignedByte", ElementType.Int8 => "SignedByte", ElementType.UInt16 => "UnsignedShort",
            ElementType.Int16 => "SignedShort", ElementType.UInt32 => "UnsignedInteger", ElementType.Int32 => "SignedInteger",
            ElementType.Float32 => "FloatValue", _ => "DoubleValue",
        };
        var sb = new StringBuilder();
        sb.Append("{\n");
        sb.Append(CultureInfo.InvariantCulture, $"HeaderID = EH:{index + 1:D6}:000000:000000 ;\nImage = {index + 1} ;\n");
        sb.Append(CultureInfo.InvariantCulture, $"ByteOrder = {(BitConverter.IsLittleEndian ? "LowByteFirst" : "HighByteFirst")} ;\nDataType = {type} ;\n");
        sb.Append(CultureInfo.InvariantCulture, $"Dim_1 = {Columns} ;\nDim_2 = {Rows} ;\nSize = {frame.Length} ;\n");
        if (_pixel is { } p) sb.Append(CultureInfo.InvariantCulture, $"PSize_1 = {p.Meters:R} ;\nPSize_2 = {p.Meters:R} ;\n");
        int padded = (sb.Length + 2 + 511) / 512 * 512;
        sb.Append(' ', padded - 2 - sb.Length).Append("}\n");
        Stream.Write(Encoding.Latin1.GetBytes(sb.ToString()));
        Stream.Write(frame);
    }
}
