using System.Globalization;
using BatteryZoom.Core.Diagnostics;
using BatteryZoom.Core.Units;

namespace BatteryZoom.Segmentation.Measurements;

/// <summary>How histogram bins of equivalent diameter are spaced.</summary>
public enum BinSpacing
{
    /// <summary>Equal widths between Min and Max.</summary>
    Linear,
    /// <summary>Equal ratios between Min and Max (Min must be positive).</summary>
    Logarithmic,
}

/// <summary>Bins for a size distribution: <paramref name="Count"/> bins from <paramref name="Min"/> to <paramref name="Max"/>.</summary>
/// <param name="Min">Lower edge of the first bin.</param>
/// <param name="Max">Upper edge of the last bin (included).</param>
/// <param name="Count">Number of bins, ≥ 1.</param>
/// <param name="Spacing">Linear or logarithmic.</param>
public sealed record SizeBins(Length Min, Length Max, int Count, BinSpacing Spacing)
{
    /// <summary>The Count + 1 bin edges.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Count &lt; 1, Max ≤ Min, or a logarithmic Min ≤ 0.</exception>
    public Length[] Edges()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(Count, 1, nameof(Count));
        if (!(Max > Min)) throw new ArgumentOutOfRangeException(nameof(Max), $"bins need Max > Min; got {Min} to {Max}.");
        if (Spacing == BinSpacing.Logarithmic && !(Min.Meters > 0))
            throw new ArgumentOutOfRangeException(nameof(Min), $"logarithmic bins need Min > 0; got {Min}.");
        var e = new Length[Count + 1];
        for (int i = 0; i <= Count; i++)
            e[i] = Spacing == BinSpacing.Linear
                ? new Length(Min.Meters + (Max.Meters - Min.Meters) * i / Count)
                : new Length(Min.Meters * Math.Pow(Max.Meters / Min.Meters, (double)i / Count));
        e[Count] = Max;
        return e;
    }

    /// <summary>Bins spanning the equivalent diameters of a table (log bins from the smallest to the largest).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="table"/> is null.</exception>
    public static SizeBins Span(RegionTable table, int count, BinSpacing spacing)
    {
        ArgumentNullException.ThrowIfNull(table);
        double lo = table.Rows.Min(r => r.EquivalentDiameter.Meters), hi = table.Rows.Max(r => r.EquivalentDiameter.Meters);
        if (hi <= lo) hi = lo * 1.000001 + double.Epsilon;
        return new SizeBins(new Length(lo), new Length(hi), count, spacing);
    }
}

/// <summary>Number and volume distribution of equivalent diameters for one region.</summary>
/// <param name="Region">Region label (0 = all objects when no region image was used).</param>
/// <param name="Edges">Count + 1 bin edges; bin i is [Edges[i], Edges[i+1]), the last bin closed.</param>
/// <param name="Counts">Objects per bin.</param>
/// <param name="Volumes">Summed object volume per bin.</param>
/// <param name="Below">Objects smaller than the first edge.</param>
/// <param name="Above">Objects larger than the last edge.</param>
public sealed record SizeDistribution(uint Region, Length[] Edges, long[] Counts, PhysicalVolume[] Volumes, long Below, long Above)
{
    /// <summary>Step id.</summary>
    public const string StepId = "segment.size_distribution";

    /// <summary>One distribution per region (ascending region label), objects binned by equivalent diameter.</summary>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="IncompatibleInputException">The table has no object.</exception>
    public static IReadOnlyList<SizeDistribution> ByRegion(RegionTable table, SizeBins bins)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(bins);
        if (table.Rows.Count == 0) throw new IncompatibleInputException($"{StepId}: the table holds no object.");
        var edges = bins.Edges();
        var result = new List<SizeDistribution>();
        foreach (var group in table.Rows.GroupBy(r => r.Region).OrderBy(g => g.Key))
        {
            var counts = new long[bins.Count];
            var vols = new double[bins.Count];
            long below = 0, above = 0;
            foreach (var r in group)
            {
                double d = r.EquivalentDiameter.Meters;
                if (d < edges[0].Meters) { below++; continue; }
                if (d > edges[^1].Meters) { above++; continue; }
                int k = Array.BinarySearch(edges, r.EquivalentDiameter);
                k = k >= 0 ? Math.Min(k, bins.Count - 1) : ~k - 1;
                counts[k]++;
                vols[k] += r.Volume.CubicMeters;
            }
            result.Add(new SizeDistribution(group.Key, edges, counts, vols.Select(v => new PhysicalVolume(v)).ToArray(), below, above));
        }
        return result;
    }

    /// <summary>Writes distributions as CSV (invariant culture): region, bin edges in µm, count, number and volume fractions, volume in µm³.</summary>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public static void WriteCsv(IReadOnlyList<SizeDistribution> distributions, TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(distributions);
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write("region,bin_lower [um],bin_upper [um],count,number_fraction,volume [um^3],volume_fraction\n");
        foreach (var d in distributions)
        {
            double n = d.Counts.Sum() + d.Below + d.Above;
            double v = d.Volumes.Sum(x => x.CubicMeters);
            for (int i = 0; i < d.Counts.Length; i++)
                writer.Write(string.Create(CultureInfo.InvariantCulture,
                    $"{d.Region},{d.Edges[i].Micrometers:G9},{d.Edges[i + 1].Micrometers:G9},{d.Counts[i]},{(n > 0 ? d.Counts[i] / n : 0):G6},{d.Volumes[i].CubicMicrometers:G9},{(v > 0 ? d.Volumes[i].CubicMeters / v : 0):G6}\n"));
        }
    }
}
