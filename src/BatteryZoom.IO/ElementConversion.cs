using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.InteropServices;

namespace BatteryZoom.IO;

/// <summary>Converts between file bytes of any <see cref="ElementType"/> and typed spans.</summary>
/// <remarks>Integer targets are rounded to nearest and saturated; NaN becomes 0 in an integer target.</remarks>
public static class ElementConversion
{
    /// <summary>Swaps the bytes of each element in place (for files whose byte order differs from the machine's).</summary>
    public static void ReverseEndianness(Span<byte> bytes, ElementType type)
    {
        switch (type.SizeOf())
        {
            case 2: { var s = MemoryMarshal.Cast<byte, ushort>(bytes); BinaryPrimitives.ReverseEndianness(s, s); break; }
            case 4: { var s = MemoryMarshal.Cast<byte, uint>(bytes); BinaryPrimitives.ReverseEndianness(s, s); break; }
            case 8: { var s = MemoryMarshal.Cast<byte, ulong>(bytes); BinaryPrimitives.ReverseEndianness(s, s); break; }
        }
    }

    /// <summary>True when a file of <paramref name="order"/> needs byte swapping on this machine.</summary>
    public static bool NeedsSwap(ByteOrder order) => (order == ByteOrder.LittleEndian) != BitConverter.IsLittleEndian;

    /// <summary>Converts machine-order bytes of <paramref name="type"/> into <paramref name="destination"/> (length = element count).</summary>
    public static void FromBytes<T>(ReadOnlySpan<byte> source, ElementType type, Span<T> destination) where T : unmanaged, INumber<T>
    {
        switch (type)
        {
            case ElementType.UInt8: Convert(source, destination); break;
            case ElementType.Int8: Convert(MemoryMarshal.Cast<byte, sbyte>(source), destination); break;
            case ElementType.UInt16: Convert(MemoryMarshal.Cast<byte, ushort>(source), destination); break;
            case ElementType.Int16: Convert(MemoryMarshal.Cast<byte, short>(source), destination); break;
            case ElementType.UInt32: Convert(MemoryMarshal.Cast<byte, uint>(source), destination); break;
            case ElementType.Int32: Convert(MemoryMarshal.Cast<byte, int>(source), destination); break;
            case ElementType.Float32: Convert(MemoryMarshal.Cast<byte, float>(source), destination); break;
            case ElementType.Float64: Convert(MemoryMarshal.Cast<byte, double>(source), destination); break;
            default: throw new ArgumentOutOfRangeException(nameof(type), type, "unknown element type.");
        }
    }

    /// <summary>Converts <paramref name="source"/> into machine-order bytes of <paramref name="type"/>.</summary>
    public static void ToBytes<T>(ReadOnlySpan<T> source, ElementType type, Span<byte> destination) where T : unmanaged, INumber<T>
    {
        switch (type)
        {
            case ElementType.UInt8: Convert(source, destination); break;
            case ElementType.Int8: Convert(source, MemoryMarshal.Cast<byte, sbyte>(destination)); break;
            case ElementType.UInt16: Convert(source, MemoryMarshal.Cast<byte, ushort>(destination)); break;
            case ElementType.Int16: Convert(source, MemoryMarshal.Cast<byte, short>(destination)); break;
            case ElementType.UInt32: Convert(source, MemoryMarshal.Cast<byte, uint>(destination)); break;
            case ElementType.Int32: Convert(source, MemoryMarshal.Cast<byte, int>(destination)); break;
            case ElementType.Float32: Convert(source, MemoryMarshal.Cast<byte, float>(destination)); break;
            case ElementType.Float64: Convert(source, MemoryMarshal.Cast<byte, double>(destination)); break;
            default: throw new ArgumentOutOfRangeException(nameof(type), type, "unknown element type.");
        }
    }

    /// <summary>Element-wise conversion; a plain copy when the types agree.</summary>
    public static void Convert<TFrom, TTo>(ReadOnlySpan<TFrom> source, Span<TTo> destination)
        where TFrom : unmanaged, INumber<TFrom> where TTo : unmanaged, INumber<TTo>
    {
        if (destination.Length < source.Length)
            throw new ArgumentException($"destination holds {destination.Length} elements; source has {source.Length}.", nameof(destination));
        if (typeof(TFrom) == typeof(TTo))
        {
            MemoryMarshal.Cast<TFrom, TTo>(source).CopyTo(destination);
            return;
        }
        bool toInteger = typeof(TTo) != typeof(float) && typeof(TTo) != typeof(double) && typeof(TTo) != typeof(Half);
        bool fromFloat = typeof(TFrom) == typeof(float) || typeof(TFrom) == typeof(double);
        if (toInteger && fromFloat)
        {
            for (int i = 0; i < source.Length; i++)
            {
                double v = double.CreateTruncating(source[i]);
                destination[i] = double.IsNaN(v) ? TTo.Zero : TTo.CreateSaturating(Math.Round(v));
            }
            return;
        }
        for (int i = 0; i < source.Length; i++) destination[i] = TTo.CreateSaturating(source[i]);
    }
}
