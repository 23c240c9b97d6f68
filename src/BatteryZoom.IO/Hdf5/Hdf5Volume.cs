using BatteryZoom.Core.Data;
using BatteryZoom.Core.Diagnostics;
using BatteryZoom.Core.Geometry;
using BatteryZoom.Core.Units;
using PureHDF;

namespace BatteryZoom.IO.Hdf5;

/// <summary>Options for writing our HDF5 volume files.</summary>
public sealed record Hdf5WriteOptions
{
    /// <summary>Element type written (default float32).</summary>
    public ElementType ElementType { get; init; } = ElementType.Float32;
    /// <summary>Shuffle + gzip (deflate) the chunks: smaller, slower; h5py reads it.</summary>
    public bool Compress { get; init; }
    /// <summary>Replace an existing output.</summary>
    public bool Overwrite { get; init; }
}

/// <summary>Our HDF5 volume layout: dataset <c>/volume</c> [z, y, x], chunks of whole rows, grid, quantity and provenance
/// as attributes (docs/formats.md).</summary>
public static class Hdf5Volume
{
    /// <summary>Path of the volume dataset.</summary>
    public const string DatasetPath = "/volume";
    /// <summary>Value of the root attribute <c>bzoom_format</c>.</summary>
    public const string FormatTag = "bzoom-volume/1";

    /// <summary>Opens the volume dataset of <paramref name="path"/> for frame-by-frame (slice-by-slice) reading, with its metadata.</summary>
    /// <exception cref="DataFormatException">Not HDF5, or no <paramref name="datasetPath"/> dataset.</exception>
    public static Hdf5FrameReader OpenReader(string path, string datasetPath = DatasetPath)
    {
        var file = Hdf5Support.OpenRead(path);
        try
        {
            var ds = Hdf5Support.Dataset(file, datasetPath, "a volume [z, y, x]");
            var md = StackMetadata.Empty;
            if (Hdf5Support.DoublesAttribute(ds, "voxel_size") is { Length: 3 } vs)
            {
                string? u = Hdf5Support.StringAttribute(ds, "voxel_size_units");
                md = md with { Dz = Hdf5Support.LengthOf(vs[0], u, "m"), Dy = Hdf5Support.LengthOf(vs[1], u, "m"), Dx = Hdf5Support.LengthOf(vs[2], u, "m") };
            }
            if (Hdf5Support.DoublesAttribute(ds, "origin") is { Length: 3 } og)
            {
                string? u = Hdf5Support.StringAttribute(ds, "origin_units");
                double s = u is null or "m" ? 1 : Hdf5Support.LengthOf(1, u, "m")?.Meters ?? 1;
                md = md with { Origin = new Vec3(og[2] * s, og[1] * s, og[0] * s) };
            }
            if (Hdf5Support.StringAttribute(ds, "quantity") is { } q)
                md = md with { Quantity = Quantity.FromName(q, Hdf5Support.StringAttribute(ds, "quantity_unit") ?? "") };
            if (Hdf5Support.StringAttribute(ds, "provenance") is { } p)
            {
                try { md = md with { Provenance = Provenance.FromJson(p) }; }
                catch (System.Text.Json.JsonException ex) { throw new DataFormatException($"{path}:{datasetPath}", "provenance JSON in attribute 'provenance'", Hdf5Support.OneLine(ex.Message), ex); }
            }
            return new Hdf5FrameReader(file, ownsFile: true, datasetPath, null, md);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>Starts writing a volume of <paramref name="grid"/> slice by slice.</summary>
    /// <exception cref="UsageException">The output exists and overwriting was not asked for.</exception>
    public static Hdf5VolumeWriter CreateWriter(string path, VoxelGrid grid, Quantity? quantity = null, Provenance? provenance = null, Hdf5WriteOptions? options = null) =>
        new(path, grid, quantity ?? Quantity.Unknown, provenance ?? Provenance.Empty, options ?? new());

    /// <summary>Attributes describing a volume (all lengths in metres, arrays in z, y, x order).</summary>
    internal static Dictionary<string, object> Attributes(VoxelGrid grid, Quantity quantity, Provenance provenance) => new()
    {
        ["axes"] = "z,y,x",
        ["voxel_size"] = new[] { grid.Dz.Meters, grid.Dy.Meters, grid.Dx.Meters },
        ["voxel_size_units"] = "m",
        ["origin"] = new[] { grid.Origin.Z, grid.Origin.Y, grid.Origin.X },
        ["origin_units"] = "m",
        ["quantity"] = quantity.Name,
        ["quantity_unit"] = quantity.Unit,
        ["provenance"] = provenance.ToJson(),
    };
}

/// <summary>Writes our HDF5 volume layout slice by slice (bounded memory), atomically.</summary>
public sealed class Hdf5VolumeWriter : FrameWriter
{
    private readonly AtomicFileWriter _output;
    private readonly Hdf5StreamedFile _file;

    internal Hdf5VolumeWriter(string path, VoxelGrid grid, Quantity quantity, Provenance provenance, Hdf5WriteOptions options)
        : base(path, grid.Size.Nz, grid.Size.Ny, grid.Size.Nx, options.ElementType)
    {
        _output = AtomicFileWriter.Begin(path, options.Overwrite);
        try
        {
            var root = new H5File { Attributes = new() { ["bzoom_format"] = Hdf5Volume.FormatTag, ["software"] = Provenance.SoftwareVersion } };
            var spec = new StreamedDatasetSpec(Hdf5Volume.DatasetPath, grid.Size.Nz, grid.Size.Ny, grid.Size.Nx, options.ElementType,
                Hdf5Volume.Attributes(grid, quantity, provenance), options.Compress);
            _file = new Hdf5StreamedFile(_output.TempPath, root, [spec]);
        }
        catch
        {
            _output.Dispose();
            throw;
        }
    }

    /// <inheritdoc/>
    protected override void WriteFrameBytes(int index, ReadOnlySpan<byte> frame) => _file.WriteFrame(0, index, frame);

    /// <inheritdoc/>
    protected override void OnComplete()
    {
        _file.Close();
        _output.Commit();
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            try { _file.Dispose(); }
            catch (Exception) when (!IsComplete) { /* the partial file is deleted next */ }
            _output.Dispose();
        }
        base.Dispose(disposing);
    }
}
