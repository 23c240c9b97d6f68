// SPDX-License-Identifier: MIT
using BatteryZoom.Core.Data;
using BatteryZoom.Core.Geometry;
using BatteryZoom.Core.Random;
using BatteryZoom.Core.Units;
using BatteryZoom.Simulation.Phantoms;

namespace BatteryZoom.Simulation.Holotomography;

/// <summary>δ and β of one material (e.g. from BatteryZoom.Phase.Materials.XrayOptics).</summary>
/// <param name="Delta">Refractive index decrement δ.</param>
/// <param name="Beta">Absorption index β.</param>
public readonly record struct RefractiveValues(double Delta, double Beta)
{
    /// <summary>δ/β.</summary>
    public double DeltaOverBeta => Delta / Beta;
}

/// <summary>A sample for phase-contrast simulation: the same ellipsoids carrying δ in one phantom and β in another,
/// so that projected phase Φ = k∫δ ds and attenuation B = k∫β ds are exact line integrals.</summary>
public sealed class RefractivePhantom
{
    /// <summary>Creates a phantom from shapes and their materials (overlapping values add).</summary>
    public RefractivePhantom(IReadOnlyList<(Ellipsoid Shape, RefractiveValues Material)> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        Parts = parts;
        Delta = new EllipsoidPhantom(parts.Select(p => p.Shape with { Value = p.Material.Delta }).ToArray(), Quantity.Delta);
        Beta = new EllipsoidPhantom(parts.Select(p => p.Shape with { Value = p.Material.Beta }).ToArray(), new Quantity("beta", ""));
    }

    /// <summary>Shapes and materials.</summary>
    public IReadOnlyList<(Ellipsoid Shape, RefractiveValues Material)> Parts { get; }
    /// <summary>δ as an ellipsoid phantom (exact voxel values and line integrals).</summary>
    public EllipsoidPhantom Delta { get; }
    /// <summary>β as an ellipsoid phantom.</summary>
    public EllipsoidPhantom Beta { get; }

    /// <summary>Spheres of one material, e.g. weak-absorption test spheres.</summary>
    public static RefractivePhantom Spheres(IEnumerable<(Vec3 Centre, Length Radius)> spheres, RefractiveValues material)
    {
        ArgumentNullException.ThrowIfNull(spheres);
        return new RefractivePhantom(spheres.Select(s => (new Ellipsoid(s.Centre, new Vec3(s.Radius.Meters, s.Radius.Meters, s.Radius.Meters), Angle.Zero, 0), material)).ToArray());
    }

    /// <summary>An NMC-like electrode: <paramref name="clusters"/> secondary particles (each a cluster of 10–20 primary
    /// spheres of radius 0.2–0.25 R resting on a core sphere of radius 0.5 R) of <paramref name="active"/> material, plus carbon–binder blobs of
    /// <paramref name="binder"/> material, placed in a cylinder of radius <paramref name="radius"/> about +z and height
    /// ±<paramref name="halfHeight"/>, seeded.</summary>
    /// <remarks>Clusters do not overlap each other (rejection sampling); grains touch their core but may overlap each other,
    /// where δ adds (as in every <see cref="Phantoms.EllipsoidPhantom"/>); inside the cores δ is exactly the material's.
    /// The cluster of index i has its core centred at <see cref="Ellipsoid.Centre"/> of the first part of each cluster.</remarks>
    public static RefractivePhantom NmcElectrode(Length radius, Length halfHeight, Length clusterRadius, int clusters, RefractiveValues active, RefractiveValues binder, ulong seed = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(clusters);
        var rng = new CounterRandom(seed);
        ulong k = 0;
        double R = clusterRadius.Meters, cyl = radius.Meters - R, hz = halfHeight.Meters - R;
        if (!(cyl > 0) || !(hz > 0)) throw new ArgumentOutOfRangeException(nameof(clusterRadius), $"cluster radius {clusterRadius} does not fit in radius {radius} × half-height {halfHeight}.");
        var centres = new List<Vec3>();
        for (int attempt = 0; centres.Count < clusters && attempt < 10_000; attempt++)
        {
            double r = cyl * Math.Sqrt(rng.Uniform(k++)), a = 2 * Math.PI * rng.Uniform(k++), z = hz * (2 * rng.Uniform(k++) - 1);
            var c = new Vec3(r * Math.Cos(a), r * Math.Sin(a), z);
            if (centres.All(o => (o - c).Norm > 2.05 * R)) centres.Add(c);
        }
        var parts = new List<(Ellipsoid, RefractiveValues)>();
        foreach (var c in centres)
        {
            // A dense core sphere and primary grains resting on it (tangent, so δ inside the core is exactly the material's).
            double core = 0.5 * R;
            parts.Add((new Ellipsoid(c, new Vec3(core, core, core), Angle.Zero, 0), active));
            int grains = 10 + (int)(rng.Uniform(k++) * 10);
            for (int g = 0; g < grains; g++)
            {
                double u = 2 * rng.Uniform(k++) - 1, phi = 2 * Math.PI * rng.Uniform(k++);
                double s = Math.Sqrt(1 - u * u), rg = R * (0.2 + 0.05 * rng.Uniform(k++));
                var dir = new Vec3(s * Math.Cos(phi), s * Math.Sin(phi), u);
                var gc = c + dir * (core + rg);
                parts.Add((new Ellipsoid(gc, new Vec3(rg, rg, rg), Angle.Zero, 0), active));
            }
        }
        // Carbon–binder blobs between clusters.
        for (int b = 0; b < 2 * clusters; b++)
        {
            double r = (radius.Meters - 0.3 * R) * Math.Sqrt(rng.Uniform(k++)), a = 2 * Math.PI * rng.Uniform(k++), z = (halfHeight.Meters - 0.3 * R) * (2 * rng.Uniform(k++) - 1);
            var c = new Vec3(r * Math.Cos(a), r * Math.Sin(a), z);
            if (centres.Any(o => (o - c).Norm < 1.3 * R)) continue;
            double rb = 0.3 * R;
            parts.Add((new Ellipsoid(c, new Vec3(rb, 0.7 * rb, 0.5 * rb), Angle.FromDegrees(360 * rng.Uniform(k++)), 0), binder));
        }
        return new RefractivePhantom(parts);
    }

    /// <summary>δ sampled on a grid (exact values at voxel centres, averaged over <paramref name="oversample"/>³ points).</summary>
    public Volume<float> VoxelizeDelta(VoxelGrid grid, int oversample = 1, StorageOptions? storage = null) => Delta.Voxelize(grid, oversample, storage);
}
