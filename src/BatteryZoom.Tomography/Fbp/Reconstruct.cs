// SPDX-License-Identifier: MIT
using System.Diagnostics;
using System.Globalization;
using BatteryZoom.Core.Data;
using BatteryZoom.Core.Diagnostics;
using BatteryZoom.Core.Geometry;
using BatteryZoom.Core.Steps;
using BatteryZoom.Core.Units;

namespace BatteryZoom.Tomography.Fbp;

/// <summary>Library entry points for parallel-beam reconstruction (scikit-image style).</summary>
public static class Reconstruct
{
    /// <summary>Step id written to provenance.</summary>
    public const string FbpStepId = "reconstruct.fbp";
    /// <summary>Step version; bumped when results change beyond test tolerance.</summary>
    public const int FbpStepVersion = 1;

    /// <summary>Reconstructs rows [FirstSlice, EndSlice) of a line-integral scan into one volume (μ in 1/m).</summary>
    /// <remarks>The volume is stored per <see cref="RunContext.Storage"/> (a scratch file when large); the work is done slab by
    /// slab under <see cref="FbpOptions.MemoryBudget"/>. See <see cref="Fbp(ProjectionSet, FbpOptions, RunContext, Action{int, Volume{float}})"/>.</remarks>
    /// <exception cref="IncompatibleInputException">Not parallel-beam, not line integrals, centre outside the detector, NaN/∞ in the data, or the budget is too small.</exception>
    /// <exception cref="UsageException">An empty or out-of-range slice range.</exception>
    public static Volume<float> Fbp(ProjectionSet scan, FbpOptions? options = null, RunContext? context = null)
    {
        ArgumentNullException.ThrowIfNull(scan);
        options ??= new FbpOptions();
        context ??= RunContext.Default;
        var layout = FbpReconstructor.Create(scan, options, context);
        var volume = Volume<float>.Create(layout.Grid, Quantity.LinearAttenuation, context.Storage);
        var provenance = layout.Run(context, (z0, slab) =>
        {
            var buffer = new float[slab.Slices.FrameLength];
            for (int z = 0; z < slab.Nz; z++) { slab.ReadSlice(z, buffer); volume.WriteSlice(z0 + z, buffer); }
        });
        return new Volume<float>(volume.Grid, volume.Slices, Quantity.LinearAttenuation, provenance);
    }

    /// <summary>Reconstructs slab by slab and hands each finished slab to <paramref name="onSlab"/> (first slice index within
    /// the output, slab volume); the slab is reused afterwards, so copy or write it before returning.</summary>
    /// <returns>The provenance of the result: the scan's entries plus one "reconstruct.fbp" entry.</returns>
    /// <exception cref="IncompatibleInputException">Not parallel-beam, not line integrals, centre outside the detector, NaN/∞ in the data, or the budget is too small.</exception>
    /// <exception cref="UsageException">An empty or out-of-range slice range.</exception>
    /// <exception cref="OperationCanceledException">The context's token was cancelled.</exception>
    public static Provenance Fbp(ProjectionSet scan, FbpOptions options, RunContext context, Action<int, Volume<float>> onSlab)
    {
        ArgumentNullException.ThrowIfNull(scan);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(onSlab);
        return FbpReconstructor.Create(scan, options, context).Run(context, onSlab);
    }
}

/// <summary>Slab-streaming FBP of a <see cref="ProjectionSet"/>: sizes slabs to a memory budget, reads the sinogram rows of
/// each slab, reconstructs and hands the slab on.</summary>
public sealed class FbpReconstructor
{
    private readonly ProjectionSet _scan;
    private readonly int _first, _end, _angleChunk, _blocksPerSlab;

    private FbpReconstructor(ProjectionSet scan, FbpPlan plan, VoxelGrid grid, int first, int end, int angleChunk, int blocksPerSlab)
    {
        (_scan, Plan, Grid, _first, _end, _angleChunk, _blocksPerSlab) = (scan, plan, grid, first, end, angleChunk, blocksPerSlab);
    }

    /// <summary>The plan (filter, weights, centre) in use.</summary>
    public FbpPlan Plan { get; }
    /// <summary>Grid of the whole output (slices [FirstSlice, EndSlice)).</summary>
    public VoxelGrid Grid { get; }
    /// <summary>Slices per slab handed to the callback.</summary>
    public int SlabSlices => _blocksPerSlab * SlabBackprojector.Lanes;
    /// <summary>Angles filtered per pass (all of them unless the budget is tight).</summary>
    public int AngleChunk => _angleChunk;

    /// <summary>Checks the scan and options and sizes the slabs; computes nothing heavy.</summary>
    /// <exception cref="IncompatibleInputException">Not parallel-beam, not line integrals, centre outside the detector, or the budget is too small.</exception>
    /// <exception cref="UsageException">An empty or out-of-range slice range.</exception>
    public static FbpReconstructor Create(ProjectionSet scan, FbpOptions options, RunContext context)
    {
        ArgumentNullException.ThrowIfNull(scan);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(context);
        if (scan.Geometry is not ParallelBeam geometry)
            throw new IncompatibleInputException($"{Reconstruct.FbpStepId}: needs ParallelBeam geometry; got {scan.Geometry.GetType().Name} ({scan.Geometry.ProjectionCount} projections). Use reconstruct.fdk for cone beam.");
        if (scan.Domain != IntensityDomain.LineIntegral)
            throw new IncompatibleInputException($"{Reconstruct.FbpStepId}: needs line integrals (−ln I/I0); the scan holds {scan.Domain} values. Run preprocess.flatfield (FlatFieldCorrection.Apply) first.");
        var det = geometry.Detector;
        int first = options.FirstSlice ?? 0, end = options.EndSlice ?? det.Rows;
        if (end <= first)
            throw new UsageException($"{Reconstruct.FbpStepId}: the slice range [{first}, {end}) is empty; give A:B with A < B (the detector has rows 0..{det.Rows - 1}).");
        if (first < 0 || end > det.Rows)
            throw new UsageException($"{Reconstruct.FbpStepId}: the slice range [{first}, {end}) is outside the detector rows 0..{det.Rows - 1}.");
        var plan = FbpPlan.Create(geometry, options);
        long budget = (options.MemoryBudget ?? context.Storage.Budget).Bytes;
        const int L = SlabBackprojector.Lanes;
        long imageBlock = 4L * L * plan.Nx * plan.Ny;          // [y][x][lane] accumulator
        long outputBlock = 4L * L * plan.Nx * plan.Ny;         // the slab handed to the caller
        long perAngle = 4L * L * (det.Columns + 3);
        long threads = (long)context.MaxDegreeOfParallelism * 8L * det.Columns + 64L * plan.PaddedLength;
        long fixedBytes = imageBlock + outputBlock + threads;
        int minAngles = Math.Min(16, geometry.ProjectionCount);
        if (fixedBytes + minAngles * perAngle > budget)
            throw new IncompatibleInputException(
                $"{Reconstruct.FbpStepId}: the memory budget {new MemorySize(budget)} is below the {new MemorySize(fixedBytes + minAngles * perAngle)} " +
                $"one 16-slice block of {plan.Ny}×{plan.Nx} needs. Raise --memory or reduce the output size.");
        int angleChunk = (int)Math.Min(geometry.ProjectionCount, (budget - fixedBytes) / perAngle);
        int blocksNeeded = (end - first + L - 1) / L;
        int blocks = 1;
        if (angleChunk == geometry.ProjectionCount)
        {
            long spare = budget - fixedBytes - angleChunk * perAngle;
            blocks = (int)Math.Clamp(1 + spare / outputBlock, 1, blocksNeeded);
        }
        var full = new VoxelGrid(new GridSize(plan.Nx, plan.Ny, end - first), plan.VoxelSize, plan.VoxelSize, det.PixelHeight,
            new Vec3(plan.OriginX.Meters, plan.OriginY.Meters,
                (first - (det.Rows - 1) / 2.0) * det.PixelHeight.Meters + det.OffsetV.Meters));
        return new FbpReconstructor(scan, plan, full, first, end, angleChunk, blocks);
    }

    /// <summary>Runs the reconstruction, calling <paramref name="onSlab"/>(first output slice, slab) in order.</summary>
    /// <returns>The scan's provenance plus one "reconstruct.fbp" entry.</returns>
    public Provenance Run(RunContext context, Action<int, Volume<float>> onSlab)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(onSlab);
        const int L = SlabBackprojector.Lanes;
        var started = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        var parallel = context.ParallelOptions;
        var source = new ScanSource(_scan.Projections);
        var image = new float[(long)Plan.Nx * Plan.Ny * L];
        int total = _end - _first;
        int sliceLength = Plan.Nx * Plan.Ny;
        for (int s0 = 0; s0 < total; s0 += SlabSlices)
        {
            context.Cancellation.ThrowIfCancellationRequested();
            int slabCount = Math.Min(SlabSlices, total - s0);
            using var slab = Volume<float>.Create(Grid.Slab(s0, slabCount), Quantity.LinearAttenuation, StorageOptions.InMemory);
            for (int b0 = 0; b0 < slabCount; b0 += L)
            {
                int lanes = Math.Min(L, slabCount - b0);
                Plan.ReconstructBlock(source, _first + s0 + b0, lanes, image, _angleChunk, parallel);
                for (int l = 0; l < lanes; l++) Plan.ExtractLane(image, l, slab.GetSlice(b0 + l)[..sliceLength]);
                context.Report(Reconstruct.FbpStepId, s0 + b0 + lanes, total, $"slices {_first + s0 + b0}..{_first + s0 + b0 + lanes - 1}");
            }
            onSlab(s0, slab);
        }
        var o = Plan.Options;
        var inv = CultureInfo.InvariantCulture;
        var angles = Plan.Geometry.Angles;
        var parameters = new Dictionary<string, string>
        {
            ["filter"] = o.Filter.ToString(),
            ["cutoff"] = o.Cutoff.ToString("G6", inv) + " Nyquist",
            ["padding"] = $"{o.Padding} to {Plan.PaddedLength} px",
            ["center_of_rotation"] = Plan.CenterOfRotation.ToString("0.###", inv) + " px",
            ["angles"] = $"{angles.Count} from {angles.Min()} to {angles.Max()}",
            ["voxel_size"] = Plan.VoxelSize.ToString(),
            ["output"] = $"{Plan.Ny}×{Plan.Nx}, slices {_first}:{_end}",
            ["circular_mask"] = o.CircularMask ? "true" : "false",
            ["interpolation"] = "linear",
        };
        return _scan.Provenance.Append(Reconstruct.FbpStepId, Reconstruct.FbpStepVersion, parameters, context.Backend, started, clock.Elapsed.TotalSeconds);
    }

    private sealed class ScanSource(ImageStack<float> projections) : ISinogramSource
    {
        public void ReadRow(int angle, int z, Span<float> destination) => projections.ReadRow(angle, z, destination);
    }
}
