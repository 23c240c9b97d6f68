// SPDX-License-Identifier: MIT
using System.Diagnostics;
using System.Globalization;
using BatteryZoom.Core.Data;
using BatteryZoom.Core.Diagnostics;
using BatteryZoom.Core.Geometry;
using BatteryZoom.Core.Steps;
using BatteryZoom.Core.Units;

namespace BatteryZoom.Tomography.Fdk;

/// <summary>How FDK splits the work to stay within its memory budget.</summary>
/// <param name="SlabSlices">Slices per slab handed to the sink.</param>
/// <param name="ProjectionChunk">Projections filtered and held at once (all of them unless the budget is tight).</param>
/// <param name="MaxRows">Most detector rows one slab reads.</param>
/// <param name="PeakBytes">Working memory of this layout (accumulator, slab, filtered rows, thread buffers), runtime allowance excluded.</param>
public sealed record FdkLayout(int SlabSlices, int ProjectionChunk, int MaxRows, long PeakBytes);

/// <summary>Feldkamp–Davis–Kress reconstruction of a circular cone-beam scan (step "reconstruct.fdk"), slab by slab.</summary>
/// <remarks>Cosine pre-weighting, row-wise ramp filtering, distance-weighted backprojection with bilinear interpolation
/// [Feldkamp, Davis &amp; Kress 1984]; Parker weights for short scans, Wang weights for offset detectors. The volume is made in
/// z-slabs; each slab reads only the detector rows it projects to, so peak memory stays under the budget whatever the volume
/// size. Exact in the central plane only; docs/algorithms/fdk.md gives the formulae and the validation behind the tolerances.</remarks>
public static class FdkReconstruction
{
    /// <summary>Step id written to provenance.</summary>
    public const string StepId = "reconstruct.fdk";
    /// <summary>Step version; bumped when results change beyond test tolerance.</summary>
    public const int StepVersion = 1;
    /// <summary>Memory set aside from the budget for the .NET runtime, code and small objects (not planned by FDK).</summary>
    public static readonly MemorySize RuntimeAllowance = MemorySize.FromMebibytes(48);

    /// <summary>Reconstructs <paramref name="target"/> (or its slices [FirstSlice, EndSlice)) into one volume of μ (1/m),
    /// stored per <see cref="RunContext.Storage"/> (a scratch file when large).</summary>
    /// <exception cref="IncompatibleInputException">Not a circular cone-beam scan of line integrals, the source inside the volume, or a budget too small.</exception>
    /// <exception cref="UsageException">A slice range outside the target grid.</exception>
    public static Volume<float> Reconstruct(ProjectionSet scan, VoxelGrid target, FdkOptions? options = null, RunContext? context = null)
    {
        ArgumentNullException.ThrowIfNull(scan);
        ArgumentNullException.ThrowIfNull(target);
        options ??= new FdkOptions();
        context ??= RunContext.Default;
        var (first, end) = SliceRange(target, options);
        var grid = target.Slab(first, end - first);
        var volume = Volume<float>.Create(grid, Quantity.LinearAttenuation, context.Storage);
        var provenance = Reconstruct(scan, target, options, context, (z0, slab) =>
        {
            var buffer = new float[slab.Slices.FrameLength];
            for (int z = 0; z < slab.Nz; z++) { slab.ReadSlice(z, buffer); volume.WriteSlice(z0 + z, buffer); }
        });
        return new Volume<float>(grid, volume.Slices, Quantity.LinearAttenuation, provenance);
    }

    /// <summary>Reconstructs slab by slab and hands each finished slab to <paramref name="slabSink"/>(first slice index within the
    /// output — 0 for slice FirstSlice of the target —, slab volume on its own grid). The slab is reused afterwards: write or copy it
    /// before returning.</summary>
    /// <returns>The scan's provenance plus one "reconstruct.fdk" entry.</returns>
    /// <exception cref="IncompatibleInputException">Not a circular cone-beam scan of line integrals, the source inside the volume, or a budget too small.</exception>
    /// <exception cref="UsageException">A slice range outside the target grid.</exception>
    /// <exception cref="OperationCanceledException">The context was cancelled.</exception>
    public static Provenance Reconstruct(ProjectionSet scan, VoxelGrid target, FdkOptions options, RunContext context, Action<int, Volume<float>> slabSink)
    {
        ArgumentNullException.ThrowIfNull(scan);
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(slabSink);
        var started = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        var geometry = CheckScan(scan);
        var (first, end) = SliceRange(target, options);
        var plan = FdkPlan.Create(geometry, target, options, context.Log);
        var layout = Plan(plan, first, end, options, context);
        context.Log?.Invoke($"{StepId}: {end - first} slices in slabs of {layout.SlabSlices}, {layout.ProjectionChunk} of {geometry.ProjectionCount} projections at once, " +
            $"≤ {layout.MaxRows} detector rows per slab, working memory {new MemorySize(layout.PeakBytes)}; weighting {plan.Redundancy}.");
        Run(plan, scan.Projections, first, end, layout, context, slabSink);
        return scan.Provenance.Append(StepId, StepVersion, Parameters(plan, first, end, layout), context.Backend, started, clock.Elapsed.TotalSeconds);
    }

    /// <summary>The slab layout FDK would use for this scan, target and budget (no computation).</summary>
    /// <exception cref="IncompatibleInputException">See <see cref="Reconstruct(ProjectionSet, VoxelGrid, FdkOptions, RunContext, Action{int, Volume{float}})"/>.</exception>
    /// <exception cref="UsageException">A slice range outside the target grid.</exception>
    public static FdkLayout Layout(ProjectionSet scan, VoxelGrid target, FdkOptions? options = null, RunContext? context = null)
    {
        ArgumentNullException.ThrowIfNull(scan);
        ArgumentNullException.ThrowIfNull(target);
        options ??= new FdkOptions();
        context ??= RunContext.Default;
        var geometry = CheckScan(scan);
        var (first, end) = SliceRange(target, options);
        return Plan(FdkPlan.Create(geometry, target, options, context.Log), first, end, options, context);
    }

    /// <summary>Checks without computing: returns the problems that would stop <see cref="Reconstruct(ProjectionSet, VoxelGrid, FdkOptions?, RunContext?)"/>.</summary>
    public static IReadOnlyList<string> Check(ProjectionSet scan, VoxelGrid target, FdkOptions? options = null, RunContext? context = null)
    {
        try
        {
            Layout(scan, target, options, context);
            return [];
        }
        catch (Exception e) when (e is BatteryZoomException or ArgumentException)
        {
            return [e.Message];
        }
    }

    /// <summary>Radius of the cylinder about the rotation axis that holds every voxel centre of <paramref name="grid"/>.</summary>
    public static double GridRadius(VoxelGrid grid) => ConeBeam.ConeGeometry.GridRadius(grid);

    private static CircularConeBeam CheckScan(ProjectionSet scan)
    {
        if (scan.Geometry is not CircularConeBeam geometry)
        {
            string hint = scan.Geometry.IsParallel ? "Use reconstruct.fbp for parallel beam." :
                "FDK needs a circular orbit with an untilted detector: rectify tilted projections with TiltRectifier.Rectify first.";
            throw new IncompatibleInputException($"{StepId}: needs CircularConeBeam geometry; got {scan.Geometry.GetType().Name} ({scan.Geometry.ProjectionCount} projections). {hint}");
        }
        if (scan.Domain != IntensityDomain.LineIntegral)
            throw new IncompatibleInputException($"{StepId}: needs line integrals (−ln I/I0); the scan holds {scan.Domain} values. Run preprocess.flatfield first.");
        geometry.CheckMatches(scan.Projections.Count, scan.Projections.Rows, scan.Projections.Columns, StepId);
        return geometry;
    }

    private static (int First, int End) SliceRange(VoxelGrid target, FdkOptions options)
    {
        int nz = target.Size.Nz;
        int first = options.FirstSlice ?? 0, end = options.EndSlice ?? nz;
        if (first < 0 || end > nz || end <= first)
            throw new UsageException($"{StepId}: the slice range [{first}, {end}) is empty or outside the target volume's slices 0..{nz - 1}; give A:B with 0 ≤ A < B ≤ {nz}.");
        return (first, end);
    }

    private static FdkLayout Plan(FdkPlan plan, int first, int end, FdkOptions options, RunContext context)
    {
        long budget = (options.MemoryBudget ?? context.Storage.Budget).Bytes - RuntimeAllowance.Bytes;
        int nx = plan.Grid.Size.Nx, ny = plan.Grid.Size.Ny, total = end - first;
        int n = plan.Geometry.ProjectionCount, threads = Math.Max(1, context.MaxDegreeOfParallelism);
        long sliceBytes = 4L * nx * ny;
        long Need(int slab, int rows, int chunk) =>
            2 * sliceBytes * slab + 4L * chunk * plan.BufferLength(rows) + threads * (plan.WorkspaceBytes(rows) + 4L * (rows + 80));
        int maxSlab = (int)Math.Min(total, Array.MaxLength / Math.Max(1L, nx * (long)ny));
        if (options.SlabSlices is { } forced)
        {
            int s = Math.Min(forced, maxSlab);
            int rows = plan.MaxRowsForSlabs(first, end, s);
            long fixedBytes = Need(s, rows, 0);
            int chunk = (int)Math.Clamp((budget - fixedBytes) / Math.Max(1, 4L * plan.BufferLength(rows)), 1, n);
            return new FdkLayout(s, chunk, rows, Need(s, rows, chunk));
        }
        // Largest slab (in steps of 8 slices) whose filtered rows of every projection fit.
        int best = 0;
        for (int s = maxSlab; s >= 1; s = s > 8 ? s - 8 : s - 1)
        {
            int rows = plan.MaxRowsForSlabs(first, end, s);
            if (Need(s, rows, n) <= budget) { best = s; break; }
            if (s <= 8 && Need(s, rows, 1) > budget) continue;
        }
        if (best > 0)
        {
            int rows = plan.MaxRowsForSlabs(first, end, best);
            return new FdkLayout(best, n, rows, Need(best, rows, n));
        }
        // Not even a thin slab holds all projections: hold a chunk of them at a time.
        int slab = Math.Min(8, total);
        int r8 = plan.MaxRowsForSlabs(first, end, slab);
        long spare = budget - Need(slab, r8, 0);
        int c = (int)Math.Min(n, spare / Math.Max(1, 4L * plan.BufferLength(r8)));
        if (c < 1)
            throw new IncompatibleInputException(
                $"{StepId}: the memory budget {new MemorySize(budget + RuntimeAllowance.Bytes)} is below the " +
                $"{new MemorySize(Need(slab, r8, 1) + RuntimeAllowance.Bytes)} one {slab}-slice slab of {ny}×{nx} voxels needs " +
                $"(including {RuntimeAllowance} for the runtime). Raise --memory or reconstruct a smaller grid.");
        return new FdkLayout(slab, c, r8, Need(slab, r8, c));
    }

    private static void Run(FdkPlan plan, ImageStack<float> projections, int first, int end, FdkLayout layout, RunContext context, Action<int, Volume<float>> sink)
    {
        int nx = plan.Grid.Size.Nx, ny = plan.Grid.Size.Ny, n = plan.Geometry.ProjectionCount;
        int slabSlices = layout.SlabSlices, chunk = layout.ProjectionChunk;
        var acc = new float[(long)nx * ny * slabSlices];
        var buffers = new float[chunk][];
        long bufferLength = plan.BufferLength(layout.MaxRows);
        for (int i = 0; i < chunk; i++) buffers[i] = new float[bufferLength];
        int threads = Math.Max(1, Math.Min(context.MaxDegreeOfParallelism, chunk));
        var workspaces = new FdkPlan.Workspace[threads];
        for (int i = 0; i < threads; i++) workspaces[i] = plan.CreateWorkspace(layout.MaxRows);
        var parallel = context.ParallelOptions;
        Volume<float>? slabVolume = null;
        int total = end - first;
        try
        {
            for (int s0 = 0; s0 < total; s0 += slabSlices)
            {
                context.Cancellation.ThrowIfCancellationRequested();
                int count = Math.Min(slabSlices, total - s0);
                int z0 = first + s0;
                var rows = plan.RowsForSlab(z0, count);
                Array.Clear(acc);
                for (int a0 = 0; a0 < n; a0 += chunk)
                {
                    int m = Math.Min(chunk, n - a0);
                    Parallel.For(0, threads, parallel, t =>
                    {
                        for (int k = t; k < m; k += threads)
                        {
                            parallel.CancellationToken.ThrowIfCancellationRequested();
                            plan.FilterProjection(projections, a0 + k, rows, buffers[k], workspaces[t]);
                        }
                    });
                    plan.Backproject(buffers, a0, m, rows, z0, count, acc, parallel);
                }
                if (slabVolume is null || slabVolume.Nz != count)
                {
                    slabVolume?.Dispose();
                    slabVolume = Volume<float>.Create(plan.Grid.Slab(z0, count), Quantity.LinearAttenuation, StorageOptions.InMemory);
                }
                var output = new Volume<float>(plan.Grid.Slab(z0, count), slabVolume.Slices, Quantity.LinearAttenuation);
                Parallel.For(0, count, parallel, z =>
                {
                    var slice = output.GetSlice(z);
                    for (long i = 0, src = z; i < slice.Length; i++, src += count) slice[(int)i] = acc[src];
                });
                sink(s0, output);
                context.Report(StepId, s0 + count, total, $"slices {z0}..{z0 + count - 1}");
            }
        }
        finally
        {
            slabVolume?.Dispose();
        }
    }

    private static Dictionary<string, string> Parameters(FdkPlan plan, int first, int end, FdkLayout layout)
    {
        var g = plan.Geometry;
        var o = plan.Options;
        var inv = CultureInfo.InvariantCulture;
        return new Dictionary<string, string>
        {
            ["filter"] = o.Filter.ToString(),
            ["cutoff"] = o.Cutoff.ToString("G6", inv) + " Nyquist",
            ["padding"] = $"{o.Padding} to {plan.PaddedLength} px",
            ["source_axis"] = g.SourceToAxis.ToString(),
            ["source_detector"] = g.SourceToDetector.ToString(),
            ["pixel"] = $"{g.Detector.PixelWidth} × {g.Detector.PixelHeight}",
            ["detector_offset"] = $"u {g.Detector.OffsetU}, v {g.Detector.OffsetV}",
            ["angles"] = $"{g.ProjectionCount} over {new Angle(plan.Angles.Span)}",
            ["weighting"] = plan.Redundancy.ToString(),
            ["voxel_size"] = $"{plan.Grid.Dx} × {plan.Grid.Dy} × {plan.Grid.Dz}",
            ["output"] = $"{plan.Grid.Size}, slices {first}:{end}",
            ["slab_slices"] = layout.SlabSlices.ToString(inv),
            ["interpolation"] = "bilinear",
        };
    }
}
