using System.Diagnostics;
using System.Globalization;
using BatteryZoom.Core.Data;
using BatteryZoom.Core.Diagnostics;
using BatteryZoom.Core.Geometry;
using BatteryZoom.Core.Steps;
using BatteryZoom.Core.Units;
using BatteryZoom.Spectroscopy.Data;

namespace BatteryZoom.Spectroscopy.EnergyAlignment;

/// <summary>The transform of every energy relative to the reference energy.</summary>
/// <param name="ReferenceIndex">Index of the reference energy (its transform is the identity).</param>
/// <param name="Transforms">One per energy, in energy order: where a reference pixel lies in that energy's projections.</param>
public sealed record EnergyAlignmentResult(int ReferenceIndex, IReadOnlyList<SimilarityTransform> Transforms);

/// <summary>Alignment of an <see cref="EnergySeries"/> across energies (step "xanes.align"): one <see cref="SimilarityTransform"/> per
/// energy, estimated on the mean projection (or chosen views) and applied to every projection of that energy before reconstruction.</summary>
/// <remarks>Estimating on the mean projection over all angles is exact for this model: the same shift and magnification act on
/// every view of one energy, and resampling commutes with averaging; the mean also averages the noise of 181 views. A horizontal
/// shift must be corrected on projections (after reconstruction it would be a rotation-centre error, not a rigid shift).</remarks>
public static class EnergySeriesAligner
{
    /// <summary>Step id written to provenance.</summary>
    public const string StepId = "xanes.align";

    /// <summary>Estimates the transforms.</summary>
    /// <exception cref="IncompatibleInputException">Energies with different projection shapes or counts, a view index out of range, or
    /// given scales of the wrong count.</exception>
    public static EnergyAlignmentResult Estimate(EnergySeries series, AlignmentOptions? options = null, RunContext? context = null)
    {
        ArgumentNullException.ThrowIfNull(series);
        options ??= new AlignmentOptions();
        options.Validate();
        context ??= RunContext.Default;
        var sets = series.Sets;
        int ne = sets.Count;
        var p0 = sets[0].Projections;
        for (int i = 1; i < ne; i++)
        {
            var p = sets[i].Projections;
            if (p.Rows != p0.Rows || p.Columns != p0.Columns || p.Count != p0.Count)
                throw new IncompatibleInputException($"{StepId}: energy {i} ({sets[i].Energy}) has {p.Count} projections of {p.Rows} × {p.Columns}; energy 0 has {p0.Count} of {p0.Rows} × {p0.Columns}.");
        }
        int reference = options.ReferenceIndex ?? ne - 1;
        if ((uint)reference >= (uint)ne) throw new IncompatibleInputException($"{StepId}: reference index {reference} is outside 0..{ne - 1}.");
        var fixedScales = FixedScales(series, options, reference);
        var views = options.Views;
        if (views is not null)
        {
            if (views.Count == 0) throw new IncompatibleInputException($"{StepId}: the list of views is empty.");
            foreach (var v in views)
                if ((uint)v >= (uint)p0.Count) throw new IncompatibleInputException($"{StepId}: view {v} is outside 0..{p0.Count - 1}.");
        }
        int rows = p0.Rows, cols = p0.Columns;
        var imageSets = views is null ? [null] : views.Select(v => (int?)v).ToArray();
        float[][] referenceMaps;
        try { referenceMaps = [.. imageSets.Select(v => ImageAligner.EdgeMap(Image(sets[reference].Projections, v), rows, cols, options.SmoothingSigma))]; }
        catch (ArgumentException ex) { throw new IncompatibleInputException($"{StepId}: reference energy {reference} ({sets[reference].Energy}): {ex.Message}"); }
        var result = new SimilarityTransform[ne];
        var parallel = context.ParallelOptions;
        int done = 0;
        try
        {
            Parallel.For(0, ne, parallel, i =>
            {
                if (i == reference) { result[i] = SimilarityTransform.Identity; return; }
                double sx = 0, sy = 0, ss = 0;
                for (int k = 0; k < imageSets.Length; k++)
                {
                    float[] m;
                    try { m = ImageAligner.EdgeMap(Image(sets[i].Projections, imageSets[k]), rows, cols, options.SmoothingSigma); }
                    catch (ArgumentException ex) { throw new IncompatibleInputException($"{StepId}: energy {i} ({sets[i].Energy}): {ex.Message}"); }
                    var t = ImageAligner.EstimateEdgeMaps(referenceMaps[k], m, rows, cols, options, fixedScales?[i]);
                    sx += t.ShiftX; sy += t.ShiftY; ss += t.Scale;
                }
                int n = imageSets.Length;
                result[i] = new SimilarityTransform(sx / n, sy / n, ss / n);
                context.Report(StepId, Interlocked.Increment(ref done), ne - 1, sets[i].Energy?.ToString());
            });
        }
        catch (AggregateException ex) when (ex.InnerExceptions.Count > 0)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(ex.InnerExceptions[0]).Throw();
            throw;
        }
        return new EnergyAlignmentResult(reference, result);
    }

    /// <summary>A new series with every projection of energy i resampled by transform i onto the reference detector grid
    /// (Keys cubic convolution, edge values repeated); geometry = the reference's detector with each set's own angles.</summary>
    /// <exception cref="IncompatibleInputException">The count of transforms differs from the count of energies.</exception>
    public static EnergySeries Apply(EnergySeries series, EnergyAlignmentResult alignment, RunContext? context = null)
    {
        ArgumentNullException.ThrowIfNull(series);
        ArgumentNullException.ThrowIfNull(alignment);
        context ??= RunContext.Default;
        var sets = series.Sets;
        if (alignment.Transforms.Count != sets.Count)
            throw new IncompatibleInputException($"{StepId}: {alignment.Transforms.Count} transforms for {sets.Count} energies.");
        var refGeometry = sets[alignment.ReferenceIndex].Geometry as ParallelBeam
            ?? throw new IncompatibleInputException($"{StepId}: the reference energy's geometry is {sets[alignment.ReferenceIndex].Geometry.GetType().Name}; alignment needs ParallelBeam.");
        var started = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        var output = new List<ProjectionSet>(sets.Count);
        try
        {
            for (int i = 0; i < sets.Count; i++)
            {
                context.Cancellation.ThrowIfCancellationRequested();
                var set = sets[i];
                if (set.Geometry is not ParallelBeam pb)
                    throw new IncompatibleInputException($"{StepId}: energy {i} ({set.Energy}) has {set.Geometry.GetType().Name} geometry; alignment needs ParallelBeam.");
                var src = set.Projections;
                var stack = ImageStack<float>.Create(src.Count, src.Rows, src.Columns, context.Storage);
                var t = alignment.Transforms[i];
                Parallel.For(0, src.Count, context.ParallelOptions, a =>
                {
                    var frame = new float[src.FrameLength];
                    var warped = new float[src.FrameLength];
                    src.ReadFrame(a, frame);
                    ImageAligner.Warp(frame, src.Rows, src.Columns, t, warped);
                    stack.WriteFrame(a, warped);
                });
                var parameters = new Dictionary<string, string>
                {
                    ["reference_energy"] = sets[alignment.ReferenceIndex].Energy?.ToString() ?? "",
                    ["transform"] = t.ToString(),
                    ["interpolation"] = "keys-cubic",
                };
                var provenance = set.Provenance.Append(StepId, 1, parameters, context.Backend, started, clock.Elapsed.TotalSeconds);
                output.Add(new ProjectionSet(stack, new ParallelBeam(refGeometry.Detector, pb.Angles, refGeometry.AxisOffset), set.Domain, energy: set.Energy, provenance: provenance));
            }
            return new EnergySeries(output);
        }
        catch
        {
            foreach (var s in output) s.Dispose();
            throw;
        }
    }

    private static double[]? FixedScales(EnergySeries series, AlignmentOptions o, int reference)
    {
        var e = series.Energies;
        switch (o.Scale)
        {
            case ScaleMode.Estimate: return null;
            case ScaleMode.None: return [.. e.Select(_ => 1.0)];
            case ScaleMode.EnergyPowerLaw:
                return [.. e.Select(x => Math.Pow(x.ElectronVolts / e[reference].ElectronVolts, o.ScaleExponent))];
            default:
                var g = o.GivenScales ?? throw new IncompatibleInputException($"{StepId}: scale mode Given needs GivenScales (one per energy).");
                if (g.Count != e.Count) throw new IncompatibleInputException($"{StepId}: {g.Count} given scales for {e.Count} energies.");
                foreach (var s in g)
                    if (!(s > 0) || !double.IsFinite(s)) throw new IncompatibleInputException($"{StepId}: given scale {s.ToString(CultureInfo.InvariantCulture)} is not a positive number.");
                return [.. g.Select(s => s / g[reference])];
        }
    }

    /// <summary>One view, or the mean over all views when <paramref name="view"/> is null.</summary>
    private static float[] Image(ImageStack<float> projections, int? view)
    {
        var img = new float[projections.FrameLength];
        if (view is { } v) { projections.ReadFrame(v, img); return img; }
        var frame = new float[projections.FrameLength];
        var sum = new double[projections.FrameLength];
        for (int a = 0; a < projections.Count; a++)
        {
            projections.ReadFrame(a, frame);
            for (int i = 0; i < frame.Length; i++) sum[i] += frame[i];
        }
        for (int i = 0; i < img.Length; i++) img[i] = (float)(sum[i] / projections.Count);
        return img;
    }
}
