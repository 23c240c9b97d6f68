using BatteryZoom.Core.Data;
using BatteryZoom.Core.Diagnostics;
using BatteryZoom.Core.Steps;
using BatteryZoom.Core.Units;
using PureHDF.VOL.Native;

namespace BatteryZoom.IO.Hdf5;

/// <summary>NeXus NXtomo as Nabu and nxtomomill use it: one frame dataset <c>&lt;entry&gt;/instrument/detector/data</c>
/// split by <c>image_key</c> (0 projection, 1 flat, 2 dark, 3 ignored), angles in <c>&lt;entry&gt;/sample/rotation_angle</c>.</summary>
public static class NxTomo
{
    /// <summary>Frame dataset, relative to the entry.</summary>
    public const string DataPath = "instrument/detector/data";
    /// <summary>Frame kinds, relative to the entry.</summary>
    public const string ImageKeyPath = "instrument/detector/image_key";
    /// <summary>Frame kinds with alignment frames marked −1 (used when image_key is absent).</summary>
    public const string ImageKeyControlPath = "instrument/detector/image_key_control";
    /// <summary>Rotation angle of every frame (units attribute; degrees when absent).</summary>
    public const string RotationAnglePath = "sample/rotation_angle";
    /// <summary>Pixel width (units attribute; metres when absent).</summary>
    public const string PixelWidthPath = "instrument/detector/x_pixel_size";
    /// <summary>Pixel height.</summary>
    public const string PixelHeightPath = "instrument/detector/y_pixel_size";
    /// <summary>Photon energy (units attribute; keV when absent).</summary>
    public const string EnergyPath = "beam/incident_energy";

    /// <summary>The first entry holding <c>instrument/detector/data</c> (preferring NX_class NXentry with definition NXtomo), or null.</summary>
    public static string? FindEntry(string path)
    {
        try
        {
            using var file = Hdf5Support.OpenRead(path);
            return FindEntry(file);
        }
        catch (Exception ex) when (ex is DataFormatException or IOException) { return null; }
    }

    private static string? FindEntry(NativeFile file)
    {
        string? fallback = null;
        foreach (var child in file.Children())
        {
            if (child is not NativeGroup g) continue;
            string entry = "/" + child.Name;
            if (!Hdf5Support.Exists(file, $"{entry}/{DataPath}")) continue;
            string? definition = Hdf5Support.OptionalDataset(file, $"{entry}/definition") is { } def ? TryString(def) : null;
            if (string.Equals(definition, "NXtomo", StringComparison.OrdinalIgnoreCase)) return entry;
            if (string.Equals(Hdf5Support.StringAttribute(g, "NX_class"), "NXentry", StringComparison.Ordinal)) fallback ??= entry;
            fallback ??= entry;
        }
        return fallback;
    }

    private static string? TryString(NativeDataset ds)
    {
        try { return ds.Space.Type == PureHDF.H5DataspaceType.Scalar ? ds.Read<string>() : ds.Read<string[]>().FirstOrDefault(); }
        catch (Exception ex) when (ex is not OutOfMemoryException) { return null; }
    }

    /// <summary>Reads projections, flats and darks of an NXtomo entry frame by frame.</summary>
    /// <exception cref="DataFormatException">No NXtomo entry, a missing dataset, image_key or rotation_angle of another length
    /// than the frames, wrong element type, non-finite values, or a truncated/corrupt file.</exception>
    /// <exception cref="UsageException">No pixel size in the file or the options.</exception>
    public static ProjectionSet Read(string path, ProjectionReadOptions? options = null, RunContext? context = null)
    {
        options ??= ProjectionReadOptions.Default;
        context ??= RunContext.Default;
        using var file = Hdf5Support.OpenRead(path);
        string entry = options.Entry is { } e ? "/" + e.Trim('/') : FindEntry(file)
            ?? throw new DataFormatException(path, $"an NXtomo entry with {DataPath}", "no such entry");
        string dataPath = $"{entry}/{DataPath}";
        var data = Hdf5Support.Dataset(file, dataPath, "NXtomo frames [frame, row, column]");
        var dims = Hdf5Support.Dims(data);
        int frames = dims.Length == 3 ? (int)dims[0] : 1;

        int[] keys;
        string keyPath = Hdf5Support.Exists(file, $"{entry}/{ImageKeyPath}") ? $"{entry}/{ImageKeyPath}" : $"{entry}/{ImageKeyControlPath}";
        if (Hdf5Support.OptionalDataset(file, keyPath) is { } keyDs)
        {
            keys = [.. Hdf5Support.ReadNumbers(keyDs, $"{path}:{keyPath}").Select(v => (int)v)];
            if (keys.Length != frames)
                throw new DataFormatException($"{path}:{keyPath}", $"one image key per frame ({frames})", $"{keys.Length} keys");
        }
        else keys = new int[frames];

        double[]? allAngles = null;
        string anglePath = $"{entry}/{RotationAnglePath}";
        if (options.Angles is null)
        {
            var angleDs = Hdf5Support.Dataset(file, anglePath, "rotation angle of every frame");
            allAngles = Hdf5Support.ReadNumbers(angleDs, $"{path}:{anglePath}");
            if (allAngles.Length != frames)
                throw new DataFormatException($"{path}:{anglePath}", $"one rotation angle per frame ({frames})", $"{allAngles.Length} angles");
            string units = Hdf5Support.StringAttribute(angleDs, "units") ?? "degree";
            if (units.StartsWith("rad", StringComparison.OrdinalIgnoreCase)) allAngles = [.. allAngles.Select(a => a * 180 / Math.PI)];
        }

        int[] Indices(int key) => [.. Enumerable.Range(0, frames).Where(i => keys[i] == key)];
        var projectionIndices = Indices(0);
        if (projectionIndices.Length == 0) throw new DataFormatException($"{path}:{keyPath}", "at least one projection (image_key 0)", "none");
        var flatIndices = Indices(1);
        var darkIndices = Indices(2);

        string Units(string p) => Hdf5Support.Units(file, p) ?? "m";
        var pw = Hdf5Support.LengthOf(Hdf5Support.ScalarOrFirst(file, $"{entry}/{PixelWidthPath}"), Units($"{entry}/{PixelWidthPath}"), "m");
        var ph = Hdf5Support.LengthOf(Hdf5Support.ScalarOrFirst(file, $"{entry}/{PixelHeightPath}"), Units($"{entry}/{PixelHeightPath}"), "m");
        var pixelWidth = ScanAssembler.PixelSize(pw, options, path);
        var energy = Hdf5Support.EnergyOf(Hdf5Support.ScalarOrFirst(file, $"{entry}/{EnergyPath}"), Hdf5Support.Units(file, $"{entry}/{EnergyPath}"), "keV")
            ?? options.DefaultEnergy;
        IReadOnlyList<Angle> angles = options.Angles ?? [.. projectionIndices.Select(i => Angle.FromDegrees(allAngles![i]))];

        using var projections = new Hdf5FrameReader(file, false, dataPath, projectionIndices, null);
        using var flats = flatIndices.Length > 0 ? new Hdf5FrameReader(file, false, dataPath, flatIndices, null) : null;
        using var darks = darkIndices.Length > 0 ? new Hdf5FrameReader(file, false, dataPath, darkIndices, null) : null;
        return ScanAssembler.Build(projections, flats, darks, angles, $"{path}:{anglePath}", pixelWidth, ph ?? pixelWidth, energy,
            IntensityDomain.Raw, Length.Zero, null, options, context);
    }
}
