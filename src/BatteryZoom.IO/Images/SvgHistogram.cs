// SPDX-License-Identifier: MIT
using System.Globalization;
using System.Security;
using System.Text;

namespace BatteryZoom.IO.Images;

/// <summary>A histogram drawn as a standalone SVG figure: bars, x and y axes with "nice" ticks (1, 2, 5 × 10ⁿ), axis labels
/// with units and a title. Text-based, so reports stay diffable and scale without loss.</summary>
public static class SvgHistogram
{
    private const double Width = 640, Height = 400, Left = 70, Right = 20, Top = 40, Bottom = 60;

    /// <summary>Counts of <paramref name="values"/> (NaN and infinities ignored) in <paramref name="bins"/> equal bins over
    /// [<paramref name="low"/>, <paramref name="high"/>] (default: the finite values' range), as SVG text.</summary>
    /// <exception cref="ArgumentException">No finite values, bins &lt; 1, or low ≥ high.</exception>
    public static string Render(IEnumerable<double> values, int bins, string xLabel, string title, double? low = null, double? high = null)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentOutOfRangeException.ThrowIfLessThan(bins, 1);
        var finite = values.Where(double.IsFinite).ToArray();
        if (finite.Length == 0) throw new ArgumentException("the histogram needs at least one finite value.", nameof(values));
        double lo = low ?? finite.Min(), hi = high ?? finite.Max();
        if (hi == lo && low is null && high is null) { lo -= 0.5; hi += 0.5; }
        if (!(hi > lo)) throw new ArgumentException($"the histogram range needs low < high; got {lo} .. {hi}.", nameof(low));
        var counts = new long[bins];
        foreach (double v in finite)
        {
            if (v < lo || v > hi) continue;
            counts[Math.Min(bins - 1, (int)((v - lo) / (hi - lo) * bins))]++;
        }
        long peak = Math.Max(1, counts.Max());
        var (yTicks, yTop) = Ticks(0, peak);
        var (xTicks, _) = Ticks(lo, hi);

        var inv = CultureInfo.InvariantCulture;
        double plotW = Width - Left - Right, plotH = Height - Top - Bottom;
        double X(double v) => Left + (v - lo) / (hi - lo) * plotW;
        double Y(double c) => Top + plotH - c / yTop * plotH;
        var svg = new StringBuilder();
        svg.AppendLine(inv, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" viewBox=\"0 0 {Width} {Height}\" font-family=\"sans-serif\" font-size=\"12\">");
        svg.AppendLine("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>");
        svg.AppendLine(inv, $"<text x=\"{Width / 2}\" y=\"22\" text-anchor=\"middle\" font-size=\"14\">{Escape(title)}</text>");
        for (int b = 0; b < bins; b++)
        {
            if (counts[b] == 0) continue;
            double x0 = X(lo + b * (hi - lo) / bins), x1 = X(lo + (b + 1) * (hi - lo) / bins);
            svg.AppendLine(inv, $"<rect x=\"{x0:F2}\" y=\"{Y(counts[b]):F2}\" width=\"{Math.Max(0.5, x1 - x0 - 0.5):F2}\" height=\"{Y(0) - Y(counts[b]):F2}\" fill=\"#3b528b\"><title>{lo + b * (hi - lo) / bins:G6} – {lo + (b + 1) * (hi - lo) / bins:G6}: {counts[b]}</title></rect>");
        }
        svg.AppendLine(inv, $"<line x1=\"{Left}\" y1=\"{Y(0)}\" x2=\"{Left + plotW}\" y2=\"{Y(0)}\" stroke=\"black\"/>");
        svg.AppendLine(inv, $"<line x1=\"{Left}\" y1=\"{Top}\" x2=\"{Left}\" y2=\"{Y(0)}\" stroke=\"black\"/>");
        foreach (double t in xTicks.Where(t => t >= lo - 1e-12 * Math.Abs(hi - lo) && t <= hi + 1e-12 * Math.Abs(hi - lo)))
            svg.AppendLine(inv, $"<line x1=\"{X(t):F2}\" y1=\"{Y(0)}\" x2=\"{X(t):F2}\" y2=\"{Y(0) + 5}\" stroke=\"black\"/><text x=\"{X(t):F2}\" y=\"{Y(0) + 18}\" text-anchor=\"middle\">{t:G6}</text>");
        foreach (double t in yTicks)
            svg.AppendLine(inv, $"<line x1=\"{Left - 5}\" y1=\"{Y(t):F2}\" x2=\"{Left}\" y2=\"{Y(t):F2}\" stroke=\"black\"/><text x=\"{Left - 8}\" y=\"{Y(t) + 4:F2}\" text-anchor=\"end\">{t:G6}</text>");
        svg.AppendLine(inv, $"<text x=\"{Left + plotW / 2}\" y=\"{Height - 15}\" text-anchor=\"middle\">{Escape(xLabel)}</text>");
        svg.AppendLine(inv, $"<text x=\"18\" y=\"{Top + plotH / 2}\" text-anchor=\"middle\" transform=\"rotate(-90 18 {Top + plotH / 2})\">count</text>");
        svg.AppendLine("</svg>");
        return svg.ToString();
    }

    /// <summary>Writes <see cref="Render"/>'s SVG atomically.</summary>
    public static void Write(string path, IEnumerable<double> values, int bins, string xLabel, string title, double? low = null, double? high = null, bool overwrite = false)
    {
        string text = Render(values, bins, xLabel, title, low, high);
        AtomicFileWriter.Write(path, overwrite, temp => File.WriteAllText(temp, text));
    }

    /// <summary>Ticks at multiples of a step of 1, 2 or 5 × 10ⁿ giving 4–10 ticks over [lo, hi]; the last tick ≥ hi.</summary>
    public static (double[] Ticks, double Top) Ticks(double lo, double hi)
    {
        double span = hi - lo, raw = span / 5, magnitude = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        double step = new[] { 1.0, 2, 5, 10 }.Select(m => m * magnitude).First(s => span / s <= 10);
        double first = Math.Ceiling(lo / step - 1e-9) * step, top = Math.Ceiling(hi / step - 1e-9) * step;
        var ticks = new List<double>();
        for (double t = first; t <= top + step * 1e-9; t += step) ticks.Add(Math.Round(t / step) * step);
        return ([.. ticks], top);
    }

    private static string Escape(string text) => SecurityElement.Escape(text) ?? "";
}
