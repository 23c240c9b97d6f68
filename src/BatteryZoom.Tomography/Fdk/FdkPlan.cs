// SPDX-License-Identifier: MIT
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using BatteryZoom.Core.Data;
using BatteryZoom.Core.Diagnostics;
using BatteryZoom.Core.Geometry;
using BatteryZoom.Numerics.Fft;
using BatteryZoom.Tomography.Fbp;

namespace BatteryZoom.Tomography.Fdk;

/// <summary>Which redundancy weighting a plan applies.</summary>
public enum FdkRedundancy
{
    /// <summary>Full scan, symmetric detector: ½ Δβ for every ray.</summary>
    FullScan,
    /// <summary>Short scan with Parker weights.</summary>
    Parker,
    /// <summary>Full scan with an offset detector and Wang weights.</summary>
    Wang,
    /// <summary>Short scan without redundancy weights (requested explicitly).</summary>
    ShortScanUnweighted,
}

/// <summary>Detector rows [First, Last] (inclusive) that the voxels of one slab project to; empty when Last &lt; First.</summary>
/// <param name="First">First detector row.</param>
/// <param name="Last">Last detector row.</param>
public readonly record struct SlabRows(int First, int Last)
{
    /// <summary>Number of rows (0 when empty).</summary>
    public int Count => Math.Max(0, Last - First + 1);
}

/// <summary>FDK for one circular cone-beam geometry and one target grid: weights, filter and backprojection constants
/// computed once (float64), then applied slab by slab.</summary>
/// <remarks>
/// <para>Each projection row is pre-weighted by <c>D_sd / √(D_sd² + u² + v²) · W(β, u) · Δβ · M / Δu</c> (cosine weight,
/// redundancy weight, quadrature weight, ramp scale for the pixel pitch Δu/M at the axis), padded, ramp-filtered through
/// the shared <see cref="FbpFilters.Response"/> and the Numerics FFT, and stored column-major
/// [column + guard][row + guard]. The backprojection adds <c>(D_so / L)² · q(col, row)</c> with bilinear interpolation, where
/// <c>L = D_so + x·d(β)</c>. For a circular orbit col and the weight depend on (x, y) only and row is linear in z, so
/// they are computed once per voxel column (float64) and the z loop runs in float32 SIMD (AVX2 gathers).</para>
/// <para>Thread-safe after creation. docs/algorithms/fdk.md gives the formulae and the validation.</para>
/// </remarks>
public sealed class FdkPlan
{
    private readonly double _dso, _dsd, _pw, _ph, _offU, _offV, _cu, _cv, _parkerDelta;
    private readonly double[] _cos, _sin, _scale, _u2;
    private readonly double[]? _wang;
    private readonly float[] _response;
    private readonly IRealFftPlan _fft;
    private readonly RowPadding _padding;
    private readonly double _lMin, _lMax;
    private readonly int _extraLeft, _extraRight;

    private FdkPlan(CircularConeBeam geometry, VoxelGrid grid, FdkOptions options, FdkWeights.AngleSet angles, FdkRedundancy redundancy, double parkerDelta)
    {
        (Geometry, Grid, Options, Angles, Redundancy, _parkerDelta) = (geometry, grid, options, angles, redundancy, parkerDelta);
        var det = geometry.Detector;
        (_dso, _dsd) = (geometry.SourceToAxis.Meters, geometry.SourceToDetector.Meters);
        (_pw, _ph, _offU, _offV) = (det.PixelWidth.Meters, det.PixelHeight.Meters, det.OffsetU.Meters, det.OffsetV.Meters);
        (_cu, _cv) = ((det.Columns - 1) / 2.0, (det.Rows - 1) / 2.0);
        int n = geometry.ProjectionCount;
        _cos = new double[n]; _sin = new double[n]; _scale = new double[n];
        double half = redundancy is FdkRedundancy.FullScan or FdkRedundancy.ShortScanUnweighted ? 0.5 : 1.0;
        double rampScale = geometry.Magnification / _pw;
        for (int a = 0; a < n; a++)
        {
            double th = geometry.Angles[a].Radians;
            _cos[a] = Math.Cos(th); _sin[a] = Math.Sin(th);
            _scale[a] = angles.Quadrature[a] * half * rampScale;
        }
        _u2 = new double[det.Columns];
        for (int j = 0; j < det.Columns; j++) { double u = ColumnU(j); _u2[j] = u * u; }
        if (redundancy == FdkRedundancy.Wang)
        {
            _wang = new double[det.Columns];
            double uMin = ColumnU(0), uMax = ColumnU(det.Columns - 1);
            for (int j = 0; j < det.Columns; j++) _wang[j] = FdkWeights.Wang(ColumnU(j), uMin, uMax, _pw);
            // The ramp filter of the weighted rows has tails beyond the short edge, where voxels of the far half of the
            // field still project: filter onto a detector made symmetric about the central ray and keep those columns.
            int missing = (int)Math.Ceiling((Math.Abs(uMax + uMin)) / _pw - 1e-9);
            if (uMax >= -uMin) _extraLeft = missing; else _extraRight = missing;
        }
        int extended = det.Columns + _extraLeft + _extraRight;
        PaddedLength = FftSize.NextFastEven(Math.Max(extended + 1, (int)Math.Ceiling(options.PaddingFactor * extended)));
        var response = FbpFilters.Response(options.Filter, options.Cutoff, PaddedLength);
        _response = response.Select(v => (float)v).ToArray();
        _fft = ManagedFft.Shared.CreateReal(PaddedLength);
        _padding = new RowPadding(det.Columns, PaddedLength, options.Padding);
        double r = FdkReconstruction.GridRadius(grid);
        (_lMin, _lMax) = (_dso - r, _dso + r);
    }

    /// <summary>The scan geometry.</summary>
    public CircularConeBeam Geometry { get; }
    /// <summary>The target grid.</summary>
    public VoxelGrid Grid { get; }
    /// <summary>The options.</summary>
    public FdkOptions Options { get; }
    /// <summary>Angle classification and quadrature weights.</summary>
    public FdkWeights.AngleSet Angles { get; }
    /// <summary>The redundancy weighting in use.</summary>
    public FdkRedundancy Redundancy { get; }
    /// <summary>Padded row length of the ramp filter.</summary>
    public int PaddedLength { get; }
    /// <summary>Filtered columns: the detector's, plus (Wang weighting) virtual columns that make it symmetric about the central ray.</summary>
    public int FilteredColumns => Geometry.Detector.Columns + _extraLeft + _extraRight;
    /// <summary>Columns of a filtered buffer: <see cref="FilteredColumns"/> plus one zero guard on each side.</summary>
    public int BufferColumns => FilteredColumns + 2;

    /// <summary>Floats of one filtered projection buffer for <paramref name="rows"/> detector rows (plus two guard rows).</summary>
    public long BufferLength(int rows) => (long)BufferColumns * (rows + 2) + BufferTail;

    // Readable floats after the last column: the AVX-512 kernel loads 32 rows from its first row.
    private const int BufferTail = 32;

    /// <summary>Creates a plan after checking geometry, grid and options.</summary>
    /// <exception cref="IncompatibleInputException">The source lies inside the reconstruction volume, or the angles cannot be weighted.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public static FdkPlan Create(CircularConeBeam geometry, VoxelGrid grid, FdkOptions? options = null, Action<string>? log = null)
    {
        ArgumentNullException.ThrowIfNull(geometry);
        ArgumentNullException.ThrowIfNull(grid);
        options ??= new FdkOptions();
        options.Validate();
        double radius = FdkReconstruction.GridRadius(grid);
        if (radius >= geometry.SourceToAxis.Meters)
            throw new IncompatibleInputException(
                $"{FdkReconstruction.StepId}: the source ({geometry.SourceToAxis} from the axis) lies inside the reconstruction volume, whose voxels reach " +
                $"{new Core.Units.Length(radius)} from the axis. Increase the source–axis distance or reconstruct a smaller grid.");
        FdkWeights.AngleSet angles;
        try { angles = FdkWeights.Classify(geometry.Angles); }
        catch (ArgumentException e) { throw new IncompatibleInputException($"{FdkReconstruction.StepId}: {e.Message}", e); }
        var det = geometry.Detector;
        double uMin = (0 - (det.Columns - 1) / 2.0) * det.PixelWidth.Meters + det.OffsetU.Meters;
        double uMax = (det.Columns - 1 - (det.Columns - 1) / 2.0) * det.PixelWidth.Meters + det.OffsetU.Meters;
        double halfFan = Math.Atan(Math.Max(Math.Abs(uMin), Math.Abs(uMax)) / geometry.SourceToDetector.Meters);
        FdkRedundancy redundancy;
        double delta = 0;
        if (angles.IsFullScan)
        {
            bool asymmetric = Math.Abs(uMax + uMin) > 0.1 * (uMax - uMin);
            bool wang = options.OffsetDetector == OffsetDetectorWeighting.Wang || (options.OffsetDetector == OffsetDetectorWeighting.Auto && asymmetric);
            redundancy = wang ? FdkRedundancy.Wang : FdkRedundancy.FullScan;
            if (asymmetric && !wang)
                log?.Invoke($"{FdkReconstruction.StepId}: the detector is offset ({det.OffsetU}) but Wang weighting is off: expect a ring of wrong density at the overlap radius.");
        }
        else
        {
            delta = (angles.Span - Math.PI) / 2;
            redundancy = options.ShortScan == ShortScanWeighting.None ? FdkRedundancy.ShortScanUnweighted : FdkRedundancy.Parker;
            if (angles.Span < Math.PI + 2 * halfFan - 1e-9)
                log?.Invoke($"{FdkReconstruction.StepId}: the scan covers {new Core.Units.Angle(angles.Span)}, less than 180° plus the fan angle " +
                    $"({new Core.Units.Angle(Math.PI + 2 * halfFan)}): rays near the detector edge lack data; expect streaks.");
            if (options.OffsetDetector == OffsetDetectorWeighting.Wang)
                log?.Invoke($"{FdkReconstruction.StepId}: Wang weighting applies to 360° scans only; this short scan uses Parker weights.");
        }
        return new FdkPlan(geometry, grid, options, angles, redundancy, delta);
    }

    private double ColumnU(int j) => (j - _cu) * _pw + _offU;

    /// <summary>Detector rows read by the slab of slices [z0, z0 + count) of the grid.</summary>
    /// <remarks>A voxel at height z and source distance L projects to row <c>(z·D_sd/L − OffsetV)/Δv + (rows − 1)/2</c>;
    /// the extremes over the slab's two end heights and L ∈ [D_so − r, D_so + r] (r = grid radius) bound the rows, plus one
    /// for the bilinear neighbour, clipped to the detector.</remarks>
    /// <exception cref="ArgumentOutOfRangeException">The slab lies outside the grid.</exception>
    public SlabRows RowsForSlab(int z0, int count)
    {
        if (z0 < 0 || count <= 0 || z0 + count > Grid.Size.Nz)
            throw new ArgumentOutOfRangeException(nameof(z0), $"slab [{z0}, {z0 + count}) is outside the grid's {Grid.Size.Nz} slices.");
        double zA = Grid.Origin.Z + z0 * Grid.Dz.Meters, zB = Grid.Origin.Z + (z0 + count - 1) * Grid.Dz.Meters;
        double lo = double.PositiveInfinity, hi = double.NegativeInfinity;
        foreach (double z in (ReadOnlySpan<double>)[zA, zB])
            foreach (double l in (ReadOnlySpan<double>)[_lMin, _lMax])
            {
                double row = (z * _dsd / l - _offV) / _ph + _cv;
                lo = Math.Min(lo, row); hi = Math.Max(hi, row);
            }
        int rows = Geometry.Detector.Rows;
        int first = (int)Math.Max(0, Math.Floor(lo)), last = (int)Math.Min(rows - 1, Math.Floor(hi) + 1);
        return last < first || hi < -1 || lo > rows ? new SlabRows(0, -1) : new SlabRows(first, last);
    }

    /// <summary>The most detector rows any slab of <paramref name="slabSlices"/> slices within [first, end) reads.</summary>
    public int MaxRowsForSlabs(int first, int end, int slabSlices)
    {
        int max = 0;
        for (int z0 = first; z0 < end; z0 += slabSlices) max = Math.Max(max, RowsForSlab(z0, Math.Min(slabSlices, end - z0)).Count);
        return max;
    }

    /// <summary>Scratch buffers for <see cref="FilterProjection"/>, one per thread.</summary>
    public sealed class Workspace
    {
        internal Workspace(int rows, int columns, int padded)
        {
            Padded = new float[(long)rows * padded];
            Natural = new float[padded];
            Filtered = new float[(long)rows * columns];
            Weights = new float[columns];
            Row = new float[columns];
            Rows = rows;
        }

        internal float[] Padded { get; }
        internal float[] Natural { get; }
        internal float[] Filtered { get; }
        internal float[] Weights { get; }
        internal float[] Row { get; }
        internal int Rows { get; }
        /// <summary>Bytes held.</summary>
        public long Bytes => 4L * (Padded.LongLength + Filtered.LongLength + Weights.Length + Row.Length);
    }

    /// <summary>Scratch for filtering up to <paramref name="maxRows"/> rows of one projection.</summary>
    public Workspace CreateWorkspace(int maxRows) => new(Math.Max(1, maxRows), FilteredColumns, PaddedLength);

    /// <summary>Bytes of one workspace for <paramref name="maxRows"/> rows.</summary>
    public long WorkspaceBytes(int maxRows) => 4L * (Math.Max(1, maxRows) * ((long)PaddedLength + FilteredColumns) + 2L * FilteredColumns + PaddedLength);

    /// <summary>Weights and filters rows <paramref name="rows"/> of projection <paramref name="index"/> into
    /// <paramref name="buffer"/> ([column + 1][row − First + 1], guards zero; length ≥ <see cref="BufferLength"/>).</summary>
    public void FilterProjection(ImageStack<float> projections, int index, SlabRows rows, float[] buffer, Workspace workspace)
    {
        ArgumentNullException.ThrowIfNull(projections);
        ArgumentNullException.ThrowIfNull(buffer);
        ArgumentNullException.ThrowIfNull(workspace);
        int nc = Geometry.Detector.Columns, nr = rows.Count, stride = nr + 2, n = PaddedLength;
        if (buffer.LongLength < BufferLength(nr)) throw new ArgumentException($"buffer holds {buffer.LongLength}; {BufferLength(nr)} needed.", nameof(buffer));
        if (nr > workspace.Rows) throw new ArgumentException($"workspace holds {workspace.Rows} rows; {nr} needed.", nameof(workspace));
        Array.Clear(buffer, 0, (int)BufferLength(nr));
        if (nr == 0) return;
        var w = workspace.Weights;
        ColumnWeights(index, w);
        var padded = workspace.Padded;
        for (int r = 0; r < nr; r++)
        {
            int row = rows.First + r;
            projections.ReadRow(index, row, workspace.Row);
            double v = (row - _cv) * _ph + _offV;
            double d2 = _dsd * _dsd + v * v;
            var dst = padded.AsSpan(r * n, n);
            var natural = _extraLeft > 0 ? workspace.Natural.AsSpan() : dst;
            for (int j = 0; j < nc; j++) natural[j] = (float)(workspace.Row[j] * w[j] * (_dsd / Math.Sqrt(d2 + _u2[j])));
            Pad(natural, nc);
            if (_extraLeft > 0)
            {
                // Rotate so the virtual columns come first: a circular shift of the input shifts the circular output.
                natural[(n - _extraLeft)..].CopyTo(dst);
                natural[..(n - _extraLeft)].CopyTo(dst[_extraLeft..]);
            }
        }
        int ne = FilteredColumns;
        _fft.Filter(padded.AsSpan(0, nr * n), workspace.Filtered.AsSpan(0, nr * ne), _response, nr, n, ne);
        var f = workspace.Filtered;
        for (int r = 0; r < nr; r++)
        {
            int src = r * ne;
            for (int j = 0; j < ne; j++) buffer[(j + 1) * stride + r + 1] = f[src + j];
        }
    }

    /// <summary>Per-column pre-weights of projection <paramref name="index"/> without the cosine factor: Δβ·(½ or redundancy)·M/Δu.</summary>
    public void ColumnWeights(int index, Span<float> weights)
    {
        int nc = Geometry.Detector.Columns;
        double scale = _scale[index];
        switch (Redundancy)
        {
            case FdkRedundancy.Wang:
                for (int j = 0; j < nc; j++) weights[j] = (float)(scale * _wang![j]);
                break;
            case FdkRedundancy.Parker:
                double beta = Math.Abs(Geometry.Angles[index].Radians - Geometry.Angles[0].Radians);
                for (int j = 0; j < nc; j++)
                    weights[j] = (float)(scale * FdkWeights.Parker(beta, FdkWeights.ParkerFanAngle(ColumnU(j), _dsd, Angles.Direction), _parkerDelta));
                break;
            default:
                weights[..nc].Fill((float)scale);
                break;
        }
    }

    // Data at [0, nc), the right extension after it and the left extension wrapped to the end (circular convolution); the
    // tapers are FBP's (RowPadding), so both reconstructions extend rows the same way.
    private void Pad(Span<float> padded, int nc)
    {
        var p = _padding;
        int n = padded.Length;
        float first = padded[0], last = padded[nc - 1];
        for (int m = 0; m < p.Right; m++) padded[nc + m] = (float)(last * p.RightTaper[m]);
        for (int k = 0; k < p.Left; k++) padded[n - p.Left + k] = (float)(first * p.LeftTaper[k]);
    }

    /// <summary>Adds the backprojection of filtered projections [<paramref name="firstProjection"/>, + buffers.Count) into the slab
    /// accumulator <paramref name="accumulator"/> laid out [y][x][z − z0] (z fastest, <paramref name="slabSlices"/> per column).</summary>
    /// <param name="buffers">Filtered buffers from <see cref="FilterProjection"/>, all for <paramref name="rows"/>.</param>
    /// <param name="firstProjection">Projection index of buffers[0].</param>
    /// <param name="count">Number of buffers to use.</param>
    /// <param name="rows">The detector rows the buffers hold.</param>
    /// <param name="z0">First grid slice of the slab.</param>
    /// <param name="slabSlices">Slices in the slab.</param>
    /// <param name="accumulator">Slab accumulator, at least Nx·Ny·slabSlices.</param>
    /// <param name="parallel">Threads and cancellation.</param>
    /// <param name="kernel">Inner z-loop implementation (Auto picks the fastest for the voxel/pixel ratio).</param>
    public void Backproject(IReadOnlyList<float[]> buffers, int firstProjection, int count, SlabRows rows, int z0, int slabSlices,
        float[] accumulator, ParallelOptions parallel, BackprojectionKernel kernel = BackprojectionKernel.Auto)
    {
        ArgumentNullException.ThrowIfNull(buffers);
        ArgumentNullException.ThrowIfNull(accumulator);
        ArgumentNullException.ThrowIfNull(parallel);
        int nx = Grid.Size.Nx, ny = Grid.Size.Ny;
        if (accumulator.LongLength < (long)nx * ny * slabSlices) throw new ArgumentException("accumulator too small.", nameof(accumulator));
        if (rows.Count == 0 || count == 0) return;
        int stride = rows.Count + 2;
        // Groups of projections whose buffers fit in about 1 MiB stay in cache while every row y reads them.
        int group = (int)Math.Clamp((1L << 19) / (4L * BufferColumns * stride), 1, count);
        for (int g0 = 0; g0 < count; g0 += group)
        {
            int g1 = Math.Min(count, g0 + group);
            Parallel.For(0, ny, parallel, y => BackprojectRow(y, buffers, firstProjection, g0, g1, rows, z0, slabSlices, accumulator, kernel));
        }
    }

    private unsafe void BackprojectRow(int y, IReadOnlyList<float[]> buffers, int firstProjection, int g0, int g1, SlabRows rows, int z0, int slabSlices,
        float[] accumulator, BackprojectionKernel kernel)
    {
        int nx = Grid.Size.Nx, nc = FilteredColumns, stride = rows.Count + 2;
        double ox = Grid.Origin.X, dx = Grid.Dx.Meters, yp = Grid.Origin.Y + y * Grid.Dy.Meters;
        double zLow = Grid.Origin.Z + z0 * Grid.Dz.Meters, dz = Grid.Dz.Meters;
        double rowOffset = _cv - rows.First + 1;
        double hiLimit = stride - 1 - 1e-3;
        // col = (t·D_sd/L − OffsetU)/Δu + cu + 1; row(iz) = ((z0 + iz·Δz)·D_sd/L − OffsetV)/Δv + cv − First + 1.
        double colScale = _dsd / _pw, colOffset = _cu + 1 + _extraLeft - _offU / _pw;
        double rowScale = _dsd / _ph, rowBase = rowOffset - _offV / _ph;
        double rowStep = dz * _dsd / _ph, invRowStep = 1 / rowStep;
        float[]? blendArray = null;
        bool usePermute = Avx512F.IsSupported && kernel is BackprojectionKernel.Auto or BackprojectionKernel.Permute;
        bool useBlend = kernel != BackprojectionKernel.FourTap && Avx2.IsSupported;
        if (useBlend)
        {
            blendArray = t_blend;
            if (blendArray is null || blendArray.Length < stride + 16) t_blend = blendArray = new float[stride + 64];
        }
        fixed (float* accBase = &accumulator[(long)y * nx * slabSlices])
        fixed (float* blendPtr = blendArray)
        {
            for (int k = g0; k < g1; k++)
            {
                int a = firstProjection + k;
                double cs = _cos[a], sn = _sin[a];
                double ty = yp * sn, sy = yp * cs;
                fixed (float* q = buffers[k])
                {
                    for (int x = 0; x < nx; x++)
                    {
                        double xp = ox + x * dx;
                        double t = xp * cs + ty, s = sy - xp * sn;
                        // One division per voxel column; everything else is multiplications (float64).
                        double invL = 1 / (_dso + s);
                        double col = t * invL * colScale + colOffset;
                        if (!(col >= 0 && col < nc + 1)) continue;
                        int c0 = (int)col;
                        float fc = (float)(col - c0);
                        double ratio = _dso * invL;
                        float weight = (float)(ratio * ratio);
                        double a0 = zLow * invL * rowScale + rowBase;
                        double b = invL * rowStep, invB = (_dso + s) * invRowStep;
                        int izLo = (int)Math.Max(0, Math.Ceiling((1e-3 - a0) * invB));
                        int izHi = (int)Math.Min(slabSlices - 1, Math.Floor((hiLimit - a0) * invB));
                        if (izHi < izLo) continue;
                        float* acc = accBase + (long)x * slabSlices;
                        float* q0 = q + (long)c0 * stride;
                        if (!Avx2.IsSupported || kernel == BackprojectionKernel.Scalar)
                            ScalarColumn(acc, q0, stride, fc, weight, a0, b, izLo, izHi);
                        else if (usePermute && b <= PermuteMaxStep)
                            PermuteColumn(acc, q0, stride, fc, weight, a0, b, izLo, izHi);
                        else if (useBlend && (kernel == BackprojectionKernel.Blend || b <= 1.5))
                            BlendColumn(acc, q0, stride, fc, weight, a0, b, izLo, izHi, blendPtr);
                        else
                            FourTapColumn(acc, q0, stride, fc, weight, a0, b, izLo, izHi);
                    }
                }
            }
        }
    }

    private static unsafe void ScalarColumn(float* acc, float* q0, int stride, float fc, float weight, double a0, double b, int izLo, int izHi)
    {
        float* q1 = q0 + stride;
        float fa = (float)a0, fb = (float)b;
        for (int iz = izLo; iz <= izHi; iz++)
        {
            float r = fa + iz * fb;
            int r0 = (int)r;
            float fr = r - r0;
            float lo = q0[r0] + fc * (q1[r0] - q0[r0]);
            float hi = q0[r0 + 1] + fc * (q1[r0 + 1] - q0[r0 + 1]);
            acc[iz] += weight * (lo + fr * (hi - lo));
        }
    }

    [ThreadStatic] private static float[]? t_blend;

    // 16 voxels of one column span at most 15·b + 2 rows; the two-register permute reaches 32, so b ≤ 1.9 always fits.
    private const double PermuteMaxStep = 1.9;

    private static readonly Vector512<float> Iota16 = Vector512.Create(0f, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);

    // AVX-512: the 16 voxels of a column run read at most 32 consecutive rows of each of the two detector columns, so two
    // contiguous loads per column, a blend in registers and two in-register permutes (vpermt2ps) replace the gathers.
    // The loads may run up to 31 floats past the rows used; BufferLength leaves that tail in every buffer.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void PermuteColumn(float* acc, float* q0, int stride, float fc, float weight, double a0, double b, int izLo, int izHi)
    {
        float* q1 = q0 + stride;
        var vfc = Vector512.Create(fc);
        var vw = Vector512.Create(weight);
        var vb = Vector512.Create((float)b);
        var va = Vector512.Create((float)a0);
        var one = Vector512<int>.One;
        int iz = izLo;
        for (; iz + 16 <= izHi + 1; iz += 16)
        {
            // Rows are ≥ 1e-3 here (izLo/izHi bounds), so truncation is floor.
            var r = Avx512F.FusedMultiplyAdd(Vector512.Create((float)iz) + Iota16, vb, va);
            var ri = Avx512F.ConvertToVector512Int32WithTruncation(r);
            var fr = r - Avx512F.ConvertToVector512Single(ri);
            int first = ri.ToScalar();
            var idx = ri - Vector512.Create(first);
            float* p0 = q0 + first, p1 = q1 + first;
            var a0v = Avx512F.LoadVector512(p0);
            var a1v = Avx512F.LoadVector512(p0 + 16);
            var lo = Avx512F.FusedMultiplyAdd(vfc, Avx512F.LoadVector512(p1) - a0v, a0v);
            var hi = Avx512F.FusedMultiplyAdd(vfc, Avx512F.LoadVector512(p1 + 16) - a1v, a1v);
            var g0 = Avx512F.PermuteVar16x32x2(lo, idx, hi);
            var g1 = Avx512F.PermuteVar16x32x2(lo, idx + one, hi);
            var v = Avx512F.FusedMultiplyAdd(fr, g1 - g0, g0);
            Avx512F.Store(acc + iz, Avx512F.FusedMultiplyAdd(vw, v, Avx512F.LoadVector512(acc + iz)));
        }
        if (iz <= izHi) ScalarColumn(acc, q0, stride, fc, weight, a0, b, iz, izHi);
    }

    private static readonly Vector256<float> Iota = Vector256.Create(0f, 1, 2, 3, 4, 5, 6, 7);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void FourTapColumn(float* acc, float* q0, int stride, float fc, float weight, double a0, double b, int izLo, int izHi)
    {
        float* q1 = q0 + stride;
        var vfc = Vector256.Create(fc);
        var vw = Vector256.Create(weight);
        var vb = Vector256.Create((float)b);
        float fa = (float)a0, fb = (float)b;
        int iz = izLo;
        for (; iz + 8 <= izHi + 1; iz += 8)
        {
            var r = Fma.MultiplyAdd(Vector256.Create((float)iz) + Iota, vb, Vector256.Create(fa));
            var rf = Avx.RoundToNegativeInfinity(r);
            var ri = Avx.ConvertToVector256Int32WithTruncation(rf);
            var fr = r - rf;
            var g00 = Avx2.GatherVector256(q0, ri, 4);
            var g01 = Avx2.GatherVector256(q0 + 1, ri, 4);
            var g10 = Avx2.GatherVector256(q1, ri, 4);
            var g11 = Avx2.GatherVector256(q1 + 1, ri, 4);
            var lo = Fma.MultiplyAdd(vfc, g10 - g00, g00);
            var hi = Fma.MultiplyAdd(vfc, g11 - g01, g01);
            var v = Fma.MultiplyAdd(fr, hi - lo, lo);
            Avx.Store(acc + iz, Fma.MultiplyAdd(vw, v, Avx.LoadVector256(acc + iz)));
        }
        if (iz <= izHi) ScalarColumn(acc, q0, stride, fc, weight, a0, b, iz, izHi);
    }

    // Blends the two neighbouring columns once over the rows the column needs, then gathers two taps per voxel.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void BlendColumn(float* acc, float* q0, int stride, float fc, float weight, double a0, double b, int izLo, int izHi, float* blend)
    {
        float* q1 = q0 + stride;
        float fa = (float)a0, fb = (float)b;
        // One spare row each side absorbs float rounding differences between this bound and the vector loop.
        int rA = Math.Max(0, (int)(fa + izLo * fb) - 1), rB = Math.Min(stride - 1, (int)(fa + izHi * fb) + 2);
        var vfc = Vector256.Create(fc);
        int r = rA;
        for (; r + 8 <= rB + 1; r += 8)
        {
            var x0 = Avx.LoadVector256(q0 + r);
            Avx.Store(blend + (r - rA), Fma.MultiplyAdd(vfc, Avx.LoadVector256(q1 + r) - x0, x0));
        }
        for (; r <= rB; r++) blend[r - rA] = q0[r] + fc * (q1[r] - q0[r]);
        var vw = Vector256.Create(weight);
        var vb = Vector256.Create(fb);
        var va = Vector256.Create(fa - rA);
        float fa2 = fa - rA;
        int iz = izLo;
        for (; iz + 8 <= izHi + 1; iz += 8)
        {
            var rv = Fma.MultiplyAdd(Vector256.Create((float)iz) + Iota, vb, va);
            var rf = Avx.RoundToNegativeInfinity(rv);
            var ri = Avx.ConvertToVector256Int32WithTruncation(rf);
            var fr = rv - rf;
            var g0 = Avx2.GatherVector256(blend, ri, 4);
            var g1 = Avx2.GatherVector256(blend + 1, ri, 4);
            var v = Fma.MultiplyAdd(fr, g1 - g0, g0);
            Avx.Store(acc + iz, Fma.MultiplyAdd(vw, v, Avx.LoadVector256(acc + iz)));
        }
        for (; iz <= izHi; iz++)
        {
            float rr = fa2 + iz * fb;
            int r0 = (int)rr;
            float fr = rr - r0;
            acc[iz] += weight * (blend[r0] + fr * (blend[r0 + 1] - blend[r0]));
        }
    }
}

/// <summary>Implementation of the backprojection z loop (for benchmarks and tests; Auto is right otherwise).</summary>
public enum BackprojectionKernel
{
    /// <summary>Permute (AVX-512) when voxels are no taller than 1.9 detector rows, else Blend up to 1.5 rows, four-tap gathers otherwise.</summary>
    Auto,
    /// <summary>Scalar float32 loop (the reference for the SIMD paths).</summary>
    Scalar,
    /// <summary>AVX2: four gathers per eight voxels.</summary>
    FourTap,
    /// <summary>AVX2: blend the two columns once, then two gathers per eight voxels.</summary>
    Blend,
    /// <summary>AVX-512: two loads per detector column, blend in registers and two permutes per sixteen voxels (voxels up to
    /// 1.9 detector rows tall; Blend otherwise).</summary>
    Permute,
}
