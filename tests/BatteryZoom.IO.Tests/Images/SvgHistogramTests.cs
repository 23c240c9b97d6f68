using System.Xml.Linq;
using BatteryZoom.IO.Images;

namespace BatteryZoom.IO.Tests.Images;

public class SvgHistogramTests
{
    [Fact]
    public void Histogram_IsWellFormedSvg_WithOneBarPerNonEmptyBin_AndTheRightCounts()
    {
        // 0..9 once each, 2.5 twice more, NaN ignored: bins of width 2 over [0, 10] hold 2, 4, 2, 2, 2.
        var values = Enumerable.Range(0, 10).Select(i => (double)i).Concat([2.5, 2.5, double.NaN]);
        string svg = SvgHistogram.Render(values, 5, "size (µm) <x>", "test & title", 0, 10);
        var doc = XDocument.Parse(svg);   // throws if not well-formed (escaping of < and &)
        XNamespace ns = "http://www.w3.org/2000/svg";
        var bars = doc.Descendants(ns + "rect").Where(r => r.Element(ns + "title") is not null).ToList();
        Assert.Equal(5, bars.Count);
        Assert.Equal(new[] { "0 – 2: 2", "2 – 4: 4", "4 – 6: 2", "6 – 8: 2", "8 – 10: 2" }, bars.Select(b => b.Element(ns + "title")!.Value));
        // The tallest bar reaches the top tick (4), the others half as high.
        double h0 = double.Parse(bars[0].Attribute("height")!.Value, System.Globalization.CultureInfo.InvariantCulture);
        double h1 = double.Parse(bars[1].Attribute("height")!.Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(2 * h0, h1, 6);
        Assert.Contains(doc.Descendants(ns + "text"), t => t.Value == "size (µm) <x>");
    }

    [Theory]
    [InlineData(0, 7, 1, 7)]
    [InlineData(0, 1234, 200, 1400)]
    [InlineData(8340.2, 8346.9, 1, 8347)]
    public void Ticks_AreNiceSteps_CoveringTheRange(double lo, double hi, double step, double top)
    {
        var (ticks, t) = SvgHistogram.Ticks(lo, hi);
        Assert.Equal(top, t, 9);
        Assert.InRange(ticks.Length, 4, 11);
        for (int i = 1; i < ticks.Length; i++) Assert.Equal(step, ticks[i] - ticks[i - 1], 6);
    }

    [Fact]
    public void Histogram_WithoutFiniteValues_IsRefused() =>
        Assert.Contains("at least one finite value", Assert.Throws<ArgumentException>(() => SvgHistogram.Render([double.NaN], 4, "x", "t")).Message, StringComparison.Ordinal);
}
