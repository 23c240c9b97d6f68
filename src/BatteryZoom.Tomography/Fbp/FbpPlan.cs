// SPDX-License-Identifier: MIT
using System.Numerics.Tensors;
using BatteryZoom.Core.Diagnostics;
using BatteryZoom.Core.Geometry;
using BatteryZoom.Core.Units;

namespace BatteryZoom.Tomography.Fbp;

/// <summary>Rows of sinograms to reconstruct: row <c>z</c> of projection <c>a</c>.</summary>
internal interface ISinogramSource
{
    void ReadRow(int angle, int z, Span<float> destination);
}

/// <summary>Filtered backprojection of one parallel-beam geometry: filter, angle weights and backprojection steps
/// computed once, then applied to any number of sinograms of that shape.</summary>
/// <remarks>
/// <c>μ(x, y) = (1/Δu) Σ_a Δθ_a · (p_a ∗ h)(c + (x cos θ_a + y sin θ_a)/Δu)</c>, with h the windowed ramp on unit
/// detector spacing, Δθ_a from <see cref="AngleWeights"/>, c the rotation-axis column and Δu the pixel width in metres, so a
/// sinogram of line integrals ∫μ ds gives μ in 1/m. Interpolation along the detector is linear. Thread-safe.
/// </remarks>
public sealed class FbpPlan
{
    private readonly float[] _base, _stepX, _stepY, _scale;
    private readonly bool[]? _mask;
    private readonly IRowFilter _filter;

    private FbpPlan(ParallelBeam geometry, FbpOptions options, IRowFilter filter, int nx, int ny, Length voxel, double center)
    {
        Geometry = geometry;
        Options = options;
        _filter = filter;
        (Nx, Ny, VoxelSize, CenterOfRotation) = (nx, ny, voxel, center);
        int n = geometry.ProjectionCount;
        double pw = geometry.Detector.PixelWidth.Meters, dx = voxel.Meters;
        var weights = AngleWeights.Compute(geometry.Angles);
        _base = new float[n]; _stepX = new float[n]; _stepY = new float[n]; _scale = new float[n];
        double ox = options.CentreX.Meters - (nx - 1) / 2.0 * dx, oy = options.CentreY.Meters - (ny - 1) / 2.0 * dx;
        (OriginX, OriginY) = (new Length(ox), new Length(oy));
        for (int a = 0; a < n; a++)
        {
            double th = geometry.Angles[a].Radians, cs = Math.Cos(th), sn = Math.Sin(th);
            _base[a] = (float)(center + 1 + (ox * cs + oy * sn) / pw);      // +1: guard column
            _stepX[a] = (float)(dx * cs / pw);
            _stepY[a] = (float)(dx * sn / pw);
            _scale[a] = (float)(weights[a] / pw);
        }
        if (options.CircularMask)
        {
            _mask = new bool[nx * ny];
            double r = Math.Min(nx, ny) / 2.0, cx = (nx - 1) / 2.0, cy = (ny - 1) / 2.0;
            for (int y = 0; y < ny; y++)
                for (int x = 0; x < nx; x++)
                    _mask[y * nx + x] = (x - cx) * (x - cx) + (y - cy) * (y - cy) <= r * r;
        }
    }

    /// <summary>The geometry this plan reconstructs.</summary>
    public ParallelBeam Geometry { get; }
    /// <summary>The options it was made with.</summary>
    public FbpOptions Options { get; }
    /// <summary>Output columns (x).</summary>
    public int Nx { get; }
    /// <summary>Output rows (y).</summary>
    public int Ny { get; }
    /// <summary>Output voxel size in x and y.</summary>
    public Length VoxelSize { get; }
    /// <summary>Lab x of the centre of output pixel (0, 0).</summary>
    public Length OriginX { get; }
    /// <summary>Lab y of the centre of output pixel (0, 0).</summary>
    public Length OriginY { get; }
    /// <summary>Rotation-axis column used (pixels from the centre of column 0).</summary>
    public double CenterOfRotation { get; }
    /// <summary>Padded row length used by the filter.</summary>
    public int PaddedLength { get; private init; }

    /// <summary>Prepares a plan.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    /// <exception cref="IncompatibleInputException">The rotation centre lies outside the detector.</exception>
    public static FbpPlan Create(ParallelBeam geometry, FbpOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(geometry);
        options ??= new FbpOptions();
        options.Validate();
        var det = geometry.Detector;
        double center = options.CenterOfRotation ?? geometry.CenterOfRotationPixels;
        if (!(center >= 0 && center <= det.Columns - 1))
            throw new IncompatibleInputException(
                $"reconstruct.fbp: the rotation centre {center:0.##} px lies outside the detector (columns 0..{det.Columns - 1}). " +
                "Check --center or the geometry's axis offset; for an offset-axis 360° scan convert with HalfAcquisition first.");
        int n = det.Columns;
        int padded = PaddedLengthFor(n, options.PaddingFactor);
        var padding = new RowPadding(n, padded, options.Padding);
        IRowFilter filter = UseDirectFilter
            ? new DirectRowFilter(padding, FbpFilters.SpatialKernel(options.Filter, options.Cutoff, padded))
            : new FftRowFilter(padding, FbpFilters.Response(options.Filter, options.Cutoff, padded));
        int size = options.OutputSize ?? n;
        var voxel = options.VoxelSize ?? det.PixelWidth;
        return new FbpPlan(geometry, options, filter, size, size, voxel, center) { PaddedLength = padded };
    }

    /// <summary>Test hook: filter by direct convolution (the exact O(N²) oracle) instead of the FFT.</summary>
    internal static bool UseDirectFilter { get; set; }

    internal static int PaddedLengthFor(int columns, double factor) =>
        BatteryZoom.Numerics.Fft.FftSize.NextFastEven(Math.Max(2, (int)Math.Ceiling(columns * factor)));

    /// <summary>Reconstructs one slice from one sinogram.</summary>
    /// <param name="sinogram">[angle, column] line integrals (dimensionless, ∫μ ds).</param>
    /// <param name="slice">[y, x] output, μ in 1/m; length ≥ Nx·Ny.</param>
    /// <param name="parallel">Thread limit and cancellation (default: all cores).</param>
    /// <exception cref="ArgumentException">A buffer is too short.</exception>
    /// <exception cref="IncompatibleInputException">The sinogram holds NaN or infinity.</exception>
    public void Execute(ReadOnlySpan<float> sinogram, Span<float> slice, ParallelOptions? parallel = null) =>
        ExecuteSlab(sinogram, 1, slice, parallel);

    /// <summary>Reconstructs <paramref name="count"/> slices from as many sinograms.</summary>
    /// <param name="sinograms">[slice][angle, column].</param>
    /// <param name="count">Number of sinograms.</param>
    /// <param name="slices">[slice][y, x] output in 1/m.</param>
    /// <param name="parallel">Thread limit and cancellation.</param>
    /// <exception cref="ArgumentException">A buffer is too short.</exception>
    /// <exception cref="IncompatibleInputException">A sinogram holds NaN or infinity.</exception>
    public void ExecuteSlab(ReadOnlySpan<float> sinograms, int count, Span<float> slices, ParallelOptions? parallel = null) =>
        Run(sinograms, count, slices, parallel, filter: true);

    /// <summary>Backprojection only: <c>slice = (1/Δu) Σ_a Δθ_a · q_a(t)</c> of sinograms that are already filtered (or, for an
    /// unfiltered input, the plain weighted backprojection). Same layouts as <see cref="ExecuteSlab"/>.</summary>
    /// <exception cref="ArgumentException">A buffer is too short.</exception>
    /// <exception cref="IncompatibleInputException">A sinogram holds NaN or infinity.</exception>
    public void BackprojectSlab(ReadOnlySpan<float> filteredSinograms, int count, Span<float> slices, ParallelOptions? parallel = null) =>
        Run(filteredSinograms, count, slices, parallel, filter: false);

    private void Run(ReadOnlySpan<float> sinograms, int count, Span<float> slices, ParallelOptions? parallel, bool filter)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        int na = Geometry.ProjectionCount, nc = Geometry.Detector.Columns;
        long need = (long)count * na * nc;
        if (sinograms.Length < need) throw new ArgumentException($"sinograms hold {sinograms.Length} values; {count} × {na} angles × {nc} columns need {need}.", nameof(sinograms));
        if (slices.Length < (long)count * Nx * Ny) throw new ArgumentException($"slices hold {slices.Length} values; {count} × {Ny} × {Nx} needed.", nameof(slices));
        var source = new ArraySource(sinograms[..(int)need].ToArray(), na, nc);
        parallel ??= new ParallelOptions();
        var image = new float[(long)Nx * Ny * SlabBackprojector.Lanes];
        for (int z0 = 0; z0 < count; z0 += SlabBackprojector.Lanes)
        {
            int lanes = Math.Min(SlabBackprojector.Lanes, count - z0);
            ReconstructBlock(source, z0, lanes, image, na, parallel, filter);
            for (int l = 0; l < lanes; l++) ExtractLane(image, l, slices.Slice((z0 + l) * Nx * Ny, Nx * Ny));
        }
    }

    /// <summary>Bytes of the working buffers for one 16-slice block with <paramref name="angleChunk"/> angles filtered at once.</summary>
    internal long BlockBytes(int angleChunk) =>
        4L * SlabBackprojector.Lanes * ((long)Nx * Ny + (long)angleChunk * (Geometry.Detector.Columns + 3));

    /// <summary>Filters rows [z0, z0+lanes) of every angle and backprojects them into <paramref name="image"/> [y][x][lane].</summary>
    internal void ReconstructBlock(ISinogramSource source, int z0, int lanes, float[] image, int angleChunk, ParallelOptions parallel, bool filter = true)
    {
        const int L = SlabBackprojector.Lanes;
        int na = Geometry.ProjectionCount, nc = Geometry.Detector.Columns, guarded = nc + 3;
        Array.Clear(image);
        angleChunk = Math.Clamp(angleChunk, 1, na);
        var sino = new float[(long)angleChunk * guarded * L];
        for (int a0 = 0; a0 < na; a0 += angleChunk)
        {
            int count = Math.Min(angleChunk, na - a0);
            if (count < angleChunk) Array.Clear(sino);
            Preprocessing.Parallelism.Run(() => Parallel.For(0, count, parallel, () => (new float[nc], new float[nc]), (i, _, buffers) =>
            {
                var (row, filtered) = buffers;
                int a = a0 + i;
                long baseIndex = (long)i * guarded * L;
                for (int l = 0; l < L; l++)
                {
                    if (l >= lanes)
                    {
                        for (int c = 0; c < guarded; c++) sino[baseIndex + c * L + l] = 0;
                        continue;
                    }
                    source.ReadRow(a, z0 + l, row);
                    float sum = TensorPrimitives.Sum<float>(row);
                    if (!float.IsFinite(sum)) throw NonFinite(row, a, z0 + l);
                    if (filter) _filter.Filter(row, filtered, _scale[a]);
                    else TensorPrimitives.Multiply(row, _scale[a], filtered);
                    sino[baseIndex + l] = 0;
                    for (int c = 0; c < nc; c++) sino[baseIndex + (c + 1) * L + l] = filtered[c];
                    sino[baseIndex + (nc + 1) * L + l] = 0;
                    sino[baseIndex + (nc + 2) * L + l] = 0;
                }
                return buffers;
            }, _ => { }));
            // Backproject this chunk: the kernel indexes angles from a0 through its own arrays.
            SlabBackprojector.Accumulate(sino, guarded, _base[a0..(a0 + count)], _stepX[a0..(a0 + count)], _stepY[a0..(a0 + count)],
                0, count, image, Nx, Ny, _mask, parallel);
        }
    }

    private static IncompatibleInputException NonFinite(ReadOnlySpan<float> row, int angle, int z)
    {
        int col = 0;
        while (col < row.Length && float.IsFinite(row[col])) col++;
        string what = col < row.Length && float.IsNaN(row[col]) ? "NaN" : "an infinite value";
        return new IncompatibleInputException(
            $"reconstruct.fbp: projection {angle}, row {z}, column {col} holds {what}. " +
            "Clean the data first (flat-field with clamping, zinger removal) or exclude the projection.");
    }

    /// <summary>Copies lane <paramref name="lane"/> of an image block [y][x][lane] to a slice [y][x].</summary>
    internal void ExtractLane(float[] image, int lane, Span<float> slice)
    {
        const int L = SlabBackprojector.Lanes;
        int n = Nx * Ny;
        for (int p = 0; p < n; p++) slice[p] = image[(long)p * L + lane];
    }

    private sealed class ArraySource(float[] data, int angles, int columns) : ISinogramSource
    {
        public void ReadRow(int angle, int z, Span<float> destination) =>
            data.AsSpan((int)(((long)z * angles + angle) * columns), columns).CopyTo(destination);
    }
}
