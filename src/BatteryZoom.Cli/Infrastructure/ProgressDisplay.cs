using System.Diagnostics;
using BatteryZoom.Core.Steps;
using Spectre.Console;

namespace BatteryZoom.Cli.Infrastructure;

/// <summary>Shows progress: a Spectre.Console bar per step on a terminal, plain lines (every 10 % and on completion) in logs.</summary>
internal static class ProgressDisplay
{
    /// <summary>True when stdout is an interactive terminal.</summary>
    public static bool Interactive => !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;

    /// <summary>Runs CPU-bound <paramref name="work"/> on the thread pool while progress is displayed.</summary>
    public static async Task<T> RunAsync<T>(Func<IProgress<StepProgress>, T> work)
    {
        if (!Interactive)
        {
            var log = new LogProgress(Console.Out);
            return await Task.Run(() => work(log)).ConfigureAwait(false);
        }
        return await AnsiConsole.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
            .StartAsync(async ctx => await Task.Run(() => work(new BarProgress(ctx))).ConfigureAwait(false))
            .ConfigureAwait(false);
    }

    private sealed class BarProgress(ProgressContext context) : IProgress<StepProgress>
    {
        private readonly Dictionary<string, ProgressTask> _tasks = new(StringComparer.Ordinal);
        private readonly Lock _gate = new();

        public void Report(StepProgress value)
        {
            lock (_gate)
            {
                if (!_tasks.TryGetValue(value.Step, out var task))
                    _tasks[value.Step] = task = context.AddTask(Markup.Escape(value.Step), maxValue: Math.Max(1, value.Total));
                task.MaxValue = Math.Max(1, value.Total);
                task.Value = Math.Max(task.Value, value.Done);
            }
        }
    }

    /// <summary>Plain progress lines for logs: at each 10 % boundary and a final "done" line with the time taken.</summary>
    internal sealed class LogProgress(TextWriter output) : IProgress<StepProgress>
    {
        private readonly Dictionary<string, (int Decile, Stopwatch Clock)> _state = new(StringComparer.Ordinal);
        private readonly Lock _gate = new();

        public void Report(StepProgress value)
        {
            lock (_gate)
            {
                if (!_state.TryGetValue(value.Step, out var s)) s = (0, Stopwatch.StartNew());
                int decile = (int)Math.Floor(value.Fraction * 10);
                if (value.Done >= value.Total && s.Decile < 10)
                {
                    output.WriteLine($"[{value.Step}] done: {value.Done}/{value.Total} in {s.Clock.Elapsed.TotalSeconds:F1} s");
                    s.Decile = 10;
                }
                else if (decile > s.Decile && decile < 10)
                {
                    output.WriteLine($"[{value.Step}] {decile * 10}% ({value.Done}/{value.Total})");
                    s.Decile = decile;
                }
                _state[value.Step] = s;
            }
        }
    }
}
