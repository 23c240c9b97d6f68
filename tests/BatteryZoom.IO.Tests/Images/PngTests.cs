using BatteryZoom.Core.Data;
using BatteryZoom.Core.Geometry;
using BatteryZoom.Core.Units;
using BatteryZoom.IO.Images;

namespace BatteryZoom.IO.Tests.Images;

public class PngTests
{
    // The peer decodes with Python's own zlib and CRC-32 (no imaging library needed): chunk CRCs, IHDR fields, filter
    // bytes and every pixel must match exactly, since PNG is lossless.
    private const string Decoder = """
        import struct, zlib, sys
        data = open(sys.argv[1] if len(sys.argv) > 1 else PATH, 'rb').read()
        assert data[:8] == b'\x89PNG\r\n\x1a\n', 'signature'
        pos, idat, text = 8, b'', {}
        while pos < len(data):
            n, kind = struct.unpack('>I4s', data[pos:pos + 8]); body = data[pos + 8:pos + 8 + n]
            crc, = struct.unpack('>I', data[pos + 8 + n:pos + 12 + n])
            assert crc == zlib.crc32(kind + body) & 0xffffffff, 'crc of ' + kind.decode()
            if kind == b'IHDR': w, h, depth, ctype, comp, filt, inter = struct.unpack('>IIBBBBB', body)
            elif kind == b'IDAT': idat += body
            elif kind == b'iTXt':
                k, rest = body.split(b'\0', 1); assert rest[:2] == b'\0\0', 'uncompressed'
                lang, tk, v = rest[2:].split(b'\0', 2); text[k.decode('ascii')] = v.decode('utf-8')
            pos += 12 + n
        ch = {0: 1, 2: 3}[ctype]
        raw = zlib.decompress(idat); stride = w * ch
        rows = [raw[y * (stride + 1):(y + 1) * (stride + 1)] for y in range(h)]
        assert all(r[0] == 0 for r in rows), 'filter'
        pixels = b''.join(r[1:] for r in rows)
        print(w, h, depth, ch, sum(pixels), pixels[:6].hex(), text.get('Description', '').encode('unicode_escape').decode('ascii'))
        """;

    [Fact]
    public void Png_IsDecodedExactlyByPythonsZlibAndCrc32()
    {
        Python.Require("zlib");
        using var dir = new TempDir();
        string path = dir.File("rgb.png");
        const int w = 37, h = 11;
        var rgb = new byte[w * h * 3];
        for (int i = 0; i < rgb.Length; i++) rgb[i] = (byte)((i * 7919) % 251);
        PngWriter.Write(path, w, h, 3, rgb, text: new Dictionary<string, string> { ["Description"] = "μ 0 .. 5 1/m" });
        string output = Python.Run(Decoder.Replace("PATH", $"'{path}'", StringComparison.Ordinal)).Trim();
        long sum = rgb.Sum(b => (long)b);
        Assert.Equal($"{w} {h} 8 3 {sum} {Convert.ToHexString(rgb.AsSpan(0, 6)).ToLowerInvariant()} \\u03bc 0 .. 5 1/m", output);

        string grey = dir.File("grey.png");
        var g = new byte[5 * 4];
        for (int i = 0; i < g.Length; i++) g[i] = (byte)(i * 13);
        PngWriter.Write(grey, 5, 4, 1, g);
        Assert.StartsWith($"5 4 8 1 {g.Sum(b => (long)b)} ", Python.Run(Decoder.Replace("PATH", $"'{grey}'", StringComparison.Ordinal)), StringComparison.Ordinal);
    }

    [Fact]
    public void Png_BadSizes_AndExistingOutput_AreRefused()
    {
        using var dir = new TempDir();
        var ex = Assert.Throws<ArgumentException>(() => PngWriter.Encode(4, 4, 3, new byte[47]));
        Assert.Contains("expected 4×4×3 = 48 bytes; got 47", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => PngWriter.Encode(2, 2, 2, new byte[8]));
        string path = dir.File("a.png");
        PngWriter.Write(path, 1, 1, 1, [7]);
        Assert.ThrowsAny<Exception>(() => PngWriter.Write(path, 1, 1, 1, [9]));
        Assert.Equal(PngWriter.Encode(1, 1, 1, [7]), File.ReadAllBytes(path));
    }

    [Fact]
    public void SliceFigure_MapsTheRangeOntoTheColourMap_AndCutsVertically()
    {
        // A 4 × 3 × 2 ramp: value = 100·z + 10·y + x.
        var grid = VoxelGrid.Centered(new GridSize(4, 3, 2), Length.FromMicrometers(1));
        using var v = Volume<float>.Create(grid, Quantity.LinearAttenuation, StorageOptions.InMemory);
        for (int z = 0; z < 2; z++)
        {
            var s = v.GetSlice(z);
            for (int y = 0; y < 3; y++) for (int x = 0; x < 4; x++) s[y * 4 + x] = 100 * z + 10 * y + x;
        }
        v.GetSlice(1)[5] = float.NaN;
        var f = SliceFigure.Render(v, new SliceFigureOptions { Index = 1, Low = 100, High = 123, MinimumSide = 1 });
        Assert.Equal((4, 3), (f.Width, f.Height));
        Assert.Equal((byte)0, f.Rgb[0]);                  // 100 → black
        Assert.Equal((byte)255, f.Rgb[3 * 11]);           // 123 → white
        Assert.Equal((byte)0, f.Rgb[3 * 5]);              // NaN → black
        Assert.Equal((byte)Math.Round(255 * 12 / 23.0), f.Rgb[3 * 6]);   // 112
        // Enlarged ×3 (smallest side 3 → ≥ 9): each voxel becomes a 3 × 3 block.
        var big = SliceFigure.Render(v, new SliceFigureOptions { Index = 0, Low = 0, High = 23, MinimumSide = 9 });
        Assert.Equal((12, 9), (big.Width, big.Height));
        Assert.Equal(big.Rgb[0], big.Rgb[3 * (2 * 12 + 2)]);
        // Vertical cut at y = 2: rows are z from the top (z = 1 first), columns x.
        var cut = SliceFigure.Render(v, new SliceFigureOptions { Axis = SliceAxis.Y, Index = 2, Low = 20, High = 123, MinimumSide = 1 });
        Assert.Equal((4, 2), (cut.Width, cut.Height));
        Assert.Equal((byte)255, cut.Rgb[3 * 3]);          // top row, x = 3: 123
        Assert.Equal((byte)0, cut.Rgb[3 * 4]);            // bottom row, x = 0: 20
        Assert.Contains("z = ", SliceFigure.Render(v).Description, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => SliceFigure.Render(v, new SliceFigureOptions { Index = 2 }));
    }

    [Fact]
    public void Colormaps_RunFromTheirFirstToTheirLastStop_AndViridisBrightens()
    {
        Assert.Equal(((byte)0, (byte)0, (byte)0), Colormap.Gray[0]);
        Assert.Equal(((byte)255, (byte)255, (byte)255), Colormap.Gray[1.5]);
        Assert.Equal(((byte)68, (byte)1, (byte)84), Colormap.Viridis[0]);
        Assert.Equal(((byte)253, (byte)231, (byte)37), Colormap.Viridis[1]);
        double Luma((byte R, byte G, byte B) c) => 0.2126 * c.R + 0.7152 * c.G + 0.0722 * c.B;
        for (int i = 1; i <= 100; i++) Assert.True(Luma(Colormap.Viridis[i / 100.0]) >= Luma(Colormap.Viridis[(i - 1) / 100.0]) - 0.5, $"viridis darkens at {i}%");
        Assert.Same(Colormap.Viridis, Colormap.Parse(" Viridis "));
        Assert.Contains("expected gray, viridis or diverging", Assert.Throws<ArgumentException>(() => Colormap.Parse("jet")).Message, StringComparison.Ordinal);
    }
}
