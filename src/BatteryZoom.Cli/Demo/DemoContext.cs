using System.Diagnostics;
using BatteryZoom.Core.Steps;

namespace BatteryZoom.Cli.Demo;

/// <summary>What the demo stages share: the staging folder, the run context and the report being written.</summary>
internal sealed class DemoContext(string folder, RunContext run, TextWriter log)
{
    /// <summary>Folder the stages write into (renamed to --out when every stage has finished).</summary>
    public string Folder { get; } = folder;
    /// <summary>Cancellation, progress and storage for the steps.</summary>
    public RunContext Run { get; } = run;
    /// <summary>Human-readable log (stdout).</summary>
    public TextWriter Log { get; } = log;
    /// <summary>Results, one line per finding, written to report.md at the end.</summary>
    public List<DemoFinding> Findings { get; } = [];
    /// <summary>Figures drawn for the report, in order.</summary>
    public List<DemoFigure> Figures { get; } = [];
    /// <summary>Objects later stages reuse (e.g. the simulated scan's path).</summary>
    public Dictionary<string, object> Shared { get; } = new(StringComparer.Ordinal);

    public string PathOf(string file) => Path.Combine(Folder, file);

    public void Note(string stage, string what, string value)
    {
        Findings.Add(new DemoFinding(stage, what, value));
        Log.WriteLine($"  {stage}: {what} = {value}");
    }
}

/// <summary>A figure of the report: path relative to the output folder, caption and colour range.</summary>
internal sealed record DemoFigure(string Path, string Caption, string Range);

/// <summary>One line of the demo report.</summary>
internal sealed record DemoFinding(string Stage, string What, string Value);

/// <summary>A stage of the macro-to-nano demo; each capability adds one.</summary>
internal interface IDemoStage
{
    string Name { get; }
    string Description { get; }
    void Run(DemoContext context);
}

/// <summary>Runs stages in order, timing each.</summary>
internal static class DemoRunner
{
    public static IReadOnlyList<(string Stage, double Seconds)> Run(IEnumerable<IDemoStage> stages, DemoContext context)
    {
        var times = new List<(string, double)>();
        foreach (var stage in stages)
        {
            context.Run.Cancellation.ThrowIfCancellationRequested();
            context.Log.WriteLine($"== {stage.Name}: {stage.Description}");
            var clock = Stopwatch.StartNew();
            stage.Run(context);
            times.Add((stage.Name, clock.Elapsed.TotalSeconds));
            context.Log.WriteLine($"   ({clock.Elapsed.TotalSeconds:F1} s)");
        }
        return times;
    }
}
