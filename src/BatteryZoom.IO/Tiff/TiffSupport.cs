using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using BatteryZoom.Core.Data;
using BatteryZoom.Core.Diagnostics;
using BatteryZoom.Core.Geometry;
using BatteryZoom.Core.Units;
using BitMiracle.LibTiff.Classic;

namespace BatteryZoom.IO.Tiff;

/// <summary>LibTiff plumbing shared by the TIFF readers and writers: error capture, page description, page writing,
/// and the ImageDescription JSON that carries voxel size, origin, quantity and provenance.</summary>
internal static class TiffSupport
{
    [ThreadStatic] private static string? _lastError;
    private static readonly object Gate = new();
    private static bool _installed;

    /// <summary>LibTiff reports errors through a process-wide handler (its API, not our choice); ours records the last
    /// message per thread instead of printing it, and callers turn failed calls into <see cref="DataFormatException"/>.</summary>
    private sealed class CapturingHandler : TiffErrorHandler
    {
        public override void ErrorHandler(BitMiracle.LibTiff.Classic.Tiff tif, string method, string format, params object[] args) =>
            _lastError = (string.IsNullOrEmpty(method) ? "" : method + ": ") + Format(format, args);
        public override void ErrorHandlerExt(BitMiracle.LibTiff.Classic.Tiff tif, object clientData, string method, string format, params object[] args) { }
        public override void WarningHandler(BitMiracle.LibTiff.Classic.Tiff tif, string method, string format, params object[] args) { }
        public override void WarningHandlerExt(BitMiracle.LibTiff.Classic.Tiff tif, object clientData, string method, string format, params object[] args) { }
        private static string Format(string format, object[] args)
        {
            try { return string.Format(CultureInfo.InvariantCulture, format, args); } catch (FormatException) { return format; }
        }
    }

    public static void Install()
    {
        lock (Gate)
        {
            if (_installed) return;
            BitMiracle.LibTiff.Classic.Tiff.SetErrorHandler(new CapturingHandler());
            _installed = true;
        }
    }

    /// <summary>The last LibTiff error on this thread, cleared by the call.</summary>
    public static string TakeError(string fallback)
    {
        string? e = _lastError;
        _lastError = null;
        return string.IsNullOrWhiteSpace(e) ? fallback : e.ReplaceLineEndings(" ");
    }

    public static BitMiracle.LibTiff.Classic.Tiff OpenRead(string path)
    {
        Install();
        if (!File.Exists(path)) throw new FileNotFoundException($"TIFF file '{path}' does not exist.", path);
        _lastError = null;
        BitMiracle.LibTiff.Classic.Tiff? tif;
        try { tif = BitMiracle.LibTiff.Classic.Tiff.Open(path, "r"); }
        catch (Exception ex) when (ex is not OutOfMemoryException) { throw new DataFormatException(path, "a TIFF file", ex.Message.ReplaceLineEndings(" "), ex); }
        return tif ?? throw new DataFormatException(path, "a TIFF file", TakeError("a file LibTiff cannot open (not a TIFF, or truncated)"));
    }

    /// <summary>Shape and element type of the current page.</summary>
    public static (int Rows, int Columns, ElementType Type, bool Tiled) Describe(BitMiracle.LibTiff.Classic.Tiff tif, string source, int page)
    {
        int width = Int(tif, TiffTag.IMAGEWIDTH, 0), height = Int(tif, TiffTag.IMAGELENGTH, 0);
        int bits = Int(tif, TiffTag.BITSPERSAMPLE, 1), spp = Int(tif, TiffTag.SAMPLESPERPIXEL, 1);
        var format = (SampleFormat)Int(tif, TiffTag.SAMPLEFORMAT, (int)SampleFormat.UINT);
        if (width <= 0 || height <= 0) throw new DataFormatException(source, "a positive ImageWidth and ImageLength", $"{width}×{height} on page {page}");
        if (spp != 1) throw new DataFormatException(source, "one sample per pixel (grayscale)", $"{spp} samples per pixel on page {page}");
        ElementType type = (format, bits) switch
        {
            (SampleFormat.UINT or SampleFormat.VOID, 8) => ElementType.UInt8,
            (SampleFormat.UINT or SampleFormat.VOID, 16) => ElementType.UInt16,
            (SampleFormat.UINT or SampleFormat.VOID, 32) => ElementType.UInt32,
            (SampleFormat.INT, 8) => ElementType.Int8,
            (SampleFormat.INT, 16) => ElementType.Int16,
            (SampleFormat.INT, 32) => ElementType.Int32,
            (SampleFormat.IEEEFP, 32) => ElementType.Float32,
            (SampleFormat.IEEEFP, 64) => ElementType.Float64,
            _ => throw new DataFormatException(source, "uint8/16/32, int8/16/32 or float32/64 samples", $"{bits}-bit {format} samples on page {page}"),
        };
        return (height, width, type, tif.IsTiled());
    }

    private static int Int(BitMiracle.LibTiff.Classic.Tiff tif, TiffTag tag, int fallback)
    {
        var v = tif.GetField(tag);
        return v is { Length: > 0 } ? v[0].ToInt() : fallback;
    }

    /// <summary>Reads rows of the current page as machine-order bytes (strips or tiles, any compression LibTiff decodes).</summary>
    public static void ReadRows(BitMiracle.LibTiff.Classic.Tiff tif, string source, int page, int rows, int columns, ElementType type, bool tiled,
        int rowStart, int rowCount, Span<byte> destination, ref byte[] scratch)
    {
        int rowBytes = columns * type.SizeOf();
        if (!tiled)
        {
            if (scratch.Length < Math.Max(rowBytes, tif.ScanlineSize())) scratch = new byte[Math.Max(rowBytes, tif.ScanlineSize())];
            for (int r = 0; r < rowCount; r++)
            {
                if (!tif.ReadScanline(scratch, rowStart + r))
                    throw new DataFormatException(source, $"row {rowStart + r} of page {page}", TakeError("unreadable data (truncated or corrupt)"));
                scratch.AsSpan(0, rowBytes).CopyTo(destination.Slice(r * rowBytes, rowBytes));
            }
            return;
        }
        int tw = tif.GetField(TiffTag.TILEWIDTH)[0].ToInt(), th = tif.GetField(TiffTag.TILELENGTH)[0].ToInt();
        int tileSize = tif.TileSize();
        if (scratch.Length < tileSize) scratch = new byte[tileSize];
        int es = type.SizeOf();
        for (int ty = rowStart / th * th; ty < rowStart + rowCount; ty += th)
        {
            for (int tx = 0; tx < columns; tx += tw)
            {
                int tile = tif.ComputeTile(tx, ty, 0, 0);
                if (tif.ReadEncodedTile(tile, scratch, 0, tileSize) < 0)
                    throw new DataFormatException(source, $"tile {tile} of page {page}", TakeError("unreadable data (truncated or corrupt)"));
                int w = Math.Min(tw, columns - tx);
                for (int y = Math.Max(ty, rowStart); y < Math.Min(ty + th, rowStart + rowCount); y++)
                {
                    scratch.AsSpan((y - ty) * tw * es, w * es).CopyTo(destination.Slice(((y - rowStart) * columns + tx) * es, w * es));
                }
            }
        }
    }

    /// <summary>Writes one uncompressed page (strips of about 256 KiB) and closes its directory.</summary>
    public static void WritePage(BitMiracle.LibTiff.Classic.Tiff tif, string destination, int rows, int columns, ElementType type, ReadOnlySpan<byte> frame,
        string? description, Length? dx, Length? dy, int page, int pages, ref byte[] strip)
    {
        tif.SetField(TiffTag.IMAGEWIDTH, columns);
        tif.SetField(TiffTag.IMAGELENGTH, rows);
        tif.SetField(TiffTag.BITSPERSAMPLE, type.SizeOf() * 8);
        tif.SetField(TiffTag.SAMPLESPERPIXEL, 1);
        tif.SetField(TiffTag.SAMPLEFORMAT, type.IsFloatingPoint() ? SampleFormat.IEEEFP
            : type is ElementType.Int8 or ElementType.Int16 or ElementType.Int32 ? SampleFormat.INT : SampleFormat.UINT);
        tif.SetField(TiffTag.PHOTOMETRIC, Photometric.MINISBLACK);
        tif.SetField(TiffTag.PLANARCONFIG, PlanarConfig.CONTIG);
        // Uncompressed on purpose: Debian's tifffile cannot read LZW or predictor files (GUIDE §11).
        tif.SetField(TiffTag.COMPRESSION, Compression.NONE);
        int rowBytes = columns * type.SizeOf();
        int rowsPerStrip = Math.Clamp((256 * 1024) / Math.Max(1, rowBytes), 1, rows);
        tif.SetField(TiffTag.ROWSPERSTRIP, rowsPerStrip);
        tif.SetField(TiffTag.SOFTWARE, Provenance.SoftwareVersion);
        if (pages > 1)
        {
            tif.SetField(TiffTag.SUBFILETYPE, FileType.PAGE);
            tif.SetField(TiffTag.PAGENUMBER, page, pages);
        }
        if (dx is { } px && dy is { } py)
        {
            // Resolution tags hold pixels per centimetre.
            tif.SetField(TiffTag.RESOLUTIONUNIT, ResUnit.CENTIMETER);
            tif.SetField(TiffTag.XRESOLUTION, 0.01 / px.Meters);
            tif.SetField(TiffTag.YRESOLUTION, 0.01 / py.Meters);
        }
        if (description is not null) tif.SetField(TiffTag.IMAGEDESCRIPTION, description);
        int stripBytes = rowsPerStrip * rowBytes;
        if (strip.Length < stripBytes) strip = new byte[stripBytes];
        for (int s = 0, r = 0; r < rows; s++, r += rowsPerStrip)
        {
            int n = Math.Min(rowsPerStrip, rows - r) * rowBytes;
            frame.Slice(r * rowBytes, n).CopyTo(strip);
            if (tif.WriteEncodedStrip(s, strip, n) < 0)
                throw new IOException($"{destination}: writing page {page} failed: {TakeError("LibTiff could not write the strip (disk full?)")}.");
        }
        if (!tif.WriteDirectory())
            throw new IOException($"{destination}: writing page {page} failed: {TakeError("LibTiff could not write the directory")}.");
    }

    // ---- ImageDescription JSON ----

    /// <summary>{"bzoom":"stack/1","axes":"zyx","voxel_size_m":[dz,dy,dx],"origin_m":[z,y,x],"quantity":…,"unit":…,"provenance":"…"}.</summary>
    public static string Describe(StackMetadata md)
    {
        var o = new JsonObject { ["bzoom"] = "stack/1", ["axes"] = "zyx" };
        if (md.Dx is { } dx && md.Dy is { } dy)
            o["voxel_size_m"] = new JsonArray((md.Dz ?? dx).Meters, dy.Meters, dx.Meters);
        if (md.Origin is { } v) o["origin_m"] = new JsonArray(v.Z, v.Y, v.X);
        if (md.Quantity is { } q) { o["quantity"] = q.Name; o["unit"] = q.Unit; }
        if (md.Provenance is { } p && p.Entries.Count > 0) o["provenance"] = p.ToJson();
        return o.ToJsonString();
    }

    /// <summary>Metadata from page 0: our JSON, else ImageJ's "spacing="/"unit=", else resolution tags.</summary>
    public static StackMetadata ReadMetadata(BitMiracle.LibTiff.Classic.Tiff tif, string source)
    {
        string? description = tif.GetField(TiffTag.IMAGEDESCRIPTION) is { Length: > 0 } d ? d[0].ToString() : null;
        var md = StackMetadata.Empty;
        var (rx, ry) = Resolution(tif);
        if (description is not null && description.TrimStart().StartsWith('{') && description.Contains("\"bzoom\"", StringComparison.Ordinal))
        {
            try
            {
                var o = JsonNode.Parse(description)!.AsObject();
                if (o["voxel_size_m"] is JsonArray vs && vs.Count == 3)
                    md = md with { Dz = new Length((double)vs[0]!), Dy = new Length((double)vs[1]!), Dx = new Length((double)vs[2]!) };
                if (o["origin_m"] is JsonArray og && og.Count == 3)
                    md = md with { Origin = new Vec3((double)og[2]!, (double)og[1]!, (double)og[0]!) };
                if (o["quantity"] is JsonNode qn) md = md with { Quantity = Quantity.FromName((string)qn!, (string?)o["unit"] ?? "") };
                if (o["provenance"] is JsonNode pn) md = md with { Provenance = Provenance.FromJson((string?)pn) };
                return md;
            }
            catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
            {
                throw new DataFormatException(source, "a valid BatteryZoom JSON ImageDescription", ex.Message.ReplaceLineEndings(" "), ex);
            }
        }
        Length? dz = null;
        if (description is not null && description.StartsWith("ImageJ=", StringComparison.Ordinal))
        {
            var kv = description.Split('\n').Select(l => l.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0].Trim(), p => p[1].Trim());
            double scale = kv.TryGetValue("unit", out var u) ? UnitScale(u) : double.NaN;
            if (kv.TryGetValue("spacing", out var sp) && double.TryParse(sp, NumberStyles.Float, CultureInfo.InvariantCulture, out double s) && double.IsFinite(scale))
                dz = new Length(s * scale);
            if (double.IsFinite(scale) && rx is not null && ry is not null)
                return md with { Dx = new Length(1 / rx.Value * scale), Dy = new Length(1 / ry.Value * scale), Dz = dz };
        }
        var unit = tif.GetField(TiffTag.RESOLUTIONUNIT) is { Length: > 0 } ru ? (ResUnit)ru[0].ToInt() : ResUnit.INCH;
        double perUnit = unit switch { ResUnit.CENTIMETER => 0.01, ResUnit.INCH => 0.0254, _ => double.NaN };
        // Resolution 1 or 72 per inch are viewer defaults, not a pixel size.
        if (rx is { } x && ry is { } y && double.IsFinite(perUnit) && !(unit == ResUnit.INCH && (x is 1 or 72)))
            md = md with { Dx = new Length(perUnit / x), Dy = new Length(perUnit / y), Dz = dz };
        return md;
    }

    private static (double? X, double? Y) Resolution(BitMiracle.LibTiff.Classic.Tiff tif)
    {
        double? x = tif.GetField(TiffTag.XRESOLUTION) is { Length: > 0 } a ? a[0].ToDouble() : null;
        double? y = tif.GetField(TiffTag.YRESOLUTION) is { Length: > 0 } b ? b[0].ToDouble() : null;
        if (x is not > 0 || y is not > 0) return (null, null);
        return (x, y);
    }

    private static double UnitScale(string unit) => unit.Replace("\\u00B5", "µ", StringComparison.Ordinal) switch
    {
        "m" => 1, "mm" => 1e-3, "micron" or "um" or "µm" or "microns" => 1e-6, "nm" => 1e-9, "cm" => 1e-2, _ => double.NaN,
    };
}
