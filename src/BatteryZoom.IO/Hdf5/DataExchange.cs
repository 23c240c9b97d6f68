using System.Globalization;
using BatteryZoom.Core.Data;
using BatteryZoom.Core.Diagnostics;
using BatteryZoom.Core.Geometry;
using BatteryZoom.Core.Steps;
using BatteryZoom.Core.Units;
using PureHDF;

namespace BatteryZoom.IO.Hdf5;

/// <summary>Options for writing APS Data Exchange files.</summary>
public sealed record DataExchangeWriteOptions
{
    /// <summary>Replace an existing output.</summary>
    public bool Overwrite { get; init; }
    /// <summary>Shuffle + gzip the frame datasets.</summary>
    public bool Compress { get; init; }
}

/// <summary>APS Data Exchange as TomoPy/dxchange use it: <c>/exchange/data</c>, <c>/exchange/data_white</c>,
/// <c>/exchange/data_dark</c> [frame, row, column] and <c>/exchange/theta</c> in degrees (docs/formats.md).</summary>
public static class DataExchange
{
    /// <summary>Projections.</summary>
    public const string DataPath = "/exchange/data";
    /// <summary>Flats.</summary>
    public const string FlatsPath = "/exchange/data_white";
    /// <summary>Darks.</summary>
    public const string DarksPath = "/exchange/data_dark";
    /// <summary>Rotation angles in degrees.</summary>
    public const string ThetaPath = "/exchange/theta";
    /// <summary>Pixel width (units attribute; micrometres when absent, as at APS).</summary>
    public const string PixelWidthPath = "/measurement/instrument/detector/x_actual_pixel_size";
    /// <summary>Pixel height.</summary>
    public const string PixelHeightPath = "/measurement/instrument/detector/y_actual_pixel_size";
    /// <summary>Photon energy (units attribute; keV when absent).</summary>
    public const string EnergyPath = "/measurement/instrument/monochromator/energy";

    /// <summary>Cone beam: source to rotation axis distance (units attribute; mm when absent). Data Exchange names no such
    /// field; this follows NeXus NXsource/distance (sign ignored) under the Data Exchange instrument group.</summary>
    public const string SourceDistancePath = "/measurement/instrument/source/distance";
    /// <summary>Cone beam: rotation axis to detector distance (units attribute; mm when absent), as NeXus NXdetector/distance.</summary>
    public const string DetectorDistancePath = "/measurement/instrument/detector/distance";

    /// <summary>Attribute of /exchange naming the beam: absent or "parallel", or <see cref="ConeBeamValue"/>.</summary>
    public const string BeamAttribute = "bzoom_beam";
    /// <summary>Value of <see cref="BeamAttribute"/> for a circular cone beam.</summary>
    public const string ConeBeamValue = "circular-cone";

    /// <summary>Attribute of /exchange with a cone beam's vertical detector offset in metres (the horizontal one is bzoom_axis_offset_m).</summary>
    public const string DetectorOffsetVAttribute = "bzoom_detector_offset_v_m";

    /// <summary>True when <paramref name="path"/> is HDF5 with a <c>/exchange/data</c> dataset.</summary>
    public static bool Detect(string path)
    {
        try
        {
            using var file = Hdf5Support.OpenRead(path);
            return Hdf5Support.Exists(file, DataPath);
        }
        catch (Exception ex) when (ex is DataFormatException or IOException) { return false; }
    }

    /// <summary>Reads a scan frame by frame into stacks that follow <see cref="RunContext.Storage"/>.</summary>
    /// <exception cref="DataFormatException">A missing dataset, wrong element type, flats/darks of another shape, theta of another
    /// length than the projections, non-finite values, or a truncated/corrupt file.</exception>
    /// <exception cref="UsageException">No pixel size in the file or the options.</exception>
    public static ProjectionSet Read(string path, ProjectionReadOptions? options = null, RunContext? context = null)
    {
        options ??= ProjectionReadOptions.Default;
        context ??= RunContext.Default;
        using var file = Hdf5Support.OpenRead(path);
        using var projections = new Hdf5FrameReader(file, false, DataPath, null, null);
        using var flats = Hdf5Support.Exists(file, FlatsPath) ? new Hdf5FrameReader(file, false, FlatsPath, null, null) : null;
        using var darks = Hdf5Support.Exists(file, DarksPath) ? new Hdf5FrameReader(file, false, DarksPath, null, null) : null;
        IReadOnlyList<Angle> angles;
        if (options.Angles is not null) angles = options.Angles;
        else
        {
            var theta = Hdf5Support.Dataset(file, ThetaPath, "rotation angles in degrees");
            string units = Hdf5Support.StringAttribute(theta, "units") ?? "deg";
            bool radians = units.StartsWith("rad", StringComparison.OrdinalIgnoreCase);
            angles = [.. Hdf5Support.ReadNumbers(theta, $"{path}:{ThetaPath}").Select(v => radians ? new Angle(v) : Angle.FromDegrees(v))];
        }
        var pw = Hdf5Support.LengthOf(Hdf5Support.ScalarOrFirst(file, PixelWidthPath), Hdf5Support.Units(file, PixelWidthPath), "um");
        var ph = Hdf5Support.LengthOf(Hdf5Support.ScalarOrFirst(file, PixelHeightPath), Hdf5Support.Units(file, PixelHeightPath), "um");
        var pixelWidth = ScanAssembler.PixelSize(pw, options, path);
        var pixelHeight = ph ?? pixelWidth;
        var energy = Hdf5Support.EnergyOf(Hdf5Support.ScalarOrFirst(file, EnergyPath), Hdf5Support.Units(file, EnergyPath), "keV") ?? options.DefaultEnergy;
        var exchange = (PureHDF.VOL.Native.NativeGroup)file.Group("/exchange");
        var domain = Enum.TryParse<IntensityDomain>(Hdf5Support.StringAttribute(exchange, "bzoom_domain"), true, out var dm) ? dm : IntensityDomain.Raw;
        var offset = Hdf5Support.DoublesAttribute(exchange, "bzoom_axis_offset_m") is [var o] ? new Length(o) : Length.Zero;
        Provenance? provenance = null;
        if (Hdf5Support.StringAttribute(exchange, "bzoom_provenance") is { } pj)
        {
            try { provenance = Provenance.FromJson(pj); }
            catch (System.Text.Json.JsonException ex) { throw new DataFormatException($"{path}:/exchange", "provenance JSON in attribute bzoom_provenance", Hdf5Support.OneLine(ex.Message), ex); }
        }
        // Only our own marker makes a file conical: foreign files may store a detector distance for phase retrieval.
        bool cone = string.Equals(Hdf5Support.StringAttribute(exchange, BeamAttribute), ConeBeamValue, StringComparison.OrdinalIgnoreCase);
        var scan = ScanAssembler.Build(projections, flats, darks, angles, $"{path}:{ThetaPath}", pixelWidth, pixelHeight, energy, domain,
            cone ? Length.Zero : offset, provenance, options, context);
        if (!cone) return scan;
        Length Distance(string dataset)
        {
            var length = Hdf5Support.LengthOf(Math.Abs(Hdf5Support.ScalarOrFirst(file, dataset)), Hdf5Support.Units(file, dataset), "mm");
            if (length is { } l) return l;
            scan.Dispose();
            throw new DataFormatException($"{path}:{dataset}", $"a positive distance with a units attribute (/exchange says {BeamAttribute}={ConeBeamValue})", "missing or not positive");
        }
        var sourceAxis = Distance(SourceDistancePath);
        var axisDetector = Distance(DetectorDistancePath);
        // For a cone beam the stored axis offset is the detector's horizontal offset.
        var offsetV = Hdf5Support.DoublesAttribute(exchange, DetectorOffsetVAttribute) is [var ov] ? new Length(ov) : Length.Zero;
        return ScanAssembler.WithConeDistances(scan, sourceAxis, axisDetector, offset, offsetV);
    }

    /// <summary>Writes a parallel-beam or circular cone-beam scan frame by frame (float32, chunks of whole rows), atomically.
    /// A cone beam adds <see cref="SourceDistancePath"/> and <see cref="DetectorDistancePath"/> (mm) and stores its horizontal
    /// detector offset where a parallel beam stores its axis offset.</summary>
    /// <exception cref="IncompatibleInputException">The geometry is neither <see cref="ParallelBeam"/> nor <see cref="CircularConeBeam"/>.</exception>
    /// <exception cref="UsageException">The output exists and overwriting was not asked for.</exception>
    /// <exception cref="OperationCanceledException">Cancelled; no output is left behind.</exception>
    public static void Write(string path, ProjectionSet scan, DataExchangeWriteOptions? options = null, RunContext? context = null)
    {
        ArgumentNullException.ThrowIfNull(scan);
        options ??= new();
        context ??= RunContext.Default;
        var (angles, axisOffset, cone) = scan.Geometry switch
        {
            ParallelBeam p => (p.Angles, p.AxisOffset, (CircularConeBeam?)null),
            CircularConeBeam c => (c.Angles, c.Detector.OffsetU, c),
            _ => throw new IncompatibleInputException($"{path}: Data Exchange stores parallel-beam and circular cone-beam scans; got {scan.Geometry.GetType().Name} " +
                $"({scan.Geometry.ProjectionCount} projections). Rectify tilted projections first, or use an HDF5 volume or TIFF for other data."),
        };
        using var output = AtomicFileWriter.Begin(path, options.Overwrite);
        var root = new H5File { Attributes = new() { ["implements"] = "exchange:measurement:process", ["software"] = Provenance.SoftwareVersion } };
        var exchange = Hdf5StreamedFile.Group(root, "/exchange");
        exchange.Attributes["bzoom_domain"] = scan.Domain.ToString().ToLowerInvariant();
        exchange.Attributes["bzoom_axis_offset_m"] = axisOffset.Meters;
        exchange.Attributes[BeamAttribute] = cone is null ? "parallel" : ConeBeamValue;
        if (cone is not null) exchange.Attributes[DetectorOffsetVAttribute] = cone.Detector.OffsetV.Meters;
        exchange.Attributes["bzoom_provenance"] = scan.Provenance.ToJson();
        Hdf5StreamedFile.Place(root, ThetaPath, new H5Dataset(angles.Select(a => a.Degrees).ToArray()) { Attributes = new() { ["units"] = "deg" } });
        var d = scan.Geometry.Detector;
        if (cone is not null)
        {
            Hdf5StreamedFile.Place(root, SourceDistancePath, new H5Dataset(cone.SourceToAxis.Millimeters) { Attributes = new() { ["units"] = "mm" } });
            Hdf5StreamedFile.Place(root, DetectorDistancePath, new H5Dataset((cone.SourceToDetector - cone.SourceToAxis).Millimeters) { Attributes = new() { ["units"] = "mm" } });
        }
        Hdf5StreamedFile.Place(root, PixelWidthPath, new H5Dataset(d.PixelWidth.Micrometers) { Attributes = new() { ["units"] = "um" } });
        Hdf5StreamedFile.Place(root, PixelHeightPath, new H5Dataset(d.PixelHeight.Micrometers) { Attributes = new() { ["units"] = "um" } });
        if (scan.Energy is { } e)
            Hdf5StreamedFile.Place(root, EnergyPath, new H5Dataset(e.KiloElectronVolts) { Attributes = new() { ["units"] = "keV" } });
        var stacks = new List<(ImageStack<float> Stack, string Path)> { (scan.Projections, DataPath) };
        if (scan.Flats is { } f) stacks.Add((f, FlatsPath));
        if (scan.Darks is { } dk) stacks.Add((dk, DarksPath));
        var specs = stacks.Select(s => new StreamedDatasetSpec(s.Path, s.Stack.Count, s.Stack.Rows, s.Stack.Columns, ElementType.Float32,
            new() { ["axes"] = "theta:y:x" }, options.Compress)).ToList();
        long total = stacks.Sum(s => (long)s.Stack.Count), done = 0;
        using (var file = new Hdf5StreamedFile(output.TempPath, root, specs))
        {
            for (int k = 0; k < stacks.Count; k++)
            {
                var stack = stacks[k].Stack;
                var buffer = new float[stack.FrameLength];
                for (int i = 0; i < stack.Count; i++)
                {
                    context.Cancellation.ThrowIfCancellationRequested();
                    stack.ReadFrame(i, buffer);
                    file.WriteFrame(k, i, System.Runtime.InteropServices.MemoryMarshal.AsBytes(buffer.AsSpan()));
                    context.Report("io.write", ++done, total, path);
                }
            }
            file.Close();
        }
        output.Commit(context.Cancellation);
    }

}
