using System.Globalization;
using System.Text;
using System.Text.Json;

namespace BatteryZoom.Cli.Demo;

/// <summary>Writes report.md and report.json from the demo's findings.</summary>
internal static class DemoReport
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>A markdown table cell: a '|' in the text would end the cell.</summary>
    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal);

    public static void Write(DemoContext context, IReadOnlyList<(string Stage, double Seconds)> times)
    {
        var md = new StringBuilder();
        md.AppendLine("# BatteryZoom demo report").AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"{Core.Data.Provenance.SoftwareVersion}, {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC, {context.Run.Backend}.").AppendLine();
        md.AppendLine("| stage | finding | value |").AppendLine("|---|---|---|");
        foreach (var f in context.Findings) md.AppendLine(CultureInfo.InvariantCulture, $"| {Cell(f.Stage)} | {Cell(f.What)} | {Cell(f.Value)} |");
        if (context.Figures.Count > 0)
        {
            md.AppendLine().AppendLine("## Figures").AppendLine();
            foreach (var f in context.Figures)
                md.AppendLine(CultureInfo.InvariantCulture, $"![{f.Caption}]({f.Path})").AppendLine().AppendLine(CultureInfo.InvariantCulture, $"*{f.Caption}* — {f.Range}.").AppendLine();
        }
        md.AppendLine().AppendLine("| stage | seconds |").AppendLine("|---|---|");
        foreach (var (stage, seconds) in times) md.AppendLine(CultureInfo.InvariantCulture, $"| {stage} | {seconds:F2} |");
        File.WriteAllText(context.PathOf("report.md"), md.ToString());
        var json = JsonSerializer.Serialize(new
        {
            software = Core.Data.Provenance.SoftwareVersion,
            backend = context.Run.Backend,
            findings = context.Findings.Select(f => new { stage = f.Stage, what = f.What, value = f.Value }),
            figures = context.Figures.Select(f => new { path = f.Path, caption = f.Caption, range = f.Range }),
            seconds = times.Select(t => new { stage = t.Stage, seconds = Math.Round(t.Seconds, 3) }),
        }, Indented);
        File.WriteAllText(context.PathOf("report.json"), json);
    }
}
