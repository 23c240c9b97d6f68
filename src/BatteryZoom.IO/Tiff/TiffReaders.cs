using System.Globalization;
using BatteryZoom.Core.Diagnostics;
using LibTiff = BitMiracle.LibTiff.Classic.Tiff;

namespace BatteryZoom.IO.Tiff;

/// <summary>Reads a multipage TIFF: page i is frame i. Pages must share shape and element type (checked at open).</summary>
/// <remarks>Strips or tiles, uncompressed or any compression LibTiff decodes; one sample per pixel. At most 32767 pages
/// (LibTiff.NET addresses pages with a 16-bit index). Voxel size comes from our ImageDescription JSON, ImageJ's
/// description or the resolution tags (docs/formats.md).</remarks>
public sealed class TiffStackReader : FrameReader
{
    private readonly LibTiff _tif;
    private readonly int _count, _rows, _columns;
    private readonly ElementType _type;
    private readonly StackMetadata _metadata;
    private readonly bool[] _tiled;
    private byte[] _scratch = [];

    /// <summary>Opens <paramref name="path"/> and checks every page.</summary>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    /// <exception cref="DataFormatException">Not a TIFF, truncated, unsupported samples, or pages that differ.</exception>
    public TiffStackReader(string path) : base(path)
    {
        _tif = TiffSupport.OpenRead(path);
        try
        {
            _metadata = TiffSupport.ReadMetadata(_tif, path);
            var tiled = new List<bool>();
            int page = 0;
            do
            {
                var (rows, columns, type, isTiled) = TiffSupport.Describe(_tif, path, page);
                if (page == 0) (_rows, _columns, _type) = (rows, columns, type);
                else if (rows != _rows || columns != _columns || type != _type)
                    throw Corrupt($"every page {_rows}×{_columns} {_type.Name()} like page 0", $"{rows}×{columns} {type.Name()} on page {page}");
                tiled.Add(isTiled);
                page++;
                if (page > short.MaxValue) throw Corrupt($"at most {short.MaxValue} pages", "more pages; use a folder of TIFF files or HDF5");
            } while (_tif.ReadDirectory());
            string error = TiffSupport.TakeError("");
            if (error.Length > 0) throw Corrupt($"a readable directory after page {page - 1}", error);
            _count = page;
            _tiled = [.. tiled];
            if (!_tif.SetDirectory(0)) throw Corrupt("a readable first page", TiffSupport.TakeError("unreadable directory"));
        }
        catch (Exception ex) when (ex is not DataFormatException)
        {
            _tif.Dispose();
            throw Corrupt("a readable TIFF", ex.Message.ReplaceLineEndings(" "), ex);
        }
        catch
        {
            _tif.Dispose();
            throw;
        }
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
    public override StackMetadata Metadata => _metadata;

    /// <inheritdoc/>
    protected override void ReadRowBytes(int index, int rowStart, int rowCount, Span<byte> destination)
    {
        int current = _tif.CurrentDirectory();
        // Reading the next directory is O(1); SetDirectory walks the chain from the first page.
        bool ok = index == current || (index == current + 1 ? _tif.ReadDirectory() : _tif.SetDirectory((short)index));
        if (!ok) throw Corrupt($"page {index}", TiffSupport.TakeError("an unreadable directory (truncated or corrupt)"));
        try
        {
            TiffSupport.ReadRows(_tif, Source, index, _rows, _columns, _type, _tiled[index], rowStart, rowCount, destination, ref _scratch);
        }
        catch (Exception ex) when (ex is not DataFormatException and not OutOfMemoryException)
        {
            throw Corrupt($"readable data on page {index}", ex.Message.ReplaceLineEndings(" "), ex);
        }
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing) _tif.Dispose();
        base.Dispose(disposing);
    }
}

/// <summary>Reads a folder of single-page TIFF files as a stack: files sorted by name with numbers compared by value
/// ("img_2.tif" before "img_10.tif"); file i is frame i.</summary>
public sealed class TiffFolderReader : FrameReader
{
    private readonly string[] _files;
    private readonly int _rows, _columns;
    private readonly ElementType _type;
    private readonly StackMetadata _metadata;
    private LibTiff? _open;
    private int _openIndex = -1;
    private bool _openTiled;
    private byte[] _scratch = [];

    /// <summary>Opens the folder and the first file.</summary>
    /// <exception cref="DirectoryNotFoundException">No such folder.</exception>
    /// <exception cref="DataFormatException">No .tif/.tiff files, or the first is unreadable.</exception>
    public TiffFolderReader(string folder) : base(folder)
    {
        if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"folder '{folder}' does not exist.");
        _files = ListTiffs(folder);
        if (_files.Length == 0) throw Corrupt("a folder holding .tif or .tiff files", "none");
        using var first = TiffSupport.OpenRead(_files[0]);
        (_rows, _columns, _type, _) = TiffSupport.Describe(first, _files[0], 0);
        _metadata = TiffSupport.ReadMetadata(first, _files[0]);
    }

    /// <summary>The files, in frame order.</summary>
    public IReadOnlyList<string> Files => _files;
    /// <inheritdoc/>
    public override int Count => _files.Length;
    /// <inheritdoc/>
    public override int Rows => _rows;
    /// <inheritdoc/>
    public override int Columns => _columns;
    /// <inheritdoc/>
    public override ElementType ElementType => _type;
    /// <inheritdoc/>
    public override StackMetadata Metadata => _metadata;

    /// <summary>The .tif/.tiff files of <paramref name="folder"/> in natural order (digit runs compared as numbers).</summary>
    public static string[] ListTiffs(string folder) =>
        [.. Directory.EnumerateFiles(folder)
            .Where(f => f.EndsWith(".tif", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".tiff", StringComparison.OrdinalIgnoreCase))
            .Where(f => !Path.GetFileName(f).StartsWith('.'))
            .Order(NaturalComparer.Instance)];

    /// <inheritdoc/>
    protected override void ReadRowBytes(int index, int rowStart, int rowCount, Span<byte> destination)
    {
        if (_openIndex != index)
        {
            _open?.Dispose();
            _open = null;
            _openIndex = -1;
            var tif = TiffSupport.OpenRead(_files[index]);
            var (rows, columns, type, tiled) = TiffSupport.Describe(tif, _files[index], 0);
            if (rows != _rows || columns != _columns || type != _type)
            {
                tif.Dispose();
                throw new DataFormatException(_files[index], $"{_rows}×{_columns} {_type.Name()} like {Path.GetFileName(_files[0])}", $"{rows}×{columns} {type.Name()}");
            }
            (_open, _openIndex, _openTiled) = (tif, index, tiled);
        }
        try
        {
            TiffSupport.ReadRows(_open!, _files[index], 0, _rows, _columns, _type, _openTiled, rowStart, rowCount, destination, ref _scratch);
        }
        catch (Exception ex) when (ex is not DataFormatException and not OutOfMemoryException)
        {
            throw new DataFormatException(_files[index], "readable TIFF data", ex.Message.ReplaceLineEndings(" "), ex);
        }
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing) _open?.Dispose();
        base.Dispose(disposing);
    }

    private sealed class NaturalComparer : IComparer<string>
    {
        public static readonly NaturalComparer Instance = new();
        public int Compare(string? a, string? b)
        {
            if (a is null || b is null) return string.CompareOrdinal(a, b);
            int i = 0, j = 0;
            while (i < a.Length && j < b.Length)
            {
                if (char.IsDigit(a[i]) && char.IsDigit(b[j]))
                {
                    int si = i, sj = j;
                    while (i < a.Length && char.IsDigit(a[i])) i++;
                    while (j < b.Length && char.IsDigit(b[j])) j++;
                    var na = a.AsSpan(si, i - si).TrimStart('0');
                    var nb = b.AsSpan(sj, j - sj).TrimStart('0');
                    if (na.Length != nb.Length) return na.Length.CompareTo(nb.Length);
                    int c = na.CompareTo(nb, StringComparison.Ordinal);
                    if (c != 0) return c;
                }
                else
                {
                    int c = a[i].CompareTo(b[j]);
                    if (c != 0) return c;
                    i++; j++;
                }
            }
            return (a.Length - i).CompareTo(b.Length - j);
        }
    }

    internal static string FormatIndex(int index, int count) => index.ToString("D" + Math.Max(5, count.ToString(CultureInfo.InvariantCulture).Length), CultureInfo.InvariantCulture);
}
