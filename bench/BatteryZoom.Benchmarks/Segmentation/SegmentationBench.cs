using System.Diagnostics;
using System.Globalization;
using BatteryZoom.Core.Data;
using BatteryZoom.Core.Geometry;
using BatteryZoom.Core.Random;
using BatteryZoom.Core.Steps;
using BatteryZoom.Core.Units;
using BatteryZoom.Segmentation;
using BatteryZoom.Segmentation.DistanceTransform;
using BatteryZoom.Segmentation.Filters;
using BatteryZoom.Segmentation.Labelling;
using BatteryZoom.Segmentation.Measurements;
using BatteryZoom.Segmentation.Thresholds;
using BatteryZoom.Segmentation.Watershed;

namespace BatteryZoom.Benchmarks.Segmentation;

/// <summary>The 3D segmentation chain of ../shared/peer-bench/bench_seg3d.py on the same kind of input (seeded overlapping
/// spheres, background 0.2, spheres 0.8, Gaussian noise σ 0.15), timed step by step (median wall seconds).</summary>
/// <remarks>Usage: <c>seg [--size 256] [--spheres 0] [--runs 3] [--threads 1] [--min-distance 5] [--label-only [--otsu-mask]] [--on-disk DIR] [--no-hmaxima]</c>.
/// <c>--label-only --otsu-mask</c> labels the chain's mask (Otsu threshold of the σ = 1 voxel Gaussian of the noisy volume, as the
/// peer bench does) instead of the clean sphere mask; the mask is built outside the timing.
/// Our generator is <see cref="CounterRandom"/>, not NumPy's, so volumes are statistically, not bit-for-bit, the same.</remarks>
public static class SegmentationBench
{
    public static int Run(string[] args)
    {
        int size = Arg(args, "--size", 256), runs = Arg(args, "--runs", 3), threads = Arg(args, "--threads", 1);
        int spheres = Arg(args, "--spheres", 0), minDistance = Arg(args, "--min-distance", 5);
        bool labelOnly = args.Contains("--label-only");
        string? onDisk = ArgS(args, "--on-disk");
        if (spheres == 0) spheres = (int)Math.Round(2000 * Math.Pow(size / 256.0, 3));
        var ctx = new RunContext { MaxDegreeOfParallelism = threads };
        Console.WriteLine($"# segmentation chain: {size}^3, {spheres} spheres r 4-12, noise 0.15, {threads} thread(s), {runs} run(s), .NET {Environment.Version}");
        var grid = new VoxelGrid(new GridSize(size, size, size), Length.FromMicrometers(1), Length.FromMicrometers(1), Length.FromMicrometers(1), Vec3.Zero);
        var sw = Stopwatch.StartNew();

        if (labelOnly)
        {
            // Large labelling under a memory budget: mask and labels in scratch files when --on-disk is given.
            var storage = onDisk is null ? StorageOptions.InMemory : StorageOptions.OnDisk(onDisk);
            using var m = args.Contains("--otsu-mask") ? OtsuMask(grid, spheres, ctx) : MakeMask(grid, spheres, storage);
            Console.WriteLine($"generate: {sw.Elapsed.TotalSeconds:F1} s");
            var lctx = ctx with { Storage = storage };
            var t = Time(runs, () => ConnectedComponents.Label(m, Connectivity.Vertices26, lctx), out var lab);
            Console.WriteLine($"label26 | {t:F3} s wall | {LastCpu:F3} s CPU | {lab.Count} objects | peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / (1 << 20)} MiB");
            lab.Dispose();
            return 0;
        }

        using var vol = MakeVolume(grid, spheres, 0.15, 12345);
        Console.WriteLine($"generate: {sw.Elapsed.TotalSeconds:F1} s");
        var rows = new List<(string Step, double Seconds, double Cpu, string Note)>();

        double tg = Time(runs, () => GaussianFilter.Apply(vol, Length.FromMicrometers(1), ctx), out var smooth);
        rows.Add(("gaussian_filter", tg, LastCpu, "σ = 1 voxel"));
        double thr = 0;
        double to = Time(runs, () => { thr = Threshold.Otsu(smooth, ctx); return Threshold.Apply(smooth, thr, ctx); }, out var mask);
        rows.Add(("otsu", to, LastCpu, $"t = {thr:F4}"));
        double tl = Time(runs, () => ConnectedComponents.Label(mask, Connectivity.Vertices26, ctx), out var lab26);
        rows.Add(("label26", tl, LastCpu, $"{lab26.Count} components"));
        lab26.Dispose();
        double te = Time(runs, () => EuclideanDistance.Compute(mask, ctx), out var dist);
        rows.Add(("edt", te, LastCpu, "float32"));
        double tp = Time(runs, () => SeedDetection.LocalMaxima(dist, mask, minDistance, ctx), out var seeds);
        rows.Add(("peaks", tp, LastCpu, $"{seeds.Count} seeds"));
        double tw = Time(runs, () => MarkerWatershed.FloodDistance(dist, seeds.Labels, mask, Connectivity.Faces6, ctx), out var ws);
        rows.Add(("watershed", tw, LastCpu, $"{ws.Count} segments"));
        if (!args.Contains("--no-hmaxima"))
        {
            double th = Time(runs, () => SeedDetection.HMaxima(dist, mask, Length.FromMicrometers(1), Connectivity.Vertices26, ctx), out var hm);
            rows.Add(("h-maxima seeds", th, LastCpu, $"h = 1 voxel, 26-conn.: {hm.Count} markers"));
            hm.Dispose();
        }
        double tm = Time(runs, () => RegionMeasurements.Measure(ws.Labels, vol, null, ctx), out var table);
        rows.Add(("regionprops", tm, LastCpu, $"{table.Rows.Count} regions, area/centroid/mean (+ surface, bbox, std)"));

        Console.WriteLine("| step | median wall s | median CPU s | note |");
        Console.WriteLine("|---|---|---|---|");
        foreach (var (step, s, cpu, note) in rows) Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {step} | {s:F3} | {cpu:F3} | {note} |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"total: {rows.Sum(r => r.Seconds):F2} s; foreground {Fraction(mask):F4}; peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / (1 << 20)} MiB"));
        smooth.Dispose(); mask.Dispose(); dist.Dispose(); seeds.Dispose(); ws.Dispose();
        return 0;
    }

    /// <summary>Median process CPU seconds of the last <see cref="Time"/> call: robust on a shared machine where wall time is inflated by other jobs.</summary>
    private static double LastCpu;

    private static double Time<T>(int runs, Func<T> f, out T result)
    {
        var times = new List<double>();
        var cpus = new List<double>();
        result = default!;
        for (int i = 0; i < runs; i++)
        {
            if (i > 0 && result is IDisposable d) d.Dispose();
            GC.Collect();
            var proc = Process.GetCurrentProcess();
            var cpu0 = proc.TotalProcessorTime;
            var sw = Stopwatch.StartNew();
            result = f();
            times.Add(sw.Elapsed.TotalSeconds);
            proc.Refresh();
            cpus.Add((proc.TotalProcessorTime - cpu0).TotalSeconds);
        }
        times.Sort();
        cpus.Sort();
        LastCpu = cpus[cpus.Count / 2];
        return times[times.Count / 2];
    }

    private static (double X, double Y, double Z, double R)[] Spheres(int size, int count, ulong seed)
    {
        var rng = new CounterRandom(seed, 1);
        var s = new (double, double, double, double)[count];
        for (int i = 0; i < count; i++)
            s[i] = (rng.Uniform((ulong)(4 * i)) * size, rng.Uniform((ulong)(4 * i + 1)) * size, rng.Uniform((ulong)(4 * i + 2)) * size, 4 + 8 * rng.Uniform((ulong)(4 * i + 3)));
        return s;
    }

    private static void Paint(int size, (double X, double Y, double Z, double R)[] spheres, int z, Span<byte> slice)
    {
        foreach (var (cx, cy, cz, r) in spheres)
        {
            double dz = z - cz;
            if (Math.Abs(dz) > r) continue;
            double rr = r * r - dz * dz;
            int y0 = Math.Max(0, (int)Math.Floor(cy - r)), y1 = Math.Min(size - 1, (int)Math.Ceiling(cy + r));
            for (int y = y0; y <= y1; y++)
            {
                double dy = y - cy, w2 = rr - dy * dy;
                if (w2 < 0) continue;
                double w = Math.Sqrt(w2);
                int x0 = Math.Max(0, (int)Math.Ceiling(cx - w)), x1 = Math.Min(size - 1, (int)Math.Floor(cx + w));
                if (x1 >= x0) slice.Slice(y * size + x0, x1 - x0 + 1).Fill(1);
            }
        }
    }

    private static Volume<float> MakeVolume(VoxelGrid grid, int count, double noise, ulong seed)
    {
        int n = grid.Size.Nx;
        var spheres = Spheres(n, count, seed);
        var rng = new CounterRandom(seed, 2);
        var v = Volume<float>.Create(grid, Quantity.Unknown, StorageOptions.InMemory);
        Parallel.For(0, n, z =>
        {
            var m = new byte[n * n];
            Paint(n, spheres, z, m);
            var s = v.GetSlice(z);
            for (int i = 0; i < s.Length; i++) s[i] = (float)((m[i] != 0 ? 0.8 : 0.2) + noise * rng.Normal((ulong)z * (ulong)s.Length + (ulong)i));
        });
        return v;
    }

    private static Volume<byte> OtsuMask(VoxelGrid grid, int count, RunContext ctx)
    {
        using var vol = MakeVolume(grid, count, 0.15, 12345);
        using var smooth = GaussianFilter.Apply(vol, Length.FromMicrometers(1), ctx);
        return Threshold.Apply(smooth, Threshold.Otsu(smooth, ctx), ctx);
    }

    private static Volume<byte> MakeMask(VoxelGrid grid, int count, StorageOptions storage)
    {
        int n = grid.Size.Nx;
        var spheres = Spheres(n, count, 12345);
        var v = Volume<byte>.Create(grid, Quantity.Mask, storage);
        var m = new byte[n * n];
        for (int z = 0; z < n; z++) { Array.Clear(m); Paint(n, spheres, z, m); v.WriteSlice(z, m); }
        return v;
    }

    private static double Fraction(Volume<byte> m)
    {
        long c = 0;
        for (int z = 0; z < m.Nz; z++) foreach (byte b in m.GetSlice(z)) c += b;
        return (double)c / m.Grid.Size.VoxelCount;
    }

    private static int Arg(string[] a, string name, int def) { int i = Array.IndexOf(a, name); return i >= 0 && i + 1 < a.Length ? int.Parse(a[i + 1], CultureInfo.InvariantCulture) : def; }
    private static string? ArgS(string[] a, string name) { int i = Array.IndexOf(a, name); return i >= 0 && i + 1 < a.Length ? a[i + 1] : null; }
}
