using BatteryZoom.Core.Data;
using BatteryZoom.Core.Geometry;
using BatteryZoom.Core.Random;

namespace BatteryZoom.Simulation.Particles;

/// <summary>Options of a simulated cathode secondary particle for XANES spectro-tomography.</summary>
public sealed record XanesParticleOptions
{
    /// <summary>Grid of the particle volume.</summary>
    public required VoxelGrid Grid { get; init; }
    /// <summary>Particle radius as a fraction of half the smallest grid extent.</summary>
    public double RadiusFraction { get; init; } = 0.8;
    /// <summary>Number of grains (Voronoi cells inside the sphere).</summary>
    public int GrainCount { get; init; } = 8;
    /// <summary>Seed of grain centres, grain SOCs and noise.</summary>
    public ulong Seed { get; init; } = 7;
    /// <summary>Spectrum model.</summary>
    public NiKEdgeModel Model { get; init; } = new();
    /// <summary>Gaussian noise σ as a fraction of the model's edge step.</summary>
    public double NoiseFraction { get; init; }
    /// <summary>Explicit grain SOCs (length = GrainCount); null: uniform in [0, 1] from the seed.</summary>
    public IReadOnlyList<double>? GrainSoc { get; init; }
}

/// <summary>A spherical particle of Voronoi grains, each with its own state of charge, rendered as one μ volume per energy.</summary>
/// <remarks>Outside the sphere μ = 0 (plus noise): voxels without an edge, which a XANES mapper must mask. Grain k has label k + 1.
/// Deterministic: centres, SOCs and noise come from <see cref="CounterRandom"/> (seed, stream, voxel index).</remarks>
public sealed class XanesParticlePhantom
{
    private readonly Vec3[] _centres;

    /// <summary>Creates the phantom (grain centres and SOCs).</summary>
    /// <exception cref="ArgumentException">GrainSoc given with the wrong length.</exception>
    public XanesParticlePhantom(XanesParticleOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.GrainCount);
        Options = options;
        var g = options.Grid;
        double half = 0.5 * Math.Min(g.Size.Nx * g.Dx.Meters, Math.Min(g.Size.Ny * g.Dy.Meters, g.Size.Nz * g.Dz.Meters));
        Radius = options.RadiusFraction * half;
        Centre = g.Position((g.Size.Nx - 1) / 2.0, (g.Size.Ny - 1) / 2.0, (g.Size.Nz - 1) / 2.0);
        var rng = new CounterRandom(options.Seed, 1);
        _centres = new Vec3[options.GrainCount];
        ulong k = 0;
        for (int i = 0; i < _centres.Length; i++)
        {
            Vec3 p;
            do
            {
                p = new Vec3(2 * rng.Uniform(k++) - 1, 2 * rng.Uniform(k++) - 1, 2 * rng.Uniform(k++) - 1);
            } while (p.X * p.X + p.Y * p.Y + p.Z * p.Z > 1);
            _centres[i] = new Vec3(Centre.X + 0.85 * Radius * p.X, Centre.Y + 0.85 * Radius * p.Y, Centre.Z + 0.85 * Radius * p.Z);
        }
        if (options.GrainSoc is { } socs)
        {
            if (socs.Count != options.GrainCount) throw new ArgumentException($"GrainSoc holds {socs.Count} values for {options.GrainCount} grains.", nameof(options));
            GrainSoc = [.. socs];
        }
        else
        {
            var srng = new CounterRandom(options.Seed, 2);
            GrainSoc = [.. Enumerable.Range(0, options.GrainCount).Select(i => Math.Round(srng.Uniform((ulong)i), 3))];
        }
    }

    /// <summary>The options.</summary>
    public XanesParticleOptions Options { get; }
    /// <summary>Particle radius, metres.</summary>
    public double Radius { get; }
    /// <summary>Particle centre (lab frame, metres).</summary>
    public Vec3 Centre { get; }
    /// <summary>State of charge of grain k (label k + 1).</summary>
    public IReadOnlyList<double> GrainSoc { get; }

    /// <summary>Grain label at a point: 0 outside the particle, else 1 + index of the nearest grain centre.</summary>
    public int LabelAt(Vec3 p)
    {
        double dx = p.X - Centre.X, dy = p.Y - Centre.Y, dz = p.Z - Centre.Z;
        if (dx * dx + dy * dy + dz * dz > Radius * Radius) return 0;
        int best = 0; double d = double.PositiveInfinity;
        for (int i = 0; i < _centres.Length; i++)
        {
            double ex = p.X - _centres[i].X, ey = p.Y - _centres[i].Y, ez = p.Z - _centres[i].Z, e = ex * ex + ey * ey + ez * ez;
            if (e < d) { d = e; best = i; }
        }
        return best + 1;
    }

    /// <summary>Grain labels on the grid (voxel centres).</summary>
    public Volume<int> Labels(StorageOptions? storage = null)
    {
        var g = Options.Grid;
        var v = Volume<int>.Create(g, Quantity.Label, storage);
        var slice = new int[g.Size.Nx * g.Size.Ny];
        for (int z = 0; z < g.Size.Nz; z++)
        {
            for (int y = 0; y < g.Size.Ny; y++)
                for (int x = 0; x < g.Size.Nx; x++) slice[y * g.Size.Nx + x] = LabelAt(g.Position(x, y, z));
            v.WriteSlice(z, slice);
        }
        return v;
    }

    /// <summary>Mean of <paramref name="map"/> per grain over interior voxels: voxels whose 6 face neighbours lie in the same
    /// grain, at least two voxels inside the particle's rim, and (when <paramref name="mask"/> is given) unmasked. FBP blurs
    /// grain borders and the particle surface, which a per-grain statistic should not mix in.</summary>
    /// <param name="map">A map on the phantom's grid (e.g. state of charge).</param>
    /// <param name="mask">Non-zero where the map is valid; null = everywhere.</param>
    /// <param name="minimumVoxels">Grains with fewer interior voxels are left out.</param>
    /// <returns>Grain number (1-based), mean, and interior voxel count, in grain order.</returns>
    /// <exception cref="ArgumentException">A map or mask of another grid size.</exception>
    public IReadOnlyList<(int Grain, double Mean, int Voxels)> InteriorGrainMeans(Volume<float> map, Volume<byte>? mask = null, int minimumVoxels = 10)
    {
        ArgumentNullException.ThrowIfNull(map);
        var grid = Options.Grid;
        int nx = grid.Size.Nx, ny = grid.Size.Ny, nz = grid.Size.Nz;
        if (map.Grid.Size != grid.Size || (mask is not null && mask.Grid.Size != grid.Size))
            throw new ArgumentException($"the map ({map.Grid.Size}) and mask ({mask?.Grid.Size}) must have the phantom's grid size {grid.Size}.", nameof(map));
        using var labels = Labels(StorageOptions.InMemory);
        var sum = new double[GrainSoc.Count + 1];
        var count = new int[sum.Length];
        double rim = Radius - 2 * grid.Dx.Meters;
        var values = new float[nx * ny];
        var valid = new byte[nx * ny];
        for (int z = 1; z < nz - 1; z++)
        {
            var lab = labels.GetSlice(z);
            var up = labels.GetSlice(z + 1);
            var down = labels.GetSlice(z - 1);
            map.ReadSlice(z, values);
            if (mask is null) valid.AsSpan().Fill(1); else mask.ReadSlice(z, valid);
            for (int y = 1; y < ny - 1; y++)
                for (int x = 1; x < nx - 1; x++)
                {
                    int v = y * nx + x, l = lab[v];
                    if (l == 0 || valid[v] == 0) continue;
                    if (lab[v - 1] != l || lab[v + 1] != l || lab[v - nx] != l || lab[v + nx] != l || up[v] != l || down[v] != l) continue;
                    var p = grid.Position(x, y, z);
                    double dx = p.X - Centre.X, dy = p.Y - Centre.Y, dz = p.Z - Centre.Z;
                    if (dx * dx + dy * dy + dz * dz > rim * rim) continue;
                    sum[l] += values[v]; count[l]++;
                }
        }
        var result = new List<(int, double, int)>();
        for (int g = 1; g < sum.Length; g++)
            if (count[g] >= minimumVoxels) result.Add((g, sum[g] / count[g], count[g]));
        return result;
    }

    /// <summary>One μ volume per energy (eV), with the configured noise. Quantity: linear attenuation in model units.</summary>
    public Volume<float>[] Render(IReadOnlyList<double> energiesEv, StorageOptions? storage = null)
    {
        ArgumentNullException.ThrowIfNull(energiesEv);
        var g = Options.Grid;
        int nx = g.Size.Nx, ny = g.Size.Ny, nz = g.Size.Nz, ne = energiesEv.Count, len = nx * ny;
        using var labels = Labels(StorageOptions.InMemory);
        var model = Options.Model;
        // Spectra per label (label 0: empty).
        var table = new float[GrainSoc.Count + 1, ne];
        for (int k = 0; k < GrainSoc.Count; k++)
            for (int i = 0; i < ne; i++) table[k + 1, i] = (float)model.Mu(energiesEv[i], GrainSoc[k]);
        var noise = new CounterRandom(Options.Seed, 3);
        double sigma = Options.NoiseFraction * model.Step;
        var vols = new Volume<float>[ne];
        for (int i = 0; i < ne; i++) vols[i] = Volume<float>.Create(g, Quantity.LinearAttenuation, storage);
        Parallel.For(0, nz, z =>
        {
            var lab = labels.GetSlice(z);
            var buf = new float[len];
            for (int i = 0; i < ne; i++)
            {
                for (int v = 0; v < len; v++)
                {
                    float value = table[lab[v], i];
                    if (sigma > 0) value += (float)(sigma * noise.Normal((ulong)(((long)z * len + v) * ne + i)));
                    buf[v] = value;
                }
                vols[i].WriteSlice(z, buf);
            }
        });
        return vols;
    }
}
