using System.Text.Json;
using BatteryZoom.Core.Diagnostics;

namespace BatteryZoom.Cli.Infrastructure;

/// <summary>Maps exceptions to one-line messages and exit codes: 2 usage, 3 data, 4 backend, 130 cancelled, 1 internal.</summary>
internal static class ErrorHandling
{
    public const int Cancelled = 130;

    public static int Report(Exception error, bool verbose, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(error);
        (int code, string message) = error switch
        {
            OperationCanceledException => (Cancelled, "cancelled; no output was written under its final name"),
            BatteryZoomException b => (b.ExitCode, b.Message),
            FormatException f => (2, f.Message),
            ArgumentException a => (2, a.Message),
            FileNotFoundException f => (3, $"{f.FileName ?? "file"}: not found"),
            DirectoryNotFoundException d => (3, d.Message),
            UnauthorizedAccessException u => (3, u.Message),
            JsonException j => (3, $"malformed JSON: {j.Message}"),
            IOException io => (3, io.Message),
            _ => (1, $"internal error ({error.GetType().Name}): {error.Message}"),
        };
        stderr.WriteLine($"bzoom: error: {message}");
        if (verbose) stderr.WriteLine(error.ToString());
        else if (code == 1) stderr.WriteLine("(run with --verbose for the stack trace)");
        return code;
    }
}
