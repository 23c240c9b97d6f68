using System.CommandLine;
using BatteryZoom.Cli.Commands;
using BatteryZoom.Cli.Infrastructure;

namespace BatteryZoom.Cli;

/// <summary>The <c>bzoom</c> command tree.</summary>
public static class BzoomApp
{
    /// <summary>Parses and runs a command line; returns the process exit code.</summary>
    public static async Task<int> RunAsync(string[] args, CancellationToken cancellation = default)
    {
        var root = new RootCommand("bzoom: multi-scale X-ray imaging for battery research — reconstruct, retrieve phase, map edge energies, segment and quantify.");
        root.Options.Add(CommonOptions.Verbose);
        foreach (var command in Commands()) root.Subcommands.Add(command);
        var config = new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromSeconds(20), EnableDefaultExceptionHandler = false };
        return await root.Parse(args).InvokeAsync(config, cancellation).ConfigureAwait(false);
    }

    private static IEnumerable<Command> Commands() =>
    [
        DemoCommand.Create(),
        InfoCommand.Create(),
        ConvertCommand.Create(),
        ReconCommand.Create(),
        StitchCommand.Create(),
        SegmentCommand.Create(),
        PhaseCommand.Create(),
        HoloCommand.Create(),
        XanesCommand.Create(),
        FigureCommand.Create(),
    ];
}
