using BatteryZoom.Core.Data;
using BatteryZoom.Core.Diagnostics;
using BatteryZoom.Core.Geometry;
using BatteryZoom.Core.Steps;
using BatteryZoom.Core.Units;
using BatteryZoom.IO.Raw;

namespace BatteryZoom.IO;

/// <summary>Options for reading a scan (projections, flats, darks, angles) from any supported format.</summary>
public sealed record ProjectionReadOptions
{
    /// <summary>Defaults: everything, values checked for NaN/∞.</summary>
    public static ProjectionReadOptions Default { get; } = new();
    /// <summary>Projections to read (e.g. <c>0..900</c>); null for all. Flats and darks are always read whole.</summary>
    public Range? Projections { get; init; }
    /// <summary>Detector rows to read from every frame (a sinogram slab); null for all. The detector's OffsetV is set so
    /// the slab keeps its place in the lab frame.</summary>
    public Range? Rows { get; init; }
    /// <summary>Pixel size (in the sample plane) used when the file stores none.</summary>
    public Length? DefaultPixelSize { get; init; }
    /// <summary>Rotation angles, for formats that store none (TIFF, EDF, raw), or to override the file's.</summary>
    public IReadOnlyList<Angle>? Angles { get; init; }
    /// <summary>Photon energy used when the file stores none.</summary>
    public Energy? DefaultEnergy { get; init; }
    /// <summary>Reject NaN and ±∞ with a message naming file and frame (default true).</summary>
    public bool RejectNonFinite { get; init; } = true;
    /// <summary>Shape and encoding of a .raw input (raw files have no header).</summary>
    public RawLayout? RawLayout { get; init; }
    /// <summary>NXtomo entry to read (e.g. "/entry0000"); null picks the first NXtomo entry.</summary>
    public string? Entry { get; init; }
}

/// <summary>Assembles a <see cref="ProjectionSet"/> from frame readers, checking shapes and counts with messages that name the files.</summary>
internal static class ScanAssembler
{
    public static ProjectionSet Build(IFrameReader projections, IFrameReader? flats, IFrameReader? darks,
        IReadOnlyList<Angle> angles, string anglesSource, Length pixelWidth, Length pixelHeight, Energy? energy,
        IntensityDomain domain, Length axisOffset, Provenance? provenance, ProjectionReadOptions options, RunContext context)
    {
        foreach (var (frames, what) in new[] { (flats, "flats"), (darks, "darks") })
        {
            if (frames is not null && (frames.Rows != projections.Rows || frames.Columns != projections.Columns))
                throw new DataFormatException(frames.Source, $"{what} of {projections.Rows}×{projections.Columns} (rows×columns) like the projections",
                    $"{frames.Rows}×{frames.Columns}");
        }
        if (angles.Count != projections.Count)
            throw new DataFormatException(anglesSource, $"one rotation angle per projection ({projections.Count})", $"{angles.Count} angles");
        var (p0, pn) = FrameIO.Resolve(options.Projections, projections.Count, "projections", projections.Source);
        var (r0, rn) = FrameIO.Resolve(options.Rows, projections.Rows, "rows", projections.Source);
        var read = new StackReadOptions { Frames = p0..(p0 + pn), Rows = r0..(r0 + rn), RejectNonFinite = options.RejectNonFinite };
        var readAll = read with { Frames = null };
        ImageStack<float>? p = null, f = null, d = null;
        try
        {
            p = projections.ReadStack<float>(read, context);
            f = flats?.ReadStack<float>(readAll, context);
            d = darks?.ReadStack<float>(readAll, context);
            // Row i of the slab is row r0 + i of the detector: shift the detector centre to keep it in place.
            double offsetV = (r0 + (rn - 1) / 2.0 - (projections.Rows - 1) / 2.0) * pixelHeight.Meters;
            var detector = new Detector(projections.Columns, rn, pixelWidth, pixelHeight, Length.Zero, new Length(offsetV));
            var geometry = new ParallelBeam(detector, angles.Skip(p0).Take(pn).ToArray(), axisOffset);
            return new ProjectionSet(p, geometry, domain, f, d, energy, provenance);
        }
        catch
        {
            p?.Dispose(); f?.Dispose(); d?.Dispose();
            throw;
        }
    }

    /// <summary>The scan re-described as a circular cone beam with the file's distances.</summary>
    /// <param name="scan">The scan as <see cref="Build"/> made it (parallel beam, no axis offset).</param>
    /// <param name="sourceToAxis">Source to rotation axis, from the file.</param>
    /// <param name="axisToDetector">Rotation axis to detector, from the file.</param>
    /// <param name="offsetU">Horizontal detector offset (the cone-beam counterpart of the parallel-beam axis offset).</param>
    /// <param name="offsetV">Vertical detector offset of the whole detector (a row slab adds its own shift to it).</param>
    public static ProjectionSet WithConeDistances(ProjectionSet scan, Length sourceToAxis, Length axisToDetector, Length offsetU, Length offsetV)
    {
        var p = (ParallelBeam)scan.Geometry;
        var d = p.Detector;
        var detector = new Detector(d.Columns, d.Rows, d.PixelWidth, d.PixelHeight, offsetU, offsetV + d.OffsetV);
        var cone = new CircularConeBeam(detector, p.Angles, sourceToAxis, sourceToAxis + axisToDetector);
        return new ProjectionSet(scan.Projections, cone, scan.Domain, scan.Flats, scan.Darks, scan.Energy, scan.Provenance);
    }

    public static Length PixelSize(Length? fromFile, ProjectionReadOptions options, string source) =>
        fromFile ?? options.DefaultPixelSize
        ?? throw new UsageException($"{source} stores no pixel size; give one (e.g. --pixel-size \"0.65 um\").");
}
