using System.Text;
using Spectre.Console;

namespace BatteryZoom.Cli.Infrastructure;

/// <summary>A TextWriter that sends whole lines through Spectre.Console, so they print above a live progress display.</summary>
internal sealed class ConsoleLineWriter : TextWriter
{
    private readonly StringBuilder _line = new();
    private readonly Lock _gate = new();

    public override Encoding Encoding => Encoding.UTF8;

    /// <summary>Stdout itself in logs; line-buffered Spectre output on a terminal.</summary>
    public static TextWriter ForCurrentConsole() => ProgressDisplay.Interactive ? new ConsoleLineWriter() : Console.Out;

    public override void Write(char value)
    {
        lock (_gate)
        {
            if (value == '\n') { AnsiConsole.Console.WriteLine(_line.ToString()); _line.Clear(); }
            else if (value != '\r') _line.Append(value);
        }
    }

    public override void WriteLine(string? value)
    {
        lock (_gate)
        {
            _line.Append(value);
            AnsiConsole.Console.WriteLine(_line.ToString());
            _line.Clear();
        }
    }
}
