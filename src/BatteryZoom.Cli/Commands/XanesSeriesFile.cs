using System.Globalization;
using System.Runtime.InteropServices;
using BatteryZoom.Core.Data;
using BatteryZoom.Core.Diagnostics;
using BatteryZoom.Core.Geometry;
using BatteryZoom.Core.Steps;
using BatteryZoom.Core.Units;
using BatteryZoom.IO;
using BatteryZoom.IO.Hdf5;
using BatteryZoom.Spectroscopy.Data;
using BatteryZoom.Tomography.Preprocessing;
using PureHDF;
using PureHDF.Selections;
using PureHDF.VOL.Native;

namespace BatteryZoom.Cli.Commands;

/// <summary>A XANES tomography series in one HDF5 file, Data Exchange-like with an energy axis (docs/formats.md, "XANES
/// projection series"): <c>/exchange/data</c> [energy, angle, row, column], <c>/exchange/energy</c> (eV), <c>/exchange/theta</c>
/// (degrees), optional <c>/exchange/data_white</c> [energy, flat, row, column] and <c>/exchange/data_dark</c> [dark, row, column].</summary>
internal static class XanesSeriesFile
{
    public const string DataPath = "/exchange/data";
    public const string FlatsPath = "/exchange/data_white";
    public const string DarksPath = "/exchange/data_dark";
    public const string EnergyPath = "/exchange/energy";
    public const string ThetaPath = "/exchange/theta";
    public const string PixelWidthPath = "/measurement/instrument/detector/x_actual_pixel_size";
    public const string PixelHeightPath = "/measurement/instrument/detector/y_actual_pixel_size";
    public const string DomainAttribute = "bzoom_domain";
    public const string FormatTag = "bzoom-xanes-series/1";

    /// <summary>True when <paramref name="path"/> is an HDF5 file with <c>/exchange/energy</c> and <c>/exchange/data</c>.</summary>
    public static bool Detect(string path)
    {
        if (!File.Exists(path)) return false;
        try
        {
            using var file = H5File.OpenRead(path);
            return Exists(file, EnergyPath) && Exists(file, DataPath);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException) { return false; }
    }

    /// <summary>Reads the series; raw counts with flats are flat-field corrected to line integrals (per energy, with that energy's
    /// flats); transmissions are turned into −ln T.</summary>
    /// <param name="path">The HDF5 file.</param>
    /// <param name="pixelSize">Pixel size when the file has none.</param>
    /// <param name="domain">Overrides the file's <c>bzoom_domain</c> attribute.</param>
    /// <param name="context">Storage, cancellation, progress.</param>
    /// <exception cref="DataFormatException">A missing dataset, a wrong rank or shape, energies not strictly increasing, angles of
    /// another count than the data, no pixel size, or an unreadable file.</exception>
    public static EnergySeries Read(string path, Length? pixelSize, IntensityDomain? domain, RunContext context)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path)) throw new DataFormatException(path, "an HDF5 XANES projection series", "no such file");
        NativeFile file;
        try { file = H5File.OpenRead(path); }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            throw new DataFormatException(path, "an HDF5 file", ex.Message.ReplaceLineEndings(" ").Trim() + " (not HDF5, truncated or corrupt)", ex);
        }
        using (file)
        {
            var data = Dataset(file, path, DataPath, "projections [energy, angle, row, column]");
            var dims = data.Space.Dimensions;
            if (dims.Length != 4)
                throw new DataFormatException($"{path}:{DataPath}", "a 4-D dataset [energy, angle, row, column]", $"{dims.Length} dimensions ({string.Join(" × ", dims)})");
            int ne = (int)dims[0], na = (int)dims[1], rows = (int)dims[2], cols = (int)dims[3];
            var energySet = Dataset(file, path, EnergyPath, "energies in eV");
            var energies = Numbers(energySet, $"{path}:{EnergyPath}");
            string energyUnits = StringAttribute(energySet, "units") ?? "eV";
            double energyFactor = energyUnits.Trim().ToLowerInvariant() switch
            {
                "ev" => 1, "kev" => 1000,
                _ => throw new DataFormatException($"{path}:{EnergyPath}", "units attribute 'eV' or 'keV'", $"'{energyUnits}'"),
            };
            if (energies.Length != ne) throw new DataFormatException($"{path}:{EnergyPath}", $"{ne} energies (the first axis of {DataPath})", $"{energies.Length}");
            for (int i = 0; i < ne; i++)
            {
                energies[i] *= energyFactor;
                if (!double.IsFinite(energies[i])) throw new DataFormatException($"{path}:{EnergyPath}", "finite energies", $"energy [{i}] = {energies[i]}");
                if (i > 0 && !(energies[i] > energies[i - 1]))
                    throw new DataFormatException($"{path}:{EnergyPath}", "strictly increasing energies",
                        string.Create(CultureInfo.InvariantCulture, $"{energies[i]} eV at index {i} after {energies[i - 1]} eV"));
            }
            if (ne < 2) throw new DataFormatException($"{path}:{DataPath}", "at least 2 energies", $"{ne}");
            var thetaSet = Dataset(file, path, ThetaPath, "rotation angles in degrees");
            var theta = Numbers(thetaSet, $"{path}:{ThetaPath}");
            if (theta.Length != na) throw new DataFormatException($"{path}:{ThetaPath}", $"{na} angles (the second axis of {DataPath})", $"{theta.Length}");
            bool radians = (StringAttribute(thetaSet, "units") ?? "deg").StartsWith("rad", StringComparison.OrdinalIgnoreCase);
            var angles = theta.Select(v => radians ? new Angle(v) : Angle.FromDegrees(v)).ToArray();
            var pw = LengthAt(file, path, PixelWidthPath) ?? pixelSize
                ?? throw new DataFormatException($"{path}:{PixelWidthPath}", "the pixel size (dataset with a units attribute), or --pixel-size", "neither");
            var ph = LengthAt(file, path, PixelHeightPath) ?? pw;
            var exchange = (NativeGroup)file.Group("/exchange");
            var flatsSet = Exists(file, FlatsPath) ? Dataset(file, path, FlatsPath, "flats [energy, flat, row, column]") : null;
            var darksSet = Exists(file, DarksPath) ? Dataset(file, path, DarksPath, "darks [dark, row, column]") : null;
            var dom = domain ?? ParseDomain(StringAttribute(exchange, DomainAttribute), flatsSet is not null, path);
            if (flatsSet is not null)
            {
                var fd = flatsSet.Space.Dimensions;
                if (fd.Length != 4 || (int)fd[0] != ne || (int)fd[2] != rows || (int)fd[3] != cols)
                    throw new DataFormatException($"{path}:{FlatsPath}", $"[{ne}, flats, {rows}, {cols}] (one set of flats per energy)", $"[{string.Join(", ", fd)}]");
            }
            if (darksSet is not null)
            {
                var dd = darksSet.Space.Dimensions;
                if (dd.Length != 3 || (int)dd[1] != rows || (int)dd[2] != cols)
                    throw new DataFormatException($"{path}:{DarksPath}", $"[darks, {rows}, {cols}]", $"[{string.Join(", ", dd)}]");
            }
            if (dom == IntensityDomain.Raw && flatsSet is null)
                throw new DataFormatException($"{path}:{FlatsPath}", "flats for raw counts (or bzoom_domain = 'transmission' / 'lineintegral')", "no flats");
            var detector = new Detector(cols, rows, pw, ph);
            var geometry = new ParallelBeam(detector, angles);
            var sets = new List<ProjectionSet>(ne);
            try
            {
                ImageStack<float>? darks = darksSet is null ? null : ReadStack(darksSet, path, DarksPath, null, (int)darksSet.Space.Dimensions[0], rows, cols, context);
                for (int e = 0; e < ne; e++)
                {
                    context.Cancellation.ThrowIfCancellationRequested();
                    var stack = ReadStack(data, path, DataPath, e, na, rows, cols, context);
                    var energy = new Energy(energies[e]);
                    ProjectionSet set;
                    if (dom == IntensityDomain.Raw)
                    {
                        var flats = ReadStack(flatsSet!, path, FlatsPath, e, (int)flatsSet!.Space.Dimensions[1], rows, cols, context);
                        using var raw = new ProjectionSet(stack, geometry, IntensityDomain.Raw, flats, darks is null ? null : Copy(darks, context), energy);
                        set = FlatFieldCorrection.Apply(raw, out _, context: context);
                    }
                    else if (dom == IntensityDomain.Transmission)
                    {
                        var f = new float[stack.FrameLength];
                        for (int a = 0; a < na; a++)
                        {
                            stack.ReadFrame(a, f);
                            for (int k = 0; k < f.Length; k++) f[k] = -MathF.Log(Math.Max(f[k], 1e-6f));
                            stack.WriteFrame(a, f);
                        }
                        set = new ProjectionSet(stack, geometry, IntensityDomain.LineIntegral, energy: energy);
                    }
                    else set = new ProjectionSet(stack, geometry, IntensityDomain.LineIntegral, energy: energy);
                    sets.Add(set);
                    context.Report("io.read", e + 1, ne, path);
                }
                darks?.Dispose();
                return new EnergySeries(sets);
            }
            catch
            {
                foreach (var s in sets) s.Dispose();
                throw;
            }
        }
    }

    /// <summary>Writes line-integral (or other) projections of a series with one shared angle set, float32, atomically.</summary>
    /// <exception cref="IncompatibleInputException">Sets of different shapes or angles, or not parallel-beam.</exception>
    public static void Write(string path, EnergySeries series, bool overwrite, RunContext context)
    {
        ArgumentNullException.ThrowIfNull(series);
        var sets = series.Sets;
        var first = sets[0];
        if (first.Geometry is not ParallelBeam pb) throw new IncompatibleInputException($"{path}: a XANES series file stores parallel-beam scans; got {first.Geometry.GetType().Name}.");
        var p0 = first.Projections;
        foreach (var s in sets)
        {
            if (s.Projections.Count != p0.Count || s.Projections.Rows != p0.Rows || s.Projections.Columns != p0.Columns)
                throw new IncompatibleInputException($"{path}: every energy needs {p0.Count} projections of {p0.Rows} × {p0.Columns}; {s.Energy} has {s.Projections.Count} of {s.Projections.Rows} × {s.Projections.Columns}.");
            if (s.Domain != first.Domain) throw new IncompatibleInputException($"{path}: every energy needs the same intensity domain; {s.Energy} holds {s.Domain}, {first.Energy} {first.Domain}.");
        }
        using var output = AtomicFileWriter.Begin(path, overwrite);
        var root = new H5File { Attributes = new() { ["implements"] = "exchange:measurement", ["format"] = FormatTag } };
        var exchange = new H5Group { Attributes = new() { [DomainAttribute] = first.Domain.ToString().ToLowerInvariant() } };
        root["exchange"] = exchange;
        exchange["energy"] = new H5Dataset(series.Energies.Select(e => e.ElectronVolts).ToArray()) { Attributes = new() { ["units"] = "eV" } };
        exchange["theta"] = new H5Dataset(pb.Angles.Select(a => a.Degrees).ToArray()) { Attributes = new() { ["units"] = "deg" } };
        var detector = new H5Group
        {
            ["x_actual_pixel_size"] = new H5Dataset(pb.Detector.PixelWidth.Micrometers) { Attributes = new() { ["units"] = "um" } },
            ["y_actual_pixel_size"] = new H5Dataset(pb.Detector.PixelHeight.Micrometers) { Attributes = new() { ["units"] = "um" } },
        };
        root["measurement"] = new H5Group { ["instrument"] = new H5Group { ["detector"] = detector } };
        int ne = sets.Count, na = p0.Count, rows = p0.Rows, cols = p0.Columns;
        var data = new H5Dataset<float[]>(fileDims: [(ulong)ne, (ulong)na, (ulong)rows, (ulong)cols], chunks: [1, 1, (uint)rows, (uint)cols])
        { Attributes = new() { ["axes"] = "energy:theta:y:x" } };
        exchange["data"] = data;
        using (var writer = root.BeginWrite(output.TempPath))
        {
            var frame = new float[p0.FrameLength];
            for (int e = 0; e < ne; e++)
                for (int a = 0; a < na; a++)
                {
                    context.Cancellation.ThrowIfCancellationRequested();
                    sets[e].Projections.ReadFrame(a, frame);
                    writer.Write(data, frame, fileSelection: new HyperslabSelection(4, [(ulong)e, (ulong)a, 0, 0], [1, 1, (ulong)rows, (ulong)cols]));
                }
        }
        output.Commit(context.Cancellation);
    }

    private static IntensityDomain ParseDomain(string? text, bool hasFlats, string path) => text?.Trim().ToLowerInvariant() switch
    {
        null => hasFlats ? IntensityDomain.Raw : throw new DataFormatException($"{path}:/exchange", $"attribute {DomainAttribute} ('raw', 'transmission' or 'lineintegral') when there are no flats, or --domain", "neither"),
        "raw" => IntensityDomain.Raw,
        "transmission" => IntensityDomain.Transmission,
        "lineintegral" or "line-integral" or "line_integral" => IntensityDomain.LineIntegral,
        _ => throw new DataFormatException($"{path}:/exchange", $"attribute {DomainAttribute} = 'raw', 'transmission' or 'lineintegral'", $"'{text}'"),
    };

    private static ImageStack<float> Copy(ImageStack<float> s, RunContext context)
    {
        var c = ImageStack<float>.Create(s.Count, s.Rows, s.Columns, context.Storage);
        var f = new float[s.FrameLength];
        for (int i = 0; i < s.Count; i++) { s.ReadFrame(i, f); c.WriteFrame(i, f); }
        return c;
    }

    /// <summary>Frames [first index e (if given), k, row, column] of a float32/float64/uint16 dataset as a float stack.</summary>
    private static ImageStack<float> ReadStack(NativeDataset set, string path, string name, int? e, int count, int rows, int cols, RunContext context)
    {
        var type = set.Type;
        var stack = ImageStack<float>.Create(count, rows, cols, context.Storage);
        try
        {
            var frame = new float[rows * cols];
            for (int k = 0; k < count; k++)
            {
                Selection sel = e is { } ei
                    ? new HyperslabSelection(4, [(ulong)ei, (ulong)k, 0, 0], [1, 1, (ulong)rows, (ulong)cols])
                    : new HyperslabSelection(3, [(ulong)k, 0, 0], [1, (ulong)rows, (ulong)cols]);
                ulong[] memDims = [(ulong)frame.Length];
                try
                {
                    if (type.Class == H5DataTypeClass.FloatingPoint && type.Size == 4) set.Read<float[]>(sel, null, memDims).CopyTo(frame, 0);
                    else if (type.Class == H5DataTypeClass.FloatingPoint && type.Size == 8)
                    {
                        var d = set.Read<double[]>(sel, null, memDims);
                        for (int i = 0; i < frame.Length; i++) frame[i] = (float)d[i];
                    }
                    else if (type.Class == H5DataTypeClass.FixedPoint && type.Size == 2 && !type.FixedPoint.IsSigned)
                    {
                        var d = set.Read<ushort[]>(sel, null, memDims);
                        for (int i = 0; i < frame.Length; i++) frame[i] = d[i];
                    }
                    else throw new DataFormatException($"{path}:{name}", "float32, float64 or uint16 values", $"{type.Class} of {type.Size} bytes");
                }
                catch (Exception ex) when (ex is not DataFormatException and not OutOfMemoryException)
                {
                    throw new DataFormatException($"{path}:{name}", "a readable dataset", ex.Message.ReplaceLineEndings(" ").Trim(), ex);
                }
                stack.WriteFrame(k, frame);
            }
            return stack;
        }
        catch
        {
            stack.Dispose();
            throw;
        }
    }

    // Shared HDF5 checks (IO's readers use the same); path is the file path, kept for the callers' messages.
    private static bool Exists(NativeGroup root, string path) => Hdf5Reading.Exists(root, path);

    private static NativeDataset Dataset(NativeFile file, string path, string name, string what) => Hdf5Reading.Dataset(file, name, what);

    private static double[] Numbers(NativeDataset set, string source) => Hdf5Reading.ReadNumbers(set, source);

    private static string? StringAttribute(NativeObject obj, string name) => Hdf5Reading.StringAttribute(obj, name);

    private static Length? LengthAt(NativeFile file, string path, string name)
    {
        if (!Exists(file, name)) return null;
        var set = Dataset(file, path, name, "pixel size");
        var v = Numbers(set, $"{path}:{name}");
        if (v.Length == 0 || !(v[0] > 0)) throw new DataFormatException($"{path}:{name}", "a positive pixel size", v.Length == 0 ? "empty" : v[0].ToString(CultureInfo.InvariantCulture));
        string units = (StringAttribute(set, "units") ?? "um").Trim().ToLowerInvariant();
        return units switch
        {
            "m" => new Length(v[0]),
            "mm" => Length.FromMillimeters(v[0]),
            "um" or "µm" or "micron" or "microns" => Length.FromMicrometers(v[0]),
            "nm" => Length.FromNanometers(v[0]),
            _ => throw new DataFormatException($"{path}:{name}", "units m, mm, um or nm", $"'{units}'"),
        };
    }
}
