using BatteryZoom.Core.Data;
using BatteryZoom.Core.Random;
using BatteryZoom.Core.Steps;

namespace BatteryZoom.Simulation.Acquisition;

/// <summary>Turns exact line integrals into what a detector records: counts with Poisson noise, a dark offset, flats and darks.</summary>
/// <param name="FlatCounts">Mean counts of the open beam, I0 (photons per pixel per frame).</param>
/// <param name="DarkCounts">Mean dark offset added to every frame (read-out and dark current).</param>
/// <param name="FlatFrames">Number of flat frames recorded.</param>
/// <param name="DarkFrames">Number of dark frames recorded.</param>
/// <param name="Seed">Seed of the counter-based noise; identical output for identical seeds on every platform.</param>
/// <param name="Noise">When false, counts are the exact expected values (for noise-free tests).</param>
public sealed record DetectorModel(double FlatCounts = 10_000, double DarkCounts = 100, int FlatFrames = 10, int DarkFrames = 5, ulong Seed = 1, bool Noise = true)
{
    /// <summary>Raw counts I = Poisson(I0·exp(−p)) + dark, with flats and darks, from line integrals p.</summary>
    /// <exception cref="ArgumentException">The input is not in the line-integral domain.</exception>
    public ProjectionSet Record(ProjectionSet lineIntegrals, RunContext? context = null)
    {
        ArgumentNullException.ThrowIfNull(lineIntegrals);
        if (lineIntegrals.Domain != IntensityDomain.LineIntegral)
            throw new ArgumentException($"expected line integrals; got {lineIntegrals.Domain}.", nameof(lineIntegrals));
        context ??= RunContext.Default;
        var src = lineIntegrals.Projections;
        var raw = ImageStack<float>.Create(src.Count, src.Rows, src.Columns, context.Storage);
        var rng = new CounterRandom(Seed);
        Parallel.For(0, src.Count, context.ParallelOptions, i =>
        {
            var frame = new float[src.FrameLength];
            src.ReadFrame(i, frame);
            var r = rng.WithStream((ulong)i);
            for (int k = 0; k < frame.Length; k++) frame[k] = Count(FlatCounts * Math.Exp(-frame[k]), r, (ulong)k);
            raw.WriteFrame(i, frame);
        });
        var flats = Constant(FlatFrames, src, FlatCounts, rng, 1UL << 40);
        var darks = Constant(DarkFrames, src, 0, rng, 1UL << 41);
        return new ProjectionSet(raw, lineIntegrals.Geometry, IntensityDomain.Raw, flats, darks, lineIntegrals.Energy, lineIntegrals.Provenance);
    }

    private ImageStack<float> Constant(int frames, ImageStack<float> like, double mean, CounterRandom rng, ulong streamBase)
    {
        var stack = ImageStack<float>.Create(Math.Max(frames, 1), like.Rows, like.Columns, StorageOptions.InMemory);
        for (int i = 0; i < stack.Count; i++)
        {
            var frame = stack.GetFrame(i);
            var r = rng.WithStream(streamBase + (ulong)i);
            for (int k = 0; k < frame.Length; k++) frame[k] = Count(mean, r, (ulong)k);
        }
        return stack;
    }

    private float Count(double expected, CounterRandom r, ulong index) =>
        (float)((Noise ? r.Poisson(expected, index) : expected) + DarkCounts);
}
