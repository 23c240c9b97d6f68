// SPDX-License-Identifier: MIT
using System.Diagnostics.CodeAnalysis;
using BatteryZoom.Core.Data;
using BatteryZoom.Core.Diagnostics;
using BatteryZoom.Core.Steps;
using BatteryZoom.Phase.Ctf;
using BatteryZoom.Phase.Paganin;

namespace BatteryZoom.Phase;

/// <summary>Library entry points for phase retrieval of flat-field-corrected projections (scikit-image style).</summary>
/// <remarks>Inputs are transmissions I/I0 [projection, row, column]; outputs are phase maps Φ = k∫δ ds in rad, same shape.
/// For whole holotomography scans (flats, magnification, registration, FBP) use <see cref="Holotomography.HolotomographyPipeline"/>.</remarks>
[SuppressMessage("Naming", "CA1724", Justification = "Facade named after the step family.")]
public static class PhaseRetrieval
{
    /// <summary>Single-distance Paganin retrieval of every projection.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public static ImageStack<float> Paganin(ImageStack<float> transmissions, PaganinOptions options, RunContext? context = null)
    {
        ArgumentNullException.ThrowIfNull(transmissions);
        ArgumentNullException.ThrowIfNull(options);
        context ??= RunContext.Default;
        var plan = PaganinPlan.Create(transmissions.Rows, transmissions.Columns, options);
        foreach (var w in plan.Warnings) context.Log?.Invoke("phase.paganin: " + w);
        var output = ImageStack<float>.Create(transmissions.Count, transmissions.Rows, transmissions.Columns, context.Storage);
        long done = 0;
        Parallel.For(0, transmissions.Count, context.ParallelOptions, () => (new float[transmissions.FrameLength], new float[transmissions.FrameLength]), (i, _, buf) =>
        {
            transmissions.ReadFrame(i, buf.Item1);
            plan.Execute(buf.Item1, buf.Item2);
            output.WriteFrame(i, buf.Item2);
            context.Report("phase.paganin", Interlocked.Increment(ref done), transmissions.Count);
            return buf;
        }, _ => { });
        return output;
    }

    /// <summary>Multi-distance CTF retrieval: <paramref name="transmissions"/>[d] holds distance d's projections, already on one
    /// pixel grid (magnification-normalised and registered).</summary>
    /// <exception cref="IncompatibleInputException">The number of stacks differs from the number of distances, or their shapes differ.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range (e.g. distances not increasing).</exception>
    public static ImageStack<float> Ctf(IReadOnlyList<ImageStack<float>> transmissions, CtfOptions options, RunContext? context = null)
    {
        ArgumentNullException.ThrowIfNull(transmissions);
        ArgumentNullException.ThrowIfNull(options);
        context ??= RunContext.Default;
        options.Validate();
        if (transmissions.Count != options.Distances.Count)
            throw new IncompatibleInputException($"phase.ctf: {transmissions.Count} image stacks for {options.Distances.Count} distances; give one stack per distance.");
        var first = transmissions[0];
        for (int d = 1; d < transmissions.Count; d++)
        {
            var s = transmissions[d];
            if (s.Rows != first.Rows || s.Columns != first.Columns || s.Count != first.Count)
                throw new IncompatibleInputException($"phase.ctf: distance {d} holds {s.Count} images of {s.Rows}×{s.Columns} but distance 0 holds {first.Count} of {first.Rows}×{first.Columns}; normalise magnification first.");
        }
        var plan = CtfPlan.Create(first.Rows, first.Columns, options);
        foreach (var w in plan.Warnings.Distinct()) context.Log?.Invoke("phase.ctf: " + w);
        int n = first.FrameLength, nd = transmissions.Count;
        var output = ImageStack<float>.Create(first.Count, first.Rows, first.Columns, context.Storage);
        long done = 0;
        Parallel.For(0, first.Count, context.ParallelOptions, () => (new float[nd * n], new float[n]), (i, _, buf) =>
        {
            for (int d = 0; d < nd; d++) transmissions[d].ReadFrame(i, buf.Item1.AsSpan(d * n, n));
            plan.Execute(buf.Item1, buf.Item2);
            output.WriteFrame(i, buf.Item2);
            context.Report("phase.ctf", Interlocked.Increment(ref done), first.Count);
            return buf;
        }, _ => { });
        return output;
    }
}
