using System.CommandLine;

namespace BatteryZoom.Cli.Infrastructure;

/// <summary>Binds a command body and turns its exceptions into one-line errors with exit codes.</summary>
internal static class CommandAction
{
    public static void Set(Command command, Func<ParseResult, CancellationToken, Task<int>> body)
    {
        command.SetAction(async (parse, cancellation) =>
        {
            bool verbose = parse.GetValue(CommonOptions.Verbose);
            try
            {
                return await body(parse, cancellation).ConfigureAwait(false);
            }
            catch (Exception error)
            {
                return ErrorHandling.Report(Unwrap(error), verbose, Console.Error);
            }
        });
    }

    private static Exception Unwrap(Exception error)
    {
        while (error is AggregateException { InnerExceptions.Count: 1 } a) error = a.InnerExceptions[0];
        if (error is AggregateException agg && agg.InnerExceptions.All(e => e is OperationCanceledException)) return agg.InnerExceptions[0];
        return error;
    }
}
