namespace BatteryZoom.Cli.Demo;

/// <summary>The demo's stages in order: each capability of BatteryZoom adds its own.</summary>
internal static class DemoStages
{
    public static IEnumerable<IDemoStage> All() =>
    [
        new ParallelScanStage(),
        new ParallelReconStage(),
        new XanesStage(),
        new HoloStage(),
    ];
}
