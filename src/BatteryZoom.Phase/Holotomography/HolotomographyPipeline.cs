// SPDX-License-Identifier: MIT
using System.Diagnostics;
using System.Globalization;
using BatteryZoom.Core.Data;
using BatteryZoom.Core.Diagnostics;
using BatteryZoom.Core.Geometry;
using BatteryZoom.Core.Steps;
using BatteryZoom.Phase.Ctf;
using BatteryZoom.Phase.Paganin;
using BatteryZoom.Tomography.Fbp;

namespace BatteryZoom.Phase.Holotomography;

/// <summary>Holotomography: per-distance flat-field, magnification normalisation to the finest pixel, distance registration,
/// phase retrieval per angle, then filtered backprojection to δ (Cloetens et al., Appl. Phys. Lett. 75, 2912, 1999).</summary>
/// <remarks>The phase maps Φ = k∫δ ds are line integrals of k·δ, so the FBP volume divided by k = 2π/λ is δ.
/// See docs/algorithms/phase-retrieval.md.</remarks>
public static class HolotomographyPipeline
{
    /// <summary>Step id of phase retrieval in provenance.</summary>
    public const string PhaseStepId = "phase.holotomography";
    /// <summary>Step version.</summary>
    public const int PhaseStepVersion = 1;

    /// <summary>Sub-pixel shifts (rows, columns) of every distance relative to the reference distance, in reference pixels:
    /// Paganin phase maps of each distance (after magnification normalisation) cross-correlated with the reference's, median over angles.</summary>
    /// <exception cref="IncompatibleInputException">Raw data without flats.</exception>
    public static IReadOnlyList<(double Rows, double Columns)> RegisterDistances(HolotomoSet set, HolotomographyOptions options, RunContext? context = null)
    {
        ArgumentNullException.ThrowIfNull(set);
        ArgumentNullException.ThrowIfNull(options);
        context ??= RunContext.Default;
        int rows = set.Rows, cols = set.Columns, nd = set.Distances.Count, refIndex = set.ReferenceIndex;
        int na = Math.Min(options.RegistrationAngles, set.AngleCount);
        var angles = Enumerable.Range(0, na).Select(i => (int)((long)i * set.AngleCount / na)).ToArray();
        var flats = set.Distances.Select(d => FlatField.For(d.Scan)).ToArray();
        double db = options.DeltaOverBeta ?? options.RegistrationDeltaOverBeta;
        var pixel = set.ReferencePixel;
        var plans = set.Distances.Select(d => PaganinPlan.Create(rows, cols, new PaganinOptions
        {
            Energy = set.Energy, Distance = d.Propagation.EffectiveDistance, PixelSize = pixel, DeltaOverBeta = db, PaddingFactor = options.PaddingFactor,
        })).ToArray();
        var found = new (double R, double C)[nd, na];
        Parallel.For(0, na, context.ParallelOptions, ai =>
        {
            var maps = new float[nd][];
            var raw = new float[rows * cols];
            var norm = new float[rows * cols];
            for (int d = 0; d < nd; d++)
            {
                set.Distances[d].Scan.Projections.ReadFrame(angles[ai], raw);
                flats[d].Apply(raw);
                ImageResampling.Resample(raw, norm, rows, cols, Scale(set, d));
                maps[d] = new float[rows * cols];
                plans[d].Execute(norm, maps[d]);
            }
            for (int d = 0; d < nd; d++)
                found[d, ai] = d == refIndex ? (0, 0) : ShiftEstimator.Estimate(maps[refIndex], maps[d], rows, cols);
        });
        var result = new (double, double)[nd];
        for (int d = 0; d < nd; d++)
        {
            result[d] = (Median(Enumerable.Range(0, na).Select(a => found[d, a].R)), Median(Enumerable.Range(0, na).Select(a => found[d, a].C)));
            context.Log?.Invoke(string.Create(CultureInfo.InvariantCulture, $"phase.holotomography: distance {d} shift ({result[d].Item1:F3}, {result[d].Item2:F3}) px (rows, columns), median over {na} angles."));
        }
        return result;
    }

    /// <summary>Retrieves one phase map per angle: a line-integral <see cref="ProjectionSet"/> of Φ (rad) on the reference pixel grid
    /// with <see cref="ParallelBeam"/> geometry, ready for FBP.</summary>
    /// <exception cref="IncompatibleInputException">Raw data without flats; see also <see cref="HolotomoSet"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public static ProjectionSet RetrievePhase(HolotomoSet set, HolotomographyOptions options, RunContext? context = null)
    {
        ArgumentNullException.ThrowIfNull(set);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        context ??= RunContext.Default;
        var started = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        int rows = set.Rows, cols = set.Columns, nd = set.Distances.Count, na = set.AngleCount, refIndex = set.ReferenceIndex;
        var shifts = options.Shifts ?? (options.Register && nd > 1 ? RegisterDistances(set, options, context) : Enumerable.Repeat((0.0, 0.0), nd).ToArray());
        if (shifts.Count != nd) throw new ArgumentOutOfRangeException(nameof(options), $"{shifts.Count} shifts given for {nd} distances.");
        var flats = set.Distances.Select(d => FlatField.For(d.Scan)).ToArray();
        var pixel = set.ReferencePixel;
        CtfPlan? ctf = null;
        PaganinPlan? paganin = null;
        IReadOnlyList<string> warnings;
        if (options.Method == PhaseMethod.Ctf)
        {
            ctf = CtfPlan.Create(rows, cols, new CtfOptions
            {
                Energy = set.Energy, PixelSize = pixel, Distances = set.EffectiveDistances, DeltaOverBeta = options.DeltaOverBeta,
                LowFrequencyRegularization = options.LowFrequencyRegularization, HighFrequencyRegularization = options.HighFrequencyRegularization, PaddingFactor = options.PaddingFactor,
            });
            warnings = ctf.Warnings;
        }
        else
        {
            paganin = PaganinPlan.Create(rows, cols, new PaganinOptions
            {
                Energy = set.Energy, Distance = set.Distances[refIndex].Propagation.EffectiveDistance, PixelSize = pixel, DeltaOverBeta = options.DeltaOverBeta!.Value, PaddingFactor = options.PaddingFactor,
            });
            warnings = paganin.Warnings;
        }
        foreach (var w in warnings.Distinct()) context.Log?.Invoke("phase.holotomography: " + w);
        var output = ImageStack<float>.Create(na, rows, cols, context.Storage);
        long done = 0;
        Parallel.For(0, na, context.ParallelOptions, () => (new float[rows * cols], new float[nd * rows * cols], new float[rows * cols]), (a, _, buf) =>
        {
            var (raw, holo, phase) = buf;
            for (int d = 0; d < nd; d++)
            {
                if (paganin is not null && d != refIndex) continue;
                set.Distances[d].Scan.Projections.ReadFrame(a, raw);
                flats[d].Apply(raw);
                ImageResampling.Resample(raw, holo.AsSpan(d * rows * cols, rows * cols), rows, cols, Scale(set, d), shifts[d].Rows, shifts[d].Columns);
            }
            if (ctf is not null) ctf.Execute(holo, phase);
            else paganin!.Execute(holo.AsSpan(refIndex * rows * cols, rows * cols), phase);
            output.WriteFrame(a, phase);
            context.Report(PhaseStepId, Interlocked.Increment(ref done), na);
            return buf;
        }, _ => { });
        var inv = CultureInfo.InvariantCulture;
        var parameters = new Dictionary<string, string>
        {
            ["method"] = options.Method.ToString(),
            ["energy"] = set.Energy.ToString(),
            ["effective_distances"] = string.Join(", ", set.EffectiveDistances),
            ["magnifications"] = string.Join(", ", set.Distances.Select(d => d.Propagation.Magnification.ToString("G8", inv))),
            ["pixel_size"] = pixel.ToString(),
            ["delta_over_beta"] = options.DeltaOverBeta?.ToString("G6", inv) ?? "none (pure phase)",
            ["regularization"] = $"low {options.LowFrequencyRegularization.ToString("G3", inv)}, high {options.HighFrequencyRegularization.ToString("G3", inv)}",
            ["padding_factor"] = options.PaddingFactor.ToString("G3", inv),
            ["shifts_px"] = string.Join("; ", shifts.Select(s => string.Create(inv, $"{s.Rows:F3},{s.Columns:F3}"))),
        };
        var provenance = set.Distances[0].Scan.Provenance.Append(PhaseStepId, PhaseStepVersion, parameters, context.Backend, started, clock.Elapsed.TotalSeconds);
        var detector = new Detector(cols, rows, pixel);
        return new ProjectionSet(output, new ParallelBeam(detector, set.Angles), IntensityDomain.LineIntegral, energy: set.Energy, provenance: provenance);
    }

    /// <summary>The whole pipeline: phase maps (<see cref="RetrievePhase"/>) then FBP, slab by slab, to δ (dimensionless).</summary>
    /// <exception cref="IncompatibleInputException">See <see cref="RetrievePhase"/> and <see cref="Reconstruct.Fbp(ProjectionSet, FbpOptions, RunContext, Action{int, Volume{float}})"/>.</exception>
    public static Volume<float> Reconstruct(HolotomoSet set, HolotomographyOptions options, RunContext? context = null)
    {
        ArgumentNullException.ThrowIfNull(set);
        ArgumentNullException.ThrowIfNull(options);
        context ??= RunContext.Default;
        using var phase = RetrievePhase(set, options, context);
        return ReconstructDelta(phase, options.Fbp, context);
    }

    /// <summary>FBP of phase maps Φ to δ = FBP(Φ)/k, slab by slab (k = 2π/λ).</summary>
    /// <exception cref="IncompatibleInputException">The phase maps have no energy, or FBP refuses them.</exception>
    public static Volume<float> ReconstructDelta(ProjectionSet phase, FbpOptions fbp, RunContext? context = null)
    {
        ArgumentNullException.ThrowIfNull(phase);
        ArgumentNullException.ThrowIfNull(fbp);
        context ??= RunContext.Default;
        if (phase.Energy is not { } energy) throw new IncompatibleInputException("phase.holotomography: the phase maps carry no energy; δ = FBP(Φ)·λ/2π needs it.");
        float invK = (float)(energy.Wavelength.Meters / (2 * Math.PI));
        var reconstructor = FbpReconstructor.Create(phase, fbp, context);
        var volume = Volume<float>.Create(reconstructor.Grid, Quantity.Delta, context.Storage);
        var provenance = reconstructor.Run(context, (z0, slab) =>
        {
            var buffer = new float[slab.Slices.FrameLength];
            for (int z = 0; z < slab.Nz; z++)
            {
                slab.ReadSlice(z, buffer);
                for (int i = 0; i < buffer.Length; i++) buffer[i] *= invK;
                volume.WriteSlice(z0 + z, buffer);
            }
        });
        return new Volume<float>(volume.Grid, volume.Slices, Quantity.Delta, provenance);
    }

    /// <summary>Scale M_d/M_ref that maps distance d onto the reference pixel grid.</summary>
    internal static double Scale(HolotomoSet set, int d) =>
        set.Distances[d].Propagation.Magnification / set.Distances[set.ReferenceIndex].Propagation.Magnification;

    private static double Median(IEnumerable<double> values)
    {
        var v = values.OrderBy(x => x).ToArray();
        return v.Length % 2 == 1 ? v[v.Length / 2] : 0.5 * (v[v.Length / 2 - 1] + v[v.Length / 2]);
    }
}
