// SPDX-License-Identifier: MIT
namespace BatteryZoom.IO.Images;

/// <summary>Maps values in [0, 1] to RGB: greyscale for attenuation and phase, a perceptually ordered blue→yellow map
/// for quantities such as edge energy or state of charge, and a diverging blue–white–red map for signed errors.</summary>
public sealed class Colormap
{
    private readonly byte[] _lut;   // 256 × RGB

    private Colormap(string name, byte[] lut) => (Name, _lut) = (name, lut);

    /// <summary>Name as the CLI spells it.</summary>
    public string Name { get; }

    /// <summary>Black to white.</summary>
    public static Colormap Gray { get; } = FromStops("gray", [(0, 0, 0, 0), (1, 255, 255, 255)]);

    /// <summary>Dark blue through teal and green to yellow, lightness rising monotonically (after the shape of matplotlib's
    /// viridis; our own few stops, linearly interpolated in sRGB).</summary>
    public static Colormap Viridis { get; } = FromStops("viridis",
    [
        (0.00, 68, 1, 84), (0.13, 71, 44, 122), (0.25, 59, 81, 139), (0.38, 44, 113, 142), (0.50, 33, 145, 140),
        (0.63, 39, 173, 129), (0.75, 92, 200, 99), (0.88, 170, 220, 50), (1.00, 253, 231, 37),
    ]);

    /// <summary>Blue (0) – white (½) – red (1), for signed differences centred on zero.</summary>
    public static Colormap Diverging { get; } = FromStops("diverging", [(0, 33, 102, 172), (0.5, 247, 247, 247), (1, 178, 24, 43)]);

    /// <summary>Looks a map up by name (gray, grey, viridis, diverging).</summary>
    /// <exception cref="ArgumentException">An unknown name; the message lists the known ones.</exception>
    public static Colormap Parse(string name) => name.Trim().ToLowerInvariant() switch
    {
        "gray" or "grey" => Gray,
        "viridis" => Viridis,
        "diverging" or "bwr" => Diverging,
        _ => throw new ArgumentException($"unknown colour map '{name}'; expected gray, viridis or diverging.", nameof(name)),
    };

    /// <summary>The colour of <paramref name="t"/> (clamped to [0, 1]; NaN maps to 0).</summary>
    public (byte R, byte G, byte B) this[double t]
    {
        get
        {
            int i = double.IsNaN(t) ? 0 : (int)Math.Round(Math.Clamp(t, 0, 1) * 255);
            return (_lut[3 * i], _lut[3 * i + 1], _lut[3 * i + 2]);
        }
    }

    private static Colormap FromStops(string name, (double At, int R, int G, int B)[] stops)
    {
        var lut = new byte[256 * 3];
        for (int i = 0; i < 256; i++)
        {
            double t = i / 255.0;
            int k = 0;
            while (k < stops.Length - 2 && t > stops[k + 1].At) k++;
            var (a, b) = (stops[k], stops[k + 1]);
            double f = Math.Clamp((t - a.At) / (b.At - a.At), 0, 1);
            lut[3 * i] = (byte)Math.Round(a.R + f * (b.R - a.R));
            lut[3 * i + 1] = (byte)Math.Round(a.G + f * (b.G - a.G));
            lut[3 * i + 2] = (byte)Math.Round(a.B + f * (b.B - a.B));
        }
        return new Colormap(name, lut);
    }
}
