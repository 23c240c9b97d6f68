using System.Diagnostics;
using BatteryZoom.Core.Data;
using BatteryZoom.Core.Geometry;
using BatteryZoom.Core.Steps;
using BatteryZoom.Core.Units;
using BatteryZoom.Spectroscopy;
using BatteryZoom.Spectroscopy.Data;
using BatteryZoom.Spectroscopy.EdgeEnergy;
using BatteryZoom.Spectroscopy.Normalisation;

namespace BatteryZoom.Benchmarks.Spectroscopy;

/// <summary>XANES per-voxel cost (one core) and whole-volume mapping time.
/// Usage: xanes [kernel|volume|align|all] [--size N] [--threads T] [--voxels V]. "align" times the alignment across energies on one
/// core (estimate per image pair and resampling per projection) for 64², 128², 256² and 512² images.</summary>
public static class XanesBench
{
    public static int Run(string[] args)
    {
        string mode = args.Length > 1 && !args[1].StartsWith("--", StringComparison.Ordinal) ? args[1] : "all";
        int size = Arg(args, "--size", 256), threads = Arg(args, "--threads", Environment.ProcessorCount), voxels = Arg(args, "--voxels", 400_000);
        Console.WriteLine($"# XANES benchmark: {Environment.ProcessorCount} logical CPUs, .NET {Environment.Version}, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}");
        if (mode is "kernel" or "all") Kernel(voxels);
        if (mode is "volume" or "all") Volume(size, threads);
        if (mode is "align" or "all") XanesAlignBench.Run();
        return 0;
    }

    private static int Arg(string[] a, string name, int def)
    {
        int i = Array.IndexOf(a, name);
        return i >= 0 && i + 1 < a.Length ? int.Parse(a[i + 1], System.Globalization.CultureInfo.InvariantCulture) : def;
    }

    // Same model as Simulation/Particles/NiKEdgeModel (kept inline: the benchmark project references only src projects it measures).
    private static double Mu(double e, double soc)
    {
        double ec = 8343 + 2 * soc, x = e - ec, w = x - 7;
        return 0.3 - 2e-4 * (e - 8343) + 0.5 + Math.Atan(x / 1.5) / Math.PI + 0.5 * Math.Exp(-w * w / 32);
    }

    private static double[] Grid()
    {
        var e = new List<double>();
        for (int x = 8178; x <= 8318; x += 10) e.Add(x);
        for (int x = 8320; x <= 8356; x += 1) e.Add(x);
        for (int x = 8370; x <= 8570; x += 20) e.Add(x);
        return [.. e];
    }

    private static readonly PreEdgeOptions Ranges = new() { E0 = new Energy(8344), Pre2 = new Energy(-25), Norm1 = new Energy(30) };

    private static float[] NoiseTable()
    {
        var rng = new BatteryZoom.Core.Random.CounterRandom(5);
        var t = new float[1 << 20];
        for (int i = 0; i < t.Length; i++) t[i] = (float)(0.02 * rng.Normal((ulong)i));
        return t;
    }

    private static void Kernel(int n)
    {
        var e = Grid();
        int ne = e.Length;
        var noise = NoiseTable();
        const int levels = 64;
        var table = new double[levels, ne];
        for (int s = 0; s < levels; s++) for (int i = 0; i < ne; i++) table[s, i] = Mu(e[i], s / (double)(levels - 1));
        // Voxel-major input as the mapper sees it after reading a slice: [energy][voxel] floats.
        var input = new float[ne * n];
        for (int v = 0; v < n; v++) for (int i = 0; i < ne; i++) input[i * n + v] = (float)table[v % levels, i] + noise[(v * ne + i) & ((1 << 20) - 1)];
        foreach (bool fit in new[] { false, true })
        {
            var plan = PreEdgePlan.Create(e, Ranges);
            var kernel = new XanesKernel(plan, new EdgeEnergyOptions { LocalFit = fit });
            var spec = new double[ne];
            double checksum = 0;
            for (int rep = 0; rep < 2; rep++)   // first pass warms the JIT (tiered compilation)
            {
                var sw = Stopwatch.StartNew();
                checksum = 0;
                var tile = new double[64 * ne];
                for (int v = 0; v < n; v++)
                {
                    if (v % 64 == 0)
                        for (int i = 0; i < ne; i++) for (int j = 0; j < 64 && v + j < n; j++) tile[j * ne + i] = input[i * n + v + j];
                    tile.AsSpan((v % 64) * ne, ne).CopyTo(spec);
                    var f = kernel.Evaluate(spec);
                    checksum += f.EdgeEnergy + f.WhiteLineEnergy;
                }
                sw.Stop();
                if (rep == 1)
                    Console.WriteLine($"kernel (1 core, {ne} energies, local fit {(fit ? "on" : "off")}): {sw.Elapsed.TotalMilliseconds * 1e6 / n:F0} ns/voxel over {n} voxels (checksum {checksum / n:F3})");
            }
        }
    }

    private static void Volume(int size, int threads)
    {
        var e = Grid();
        int ne = e.Length, len = size * size;
        var grid = VoxelGrid.Centered(new GridSize(size, size, size), Length.FromMicrometers(0.05));
        var noise = NoiseTable();
        var sw = Stopwatch.StartNew();
        var sv = SpectralVolume.Create([.. e.Select(x => new Energy(x))], grid, Quantity.LinearAttenuation, StorageOptions.InMemory);
        var table = new float[64 * ne];
        for (int s = 0; s < 64; s++) for (int i = 0; i < ne; i++) table[s * ne + i] = (float)Mu(e[i], s / 63.0);
        Parallel.For(0, size, new ParallelOptions { MaxDegreeOfParallelism = threads }, z =>
        {
            for (int i = 0; i < ne; i++)
            {
                var slice = sv.AtEnergy(i).GetSlice(z);
                for (int v = 0; v < len; v++)
                {
                    int grain = ((v % size) / 32 + (v / size) / 32 * 8 + z / 32 * 64) % 64;
                    slice[v] = table[grain * ne + i] + noise[(int)(((long)z * len + v) * 7 + i) & ((1 << 20) - 1)];
                }
            }
        });
        Console.WriteLine($"volume {size}³ × {ne}: synthesised in {sw.Elapsed.TotalSeconds:F1} s ({(long)size * size * size * ne * 4 / 1e9:F1} GB)");
        var ctx = RunContext.Default with { MaxDegreeOfParallelism = threads, Storage = StorageOptions.InMemory };
        for (int rep = 0; rep < 2; rep++)
        {
            sw.Restart();
            using var maps = XanesMapper.Map(sv, new XanesMapOptions { PreEdge = Ranges, MaskStep = 0.5 }, ctx);
            sw.Stop();
            Console.WriteLine($"map {size}³ × {ne} ({threads} threads, slice by slice){(rep == 0 ? " [cold]" : "")}: {sw.Elapsed.TotalSeconds:F2} s = {sw.Elapsed.TotalMilliseconds * 1e6 / ((long)size * size * size):F0} ns/voxel wall; valid {maps.CountOf(SpectrumStatus.Ok)}");
        }
        sv.Dispose();
    }
}
