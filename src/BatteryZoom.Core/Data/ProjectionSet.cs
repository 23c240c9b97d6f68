using BatteryZoom.Core.Diagnostics;
using BatteryZoom.Core.Geometry;
using BatteryZoom.Core.Units;

namespace BatteryZoom.Core.Data;

/// <summary>A tomographic scan: projections [projection, row, column] with their geometry, flats, darks and energy.</summary>
/// <remarks>The geometry has one pose per projection, in the same order. <see cref="Domain"/> says whether the values are
/// raw counts, transmission or line integrals, so no step takes the log twice.</remarks>
public sealed class ProjectionSet : IDisposable
{
    /// <summary>Creates a scan, checking that shapes and counts agree.</summary>
    /// <exception cref="IncompatibleInputException">Geometry and projections disagree, or flats/darks differ in shape.</exception>
    public ProjectionSet(ImageStack<float> projections, AcquisitionGeometry geometry, IntensityDomain domain,
        ImageStack<float>? flats = null, ImageStack<float>? darks = null, Energy? energy = null, Provenance? provenance = null)
    {
        ArgumentNullException.ThrowIfNull(projections);
        ArgumentNullException.ThrowIfNull(geometry);
        geometry.CheckMatches(projections.Count, projections.Rows, projections.Columns, "projections");
        CheckFrameShape(flats, projections, "flats");
        CheckFrameShape(darks, projections, "darks");
        (Projections, Geometry, Domain, Flats, Darks, Energy) = (projections, geometry, domain, flats, darks, energy);
        Provenance = provenance ?? Provenance.Empty;
    }

    /// <summary>Projections [projection, row, column].</summary>
    public ImageStack<float> Projections { get; }
    /// <summary>One pose per projection.</summary>
    public AcquisitionGeometry Geometry { get; }
    /// <summary>Raw, transmission or line integral.</summary>
    public IntensityDomain Domain { get; }
    /// <summary>Flat fields (beam without sample), if any.</summary>
    public ImageStack<float>? Flats { get; }
    /// <summary>Dark fields (no beam), if any.</summary>
    public ImageStack<float>? Darks { get; }
    /// <summary>Photon energy (monochromatic) or null (polychromatic lab source).</summary>
    public Energy? Energy { get; }
    /// <summary>How the data were made.</summary>
    public Provenance Provenance { get; init; }

    private static void CheckFrameShape(ImageStack<float>? frames, ImageStack<float> projections, string what)
    {
        if (frames is null) return;
        if (frames.Rows != projections.Rows || frames.Columns != projections.Columns)
            throw new IncompatibleInputException($"{what} are {frames.Rows}×{frames.Columns} (rows×columns) but projections are {projections.Rows}×{projections.Columns}.");
    }

    /// <summary>Disposes projections, flats and darks.</summary>
    public void Dispose()
    {
        Projections.Dispose();
        Flats?.Dispose();
        Darks?.Dispose();
    }
}
