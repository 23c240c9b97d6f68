// SPDX-License-Identifier: MIT
using System.Globalization;
using BatteryZoom.Core.Data;

namespace BatteryZoom.IO.Images;

/// <summary>Which plane of a volume a figure shows.</summary>
public enum SliceAxis
{
    /// <summary>An xy plane at fixed z (a reconstructed slice).</summary>
    Z,
    /// <summary>An xz plane at fixed y (vertical cut; z runs up the image).</summary>
    Y,
    /// <summary>A yz plane at fixed x.</summary>
    X,
}

/// <summary>How to draw one plane of a volume.</summary>
public sealed record SliceFigureOptions
{
    /// <summary>Plane orientation.</summary>
    public SliceAxis Axis { get; init; } = SliceAxis.Z;
    /// <summary>Plane index along <see cref="Axis"/>; null = the middle.</summary>
    public int? Index { get; init; }
    /// <summary>Colour map.</summary>
    public Colormap Colormap { get; init; } = Colormap.Gray;
    /// <summary>Value drawn as the map's first colour; null = the <see cref="LowPercentile"/> of the plane's finite values.</summary>
    public double? Low { get; init; }
    /// <summary>Value drawn as the map's last colour; null = the <see cref="HighPercentile"/>.</summary>
    public double? High { get; init; }
    /// <summary>Percentile for an automatic low end (0.5 % ignores a few outliers such as zingers or the mask edge).</summary>
    public double LowPercentile { get; init; } = 0.5;
    /// <summary>Percentile for an automatic high end.</summary>
    public double HighPercentile { get; init; } = 99.5;
    /// <summary>Smallest image side in pixels: small volumes are enlarged by an integer factor (nearest neighbour, so voxels stay visible).</summary>
    public int MinimumSide { get; init; } = 256;
}

/// <summary>One plane of a volume drawn as an RGB image with a stated value range.</summary>
/// <param name="Width">Image width in pixels.</param>
/// <param name="Height">Image height in pixels.</param>
/// <param name="Rgb">Width · Height · 3 bytes, top row first.</param>
/// <param name="Low">Value of the first colour.</param>
/// <param name="High">Value of the last colour.</param>
/// <param name="Description">Plane, range and units, for captions and the PNG's iTXt.</param>
public sealed record SliceFigure(int Width, int Height, byte[] Rgb, double Low, double High, string Description)
{
    /// <summary>Draws a plane of <paramref name="volume"/>. Rows of a Z plane run along y (image top = y 0); Y and X planes put
    /// the top slice at the top. NaN voxels are drawn black.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The plane index lies outside the volume.</exception>
    /// <exception cref="ArgumentException">Low ≥ High.</exception>
    public static SliceFigure Render(Volume<float> volume, SliceFigureOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(volume);
        options ??= new SliceFigureOptions();
        var (plane, w, h, index) = Extract(volume, options);
        double low = options.Low ?? Percentile(plane, options.LowPercentile);
        double high = options.High ?? Percentile(plane, options.HighPercentile);
        if (!(high > low))
        {
            if (options.Low is not null && options.High is not null)
                throw new ArgumentException($"the colour range needs low < high; got {low} .. {high}.", nameof(options));
            high = low + (low == 0 ? 1 : Math.Abs(low) * 1e-6);   // a constant plane: draw it in the first colour
        }
        int scale = Math.Max(1, (int)Math.Ceiling(options.MinimumSide / (double)Math.Min(w, h)));
        int W = w * scale, H = h * scale;
        var rgb = new byte[(long)W * H * 3];
        for (int y = 0; y < H; y++)
            for (int x = 0; x < W; x++)
            {
                float v = plane[(y / scale) * w + x / scale];
                var (r, g, b) = float.IsNaN(v) ? ((byte)0, (byte)0, (byte)0) : options.Colormap[(v - low) / (high - low)];
                long o = 3L * ((long)y * W + x);
                (rgb[o], rgb[o + 1], rgb[o + 2]) = (r, g, b);
            }
        string units = volume.Quantity.Unit is { Length: > 0 } u ? " " + u : "";
        string description = string.Create(CultureInfo.InvariantCulture,
            $"{volume.Quantity.Name}, {options.Axis.ToString().ToLowerInvariant()} = {index} of {volume.Grid.Size}, {options.Colormap.Name} {low:G4} .. {high:G4}{units}");
        return new SliceFigure(W, H, rgb, low, high, description);
    }

    /// <summary>Writes the figure as PNG (atomically) with its description in an iTXt chunk.</summary>
    public void WritePng(string path, bool overwrite = false) =>
        PngWriter.Write(path, Width, Height, 3, Rgb, overwrite, new Dictionary<string, string> { ["Description"] = Description, ["Software"] = Provenance.SoftwareVersion });

    private static (float[] Plane, int Width, int Height, int Index) Extract(Volume<float> volume, SliceFigureOptions options)
    {
        int nx = volume.Nx, ny = volume.Ny, nz = volume.Nz;
        int count = options.Axis switch { SliceAxis.Z => nz, SliceAxis.Y => ny, _ => nx };
        int index = options.Index ?? count / 2;
        if (index < 0 || index >= count)
            throw new ArgumentOutOfRangeException(nameof(options), $"{options.Axis.ToString().ToLowerInvariant()} plane {index} is outside 0..{count - 1}.");
        if (options.Axis == SliceAxis.Z)
        {
            var slice = new float[nx * ny];
            volume.ReadSlice(index, slice);
            return (slice, nx, ny, index);
        }
        int w = options.Axis == SliceAxis.Y ? nx : ny;
        var plane = new float[w * nz];
        var buffer = new float[nx * ny];
        for (int z = 0; z < nz; z++)
        {
            volume.ReadSlice(z, buffer);
            int row = nz - 1 - z;   // top slice at the top of the image
            for (int i = 0; i < w; i++)
                plane[row * w + i] = options.Axis == SliceAxis.Y ? buffer[index * nx + i] : buffer[i * nx + index];
        }
        return (plane, w, nz, index);
    }

    private static double Percentile(float[] values, double percent)
    {
        var finite = values.Where(float.IsFinite).ToArray();
        if (finite.Length == 0) return 0;
        Array.Sort(finite);
        double rank = Math.Clamp(percent, 0, 100) / 100 * (finite.Length - 1);
        int lo = (int)Math.Floor(rank);
        int hi = Math.Min(finite.Length - 1, lo + 1);
        return finite[lo] + (rank - lo) * (finite[hi] - finite[lo]);
    }
}
