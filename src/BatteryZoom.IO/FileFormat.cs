using BatteryZoom.Core.Diagnostics;
using BatteryZoom.IO.Edf;
using BatteryZoom.IO.Hdf5;
using BatteryZoom.IO.Raw;
using BatteryZoom.IO.Tiff;

namespace BatteryZoom.IO;

/// <summary>The file formats BatteryZoom reads and writes.</summary>
public enum FileFormat
{
    /// <summary>HDF5 (.h5, .hdf5, .nxs, .cxi): our volumes, APS Data Exchange, NXtomo.</summary>
    Hdf5,
    /// <summary>One multipage TIFF (.tif, .tiff).</summary>
    Tiff,
    /// <summary>A folder of single-page TIFF files.</summary>
    TiffFolder,
    /// <summary>ESRF Data Format (.edf).</summary>
    Edf,
    /// <summary>Headerless binary (.raw, .bin, .vol) with an explicit layout.</summary>
    Raw,
}

/// <summary>Options for opening any supported file as a stack of frames.</summary>
public sealed record StackOpenOptions
{
    /// <summary>HDF5 dataset to read; null tries <c>/volume</c>, <c>/exchange/data</c>, an NXtomo entry's projections, then
    /// <c>&lt;entry&gt;/reconstruction/results/data</c> (Nabu output).</summary>
    public string? Dataset { get; init; }
    /// <summary>Layout of a .raw input.</summary>
    public RawLayout? RawLayout { get; init; }
}

/// <summary>Format detection by extension (or folder) and opening of any supported file as an <see cref="IFrameReader"/>.</summary>
public static class FileFormats
{
    /// <summary>The format of <paramref name="path"/>: a folder is a TIFF folder; otherwise by extension.</summary>
    /// <exception cref="UsageException">An unknown extension.</exception>
    public static FileFormat Detect(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (Directory.Exists(path) || path.EndsWith(Path.DirectorySeparatorChar) || path.EndsWith(Path.AltDirectorySeparatorChar)) return FileFormat.TiffFolder;
        return Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".h5" or ".hdf5" or ".hdf" or ".nxs" or ".cxi" or ".nx" => FileFormat.Hdf5,
            ".tif" or ".tiff" => FileFormat.Tiff,
            ".edf" => FileFormat.Edf,
            ".raw" or ".bin" or ".vol" => FileFormat.Raw,
            var ext => throw new UsageException($"'{path}': unknown format '{ext}'; expected .h5/.hdf5/.nxs/.cxi, .tif/.tiff or a folder of TIFF files, .edf, or .raw."),
        };
    }

    /// <summary>Opens <paramref name="path"/> as a stack of frames, whatever its format.</summary>
    /// <exception cref="UsageException">Unknown format, or a .raw file without a layout.</exception>
    /// <exception cref="DataFormatException">The file is not what its extension says, truncated or corrupt.</exception>
    public static IFrameReader OpenReader(string path, StackOpenOptions? options = null)
    {
        options ??= new();
        var format = Detect(path);
        if (format != FileFormat.TiffFolder && !File.Exists(path)) throw new UsageException($"input '{path}' does not exist.");
        return format switch
        {
            FileFormat.Tiff => new TiffStackReader(path),
            FileFormat.TiffFolder => Directory.Exists(path) ? new TiffFolderReader(path) : throw new UsageException($"input folder '{path}' does not exist."),
            FileFormat.Edf => new EdfReader(path),
            FileFormat.Raw => new RawReader(path, options.RawLayout
                ?? throw new UsageException($"'{path}' is raw binary: give its shape and element type (e.g. --shape 100x512x512 --dtype float32).")),
            _ => OpenHdf5(path, options.Dataset),
        };
    }

    private static Hdf5FrameReader OpenHdf5(string path, string? dataset)
    {
        if (dataset is not null && dataset != Hdf5Volume.DatasetPath) return new Hdf5FrameReader(path, dataset);
        using (var probe = Hdf5Support.OpenRead(path))
        {
            if (dataset is not null || Hdf5Support.Exists(probe, Hdf5Volume.DatasetPath)) { }
            else if (Hdf5Support.Exists(probe, DataExchange.DataPath)) return new Hdf5FrameReader(path, DataExchange.DataPath);
            else
            {
                foreach (var child in probe.Children().OfType<PureHDF.VOL.Native.NativeGroup>())
                {
                    string recon = $"/{child.Name}/reconstruction/results/data";
                    if (Hdf5Support.Exists(probe, recon)) return new Hdf5FrameReader(path, recon);
                }
                if (NxTomo.FindEntry(path) is { } entry)
                {
                    string keys = Hdf5Support.Exists(probe, $"{entry}/{NxTomo.ImageKeyPath}") ? $"{entry}/{NxTomo.ImageKeyPath}" : $"{entry}/{NxTomo.ImageKeyControlPath}";
                    int[]? map = Hdf5Support.OptionalDataset(probe, keys) is { } k
                        ? [.. Hdf5Support.ReadNumbers(k, $"{path}:{keys}").Select((v, i) => (v, i)).Where(t => t.v == 0).Select(t => t.i)]
                        : null;
                    return new Hdf5FrameReader(Hdf5Support.OpenRead(path), true, $"{entry}/{NxTomo.DataPath}", map, null);
                }
                throw new DataFormatException(path, "/volume, /exchange/data, an NXtomo entry or <entry>/reconstruction/results/data", "none of them (give the dataset path)");
            }
        }
        return Hdf5Volume.OpenReader(path, Hdf5Volume.DatasetPath);
    }
}
