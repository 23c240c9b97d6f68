using System.Runtime.InteropServices;
using System.Text;
using BatteryZoom.Core.Data;

namespace BatteryZoom.Segmentation.Tests.Infrastructure;

/// <summary>Minimal NumPy .npy (v1.0, C order, little endian) reader and writer for exchanging volumes with the Python peers.</summary>
internal static class Npy
{
    private static string Descr<T>() where T : unmanaged => typeof(T) switch
    {
        var t when t == typeof(float) => "<f4",
        var t when t == typeof(double) => "<f8",
        var t when t == typeof(byte) => "|u1",
        var t when t == typeof(uint) => "<u4",
        var t when t == typeof(int) => "<i4",
        var t when t == typeof(long) => "<i8",
        _ => throw new NotSupportedException(typeof(T).Name),
    };

    public static void Write<T>(string path, Volume<T> v) where T : unmanaged
    {
        string header = $"{{'descr': '{Descr<T>()}', 'fortran_order': False, 'shape': ({v.Nz}, {v.Ny}, {v.Nx}), }}";
        int total = 10 + header.Length + 1;
        int pad = (64 - total % 64) % 64;
        header = header + new string(' ', pad) + "\n";
        using var fs = File.Create(path);
        fs.Write([0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0]);
        fs.Write(BitConverter.GetBytes((ushort)header.Length));
        fs.Write(Encoding.ASCII.GetBytes(header));
        var buf = new T[v.Slices.FrameLength];
        for (int z = 0; z < v.Nz; z++) { v.ReadSlice(z, buf); fs.Write(MemoryMarshal.AsBytes(buf.AsSpan())); }
    }

    /// <summary>Reads an array of the given element type; returns the raw elements and the shape.</summary>
    public static (T[] Data, int[] Shape) Read<T>(string path) where T : unmanaged
    {
        byte[] all = File.ReadAllBytes(path);
        int major = all[6];
        int hlen = major == 1 ? BitConverter.ToUInt16(all, 8) : BitConverter.ToInt32(all, 8);
        int start = major == 1 ? 10 : 12;
        string header = Encoding.ASCII.GetString(all, start, hlen);
        if (!header.Contains(Descr<T>(), StringComparison.Ordinal)) throw new InvalidDataException($"{path}: expected {Descr<T>()}, header {header}");
        int s0 = header.IndexOf("'shape': (", StringComparison.Ordinal) + 10;
        int s1 = header.IndexOf(')', s0);
        int[] shape = header[s0..s1].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(int.Parse).ToArray();
        var data = MemoryMarshal.Cast<byte, T>(all.AsSpan(start + hlen)).ToArray();
        return (data, shape);
    }
}
