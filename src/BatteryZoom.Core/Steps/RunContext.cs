using BatteryZoom.Core.Data;

namespace BatteryZoom.Core.Steps;

/// <summary>Progress of a running step: units done of a total, with a short description.</summary>
public readonly record struct StepProgress(string Step, long Done, long Total, string? Detail = null)
{
    /// <summary>Fraction done in [0, 1].</summary>
    public double Fraction => Total <= 0 ? 1 : Math.Clamp((double)Done / Total, 0, 1);
}

/// <summary>What a step needs from its caller: cancellation, progress, a log, a memory budget and a backend name.</summary>
/// <remarks>No global state: this record travels with every call.</remarks>
public sealed record RunContext
{
    /// <summary>Defaults: no progress, no log, default storage, CPU backend.</summary>
    public static RunContext Default { get; } = new();
    /// <summary>Stops work between slabs or projections.</summary>
    public CancellationToken Cancellation { get; init; }
    /// <summary>Receives progress reports.</summary>
    public IProgress<StepProgress>? Progress { get; init; }
    /// <summary>Receives soft problems and notes (one line each).</summary>
    public Action<string>? Log { get; init; }
    /// <summary>Where intermediate stacks and volumes live.</summary>
    public StorageOptions Storage { get; init; } = StorageOptions.Default;
    /// <summary>Description of the compute backend written to provenance.</summary>
    public string Backend { get; init; } = $"cpu: {Environment.ProcessorCount} threads";
    /// <summary>Worker threads for parallel loops (default: all cores).</summary>
    public int MaxDegreeOfParallelism { get; init; } = Environment.ProcessorCount;

    /// <summary>ParallelOptions honouring the cancellation and thread limit.</summary>
    public ParallelOptions ParallelOptions => new() { CancellationToken = Cancellation, MaxDegreeOfParallelism = MaxDegreeOfParallelism };

    /// <summary>Reports progress if someone listens.</summary>
    public void Report(string step, long done, long total, string? detail = null) => Progress?.Report(new StepProgress(step, done, total, detail));
}
