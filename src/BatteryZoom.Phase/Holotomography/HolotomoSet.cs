// SPDX-License-Identifier: MIT
using BatteryZoom.Core.Data;
using BatteryZoom.Core.Diagnostics;
using BatteryZoom.Core.Geometry;
using BatteryZoom.Core.Units;
using BatteryZoom.Phase.Propagation;

namespace BatteryZoom.Phase.Holotomography;

/// <summary>One recording distance of a holotomography scan: the scan and where the sample sat.</summary>
/// <param name="Scan">Projections [angle, row, column] (raw with flats and darks, or transmissions).</param>
/// <param name="Propagation">Source–sample–detector distances of this scan.</param>
public sealed record HolotomoDistance(ProjectionSet Scan, FresnelGeometry Propagation);

/// <summary>A holotomography scan: the same angles recorded at several distances (Cloetens et al. 1999).</summary>
/// <remarks>Distances are ordered by increasing effective distance; the pixel of each in the sample plane is
/// detector pixel / M. The finest pixel (largest M, normally distance 0) is the reference grid for retrieval.</remarks>
public sealed class HolotomoSet
{
    /// <summary>Creates a set, checking that every distance holds the same shape, angles and energy.</summary>
    /// <exception cref="IncompatibleInputException">No distance; image sizes, projection counts or energies differ;
    /// a scan has no energy or is in the line-integral domain; effective distances not strictly increasing.</exception>
    public HolotomoSet(IReadOnlyList<HolotomoDistance> distances)
    {
        ArgumentNullException.ThrowIfNull(distances);
        if (distances.Count == 0) throw new IncompatibleInputException("holotomography: no distance given; expected one projection set per distance.");
        var first = distances[0].Scan;
        if (first.Energy is null) throw new IncompatibleInputException("holotomography: distance 0 has no photon energy; phase retrieval needs a monochromatic energy (e.g. --energy 33.6keV).");
        for (int i = 0; i < distances.Count; i++)
        {
            var s = distances[i].Scan;
            if (s.Projections.Rows != first.Projections.Rows || s.Projections.Columns != first.Projections.Columns)
                throw new IncompatibleInputException($"holotomography: distance {i} has {s.Projections.Rows}×{s.Projections.Columns} (rows×columns) images but distance 0 has {first.Projections.Rows}×{first.Projections.Columns}; every distance must use the same detector size.");
            if (s.Projections.Count != first.Projections.Count)
                throw new IncompatibleInputException($"holotomography: distance {i} has {s.Projections.Count} projections but distance 0 has {first.Projections.Count}; every distance must cover the same angles.");
            if (s.Energy is { } e && e != first.Energy)
                throw new IncompatibleInputException($"holotomography: distance {i} was recorded at {e} but distance 0 at {first.Energy}.");
            if (s.Domain == IntensityDomain.LineIntegral)
                throw new IncompatibleInputException($"holotomography: distance {i} holds line integrals; phase retrieval needs raw counts or transmissions I/I0.");
            if (i > 0 && !(distances[i].Propagation.EffectiveDistance > distances[i - 1].Propagation.EffectiveDistance))
                throw new IncompatibleInputException($"holotomography: effective distances must increase strictly; distance {i} ({distances[i].Propagation.EffectiveDistance}) follows {distances[i - 1].Propagation.EffectiveDistance}.");
        }
        Distances = distances;
        Energy = first.Energy.Value;
    }

    /// <summary>Builds a set from cone-beam scans (<see cref="CircularConeBeam"/> geometry: z1 = SourceToAxis, focus–detector = SourceToDetector).</summary>
    /// <exception cref="IncompatibleInputException">A scan is not cone-beam, or see the constructor.</exception>
    public static HolotomoSet FromConeBeamScans(IReadOnlyList<ProjectionSet> scans)
    {
        ArgumentNullException.ThrowIfNull(scans);
        return new HolotomoSet(scans.Select((s, i) => s.Geometry is CircularConeBeam c
            ? new HolotomoDistance(s, FresnelGeometry.ConeBeam(c.SourceToAxis, c.SourceToDetector))
            : throw new IncompatibleInputException($"holotomography: scan {i} has {s.Geometry.GetType().Name} geometry; give its propagation distance explicitly (HolotomoDistance) or use CircularConeBeam.")).ToArray());
    }

    /// <summary>The distances, by increasing effective distance.</summary>
    public IReadOnlyList<HolotomoDistance> Distances { get; }
    /// <summary>Photon energy.</summary>
    public Energy Energy { get; }
    /// <summary>Rows per image.</summary>
    public int Rows => Distances[0].Scan.Projections.Rows;
    /// <summary>Columns per image.</summary>
    public int Columns => Distances[0].Scan.Projections.Columns;
    /// <summary>Angles per distance.</summary>
    public int AngleCount => Distances[0].Scan.Projections.Count;
    /// <summary>Index of the distance with the finest sample-plane pixel (largest magnification).</summary>
    public int ReferenceIndex => Enumerable.Range(0, Distances.Count).MaxBy(i => Distances[i].Propagation.Magnification);
    /// <summary>Sample-plane pixel of distance <paramref name="index"/>: detector pixel / M.</summary>
    public Length PixelAt(int index) => Distances[index].Propagation.EffectivePixel(Distances[index].Scan.Geometry.Detector.PixelWidth);
    /// <summary>The finest sample-plane pixel: the grid every distance is resampled to.</summary>
    public Length ReferencePixel => PixelAt(ReferenceIndex);
    /// <summary>Effective distances, in order.</summary>
    public IReadOnlyList<Length> EffectiveDistances => Distances.Select(d => d.Propagation.EffectiveDistance).ToArray();

    /// <summary>Rotation angles of the scans (from distance 0's geometry).</summary>
    /// <exception cref="IncompatibleInputException">The geometry holds no angles (vector geometry).</exception>
    public IReadOnlyList<Angle> Angles => Distances[0].Scan.Geometry switch
    {
        ParallelBeam p => p.Angles,
        CircularConeBeam c => c.Angles,
        var g => throw new IncompatibleInputException($"holotomography: {g.GetType().Name} geometry has no rotation angles; use ParallelBeam or CircularConeBeam scans."),
    };
}
