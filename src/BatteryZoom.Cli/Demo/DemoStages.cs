namespace BatteryZoom.Cli.Demo;

/// <summary>The demo's stages in order: each capability of BatteryZoom adds its own.</summary>
internal static class DemoStages
{
    public static IEnumerable<IDemoStage> All() =>
    [
        new ParallelScanStage(),   // foundation: simulated synchrotron scan written as Data Exchange
        new ParallelReconStage(),  // parallel-beam FBP back from the file
        new ConeScanStage(),       // cell level: lab cone-beam micro-CT, FDK
        new HoloStage(),           // electrode level: holotomography, CTF, δ, particle segmentation
        new XanesStage(),          // particle level: XANES edge energy and state of charge
        new FigureStage(),         // PNG figures of the volumes above, linked from the report
    ];
}
