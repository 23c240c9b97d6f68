using System.Numerics;

namespace BatteryZoom.IO;

/// <summary>The element type of the numbers stored in a file.</summary>
public enum ElementType
{
    /// <summary>Unsigned 8-bit integer.</summary>
    UInt8,
    /// <summary>Signed 8-bit integer.</summary>
    Int8,
    /// <summary>Unsigned 16-bit integer.</summary>
    UInt16,
    /// <summary>Signed 16-bit integer.</summary>
    Int16,
    /// <summary>Unsigned 32-bit integer.</summary>
    UInt32,
    /// <summary>Signed 32-bit integer.</summary>
    Int32,
    /// <summary>IEEE 754 single precision.</summary>
    Float32,
    /// <summary>IEEE 754 double precision.</summary>
    Float64,
}

/// <summary>Byte order of multi-byte numbers in a file.</summary>
public enum ByteOrder
{
    /// <summary>Least significant byte first (x86, most files).</summary>
    LittleEndian,
    /// <summary>Most significant byte first.</summary>
    BigEndian,
}

/// <summary>Sizes, names and CLR mappings of <see cref="ElementType"/>.</summary>
public static class ElementTypes
{
    /// <summary>Bytes per element.</summary>
    public static int SizeOf(this ElementType type) => type switch
    {
        ElementType.UInt8 or ElementType.Int8 => 1,
        ElementType.UInt16 or ElementType.Int16 => 2,
        ElementType.UInt32 or ElementType.Int32 or ElementType.Float32 => 4,
        ElementType.Float64 => 8,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "unknown element type."),
    };

    /// <summary>True for Float32 and Float64.</summary>
    public static bool IsFloatingPoint(this ElementType type) => type is ElementType.Float32 or ElementType.Float64;

    /// <summary>Short lower-case name ("uint16", "float32"), as numpy spells it.</summary>
    public static string Name(this ElementType type) => type switch
    {
        ElementType.UInt8 => "uint8", ElementType.Int8 => "int8", ElementType.UInt16 => "uint16", ElementType.Int16 => "int16",
        ElementType.UInt32 => "uint32", ElementType.Int32 => "int32", ElementType.Float32 => "float32", ElementType.Float64 => "float64",
        _ => type.ToString(),
    };

    /// <summary>Parses a numpy-style name ("uint16", "float32", "f4", "u2", …).</summary>
    /// <exception cref="FormatException">Unknown name.</exception>
    public static ElementType Parse(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.Trim().ToUpperInvariant() switch
        {
            "UINT8" or "U1" or "BYTE" => ElementType.UInt8,
            "INT8" or "I1" => ElementType.Int8,
            "UINT16" or "U2" => ElementType.UInt16,
            "INT16" or "I2" => ElementType.Int16,
            "UINT32" or "U4" => ElementType.UInt32,
            "INT32" or "I4" => ElementType.Int32,
            "FLOAT32" or "F4" or "FLOAT" or "SINGLE" => ElementType.Float32,
            "FLOAT64" or "F8" or "DOUBLE" => ElementType.Float64,
            _ => throw new FormatException($"element type '{name}' is unknown; expected one of uint8, int8, uint16, int16, uint32, int32, float32, float64."),
        };
    }

    /// <summary>The element type matching the CLR type <typeparamref name="T"/>.</summary>
    /// <exception cref="NotSupportedException">T is not one of byte, sbyte, ushort, short, uint, int, float, double.</exception>
    public static ElementType Of<T>() where T : unmanaged, INumber<T>
    {
        if (typeof(T) == typeof(byte)) return ElementType.UInt8;
        if (typeof(T) == typeof(sbyte)) return ElementType.Int8;
        if (typeof(T) == typeof(ushort)) return ElementType.UInt16;
        if (typeof(T) == typeof(short)) return ElementType.Int16;
        if (typeof(T) == typeof(uint)) return ElementType.UInt32;
        if (typeof(T) == typeof(int)) return ElementType.Int32;
        if (typeof(T) == typeof(float)) return ElementType.Float32;
        if (typeof(T) == typeof(double)) return ElementType.Float64;
        throw new NotSupportedException($"element type {typeof(T).Name} is not supported; use byte, sbyte, ushort, short, uint, int, float or double.");
    }
}
