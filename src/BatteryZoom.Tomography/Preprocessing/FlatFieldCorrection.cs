// SPDX-License-Identifier: MIT
using System.Diagnostics;
using System.Globalization;
using BatteryZoom.Core.Data;
using BatteryZoom.Core.Diagnostics;
using BatteryZoom.Core.Steps;

namespace BatteryZoom.Tomography.Preprocessing;

/// <summary>How several flat (or dark) frames of one group are combined.</summary>
public enum FrameCombine
{
    /// <summary>Pixel-wise mean.</summary>
    Mean,
    /// <summary>Pixel-wise median (rejects zingers in individual flats).</summary>
    Median,
}

/// <summary>Options of flat/dark normalisation and the −log (step "preprocess.flatfield").</summary>
public sealed record FlatFieldOptions
{
    /// <summary>How the flats of one group are combined (default median).</summary>
    public FrameCombine FlatCombine { get; init; } = FrameCombine.Median;

    /// <summary>Projection index at which each flat frame was taken (same order as the flats), e.g. 0 for flats before
    /// the scan and the projection count for flats after. Flats sharing an index form a group; a projection between two
    /// groups gets the linear interpolation of their combined flats by projection index. Null: all flats form one group.</summary>
    public IReadOnlyList<int>? FlatIndices { get; init; }

    /// <summary>Smallest transmission kept; smaller or non-positive values are clamped to it (and counted).</summary>
    public double MinimumTransmission { get; init; } = 1e-6;

    /// <summary>When true (default) the output is −ln T (line integrals); when false, the transmission T itself.</summary>
    public bool TakeLogarithm { get; init; } = true;
}

/// <summary>What flat-field correction found.</summary>
/// <param name="ClampedValues">Transmissions at or below <see cref="FlatFieldOptions.MinimumTransmission"/> (or non-positive) that were clamped.</param>
/// <param name="TotalValues">Values processed.</param>
/// <param name="DeadFlatPixels">Pixels where flat − dark ≤ 0 (their transmission is set to 1).</param>
public sealed record FlatFieldReport(long ClampedValues, long TotalValues, long DeadFlatPixels)
{
    /// <summary>Fraction of values clamped.</summary>
    public double ClampedFraction => TotalValues == 0 ? 0 : (double)ClampedValues / TotalValues;
}

/// <summary>Flat/dark normalisation <c>T = (I − D)/(F − D)</c> and <c>p = −ln T</c>.</summary>
/// <remarks>D is the mean of the darks (0 without darks); F the combined flat of the projection's group, or the linear
/// interpolation by projection index between the groups taken before and after it (beam decay, drift). Non-positive or
/// tiny transmissions are clamped to <see cref="FlatFieldOptions.MinimumTransmission"/>, counted, and reported through
/// the report and <see cref="RunContext.Log"/>. See docs/algorithms/fbp.md ("Preprocessing").</remarks>
public static class FlatFieldCorrection
{
    /// <summary>Step id.</summary>
    public const string StepId = "preprocess.flatfield";

    /// <summary>Normalises a raw scan; returns a new scan in the line-integral (or transmission) domain.</summary>
    /// <exception cref="IncompatibleInputException">Not raw data, no flats, all-zero flats, flat indices that do not match the flats, or NaN in the data.</exception>
    public static ProjectionSet Apply(ProjectionSet raw, out FlatFieldReport report, FlatFieldOptions? options = null, RunContext? context = null)
    {
        ArgumentNullException.ThrowIfNull(raw);
        options ??= new FlatFieldOptions();
        context ??= RunContext.Default;
        if (raw.Domain != IntensityDomain.Raw)
            throw new IncompatibleInputException($"{StepId}: needs raw counts; the scan already holds {raw.Domain} values (a second normalisation would take the log twice).");
        if (raw.Flats is null)
            throw new IncompatibleInputException($"{StepId}: the scan has no flat fields; give flats or load data already normalised (Transmission or LineIntegral).");
        if (!(options.MinimumTransmission > 0 && options.MinimumTransmission < 1))
            throw new ArgumentOutOfRangeException(nameof(options), $"minimum transmission must be in (0, 1); got {options.MinimumTransmission}.");
        var started = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        var proj = raw.Projections;
        int frame = proj.FrameLength;
        var dark = new float[frame];
        if (raw.Darks is { } darks) dark = Combine(darks, Enumerable.Range(0, darks.Count).ToArray(), FrameCombine.Mean);

        var groups = FlatGroups(raw.Flats, options.FlatIndices);
        var flats = groups.Select(g => (g.Index, Flat: Combine(raw.Flats, g.Frames, options.FlatCombine))).ToArray();
        long dead = 0;
        foreach (var (_, flat) in flats)
        {
            bool anyPositive = false;
            for (int k = 0; k < frame; k++)
            {
                flat[k] -= dark[k];
                if (flat[k] > 0) anyPositive = true;
            }
            if (!anyPositive)
                throw new IncompatibleInputException($"{StepId}: the flat fields are all zero (or not above the dark level) — no beam was recorded. Check the flats' dataset and exposure.");
        }
        for (int k = 0; k < frame; k++)
        {
            foreach (var (_, flat) in flats)
                if (!(flat[k] > 0)) { dead++; break; }
        }

        var output = ImageStack<float>.Create(proj.Count, proj.Rows, proj.Columns, context.Storage);
        long clamped = 0, done = 0;
        float minT = (float)options.MinimumTransmission;
        Parallelism.Run(() => Parallel.For(0, proj.Count, context.ParallelOptions, () => (new float[frame], new float[frame], 0L), (i, _, state) =>
        {
            var (buffer, flat, count) = state;
            proj.ReadFrame(i, buffer);
            InterpolatedFlat(flats, i, flat);
            for (int k = 0; k < frame; k++)
            {
                float v = buffer[k];
                if (float.IsNaN(v))
                    throw new IncompatibleInputException($"{StepId}: projection {i}, row {k / proj.Columns}, column {k % proj.Columns} holds NaN. Mask or repair the detector pixel before normalising.");
                float f = flat[k];
                float t = f > 0 ? (v - dark[k]) / f : 1f;
                if (!(t > minT)) { t = minT; count++; }
                buffer[k] = options.TakeLogarithm ? -MathF.Log(t) : t;
            }
            output.WriteFrame(i, buffer);
            context.Report(StepId, Interlocked.Increment(ref done), proj.Count);
            return (buffer, flat, count);
        }, state => Interlocked.Add(ref clamped, state.Item3)));

        report = new FlatFieldReport(clamped, (long)proj.Count * frame, dead);
        if (clamped > 0)
            context.Log?.Invoke(string.Create(CultureInfo.InvariantCulture,
                $"{StepId}: clamped {clamped} non-positive or tiny transmissions ({100 * report.ClampedFraction:0.###} %) to {options.MinimumTransmission:G3}."));
        if (dead > 0) context.Log?.Invoke($"{StepId}: {dead} pixels have flat ≤ dark; their transmission is set to 1.");
        var parameters = new Dictionary<string, string>
        {
            ["flat_combine"] = options.FlatCombine.ToString(),
            ["flat_groups"] = string.Join(",", flats.Select(f => f.Index.ToString(CultureInfo.InvariantCulture))),
            ["minimum_transmission"] = options.MinimumTransmission.ToString("G3", CultureInfo.InvariantCulture),
            ["log"] = options.TakeLogarithm ? "true" : "false",
            ["clamped_values"] = clamped.ToString(CultureInfo.InvariantCulture),
        };
        var provenance = raw.Provenance.Append(StepId, 1, parameters, context.Backend, started, clock.Elapsed.TotalSeconds);
        return new ProjectionSet(output, raw.Geometry, options.TakeLogarithm ? IntensityDomain.LineIntegral : IntensityDomain.Transmission,
            energy: raw.Energy, provenance: provenance);
    }

    private static (int Index, int[] Frames)[] FlatGroups(ImageStack<float> flats, IReadOnlyList<int>? indices)
    {
        if (indices is null) return [(0, Enumerable.Range(0, flats.Count).ToArray())];
        if (indices.Count != flats.Count)
            throw new IncompatibleInputException($"{StepId}: {indices.Count} flat indices given for {flats.Count} flat frames; give one projection index per flat.");
        return indices.Select((p, f) => (p, f)).GroupBy(x => x.p).OrderBy(g => g.Key)
            .Select(g => (g.Key, g.Select(x => x.f).ToArray())).ToArray();
    }

    private static float[] Combine(ImageStack<float> stack, int[] frames, FrameCombine how)
    {
        int n = stack.FrameLength;
        var result = new float[n];
        if (how == FrameCombine.Mean || frames.Length <= 2)
        {
            var buffer = new float[n];
            foreach (int f in frames)
            {
                stack.ReadFrame(f, buffer);
                for (int k = 0; k < n; k++) result[k] += buffer[k];
            }
            for (int k = 0; k < n; k++) result[k] /= frames.Length;
            return result;
        }
        var all = new float[frames.Length][];
        for (int i = 0; i < frames.Length; i++) { all[i] = new float[n]; stack.ReadFrame(frames[i], all[i]); }
        var column = new float[frames.Length];
        for (int k = 0; k < n; k++)
        {
            for (int i = 0; i < frames.Length; i++) column[i] = all[i][k];
            Array.Sort(column);
            int m = column.Length / 2;
            result[k] = column.Length % 2 == 1 ? column[m] : 0.5f * (column[m - 1] + column[m]);
        }
        return result;
    }

    private static void InterpolatedFlat((int Index, float[] Flat)[] flats, int projection, float[] destination)
    {
        if (flats.Length == 1 || projection <= flats[0].Index) { flats[0].Flat.CopyTo(destination, 0); return; }
        if (projection >= flats[^1].Index) { flats[^1].Flat.CopyTo(destination, 0); return; }
        int g = 0;
        while (flats[g + 1].Index < projection) g++;
        var (i0, f0) = flats[g];
        var (i1, f1) = flats[g + 1];
        float w = (projection - i0) / (float)(i1 - i0);
        for (int k = 0; k < destination.Length; k++) destination[k] = (1 - w) * f0[k] + w * f1[k];
    }
}
