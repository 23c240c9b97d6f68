// Benchmark dispatcher: `dotnet run -c Release --project bench/BatteryZoom.Benchmarks -- <area> [options]`.
// Each area owns a static class with `int Run(string[] args)` (args[0] is the area name); add a case per area.
using BatteryZoom.Benchmarks.Fft;

string area = args.Length > 0 ? args[0].ToLowerInvariant() : "";
return area switch
{
    "fft" => FftBench.Run(args),
    "xanes" => BatteryZoom.Benchmarks.Spectroscopy.XanesBench.Run(args),
    "fbp" => BatteryZoom.Benchmarks.Tomography.FbpBench.Run(args),
    "seg" => BatteryZoom.Benchmarks.Segmentation.SegmentationBench.Run(args),
    "phase" => BatteryZoom.Benchmarks.Phase.PhaseBench.Run(args),
    "fdk" or "fdk-memory" => BatteryZoom.Benchmarks.ConeBeam.FdkBench.Run(args),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: BatteryZoom.Benchmarks <area> [options]");
    Console.Error.WriteLine("  fft   managed FFT vs FFTW (libfftw3f), MathNet and numpy/scipy on the same seeded inputs");
    return 2;
}
