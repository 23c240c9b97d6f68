using System.Globalization;
using BatteryZoom.Core.Data;
using BatteryZoom.Core.Diagnostics;
using BatteryZoom.Core.Steps;
using BatteryZoom.Core.Units;
using BatteryZoom.Segmentation.DistanceTransform;
using BatteryZoom.Segmentation.Filters;
using BatteryZoom.Segmentation.Labelling;
using BatteryZoom.Segmentation.Measurements;
using BatteryZoom.Segmentation.Thresholds;
using BatteryZoom.Segmentation.Watershed;

namespace BatteryZoom.Segmentation.Commands;

/// <summary>Threshold methods of <c>bzoom segment threshold</c>.</summary>
public enum ThresholdMethod
{
    /// <summary>Otsu, 2 classes.</summary>
    Otsu,
    /// <summary>Multi-Otsu, 3 classes: the mask is the top class (above the upper threshold).</summary>
    MultiOtsu,
    /// <summary>A value given by the user.</summary>
    Manual,
}

/// <summary>Result of <see cref="SegmentCommands.Threshold"/>: the mask (value &gt; chosen threshold) and every threshold found.</summary>
/// <param name="Mask">0/1 mask; the caller disposes it.</param>
/// <param name="Method">Method used.</param>
/// <param name="Thresholds">One threshold (Otsu, manual) or two ascending (multi-Otsu), in the image's unit.</param>
/// <param name="Unit">The image's unit (may be empty).</param>
public sealed record ThresholdResult(Volume<byte> Mask, ThresholdMethod Method, IReadOnlyList<double> Thresholds, string Unit)
{
    /// <summary>Writes <c>method,index,threshold [unit]</c> lines (invariant culture).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="writer"/> is null.</exception>
    public void WriteCsv(TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write(Unit.Length > 0 ? $"method,index,threshold [{Unit}]\n" : "method,index,threshold\n");
        for (int i = 0; i < Thresholds.Count; i++)
            writer.Write(string.Create(CultureInfo.InvariantCulture, $"{Method.ToString().ToLowerInvariant()},{i},{Thresholds[i]:R}\n"));
    }
}

/// <summary>The logic behind <c>bzoom segment threshold|label|distance|watershed|measure INPUT --out …</c>; the CLI reads and writes
/// the volumes (IO project) and calls these. Every method validates its options and throws <see cref="UsageException"/> (exit 2)
/// for bad option values and <see cref="IncompatibleInputException"/> (exit 3) for unusable data.</summary>
public static class SegmentCommands
{
    /// <summary>Parses <c>--connectivity 6|18|26</c>.</summary>
    /// <exception cref="UsageException">Another value.</exception>
    public static Connectivity ParseConnectivity(string text) => text?.Trim() switch
    {
        "6" => Connectivity.Faces6, "18" => Connectivity.Edges18, "26" => Connectivity.Vertices26,
        _ => throw new UsageException($"--connectivity must be 6, 18 or 26 (libraries disagree on the default, so it is always named); got '{text}'."),
    };

    /// <summary>Parses <c>--method otsu|multiotsu|manual</c>.</summary>
    /// <exception cref="UsageException">Another value.</exception>
    public static ThresholdMethod ParseThresholdMethod(string text) => text?.Trim().ToLowerInvariant() switch
    {
        "otsu" => ThresholdMethod.Otsu, "multiotsu" or "multi-otsu" => ThresholdMethod.MultiOtsu, "manual" => ThresholdMethod.Manual,
        _ => throw new UsageException($"--method must be otsu, multiotsu or manual; got '{text}'."),
    };

    /// <summary><c>segment threshold</c>: optional Gaussian smoothing (σ in physical units), then a global threshold.</summary>
    /// <param name="image">Input volume.</param>
    /// <param name="method">Otsu, multi-Otsu (mask = top class) or manual.</param>
    /// <param name="manualValue">The threshold for <see cref="ThresholdMethod.Manual"/>; must be null otherwise.</param>
    /// <param name="smoothing">Gaussian σ applied first (null or zero: none).</param>
    /// <param name="context">Cancellation, storage, log.</param>
    /// <exception cref="ArgumentNullException"><paramref name="image"/> is null.</exception>
    /// <exception cref="UsageException">Manual without a value, or a value with another method.</exception>
    /// <exception cref="IncompatibleInputException">The image is constant or has no finite value.</exception>
    public static ThresholdResult Threshold(Volume<float> image, ThresholdMethod method, double? manualValue = null, Length? smoothing = null, RunContext? context = null)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (method == ThresholdMethod.Manual && manualValue is null) throw new UsageException("--method manual needs --value.");
        if (method != ThresholdMethod.Manual && manualValue is not null) throw new UsageException($"--value is only used with --method manual (got --method {method.ToString().ToLowerInvariant()}).");
        context ??= RunContext.Default;
        Volume<float>? smooth = smoothing is { Meters: > 0 } s ? GaussianFilter.Apply(image, s, context) : null;
        try
        {
            var src = smooth ?? image;
            double[] t = method switch
            {
                ThresholdMethod.Otsu => [Thresholds.Threshold.Otsu(src, context)],
                ThresholdMethod.MultiOtsu => MultiOtsu(src, context),
                _ => [manualValue!.Value],
            };
            var mask = Thresholds.Threshold.Apply(src, t[^1], context);
            return new ThresholdResult(mask, method, t, image.Quantity.Unit);
        }
        finally { smooth?.Dispose(); }
    }

    private static double[] MultiOtsu(Volume<float> v, RunContext c) { var (lo, hi) = Thresholds.Threshold.MultiOtsu(v, c); return [lo, hi]; }

    /// <summary><c>segment label</c>: connected components, optionally dropping objects with fewer than <paramref name="minVoxels"/> voxels first.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="mask"/> is null.</exception>
    /// <exception cref="UsageException"><paramref name="minVoxels"/> is negative.</exception>
    /// <exception cref="IncompatibleInputException">No foreground, or more objects than uint32 labels hold.</exception>
    public static LabelVolume Label(Volume<byte> mask, Connectivity connectivity, long minVoxels = 0, RunContext? context = null)
    {
        ArgumentNullException.ThrowIfNull(mask);
        if (minVoxels < 0) throw new UsageException($"--min-voxels must be ≥ 0; got {minVoxels}.");
        if (minVoxels <= 1) return ConnectedComponents.Label(mask, connectivity, context);
        using var cleaned = BinaryMorphology.RemoveSmallObjects(mask, minVoxels, connectivity, context);
        return ConnectedComponents.Label(cleaned, connectivity, context);
    }

    /// <summary><c>segment distance</c>: exact Euclidean distance (metres, float32) of foreground voxels to the background.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="mask"/> is null.</exception>
    /// <exception cref="IncompatibleInputException">The mask has no background voxel.</exception>
    public static Volume<float> Distance(Volume<byte> mask, RunContext? context = null) => EuclideanDistance.Compute(mask, context);

    /// <summary><c>segment watershed</c>: splits touching objects of a mask: distance map, seeds at its maxima at least
    /// <paramref name="minSeparation"/> apart, flood of −distance within the mask.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="mask"/> is null.</exception>
    /// <exception cref="UsageException"><paramref name="minSeparation"/> is not positive.</exception>
    /// <exception cref="IncompatibleInputException">Empty or full mask.</exception>
    public static LabelVolume Watershed(Volume<byte> mask, Length minSeparation, Connectivity connectivity, RunContext? context = null)
    {
        ArgumentNullException.ThrowIfNull(mask);
        if (!(minSeparation.Meters > 0)) throw new UsageException($"--min-separation must be positive (e.g. \"5 um\"); got {minSeparation}.");
        using var distance = EuclideanDistance.Compute(mask, context);
        using var seeds = SeedDetection.LocalMaxima(distance, mask, minSeparation, context);
        return MarkerWatershed.FloodDistance(distance, seeds.Labels, mask, connectivity, context);
    }

    /// <summary><c>segment watershed</c> with a choice of seeds: distance map, seeds by <paramref name="seeds"/>, flood of −distance
    /// within the mask with <paramref name="connectivity"/> (also the h-maxima's connectivity).</summary>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="IncompatibleInputException">Empty or full mask.</exception>
    public static LabelVolume Watershed(Volume<byte> mask, SeedRule seeds, Connectivity connectivity, RunContext? context = null)
    {
        ArgumentNullException.ThrowIfNull(mask);
        ArgumentNullException.ThrowIfNull(seeds);
        if (seeds.Kind == SeedKind.MinSeparation) return Watershed(mask, seeds.Length, connectivity, context);
        using var distance = EuclideanDistance.Compute(mask, context);
        using var markers = SeedDetection.HMaxima(distance, mask, seeds.Length, connectivity, context);
        return MarkerWatershed.FloodDistance(distance, markers.Labels, mask, connectivity, context);
    }

    /// <summary>Parses <c>--h-maxima</c>: a length with a unit (<c>1.5um</c>) or a number of voxels (<c>2vx</c>, <c>2 voxels</c>),
    /// one voxel being the smallest spacing of <paramref name="grid"/> (the unit in which the distance transform works).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="grid"/> is null.</exception>
    /// <exception cref="UsageException">Not a positive length or voxel count.</exception>
    public static Length ParseHMaxima(string text, Core.Geometry.VoxelGrid grid)
    {
        ArgumentNullException.ThrowIfNull(grid);
        string t = (text ?? "").Trim();
        Length h;
        string? number = null;
        foreach (string suffix in (string[])["voxels", "voxel", "vx"])
            if (t.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)) { number = t[..^suffix.Length].Trim(); break; }
        if (number is not null)
        {
            if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out double voxels))
                throw new UsageException($"--h-maxima must be a depth such as 2vx (voxels of the smallest spacing) or 1.5um; got '{text}'.");
            double unit = Math.Min(grid.Dx.Meters, Math.Min(grid.Dy.Meters, grid.Dz.Meters));
            h = new Length(voxels * unit);
        }
        else
        {
            try { h = Length.Parse(t); }
            catch (FormatException e) { throw new UsageException($"--h-maxima must be a depth such as 2vx (voxels of the smallest spacing) or 1.5um; got '{text}'.", e); }
        }
        if (!(h.Meters > 0) || !double.IsFinite(h.Meters)) throw new UsageException($"--h-maxima must be positive; got '{text}'.");
        return h;
    }

    /// <summary><c>segment measure</c>: per-object table (write with <see cref="RegionTable.WriteCsv"/>) and, when
    /// <paramref name="bins"/> is given, size distributions per region (write with <see cref="SizeDistribution.WriteCsv"/>).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="labels"/> is null.</exception>
    /// <exception cref="IncompatibleInputException">A second or region image of another shape, or no object.</exception>
    public static (RegionTable Table, IReadOnlyList<SizeDistribution>? Distributions) Measure(Volume<uint> labels, Volume<float>? intensity = null,
        Volume<uint>? regions = null, SizeBins? bins = null, RunContext? context = null)
    {
        var table = RegionMeasurements.Measure(labels, intensity, regions, context);
        return (table, bins is null ? null : SizeDistribution.ByRegion(table, bins));
    }
}

/// <summary>How <c>segment watershed</c> finds its seeds.</summary>
public enum SeedKind
{
    /// <summary>Local maxima of the distance map at least a distance apart (<c>peak_local_max</c>).</summary>
    MinSeparation,
    /// <summary>h-maxima of the distance map: maxima at least a depth deep.</summary>
    HMaxima,
}

/// <summary>A seed rule of <c>segment watershed</c>: its kind and its length (separation or depth, metres).</summary>
/// <param name="Kind">Method.</param>
/// <param name="Length">Minimum separation, or the h-maxima depth (distance maps are in metres).</param>
public sealed record SeedRule(SeedKind Kind, Length Length)
{
    /// <summary>Seeds at local maxima at least <paramref name="separation"/> apart.</summary>
    public static SeedRule MinSeparation(Length separation) => new(SeedKind.MinSeparation, separation);
    /// <summary>Seeds at the h-maxima of depth <paramref name="depth"/>.</summary>
    public static SeedRule HMaxima(Length depth) => new(SeedKind.HMaxima, depth);
}
