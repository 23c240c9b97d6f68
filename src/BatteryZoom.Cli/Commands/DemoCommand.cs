using System.CommandLine;
using BatteryZoom.Cli.Demo;
using BatteryZoom.Cli.Infrastructure;
using BatteryZoom.Core.Data;
using BatteryZoom.Core.Steps;

namespace BatteryZoom.Cli.Commands;

/// <summary><c>bzoom demo --out DIR</c>: the macro-to-nano zoom on the built-in digital twin.</summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        var output = CommonOptions.Out("Folder for the demo's files and report (created; must not exist unless --overwrite).");
        var overwrite = CommonOptions.Overwrite();
        var memory = CommonOptions.Memory();
        var command = new Command("demo", "Run the whole pipeline on the built-in digital twin: simulate, write, reconstruct, measure, report.");
        command.Options.Add(output);
        command.Options.Add(overwrite);
        command.Options.Add(memory);
        CommandAction.Set(command, async (parse, cancellation) =>
        {
            string outPath = parse.GetRequiredValue(output);
            var storage = new StorageOptions(CommonOptions.ParseMemory(parse.GetValue(memory)));
            using var folder = OutputDirectory.Begin(outPath, parse.GetValue(overwrite));
            await ProgressDisplay.RunAsync(progress =>
            {
                var run = new RunContext { Cancellation = cancellation, Progress = progress, Storage = storage };
                var context = new DemoContext(folder.StagingPath, run, ConsoleLineWriter.ForCurrentConsole());
                var times = DemoRunner.Run(DemoStages.All(), context);
                DemoReport.Write(context, times);
                return 0;
            }).ConfigureAwait(false);
            folder.Commit();
            Console.WriteLine($"demo: wrote {Path.GetFullPath(outPath)} (report.md, report.json and the stage outputs)");
            return 0;
        });
        return command;
    }
}
