// SPDX-License-Identifier: MIT
using System.Diagnostics;
using System.Globalization;
using BatteryZoom.Core.Data;
using BatteryZoom.Core.Diagnostics;
using BatteryZoom.Core.Geometry;
using BatteryZoom.Core.Steps;
using BatteryZoom.Core.Units;

namespace BatteryZoom.Tomography.Stitching;

/// <summary>Options of vertical stitching (step "stitch.vertical").</summary>
public sealed record StitchOptions
{
    /// <summary>Refine each scan's nominal z position by registration (default); false trusts the grids' origins.</summary>
    public bool Register { get; init; } = true;

    /// <summary>Largest correction of a nominal position searched, in slices (default 8).</summary>
    public int SearchRadius { get; init; } = 8;

    /// <summary>Slices at the top and bottom of each scan given zero weight where another scan covers them: the cone-beam
    /// artefact zone of FDK (rays there miss part of the volume). Default 0.</summary>
    public int ConeZoneSlices { get; init; }

    /// <summary>Width of the smooth (sin²) ramp from 0 to 1 after the cone zone, in slices; null = the whole overlap left after
    /// the two cone zones (at least 1).</summary>
    public int? BlendSlices { get; init; }

    /// <summary>Every n-th voxel along x and y enters the registration metric (default 2).</summary>
    public int RegistrationStride { get; init; } = 2;

    /// <summary>Throws when a value is out of range.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A negative radius or zone, a non-positive blend width or stride.</exception>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegative(SearchRadius);
        ArgumentOutOfRangeException.ThrowIfNegative(ConeZoneSlices);
        if (BlendSlices is <= 0) throw new ArgumentOutOfRangeException(nameof(BlendSlices), $"blend width must be positive; got {BlendSlices}.");
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(RegistrationStride);
    }
}

/// <summary>Stitches N vertically stacked, overlapping volumes (e.g. four FDK scans of a cell) into one.</summary>
/// <remarks>
/// Volumes are ordered by the z of their origins. For each neighbouring pair the overlap shift is refined around its
/// nominal value: the mean squared difference of the overlapping slices (upper volume linearly interpolated in z) is
/// minimised over integer shifts within <see cref="StitchOptions.SearchRadius"/>, then over shifts in steps of 1/20 slice
/// around the best one (sub-voxel). The output grid starts at the lowest volume's origin; each output slice is the
/// weighted mean of the scans covering it, each weight a sin² ramp that is zero in the scan's cone-artefact zone near its
/// top and bottom and rises to 1 over the blend width. docs/algorithms/fdk.md ("Stitching").
/// </remarks>
public static class VerticalStitcher
{
    /// <summary>Step id written to provenance.</summary>
    public const string StepId = "stitch.vertical";
    /// <summary>Step version.</summary>
    public const int StepVersion = 1;

    /// <summary>The z positions (origin of slice 0, metres) of each volume after registration, in the input order.</summary>
    /// <exception cref="IncompatibleInputException">Grids differ in x/y size or spacing, or two neighbours do not overlap.</exception>
    public static IReadOnlyList<Length> Register(IReadOnlyList<Volume<float>> volumes, StitchOptions? options = null, RunContext? context = null)
    {
        ArgumentNullException.ThrowIfNull(volumes);
        options ??= new StitchOptions();
        options.Validate();
        context ??= RunContext.Default;
        var order = CheckAndOrder(volumes);
        double dz = volumes[0].Grid.Dz.Meters;
        var positions = new double[volumes.Count];
        positions[order[0]] = volumes[order[0]].Grid.Origin.Z;
        for (int k = 1; k < order.Length; k++)
        {
            var a = volumes[order[k - 1]];
            var b = volumes[order[k]];
            double nominal = (b.Grid.Origin.Z - a.Grid.Origin.Z) / dz;
            double shift = options.Register ? FindShift(a, b, nominal, options, context) : nominal;
            positions[order[k]] = positions[order[k - 1]] + shift * dz;
            context.Log?.Invoke($"{StepId}: volume {order[k]} sits {shift:F2} slices above volume {order[k - 1]} (nominal {nominal:F2}).");
        }
        return positions.Select(p => new Length(p)).ToArray();
    }

    /// <summary>Registers and blends <paramref name="volumes"/> into one volume (stored per the context's storage).</summary>
    /// <exception cref="IncompatibleInputException">Grids differ in x/y size or spacing, or two neighbours do not overlap.</exception>
    public static Volume<float> Stitch(IReadOnlyList<Volume<float>> volumes, StitchOptions? options = null, RunContext? context = null)
    {
        ArgumentNullException.ThrowIfNull(volumes);
        options ??= new StitchOptions();
        context ??= RunContext.Default;
        var started = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        var positions = Register(volumes, options, context);
        var order = CheckAndOrder(volumes);
        var g0 = volumes[order[0]].Grid;
        double dz = g0.Dz.Meters, z0 = positions[order[0]].Meters;
        double top = volumes.Select((v, i) => positions[i].Meters + (v.Nz - 1) * dz).Max();
        int nz = (int)Math.Floor((top - z0) / dz + 1e-6) + 1;
        var grid = new VoxelGrid(new GridSize(g0.Size.Nx, g0.Size.Ny, nz), g0.Dx, g0.Dy, g0.Dz, new Vec3(g0.Origin.X, g0.Origin.Y, z0));
        int minOverlap = int.MaxValue;
        for (int k = 1; k < order.Length; k++)
        {
            double overlap = positions[order[k - 1]].Meters + (volumes[order[k - 1]].Nz - 1) * dz - positions[order[k]].Meters;
            minOverlap = Math.Min(minOverlap, (int)Math.Floor(overlap / dz) + 1);
        }
        int cone = options.ConeZoneSlices;
        int width = options.BlendSlices ?? Math.Max(1, minOverlap == int.MaxValue ? 1 : minOverlap - 2 * cone);
        var output = Volume<float>.Create(grid, volumes[order[0]].Quantity, context.Storage);
        int length = (int)grid.Size.SliceLength;
        var caches = volumes.Select(v => new SliceCache(v)).ToArray();
        var sum = new float[length];
        var lerp = new float[length];
        for (int z = 0; z < nz; z++)
        {
            context.Cancellation.ThrowIfCancellationRequested();
            double zp = z0 + z * dz;
            Array.Clear(sum);
            double weightSum = 0;
            for (int i = 0; i < volumes.Count; i++)
            {
                double f = (zp - positions[i].Meters) / dz;
                int n = volumes[i].Nz;
                if (f < -1e-6 || f > n - 1 + 1e-6) continue;
                f = Math.Clamp(f, 0, n - 1);
                double edge = Math.Min(f, n - 1 - f);
                double w = Ramp(edge, cone, width);
                // A slice only one scan covers keeps that scan's value whatever its weight.
                w = Math.Max(w, 1e-6);
                caches[i].Interpolate(f, lerp);
                System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(lerp, (float)w, sum, sum);
                weightSum += w;
            }
            if (weightSum > 0) System.Numerics.Tensors.TensorPrimitives.Multiply(sum, (float)(1 / weightSum), sum);
            output.WriteSlice(z, sum);
            context.Report(StepId, z + 1, nz);
        }
        var inv = CultureInfo.InvariantCulture;
        var parameters = new Dictionary<string, string>
        {
            ["volumes"] = volumes.Count.ToString(inv),
            ["positions"] = string.Join(", ", positions.Select(p => p.ToString())),
            ["cone_zone"] = $"{cone} slices",
            ["blend"] = $"sin² over {width} slices",
            ["registered"] = options.Register ? "true" : "false",
        };
        var provenance = volumes[order[0]].Provenance.Append(StepId, StepVersion, parameters, context.Backend, started, clock.Elapsed.TotalSeconds);
        return new Volume<float>(grid, output.Slices, output.Quantity, provenance);
    }

    /// <summary>Stitching weight at <paramref name="edge"/> slices from a scan's nearer end: 0 in the cone zone, then sin² up to 1.</summary>
    public static double Ramp(double edge, int coneZone, int width)
    {
        double t = (edge - coneZone + 1) / (width + 1);
        if (t <= 0) return 0;
        if (t >= 1) return 1;
        double s = Math.Sin(Math.PI / 2 * t);
        return s * s;
    }

    private static int[] CheckAndOrder(IReadOnlyList<Volume<float>> volumes)
    {
        if (volumes.Count == 0) throw new IncompatibleInputException($"{StepId}: no volumes to stitch.");
        var g = volumes[0].Grid;
        for (int i = 1; i < volumes.Count; i++)
        {
            var h = volumes[i].Grid;
            if (h.Size.Nx != g.Size.Nx || h.Size.Ny != g.Size.Ny)
                throw new IncompatibleInputException($"{StepId}: volume {i} has {h.Size.Ny}×{h.Size.Nx} voxels per slice; volume 0 has {g.Size.Ny}×{g.Size.Nx}. Reconstruct every scan on the same x–y grid.");
            if (!Same(h.Dx, g.Dx) || !Same(h.Dy, g.Dy) || !Same(h.Dz, g.Dz))
                throw new IncompatibleInputException($"{StepId}: volume {i} has voxels {h.Dx} × {h.Dy} × {h.Dz}; volume 0 has {g.Dx} × {g.Dy} × {g.Dz}.");
            if (Math.Abs(h.Origin.X - g.Origin.X) > 0.5 * g.Dx.Meters || Math.Abs(h.Origin.Y - g.Origin.Y) > 0.5 * g.Dy.Meters)
                throw new IncompatibleInputException($"{StepId}: volume {i} is shifted sideways from volume 0 by more than half a voxel; only vertical stacks are stitched.");
        }
        var order = Enumerable.Range(0, volumes.Count).OrderBy(i => volumes[i].Grid.Origin.Z).ToArray();
        double dz = g.Dz.Meters;
        for (int k = 1; k < order.Length; k++)
        {
            var a = volumes[order[k - 1]];
            var b = volumes[order[k]];
            double overlap = (a.Grid.Origin.Z + (a.Nz - 1) * dz - b.Grid.Origin.Z) / dz + 1;
            if (overlap < 2)
                throw new IncompatibleInputException($"{StepId}: volumes {order[k - 1]} and {order[k]} overlap by {overlap:F1} slices (nominal positions); stitching needs at least 2. " +
                    "Check the z origins of the grids (stage positions).");
        }
        return order;
    }

    private static bool Same(Length a, Length b) => Math.Abs(a.Meters - b.Meters) <= 1e-6 * a.Meters;

    private static double FindShift(Volume<float> a, Volume<float> b, double nominal, StitchOptions options, RunContext context)
    {
        int stride = options.RegistrationStride;
        int nx = a.Nx, ny = a.Ny;
        int sx = (nx + stride - 1) / stride, sy = (ny + stride - 1) / stride;
        int radius = options.SearchRadius;
        // Slices of A from the lowest that any candidate overlap reaches; all of B's slices up to the largest overlap.
        int aFirst = Math.Max(0, (int)Math.Floor(nominal - radius) - 1);
        int bCount = Math.Min(b.Nz, a.Nz - aFirst + 1);
        var aSlices = Subsample(a, aFirst, a.Nz - aFirst, stride, sx, sy);
        var bSlices = Subsample(b, 0, bCount, stride, sx, sy);
        int cone = options.ConeZoneSlices;
        double Metric(double shift)
        {
            // Output slice k of A (index aFirst + k) meets B at f = aFirst + k − shift.
            double sum = 0; long count = 0;
            for (int k = 0; k < aSlices.Length; k++)
            {
                int ia = aFirst + k;
                if (ia < cone || ia > a.Nz - 1 - cone) continue;
                double f = ia - shift;
                if (f < cone || f > bCount - 1 - cone || f > b.Nz - 1 - cone) continue;
                int f0 = (int)Math.Floor(f);
                float t = (float)(f - f0);
                var s0 = bSlices[f0];
                var s1 = bSlices[Math.Min(f0 + 1, bSlices.Length - 1)];
                var sa = aSlices[k];
                for (int i = 0; i < sa.Length; i++)
                {
                    double d = sa[i] - (s0[i] + t * (s1[i] - s0[i]));
                    sum += d * d;
                }
                count += sa.Length;
            }
            // Fewer than two overlapping slices do not constrain the shift.
            return count < 2L * sx * sy ? double.PositiveInfinity : sum / count;
        }
        double best = nominal, bestValue = Metric(nominal);
        for (int s = -radius; s <= radius; s++)
        {
            double v = Metric(Math.Round(nominal) + s);
            if (v < bestValue) { bestValue = v; best = Math.Round(nominal) + s; }
        }
        double centre = best;
        for (int i = -20; i <= 20; i++)
        {
            double shift = centre + i / 20.0;
            double v = Metric(shift);
            if (v < bestValue) { bestValue = v; best = shift; }
        }
        if (double.IsPositiveInfinity(bestValue))
            throw new IncompatibleInputException($"{StepId}: the volumes overlap too little outside the cone zones ({cone} slices) to register; lower ConeZoneSlices or turn registration off.");
        context.Log?.Invoke($"{StepId}: shift {best:F2} slices (nominal {nominal:F2}), mean squared difference {bestValue:G4}.");
        return best;
    }

    private static float[][] Subsample(Volume<float> v, int first, int count, int stride, int sx, int sy)
    {
        var result = new float[count][];
        var buffer = new float[v.Slices.FrameLength];
        for (int k = 0; k < count; k++)
        {
            v.ReadSlice(first + k, buffer);
            var s = result[k] = new float[sx * sy];
            for (int y = 0, i = 0; y < v.Ny; y += stride)
                for (int x = 0; x < v.Nx; x += stride) s[i++] = buffer[y * v.Nx + x];
        }
        return result;
    }

    /// <summary>Reads slices of one volume on demand, keeping the last two.</summary>
    private sealed class SliceCache(Volume<float> volume)
    {
        private readonly float[][] _data = [new float[volume.Slices.FrameLength], new float[volume.Slices.FrameLength]];
        private readonly int[] _index = [-1, -1];

        private float[] Get(int z)
        {
            if (_index[0] == z) return _data[0];
            if (_index[1] == z) return _data[1];
            int slot = _index[0] < _index[1] ? 0 : 1;
            volume.ReadSlice(z, _data[slot]);
            _index[slot] = z;
            return _data[slot];
        }

        public void Interpolate(double f, float[] destination)
        {
            int f0 = (int)Math.Floor(f);
            float t = (float)(f - f0);
            var s0 = Get(f0);
            if (t < 1e-6f || f0 + 1 >= volume.Nz) { s0.CopyTo(destination, 0); return; }
            var s1 = Get(f0 + 1);
            System.Numerics.Tensors.TensorPrimitives.Lerp(s0, s1, t, destination);
        }
    }
}
