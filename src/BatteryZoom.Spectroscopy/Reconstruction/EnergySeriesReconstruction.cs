using System.Globalization;
using BatteryZoom.Core.Data;
using BatteryZoom.Core.Diagnostics;
using BatteryZoom.Core.Geometry;
using BatteryZoom.Core.Steps;
using BatteryZoom.Core.Units;
using BatteryZoom.Spectroscopy.Data;
using BatteryZoom.Tomography.Fbp;
using BatteryZoom.Tomography.Projectors;

namespace BatteryZoom.Spectroscopy.Reconstruction;

/// <summary>Which parallel-beam reconstruction each energy gets.</summary>
public enum XanesReconstructionMethod
{
    /// <summary>FBP, or SIRT when the scan has fewer than <see cref="XanesReconstructionOptions.FewViews"/> distinct directions.</summary>
    Auto,
    /// <summary>Filtered backprojection (reconstruct.fbp).</summary>
    Fbp,
    /// <summary>Weighted SIRT on the Joseph projector pair.</summary>
    Sirt,
}

/// <summary>Options of the per-energy reconstruction (step "xanes.reconstruct").</summary>
public sealed record XanesReconstructionOptions
{
    /// <summary>Method (default Auto).</summary>
    public XanesReconstructionMethod Method { get; init; } = XanesReconstructionMethod.Auto;
    /// <summary>Auto picks SIRT below this many distinct view directions (modulo 180°); default 60, i.e. steps coarser than 3°,
    /// where FBP's streaks start to dominate a 32–64 px particle.</summary>
    public int FewViews { get; init; } = 60;
    /// <summary>SIRT iterations (default 100).</summary>
    public int SirtIterations { get; init; } = 100;
    /// <summary>Clip SIRT iterates at zero (attenuation is non-negative).</summary>
    public bool NonNegative { get; init; } = true;
    /// <summary>FBP options (filter, padding); output size, voxel size and slice range come from the target grid.</summary>
    public FbpOptions Fbp { get; init; } = new();

    /// <summary>Throws when a value is out of range.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A non-positive count.</exception>
    public void Validate()
    {
        if (FewViews < 1) throw new ArgumentOutOfRangeException(nameof(FewViews), $"few-views threshold must be ≥ 1; got {FewViews}.");
        if (SirtIterations < 1) throw new ArgumentOutOfRangeException(nameof(SirtIterations), $"SIRT iterations must be ≥ 1; got {SirtIterations}.");
    }
}

/// <summary>Reconstructs every energy of an <see cref="EnergySeries"/> with the parallel-beam code of BatteryZoom.Tomography,
/// giving a <see cref="SpectralVolume"/> on one grid.</summary>
/// <remarks>
/// <para>End views: a −90..+90° scan measures the direction ±90° twice. FBP's quadrature (<see cref="AngleWeights"/>) gives each
/// direction modulo π one Voronoi cell and splits a cell shared by coincident views, which is exactly
/// <see cref="EnergySeries.EndViewWeights"/> (½ each): the FBP adapter therefore checks that the weights it is handed are those and
/// does not apply them a second time. SIRT has no quadrature, so the adapter weights the back-projected residual of view a by
/// w_a and normalises by Aᵀw: <c>x ← x + (Aᵀ W R (b − A x)) / (Aᵀ W 1)</c>, R = 1/(A·1); duplicated views then count once.</para>
/// </remarks>
public static class EnergySeriesReconstruction
{
    /// <summary>Step id.</summary>
    public const string StepId = "xanes.reconstruct";

    /// <summary>The grid FBP would produce for the series' detector: columns × columns × rows voxels of the pixel size, centred on the axis.</summary>
    public static VoxelGrid DefaultGrid(EnergySeries series)
    {
        ArgumentNullException.ThrowIfNull(series);
        var d = series.Sets[0].Geometry.Detector;
        return VoxelGrid.Centered(new GridSize(d.Columns, d.Columns, d.Rows), d.PixelWidth, d.PixelWidth, d.PixelHeight);
    }

    /// <summary>Reconstructs every energy onto <paramref name="target"/> (default <see cref="DefaultGrid"/>).</summary>
    /// <exception cref="IncompatibleInputException">Not parallel-beam, not line integrals, or a target the adapters cannot produce
    /// (Nz ≠ detector rows, Nx ≠ Ny).</exception>
    public static SpectralVolume Run(EnergySeries series, VoxelGrid? target = null, XanesReconstructionOptions? options = null, RunContext? context = null)
    {
        ArgumentNullException.ThrowIfNull(series);
        options ??= new XanesReconstructionOptions();
        options.Validate();
        context ??= RunContext.Default;
        target ??= DefaultGrid(series);
        var method = ChooseMethod(series, options);
        var reconstructor = method == XanesReconstructionMethod.Sirt ? Sirt(options.SirtIterations, options.NonNegative) : Fbp(options.Fbp);
        return series.Reconstruct(target, reconstructor, context);
    }

    /// <summary>The method Auto resolves to for this series.</summary>
    public static XanesReconstructionMethod ChooseMethod(EnergySeries series, XanesReconstructionOptions options)
    {
        ArgumentNullException.ThrowIfNull(series);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Method != XanesReconstructionMethod.Auto) return options.Method;
        return series.Sets[0].Geometry is ParallelBeam pb && DistinctDirections(pb.Angles) < options.FewViews ? XanesReconstructionMethod.Sirt : XanesReconstructionMethod.Fbp;
    }

    /// <summary>Number of view directions modulo π (coincident views, e.g. −90° and +90°, count once).</summary>
    public static int DistinctDirections(IReadOnlyList<Angle> angles)
    {
        ArgumentNullException.ThrowIfNull(angles);
        return (int)Math.Round(EnergySeries.EndViewWeights(angles).Sum(w => (double)w));
    }

    /// <summary>An <see cref="EnergyReconstructor"/> running reconstruct.fbp onto the target grid.</summary>
    public static EnergyReconstructor Fbp(FbpOptions? options = null)
    {
        options ??= new FbpOptions();
        return (projections, target, weights, context) =>
        {
            var pb = AsParallelBeam(projections);
            CheckTarget(pb, target, requireCentred: false);
            var expected = EnergySeries.EndViewWeights(pb.Angles);
            for (int a = 0; a < expected.Length; a++)
                if (a >= weights.Length || Math.Abs(weights[a] - expected[a]) > 1e-6)
                    throw new IncompatibleInputException($"{StepId}: FBP applies its own angular quadrature (coincident views share one cell, ½ each); it cannot honour angle weight {(a < weights.Length ? weights[a] : float.NaN).ToString(CultureInfo.InvariantCulture)} for view {a}. Use SIRT for arbitrary view weights.");
            double cx = target.Origin.X + (target.Size.Nx - 1) / 2.0 * target.Dx.Meters;
            double cy = target.Origin.Y + (target.Size.Ny - 1) / 2.0 * target.Dy.Meters;
            var o = options with { OutputSize = target.Size.Nx, VoxelSize = target.Dx, CentreX = new Length(cx), CentreY = new Length(cy), FirstSlice = null, EndSlice = null };
            using var volume = Reconstruct.Fbp(projections, o, context);
            var result = Volume<float>.Create(target, Quantity.LinearAttenuation, context.Storage, volume.Provenance);
            var buffer = new float[target.Size.SliceLength];
            for (int z = 0; z < target.Size.Nz; z++) { volume.ReadSlice(z, buffer); result.WriteSlice(z, buffer); }
            return result;
        };
    }

    /// <summary>An <see cref="EnergyReconstructor"/> running weighted SIRT slice by slice (target centred on the rotation axis).</summary>
    public static EnergyReconstructor Sirt(int iterations = 100, bool nonNegative = true)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(iterations);
        return (projections, target, weights, context) =>
        {
            var pb = AsParallelBeam(projections);
            CheckTarget(pb, target, requireCentred: true);
            if (weights.Length != pb.ProjectionCount) throw new IncompatibleInputException($"{StepId}: {weights.Length} angle weights for {pb.ProjectionCount} views.");
            if (projections.Domain != IntensityDomain.LineIntegral)
                throw new IncompatibleInputException($"{StepId}: needs line integrals (−ln I/I0); the scan holds {projections.Domain} values. Run the flat-field correction first.");
            var w = weights.ToArray();
            var started = DateTimeOffset.UtcNow;
            var clock = System.Diagnostics.Stopwatch.StartNew();
            int nx = target.Size.Nx, ny = target.Size.Ny, nz = target.Size.Nz, na = pb.ProjectionCount, nc = pb.Detector.Columns;
            var projector = new JosephProjector(pb, nx, ny, target.Dx);
            var serial = new ParallelOptions { MaxDegreeOfParallelism = 1, CancellationToken = context.Cancellation };
            // Normalisers, shared by every slice: R = 1/(A·1), C = 1/(Aᵀ W 1).
            var rowSum = new float[na * nc];
            projector.Forward(Enumerable.Repeat(1f, nx * ny).ToArray(), rowSum, serial);
            var wOnes = new float[na * nc];
            for (int a = 0; a < na; a++) wOnes.AsSpan(a * nc, nc).Fill(w[a]);
            var colSum = new float[nx * ny];
            projector.Backward(wOnes, colSum, serial);
            var result = Volume<float>.Create(target, Quantity.LinearAttenuation, context.Storage);
            System.Threading.Tasks.Parallel.For(0, nz, context.ParallelOptions, z =>
            {
                var b = new float[na * nc];
                for (int a = 0; a < na; a++) projections.Projections.ReadRow(a, z, b.AsSpan(a * nc, nc));
                foreach (var v in b)
                    if (!float.IsFinite(v)) throw new IncompatibleInputException($"{StepId}: row {z} of the {projections.Energy} projections holds NaN or infinity.");
                var x = new float[nx * ny];
                var ax = new float[na * nc];
                var update = new float[nx * ny];
                for (int k = 0; k < iterations; k++)
                {
                    context.Cancellation.ThrowIfCancellationRequested();
                    projector.Forward(x, ax, serial);
                    for (int i = 0; i < ax.Length; i++) ax[i] = rowSum[i] > 0 ? w[i / nc] * (b[i] - ax[i]) / rowSum[i] : 0;
                    projector.Backward(ax, update, serial);
                    for (int i = 0; i < x.Length; i++)
                    {
                        if (colSum[i] > 0) x[i] += update[i] / colSum[i];
                        if (nonNegative && x[i] < 0) x[i] = 0;
                    }
                }
                result.WriteSlice(z, x);
            });
            var parameters = new Dictionary<string, string>
            {
                ["method"] = "sirt (view-weighted)",
                ["iterations"] = iterations.ToString(CultureInfo.InvariantCulture),
                ["non_negative"] = nonNegative ? "true" : "false",
                ["views"] = $"{na} ({DistinctDirections(pb.Angles)} distinct directions)",
            };
            var provenance = projections.Provenance.Append(StepId, 1, parameters, context.Backend, started, clock.Elapsed.TotalSeconds);
            return new Volume<float>(result.Grid, result.Slices, Quantity.LinearAttenuation, provenance);
        };
    }

    private static ParallelBeam AsParallelBeam(ProjectionSet projections) =>
        projections.Geometry as ParallelBeam
        ?? throw new IncompatibleInputException($"{StepId}: needs ParallelBeam geometry; got {projections.Geometry.GetType().Name}.");

    private static void CheckTarget(ParallelBeam pb, VoxelGrid target, bool requireCentred)
    {
        var s = target.Size;
        if (s.Nx != s.Ny) throw new IncompatibleInputException($"{StepId}: the target grid must be square in x, y; got {s.Nx} × {s.Ny}.");
        if (s.Nz != pb.Detector.Rows) throw new IncompatibleInputException($"{StepId}: the target grid has {s.Nz} slices; the detector has {pb.Detector.Rows} rows (one slice per row).");
        if (Math.Abs(target.Dx.Meters - target.Dy.Meters) > 1e-9 * target.Dx.Meters)
            throw new IncompatibleInputException($"{StepId}: the target voxels must be square in x, y; got {target.Dx} × {target.Dy}.");
        if (requireCentred)
        {
            double cx = target.Origin.X + (s.Nx - 1) / 2.0 * target.Dx.Meters, cy = target.Origin.Y + (s.Ny - 1) / 2.0 * target.Dy.Meters;
            if (Math.Abs(cx) > 1e-3 * target.Dx.Meters || Math.Abs(cy) > 1e-3 * target.Dy.Meters)
                throw new IncompatibleInputException($"{StepId}: SIRT reconstructs a grid centred on the rotation axis; the target's centre is at ({cx}, {cy}) m.");
        }
    }
}
