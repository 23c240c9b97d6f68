using System.Globalization;
using BatteryZoom.Core.Diagnostics;
using BatteryZoom.Core.Units;
using PureHDF;
using PureHDF.VOL.Native;

namespace BatteryZoom.IO.Hdf5;

/// <summary>PureHDF plumbing: opening with clear errors, dataset lookup, element types, attributes with units.</summary>
internal static class Hdf5Support
{
    public static NativeFile OpenRead(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"HDF5 file '{path}' does not exist.", path);
        try
        {
            return H5File.OpenRead(path);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            throw new DataFormatException(path, "an HDF5 file", OneLine(ex.Message) + " (not HDF5, truncated or corrupt)", ex);
        }
    }

    public static string OneLine(string message) => message.ReplaceLineEndings(" ").Trim().TrimEnd('.');

    public static bool Exists(NativeGroup root, string path)
    {
        try
        {
            var parts = path.Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries);
            NativeGroup group = root;
            for (int i = 0; i < parts.Length; i++)
            {
                if (!group.LinkExists(parts[i])) return false;
                if (i == parts.Length - 1) return true;
                if (group.Get(parts[i]) is not NativeGroup g) return false;
                group = g;
            }
            return true;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException) { return false; }
    }

    public static NativeDataset Dataset(NativeFile file, string path, string what)
    {
        if (!Exists(file, path))
            throw new DataFormatException($"{file.Path}:{path}", $"a dataset ({what})", "no such dataset");
        try
        {
            return (NativeDataset)file.Dataset(path);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            throw new DataFormatException($"{file.Path}:{path}", $"a dataset ({what})", OneLine(ex.Message), ex);
        }
    }

    public static NativeDataset? OptionalDataset(NativeFile file, string path) =>
        Exists(file, path) ? file.Get(path) as NativeDataset : null;

    public static ElementType ElementTypeOf(IH5DataType type, string source)
    {
        int size = type.Size;
        return type.Class switch
        {
            H5DataTypeClass.FloatingPoint when size == 4 => ElementType.Float32,
            H5DataTypeClass.FloatingPoint when size == 8 => ElementType.Float64,
            H5DataTypeClass.FixedPoint => (type.FixedPoint.IsSigned, size) switch
            {
                (false, 1) => ElementType.UInt8, (true, 1) => ElementType.Int8,
                (false, 2) => ElementType.UInt16, (true, 2) => ElementType.Int16,
                (false, 4) => ElementType.UInt32, (true, 4) => ElementType.Int32,
                _ => throw new DataFormatException(source, "8-, 16- or 32-bit integers or float32/float64", $"{(type.FixedPoint.IsSigned ? "signed" : "unsigned")} {size * 8}-bit integers"),
            },
            _ => throw new DataFormatException(source, "numbers (integer or floating point)", $"{type.Class} elements of {size} bytes"),
        };
    }

    public static ulong[] Dims(NativeDataset dataset) => dataset.Space.Dimensions;

    public static string? StringAttribute(NativeObject obj, string name)
    {
        try
        {
            if (!obj.AttributeExists(name)) return null;
            var a = obj.Attribute(name);
            if (a.Type.Class is not (H5DataTypeClass.String or H5DataTypeClass.VariableLength)) return null;
            return a.Space.Type == H5DataspaceType.Scalar ? a.Read<string>() : a.Read<string[]>().FirstOrDefault();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException) { return null; }
    }

    public static double[]? DoublesAttribute(NativeObject obj, string name)
    {
        try
        {
            if (!obj.AttributeExists(name)) return null;
            var a = obj.Attribute(name);
            if (a.Type.Class is not (H5DataTypeClass.FloatingPoint or H5DataTypeClass.FixedPoint)) return null;
            return ReadNumbers(a.Type, a.Space.Type == H5DataspaceType.Scalar ? 1 : (int)a.Space.Dimensions.Aggregate(1UL, (p, d) => p * d),
                t => t switch
                {
                    0 => a.Read<double[]>(), 1 => a.Read<float[]>().Select(v => (double)v).ToArray(),
                    2 => a.Read<long[]>().Select(v => (double)v).ToArray(), _ => a.Read<int[]>().Select(v => (double)v).ToArray(),
                });
        }
        catch (Exception ex) when (ex is not OutOfMemoryException) { return null; }
    }

    /// <summary>Reads a whole small numeric dataset as float64 (angles, image keys, scalars).</summary>
    public static double[] ReadNumbers(NativeDataset dataset, string source)
    {
        try
        {
            // numpy writes integer arrays (e.g. theta = np.arange(-90, 91)) as 64-bit: read those directly.
            if (dataset.Type.Class == H5DataTypeClass.FixedPoint && dataset.Type.Size == 8)
                return dataset.Type.FixedPoint.IsSigned
                    ? [.. (dataset.Space.Type == H5DataspaceType.Scalar ? [dataset.Read<long>()] : dataset.Read<long[]>()).Select(v => (double)v)]
                    : [.. (dataset.Space.Type == H5DataspaceType.Scalar ? [dataset.Read<ulong>()] : dataset.Read<ulong[]>()).Select(v => (double)v)];
            var type = ElementTypeOf(dataset.Type, source);
            long n = dataset.Space.Type == H5DataspaceType.Scalar ? 1 : (long)dataset.Space.Dimensions.Aggregate(1UL, (p, d) => p * d);
            if (n > 1 << 26) throw new DataFormatException(source, "a small 1-D dataset", $"{n} elements");
            var bytes = new byte[n * type.SizeOf()];
            ReadInto(dataset, type, bytes, null, source);
            var result = new double[n];
            ElementConversion.FromBytes<double>(bytes, type, result);
            return result;
        }
        catch (Exception ex) when (ex is not DataFormatException and not OutOfMemoryException)
        {
            throw new DataFormatException(source, "a readable numeric dataset", OneLine(ex.Message), ex);
        }
    }

    private static double[] ReadNumbers(IH5DataType type, int count, Func<int, double[]> read) =>
        type.Class == H5DataTypeClass.FloatingPoint ? (type.Size == 8 ? read(0) : read(1)) : (type.Size == 8 ? read(2) : read(3));

    /// <summary>Reads a selection of <paramref name="dataset"/> as bytes of its own element type.</summary>
    public static void ReadInto(NativeDataset dataset, ElementType type, Span<byte> destination, PureHDF.Selections.Selection? fileSelection, string source,
        H5DatasetAccess access = default)
    {
        ulong[] memDims = [(ulong)(destination.Length / type.SizeOf())];
        switch (type)
        {
            case ElementType.UInt8: dataset.Read(access, destination, fileSelection, null, memDims); break;
            case ElementType.Int8: dataset.Read(access, System.Runtime.InteropServices.MemoryMarshal.Cast<byte, sbyte>(destination), fileSelection, null, memDims); break;
            case ElementType.UInt16: dataset.Read(access, System.Runtime.InteropServices.MemoryMarshal.Cast<byte, ushort>(destination), fileSelection, null, memDims); break;
            case ElementType.Int16: dataset.Read(access, System.Runtime.InteropServices.MemoryMarshal.Cast<byte, short>(destination), fileSelection, null, memDims); break;
            case ElementType.UInt32: dataset.Read(access, System.Runtime.InteropServices.MemoryMarshal.Cast<byte, uint>(destination), fileSelection, null, memDims); break;
            case ElementType.Int32: dataset.Read(access, System.Runtime.InteropServices.MemoryMarshal.Cast<byte, int>(destination), fileSelection, null, memDims); break;
            case ElementType.Float32: dataset.Read(access, System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(destination), fileSelection, null, memDims); break;
            case ElementType.Float64: dataset.Read(access, System.Runtime.InteropServices.MemoryMarshal.Cast<byte, double>(destination), fileSelection, null, memDims); break;
            default: throw new DataFormatException(source, "a supported element type", type.ToString());
        }
    }

    /// <summary>A length from a number and a units attribute ("m", "mm", "um", "micron", "nm"); <paramref name="defaultUnit"/> when absent.</summary>
    public static Length? LengthOf(double value, string? units, string defaultUnit)
    {
        if (!double.IsFinite(value) || value <= 0) return null;
        double scale = NormalizeUnit(units ?? defaultUnit) switch
        {
            "m" or "meter" or "meters" or "metre" or "metres" => 1,
            "cm" => 1e-2, "mm" => 1e-3,
            "um" or "µm" or "μm" or "micron" or "microns" or "micrometer" or "micrometers" or "micrometre" => 1e-6,
            "nm" or "nanometer" or "nanometers" => 1e-9,
            _ => double.NaN,
        };
        return double.IsNaN(scale) ? null : new Length(value * scale);
    }

    /// <summary>An energy from a number and a units attribute ("eV", "keV", "J"); <paramref name="defaultUnit"/> when absent.</summary>
    public static Energy? EnergyOf(double value, string? units, string defaultUnit)
    {
        if (!double.IsFinite(value) || value <= 0) return null;
        return NormalizeUnit(units ?? defaultUnit) switch
        {
            "ev" => new Energy(value),
            "kev" => Energy.FromKiloElectronVolts(value),
            "mev" => new Energy(value * 1e6),
            "j" => new Energy(value / 1.602176634e-19),
            _ => null,
        };
    }

    private static string NormalizeUnit(string unit) => unit.Trim().ToLowerInvariant();

    public static double ScalarOrFirst(NativeFile file, string path)
    {
        var ds = OptionalDataset(file, path);
        if (ds is null) return double.NaN;
        try
        {
            var values = ReadNumbers(ds, $"{file.Path}:{path}");
            return values.Length > 0 ? values[0] : double.NaN;
        }
        catch (DataFormatException) { return double.NaN; }
    }

    public static string? Units(NativeFile file, string path) =>
        OptionalDataset(file, path) is { } ds ? StringAttribute(ds, "units") ?? StringAttribute(ds, "unit") : null;
}
