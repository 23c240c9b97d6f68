// SPDX-License-Identifier: MIT
using BatteryZoom.Core.Data;
using BatteryZoom.Core.Diagnostics;
using BatteryZoom.Core.Geometry;
using BatteryZoom.Core.Steps;

namespace BatteryZoom.Tomography.ConeBeam;

/// <summary>Ray-driven (Joseph) cone-beam projector and its exact adjoint, for any per-projection pose (circular orbit,
/// tilted detector, vector geometry).</summary>
/// <remarks>
/// A ray runs from the source to a pixel centre. Along its dominant axis a (largest step in voxel units) it is sampled once
/// per voxel plane; in each plane the volume is interpolated bilinearly in the two other axes (zero outside the grid), and
/// the sample is weighted by the ray length between planes, <c>|P − S| / |e_a|</c> (Joseph 1982). The backprojector spreads
/// each pixel value with exactly the same weights, so <c>⟨A x, y⟩ = ⟨x, Aᵀ y⟩</c> up to float rounding (tested). Volumes in
/// 1/m give line integrals (dimensionless); geometry is float64.
/// </remarks>
public static class ConeProjector
{
    /// <summary>Step id written to provenance by <see cref="Project"/>.</summary>
    public const string ProjectStepId = "project.cone";

    /// <summary>Forward projection A x: line integrals [projection, row, column] of <paramref name="volume"/> through <paramref name="geometry"/>.</summary>
    /// <exception cref="IncompatibleInputException">The geometry is parallel-beam.</exception>
    public static ProjectionSet Project(Volume<float> volume, AcquisitionGeometry geometry, RunContext? context = null)
    {
        ArgumentNullException.ThrowIfNull(volume);
        ArgumentNullException.ThrowIfNull(geometry);
        context ??= RunContext.Default;
        CheckCone(geometry);
        var slices = LoadSlices(volume);
        var det = geometry.Detector;
        var stack = ImageStack<float>.Create(geometry.ProjectionCount, det.Rows, det.Columns, context.Storage);
        Parallel.For(0, geometry.ProjectionCount, context.ParallelOptions, () => new float[det.Rows * det.Columns], (a, _, frame) =>
        {
            ProjectFrame(slices, volume.Grid, geometry.PoseAt(a), det, frame);
            stack.WriteFrame(a, frame);
            return frame;
        }, _ => { });
        return new ProjectionSet(stack, geometry, IntensityDomain.LineIntegral, provenance: volume.Provenance);
    }

    /// <summary>Backprojection Aᵀ y: the exact adjoint of <see cref="Project"/> onto <paramref name="grid"/>.</summary>
    /// <exception cref="IncompatibleInputException">The geometry is parallel-beam or does not match the projections.</exception>
    public static Volume<float> Backproject(ImageStack<float> projections, AcquisitionGeometry geometry, VoxelGrid grid, RunContext? context = null)
    {
        ArgumentNullException.ThrowIfNull(projections);
        ArgumentNullException.ThrowIfNull(geometry);
        ArgumentNullException.ThrowIfNull(grid);
        context ??= RunContext.Default;
        CheckCone(geometry);
        geometry.CheckMatches(projections.Count, projections.Rows, projections.Columns, "cone backprojection");
        var det = geometry.Detector;
        int n = geometry.ProjectionCount;
        int chunks = Math.Max(1, Math.Min(n, context.MaxDegreeOfParallelism));
        var partial = new float[chunks][][];
        Parallel.For(0, chunks, context.ParallelOptions, c =>
        {
            var acc = NewSlices(grid);
            var frame = new float[det.Rows * det.Columns];
            for (int a = (int)((long)n * c / chunks); a < (int)((long)n * (c + 1) / chunks); a++)
            {
                projections.ReadFrame(a, frame);
                BackprojectFrame(frame, geometry.PoseAt(a), det, acc, grid);
            }
            partial[c] = acc;
        });
        var result = partial[0];
        for (int c = 1; c < chunks; c++)
            for (int z = 0; z < result.Length; z++)
                System.Numerics.Tensors.TensorPrimitives.Add(result[z], partial[c][z], result[z]);
        var volume = Volume<float>.Create(grid, Quantity.Unknown, context.Storage);
        for (int z = 0; z < result.Length; z++) volume.WriteSlice(z, result[z]);
        return volume;
    }

    /// <summary>Projects slices [z][y·Nx + x] on <paramref name="grid"/> into one frame [row, column] for <paramref name="pose"/>.</summary>
    public static void ProjectFrame(float[][] slices, VoxelGrid grid, ProjectionPose pose, Detector detector, Span<float> frame,
        int firstColumn = 0, int columnCount = -1)
    {
        ArgumentNullException.ThrowIfNull(slices);
        ArgumentNullException.ThrowIfNull(grid);
        ArgumentNullException.ThrowIfNull(detector);
        if (columnCount < 0) columnCount = detector.Columns - firstColumn;
        double cu = (detector.Columns - 1) / 2.0, cv = (detector.Rows - 1) / 2.0;
        for (int row = 0; row < detector.Rows; row++)
            for (int col = firstColumn; col < firstColumn + columnCount; col++)
            {
                Vec3 pixel = pose.DetectorCentre + pose.U * (col - cu) + pose.V * (row - cv);
                var walk = RayWalk.Create(pose.Source, pixel, grid);
                frame[row * detector.Columns + col] = walk.IsEmpty ? 0f : (float)walk.Integrate(slices);
            }
    }

    /// <summary>Adds the adjoint of <see cref="ProjectFrame"/> for one frame into <paramref name="accumulator"/> [z][y·Nx + x].</summary>
    public static void BackprojectFrame(ReadOnlySpan<float> frame, ProjectionPose pose, Detector detector, float[][] accumulator, VoxelGrid grid)
    {
        ArgumentNullException.ThrowIfNull(detector);
        ArgumentNullException.ThrowIfNull(accumulator);
        ArgumentNullException.ThrowIfNull(grid);
        double cu = (detector.Columns - 1) / 2.0, cv = (detector.Rows - 1) / 2.0;
        for (int row = 0; row < detector.Rows; row++)
            for (int col = 0; col < detector.Columns; col++)
            {
                float value = frame[row * detector.Columns + col];
                if (value == 0) continue;
                Vec3 pixel = pose.DetectorCentre + pose.U * (col - cu) + pose.V * (row - cv);
                var walk = RayWalk.Create(pose.Source, pixel, grid);
                if (!walk.IsEmpty) walk.Spread(accumulator, value);
            }
    }

    /// <summary>Copies a volume into jagged slices [z][y·Nx + x] (the layout the projector reads).</summary>
    public static float[][] LoadSlices(Volume<float> volume)
    {
        ArgumentNullException.ThrowIfNull(volume);
        var slices = NewSlices(volume.Grid);
        for (int z = 0; z < slices.Length; z++) volume.ReadSlice(z, slices[z]);
        return slices;
    }

    private static float[][] NewSlices(VoxelGrid grid)
    {
        var s = new float[grid.Size.Nz][];
        for (int z = 0; z < s.Length; z++) s[z] = new float[grid.Size.SliceLength];
        return s;
    }

    private static void CheckCone(AcquisitionGeometry geometry)
    {
        if (geometry.IsParallel)
            throw new IncompatibleInputException($"{ProjectStepId}: needs a cone-beam geometry (point source); got {geometry.GetType().Name} with parallel rays.");
    }

    /// <summary>One ray in voxel-index coordinates: sample k along axis A at (B, C) = (B0 + k·DB, C0 + k·DC).</summary>
    private readonly struct RayWalk
    {
        private readonly int _axis, _k0, _k1, _nx, _ny, _nz;
        private readonly double _b0, _db, _c0, _dc, _weight;

        private RayWalk(int axis, int k0, int k1, double b0, double db, double c0, double dc, double weight, GridSize size)
        {
            (_axis, _k0, _k1, _b0, _db, _c0, _dc, _weight) = (axis, k0, k1, b0, db, c0, dc, weight);
            (_nx, _ny, _nz) = (size.Nx, size.Ny, size.Nz);
        }

        public bool IsEmpty => _k1 < _k0;

        public static RayWalk Create(Vec3 source, Vec3 pixel, VoxelGrid grid)
        {
            var o = grid.Origin;
            double dx = grid.Dx.Meters, dy = grid.Dy.Meters, dz = grid.Dz.Meters;
            Span<double> s = [(source.X - o.X) / dx, (source.Y - o.Y) / dy, (source.Z - o.Z) / dz];
            Span<double> e = [(pixel.X - source.X) / dx, (pixel.Y - source.Y) / dy, (pixel.Z - source.Z) / dz];
            Span<int> n = [grid.Size.Nx, grid.Size.Ny, grid.Size.Nz];
            int a = Math.Abs(e[0]) >= Math.Abs(e[1]) ? 0 : 1;
            if (Math.Abs(e[2]) > Math.Abs(e[a])) a = 2;
            int b = a == 0 ? 1 : 0, c = a == 2 ? 1 : 2;
            double db = e[b] / e[a], dc = e[c] / e[a];
            double b0 = s[b] - s[a] * db, c0 = s[c] - s[a] * dc;
            double lo = 0, hi = n[a] - 1;
            // Only the part beyond the source (t ≥ 0).
            if (e[a] > 0) lo = Math.Max(lo, s[a]); else hi = Math.Min(hi, s[a]);
            Clip(b0, db, n[b], ref lo, ref hi);
            Clip(c0, dc, n[c], ref lo, ref hi);
            int k0 = (int)Math.Ceiling(lo), k1 = (int)Math.Floor(hi);
            double length = (pixel - source).Norm / Math.Abs(e[a]);
            return new RayWalk(a, k0, k1, b0, db, c0, dc, length, grid.Size);
        }

        // Keeps k where p0 + k·dp lies in [−1, n] (beyond that no bilinear weight reaches the grid).
        private static void Clip(double p0, double dp, int n, ref double lo, ref double hi)
        {
            if (dp == 0)
            {
                if (p0 < -1 || p0 > n) { lo = 1; hi = 0; }
                return;
            }
            double k1 = (-1 - p0) / dp, k2 = (n - p0) / dp;
            lo = Math.Max(lo, Math.Min(k1, k2));
            hi = Math.Min(hi, Math.Max(k1, k2));
        }

        public double Integrate(float[][] v)
        {
            double sum = 0;
            for (int k = _k0; k <= _k1; k++)
            {
                double pb = _b0 + k * _db, pc = _c0 + k * _dc;
                int ib = (int)Math.Floor(pb), ic = (int)Math.Floor(pc);
                double fb = pb - ib, fc = pc - ic;
                sum += (1 - fb) * ((1 - fc) * Get(v, k, ib, ic) + fc * Get(v, k, ib, ic + 1))
                     + fb * ((1 - fc) * Get(v, k, ib + 1, ic) + fc * Get(v, k, ib + 1, ic + 1));
            }
            return sum * _weight;
        }

        public void Spread(float[][] v, float value)
        {
            double w = value * _weight;
            for (int k = _k0; k <= _k1; k++)
            {
                double pb = _b0 + k * _db, pc = _c0 + k * _dc;
                int ib = (int)Math.Floor(pb), ic = (int)Math.Floor(pc);
                double fb = pb - ib, fc = pc - ic;
                Add(v, k, ib, ic, w * (1 - fb) * (1 - fc));
                Add(v, k, ib, ic + 1, w * (1 - fb) * fc);
                Add(v, k, ib + 1, ic, w * fb * (1 - fc));
                Add(v, k, ib + 1, ic + 1, w * fb * fc);
            }
        }

        private float Get(float[][] v, int k, int ib, int ic)
        {
            var (x, y, z) = Xyz(k, ib, ic);
            if ((uint)x >= (uint)_nx || (uint)y >= (uint)_ny || (uint)z >= (uint)_nz) return 0;
            return v[z][y * _nx + x];
        }

        private void Add(float[][] v, int k, int ib, int ic, double value)
        {
            var (x, y, z) = Xyz(k, ib, ic);
            if ((uint)x >= (uint)_nx || (uint)y >= (uint)_ny || (uint)z >= (uint)_nz) return;
            v[z][y * _nx + x] += (float)value;
        }

        private (int X, int Y, int Z) Xyz(int k, int ib, int ic) => _axis switch
        {
            0 => (k, ib, ic),
            1 => (ib, k, ic),
            _ => (ib, ic, k),
        };
    }
}
