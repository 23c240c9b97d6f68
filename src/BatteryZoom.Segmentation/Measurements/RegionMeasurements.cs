using BatteryZoom.Core.Data;
using BatteryZoom.Core.Diagnostics;
using BatteryZoom.Core.Geometry;
using BatteryZoom.Core.Steps;
using BatteryZoom.Core.Units;

namespace BatteryZoom.Segmentation.Measurements;

/// <summary>Per-object measurements of a label image in one pass over its slices.</summary>
/// <remarks>
/// Slices are read in order, three at a time (previous, current, next), so file-backed volumes work with three slices in memory.
/// Surface area counts the voxel faces an object shares with another label, the background or the volume's outside, weighted by
/// their physical areas (dy·dz, dx·dz, dx·dy), times 2/3: for an isotropic surface the mean of |nx|+|ny|+|nz| is 3/2, so this
/// Crofton-type correction makes the estimate unbiased for random orientations and exact in the limit for a ball (each axis
/// projects 2πr² of faces, 6πr² in all). See docs/algorithms/segmentation.md.
/// </remarks>
public static class RegionMeasurements
{
    /// <summary>Step id.</summary>
    public const string StepId = "segment.measure";

    /// <summary>Measures every label &gt; 0 of <paramref name="labels"/>.</summary>
    /// <param name="labels">Label image (0 = background).</param>
    /// <param name="intensity">Optional second image (e.g. the edge-energy map), same shape; its <see cref="Volume{T}.Quantity"/> gives the unit.</param>
    /// <param name="regions">Optional region labels (e.g. depth regions), same shape; each object gets the region holding most of its voxels (ties: the smaller region label).</param>
    /// <param name="context">Cancellation.</param>
    /// <returns>One row per label present, ascending label.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="labels"/> is null.</exception>
    /// <exception cref="IncompatibleInputException">A second image or region image has another shape, or there is no object.</exception>
    public static RegionTable Measure(Volume<uint> labels, Volume<float>? intensity = null, Volume<uint>? regions = null, RunContext? context = null)
    {
        ArgumentNullException.ThrowIfNull(labels);
        context ??= RunContext.Default;
        if (intensity is not null) VolumeAccess.CheckSameShape(labels, intensity, StepId, "the label image", "the intensity image");
        if (regions is not null) VolumeAccess.CheckSameShape(labels, regions, StepId, "the label image", "the region image");
        var grid = labels.Grid;
        int nx = labels.Nx, ny = labels.Ny, nz = labels.Nz, len = nx * ny;

        var acc = new Accumulators(1024, intensity is not null);
        var regionVotes = regions is null ? null : new Dictionary<(uint Label, uint Region), long>();
        uint[] prev = new uint[len], cur = new uint[len], next = new uint[len];
        float[]? inten = intensity is null ? null : new float[len];
        uint[]? reg = regions is null ? null : new uint[len];
        labels.ReadSlice(0, cur);
        for (int z = 0; z < nz; z++)
        {
            context.Cancellation.ThrowIfCancellationRequested();
            if (z + 1 < nz) labels.ReadSlice(z + 1, next);
            if (inten is not null) intensity!.ReadSlice(z, inten);
            if (reg is not null) regions!.ReadSlice(z, reg);
            for (int y = 0; y < ny; y++)
            {
                int row = y * nx;
                int x = 0;
                while (x < nx)
                {
                    uint l = cur[row + x];
                    int s = x;
                    while (x < nx && cur[row + x] == l) x++;
                    if (l == 0) continue;
                    int e = x;   // run [s, e) of label l
                    ref var a = ref acc.Get(l);
                    int n = e - s;
                    a.Count += n;
                    a.SumX += (long)(s + e - 1) * n / 2.0;
                    a.SumY += (double)y * n;
                    a.SumZ += (double)z * n;
                    if (a.Count == n) { a.X0 = s; a.X1 = e - 1; a.Y0 = a.Y1 = y; a.Z0 = a.Z1 = z; }
                    else
                    {
                        a.X0 = Math.Min(a.X0, s); a.X1 = Math.Max(a.X1, e - 1);
                        a.Y0 = Math.Min(a.Y0, y); a.Y1 = Math.Max(a.Y1, y); a.Z1 = z;
                    }
                    a.FacesX += 2;   // a maximal run ends at a different label (or the border) on both sides
                    for (int i = row + s; i < row + e; i++)
                    {
                        if (y == 0 || cur[i - nx] != l) a.FacesY++;
                        if (y == ny - 1 || cur[i + nx] != l) a.FacesY++;
                        if (z == 0 || prev[i] != l) a.FacesZ++;
                        if (z == nz - 1 || next[i] != l) a.FacesZ++;
                    }
                    if (s == 0 || e == nx || y == 0 || y == ny - 1 || z == 0 || z == nz - 1) a.Border = true;
                    if (inten is not null)
                        for (int i = row + s; i < row + e; i++)
                        {
                            double v = inten[i];
                            if (!double.IsFinite(v)) continue;
                            if (a.ICount == 0) { a.Shift = v; a.IMin = v; a.IMax = v; }
                            double d = v - a.Shift;
                            a.ICount++; a.ISum += d; a.ISum2 += d * d;
                            if (v < a.IMin) a.IMin = v;
                            if (v > a.IMax) a.IMax = v;
                        }
                    if (reg is not null)
                    {
                        int i = row + s;
                        while (i < row + e)
                        {
                            uint r = reg[i]; int j = i;
                            while (j < row + e && reg[j] == r) j++;
                            var key = (l, r);
                            regionVotes![key] = regionVotes.GetValueOrDefault(key) + (j - i);
                            i = j;
                        }
                    }
                }
            }
            (prev, cur, next) = (cur, next, prev);
            context.Report(StepId, z + 1, nz);
        }

        Dictionary<uint, uint>? regionOf = null;
        if (regionVotes is not null)
        {
            regionOf = [];
            var best = new Dictionary<uint, (uint Region, long Count)>();
            foreach (var ((l, r), c) in regionVotes)
                if (!best.TryGetValue(l, out var b) || c > b.Count || (c == b.Count && r < b.Region)) best[l] = (r, c);
            foreach (var (l, b) in best) regionOf[l] = b.Region;
        }

        double dx = grid.Dx.Meters, dy = grid.Dy.Meters, dz = grid.Dz.Meters, voxelVolume = dx * dy * dz;
        var rows = new List<RegionStatistics>();
        for (uint l = 1; l < acc.Length; l++)
        {
            ref var a = ref acc.Get(l);
            if (a.Count == 0) continue;
            double vol = a.Count * voxelVolume;
            double area = 2.0 / 3.0 * (a.FacesX * dy * dz + a.FacesY * dx * dz + a.FacesZ * dx * dy);
            double eqd = Math.Cbrt(6 * vol / Math.PI);
            double sph = Math.Cbrt(Math.PI) * Math.Pow(6 * vol, 2.0 / 3.0) / area;
            var centroid = grid.Position(a.SumX / a.Count, a.SumY / a.Count, a.SumZ / a.Count);
            IntensityStatistics? stats = null;
            if (intensity is not null)
            {
                if (a.ICount == 0) stats = new IntensityStatistics(0, double.NaN, double.NaN, double.NaN, double.NaN);
                else
                {
                    double m = a.ISum / a.ICount;
                    double var = Math.Max(0, a.ISum2 / a.ICount - m * m);
                    stats = new IntensityStatistics(a.ICount, a.Shift + m, Math.Sqrt(var), a.IMin, a.IMax);
                }
            }
            rows.Add(new RegionStatistics(l, a.Count, new PhysicalVolume(vol), new Length(eqd), centroid,
                new VoxelBox(a.X0, a.Y0, a.Z0, a.X1, a.Y1, a.Z1), new Area(area), sph, a.Border,
                regionOf is null ? 0u : regionOf[l], stats));
        }
        if (rows.Count == 0)
            throw new IncompatibleInputException($"{StepId}: the label image ({grid.Size}) holds no object (all voxels are 0); nothing to measure.");
        return new RegionTable(rows, grid, intensity?.Quantity);
    }

    private struct Acc
    {
        public long Count, FacesX, FacesY, FacesZ, ICount;
        public double SumX, SumY, SumZ, Shift, ISum, ISum2, IMin, IMax;
        public int X0, Y0, Z0, X1, Y1, Z1;
        public bool Border;
    }

    private sealed class Accumulators(int capacity, bool withIntensity)
    {
        private Acc[] _a = new Acc[capacity];
        public long Length => _a.Length;
        public bool WithIntensity { get; } = withIntensity;

        public ref Acc Get(uint label)
        {
            if (label >= _a.Length)
            {
                long n = Math.Max((long)label + 1, Math.Min((long)_a.Length * 2, Array.MaxLength));
                if (n > Array.MaxLength) throw new IncompatibleInputException($"{StepId}: label {label} is beyond the {Array.MaxLength} labels one pass can hold; relabel consecutively first.");
                Array.Resize(ref _a, (int)n);
            }
            return ref _a[label];
        }
    }
}
