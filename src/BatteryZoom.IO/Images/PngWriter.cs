// SPDX-License-Identifier: MIT
using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace BatteryZoom.IO.Images;

/// <summary>Writes 8-bit greyscale or RGB PNG images (ISO/IEC 15948): signature, IHDR, optional iTXt, one zlib IDAT with
/// filter type 0 on every row, IEND. Enough for figures; no palette, alpha or 16-bit depth.</summary>
public static class PngWriter
{
    private static readonly byte[] Signature = [137, 80, 78, 71, 13, 10, 26, 10];

    /// <summary>Writes <paramref name="pixels"/> (row-major, top row first; 1 byte per pixel for greyscale, 3 for RGB) to
    /// <paramref name="path"/> atomically (temporary file, then rename).</summary>
    /// <param name="path">Output path (.png).</param>
    /// <param name="width">Pixels per row.</param>
    /// <param name="height">Rows.</param>
    /// <param name="channels">1 (greyscale) or 3 (RGB).</param>
    /// <param name="pixels">width · height · channels bytes.</param>
    /// <param name="overwrite">Replace an existing file.</param>
    /// <param name="text">Optional iTXt entries (ASCII keyword → UTF-8 text), e.g. the colour scale of a figure.</param>
    /// <exception cref="ArgumentException">Sizes that do not match, a channel count other than 1 or 3.</exception>
    public static void Write(string path, int width, int height, int channels, ReadOnlySpan<byte> pixels, bool overwrite = false,
        IReadOnlyDictionary<string, string>? text = null)
    {
        byte[] encoded = Encode(width, height, channels, pixels, text);
        AtomicFileWriter.Write(path, overwrite, temp => File.WriteAllBytes(temp, encoded));
    }

    /// <summary>The PNG file's bytes.</summary>
    public static byte[] Encode(int width, int height, int channels, ReadOnlySpan<byte> pixels, IReadOnlyDictionary<string, string>? text = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        if (channels is not (1 or 3)) throw new ArgumentException($"channels must be 1 (greyscale) or 3 (RGB); got {channels}.", nameof(channels));
        long expected = (long)width * height * channels;
        if (pixels.Length != expected)
            throw new ArgumentException($"expected {width}×{height}×{channels} = {expected} bytes; got {pixels.Length}.", nameof(pixels));

        using var file = new MemoryStream();
        file.Write(Signature);
        Span<byte> header = stackalloc byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header[4..], height);
        header[8] = 8;                                  // bit depth
        header[9] = (byte)(channels == 1 ? 0 : 2);      // colour type: greyscale or truecolour
        header[10] = header[11] = header[12] = 0;       // deflate, adaptive filtering (type 0 used), no interlace
        WriteChunk(file, "IHDR", header);
        if (text is not null)
            foreach (var (key, value) in text)
            {
                if (key.Length is 0 or > 79 || key.Any(c => c < 32 || c > 126))
                    throw new ArgumentException($"text keyword must be 1–79 printable ASCII characters; got '{key}'.", nameof(text));
                // iTXt (UTF-8) rather than tEXt (Latin-1): captions carry μ, δ, Å.
                WriteChunk(file, "iTXt", [.. Encoding.ASCII.GetBytes(key), 0, 0, 0, 0, 0, .. Encoding.UTF8.GetBytes(value)]);
            }

        using var compressed = new MemoryStream();
        using (var z = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            int stride = width * channels;
            for (int y = 0; y < height; y++)
            {
                z.WriteByte(0);   // filter type None: figures are small; simplicity beats a few per cent of size
                z.Write(pixels.Slice(y * stride, stride));
            }
        }
        WriteChunk(file, "IDAT", compressed.ToArray());
        WriteChunk(file, "IEND", []);
        return file.ToArray();
    }

    private static void WriteChunk(Stream stream, string type, ReadOnlySpan<byte> data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
        stream.Write(word);
        Span<byte> typeBytes = stackalloc byte[4];
        Encoding.ASCII.GetBytes(type, typeBytes);
        stream.Write(typeBytes);
        stream.Write(data);
        uint crc = Crc32.Update(Crc32.Update(0xFFFFFFFFu, typeBytes), data) ^ 0xFFFFFFFFu;
        BinaryPrimitives.WriteUInt32BigEndian(word, crc);
        stream.Write(word);
    }

    /// <summary>CRC-32 of PNG chunks (polynomial 0xEDB88320, reflected), table-driven.</summary>
    internal static class Crc32
    {
        private static readonly uint[] Table = Build();

        private static uint[] Build()
        {
            var t = new uint[256];
            for (uint n = 0; n < 256; n++)
            {
                uint c = n;
                for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
                t[n] = c;
            }
            return t;
        }

        public static uint Update(uint crc, ReadOnlySpan<byte> data)
        {
            foreach (byte b in data) crc = Table[(crc ^ b) & 0xFF] ^ (crc >> 8);
            return crc;
        }
    }
}
