using System.Diagnostics;
using System.Globalization;
using BatteryZoom.Core.Data;
using BatteryZoom.Core.Geometry;
using BatteryZoom.Core.Steps;
using BatteryZoom.Core.Units;
using BatteryZoom.Tomography.ConeBeam;
using BatteryZoom.Tomography.Fdk;

namespace BatteryZoom.Benchmarks.ConeBeam;

/// <summary>Cone-beam FDK benchmarks: `fdk` (backprojection rate and 256³ wall time, one core, medians) and
/// `fdk-memory [budget]` (a volume 3× the budget reconstructed slab by slab; run under /usr/bin/time -v).</summary>
public static class FdkBench
{
    public static int Run(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        string mode = args.Length > 0 ? args[0] : "fdk";
        return mode switch
        {
            "fdk-memory" => Memory(args.Length > 1 ? MemorySize.Parse(args[1]) : MemorySize.FromMebibytes(256)),
            _ => Speed(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 256,
                       args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 360),
        };
    }

    /// <summary>A centred 256-style geometry: voxel = pixel / M, detector n × n, cone half-angle ≈ 7°.</summary>
    private static CircularConeBeam Geometry(int n, int projections)
    {
        var pixel = Length.FromMicrometers(200);
        var det = new Detector(n, n, pixel);
        double m = 2.0;
        // Half-angle of the cone ≈ atan(n/2·pixel / D_sd) ≈ 7° for n = 256.
        var dsd = new Length(n / 2.0 * pixel.Meters / Math.Tan(7 * Math.PI / 180));
        return new CircularConeBeam(det, ConeGeometry.FullTurn(projections), dsd / m, dsd);
    }

    /// <summary>Line integrals of a centred sphere (radius 0.4 × field of view), written frame by frame.</summary>
    private static ProjectionSet SphereScan(CircularConeBeam g, StorageOptions storage, double radius, double mu)
    {
        var det = g.Detector;
        var stack = ImageStack<float>.Create(g.ProjectionCount, det.Rows, det.Columns, storage);
        double cu = (det.Columns - 1) / 2.0, cv = (det.Rows - 1) / 2.0;
        Parallel.For(0, g.ProjectionCount, () => new float[det.Rows * det.Columns], (a, _, frame) =>
        {
            var pose = g.PoseAt(a);
            for (int r = 0; r < det.Rows; r++)
                for (int c = 0; c < det.Columns; c++)
                {
                    var p = pose.DetectorCentre + pose.U * (c - cu) + pose.V * (r - cv);
                    var d = (p - pose.Source).Normalized();
                    var s = pose.Source;
                    double b = Vec3.Dot(s, d), cc = Vec3.Dot(s, s) - radius * radius, disc = b * b - cc;
                    frame[r * det.Columns + c] = disc > 0 ? (float)(2 * Math.Sqrt(disc) * mu) : 0f;
                }
            stack.WriteFrame(a, frame);
            return frame;
        }, _ => { });
        return new ProjectionSet(stack, g, IntensityDomain.LineIntegral);
    }

    private static double Median(List<double> v) { v.Sort(); return v[v.Count / 2]; }

    // The machine may be shared: report process CPU seconds (≈ thread time for one busy thread) next to wall time.
    private static double CpuSeconds() => Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;

    private static (double Wall, double Cpu) Time(Action action)
    {
        double c0 = CpuSeconds();
        var sw = Stopwatch.StartNew();
        action();
        return (sw.Elapsed.TotalSeconds, CpuSeconds() - c0);
    }

    private static int Speed(int n, int projections)
    {
        var g = Geometry(n, projections);
        var grid = VoxelGrid.Centered(new GridSize(n, n, n), g.Detector.PixelWidth / g.Magnification);
        Console.WriteLine($"FDK speed: {n}³ voxels from {projections} projections of {n}², cone half-angle 7°, {Environment.ProcessorCount} cores, AVX2 {System.Runtime.Intrinsics.X86.Avx2.IsSupported}");
        var one = RunContext.Default with { MaxDegreeOfParallelism = 1, Storage = StorageOptions.InMemory };
        var all = RunContext.Default with { Storage = StorageOptions.InMemory };
        using var scan = SphereScan(g, StorageOptions.InMemory, 0.4 * n / 2 * grid.Dx.Meters, 50);

        // Backprojection alone: one slab of 64 slices (all projections filtered once), one thread.
        var plan = FdkPlan.Create(g, grid);
        int slab = Math.Min(64, n), z0 = n / 2 - slab / 2;
        var rows = plan.RowsForSlab(z0, slab);
        var buffers = new float[projections][];
        var ws = plan.CreateWorkspace(rows.Count);
        var filterTimes = new List<double>();
        var filterCpu = new List<double>();
        for (int rep = 0; rep < 3; rep++)
        {
            var (w, c) = Time(() =>
            {
                for (int a = 0; a < projections; a++) plan.FilterProjection(scan.Projections, a, rows, buffers[a] ??= new float[plan.BufferLength(rows.Count)], ws);
            });
            filterTimes.Add(w); filterCpu.Add(c);
        }
        Console.WriteLine($"  filtering {rows.Count} rows × {projections} projections (one thread): wall {Median(filterTimes):F3} s, cpu {Median(filterCpu):F3} s ({projections * rows.Count / Median(filterCpu) / 1e3:F0} k rows per cpu-s)");
        var acc = new float[(long)n * n * slab];
        double updates = (double)n * n * slab * projections;
        foreach (var kernel in new[] { BackprojectionKernel.Scalar, BackprojectionKernel.FourTap, BackprojectionKernel.Blend, BackprojectionKernel.Permute })
        {
            var times = new List<double>();
            var cpu = new List<double>();
            for (int rep = 0; rep < 5; rep++)
            {
                Array.Clear(acc);
                var (w, c) = Time(() => plan.Backproject(buffers, 0, projections, rows, z0, slab, acc, one.ParallelOptions, kernel));
                times.Add(w); cpu.Add(c);
            }
            Console.WriteLine($"  backprojection {kernel,-8} (one thread, median of 5): {updates / Median(cpu) / 1e9:F2} G voxel-updates per cpu-s, " +
                $"{updates / Median(times) / 1e9:F2} per wall-s ({updates / 1e9:F2} G updates)");
        }

        foreach (var (name, ctx) in new[] { ("one thread", one), ($"{Environment.ProcessorCount} threads", all) })
        {
            var times = new List<double>();
            var cpu = new List<double>();
            double centre = 0;
            for (int rep = 0; rep < 3; rep++)
            {
                var (w, c) = Time(() =>
                {
                    using var vol = FdkReconstruction.Reconstruct(scan, grid, new FdkOptions(), ctx);
                    centre = vol.GetSlice(n / 2)[n / 2 * n + n / 2];
                });
                times.Add(w); cpu.Add(c);
            }
            Console.WriteLine($"  full FDK {n}³ / {projections} × {n}² ({name}): median wall {Median(times):F2} s, cpu {Median(cpu):F2} s of 3 (centre voxel {centre:F2}, truth 50)");
        }
        return 0;
    }

    private static int Memory(MemorySize budget)
    {
        // Volume 3× the budget: n × n × nz floats.
        int n = 512;
        long target = 3 * budget.Bytes;
        int nz = (int)Math.Ceiling(target / (4.0 * n * n));
        int detRows = (int)Math.Ceiling(nz * 1.15) + 8;
        var pixel = Length.FromMicrometers(200);
        var det = new Detector(n + 32, detRows, pixel);
        var dsd = Length.FromMillimeters(600);
        // Few projections: this mode measures memory, not accuracy or speed.
        var g = new CircularConeBeam(det, ConeGeometry.FullTurn(32), dsd / 2, dsd);
        var voxel = pixel / 2;
        var grid = VoxelGrid.Centered(new GridSize(n, n, nz), voxel);
        string dir = Path.Combine(Path.GetTempPath(), "bzoom-fdk-memory");
        Directory.CreateDirectory(dir);
        var storage = StorageOptions.OnDisk(dir);
        Console.WriteLine($"FDK memory: budget {budget}, volume {grid.Size} = {new MemorySize(grid.Size.VoxelCount * 4)} " +
            $"({grid.Size.VoxelCount * 4.0 / budget.Bytes:F2}× budget), projections {g.ProjectionCount} × {det.Rows}×{det.Columns} on disk");
        var sw = Stopwatch.StartNew();
        using var scan = SphereScan(g, storage, 0.4 * n * voxel.Meters, 50);
        Console.WriteLine($"  simulated in {sw.Elapsed.TotalSeconds:F1} s; peak RSS so far {Environment.WorkingSet / 1048576.0:F0} MiB");
        string outPath = Path.Combine(dir, "volume.raw");
        using var file = File.Create(outPath);
        var context = RunContext.Default with { Storage = storage, Log = Console.WriteLine };
        var options = new FdkOptions { MemoryBudget = budget };
        var layout = FdkReconstruction.Layout(scan, grid, options, context);
        Console.WriteLine($"  layout: slabs of {layout.SlabSlices} slices, {layout.ProjectionChunk} projections at once, {layout.MaxRows} rows, working set {new MemorySize(layout.PeakBytes)}");
        sw.Restart();
        double centre = 0;
        FdkReconstruction.Reconstruct(scan, grid, options, context, (z0, slab) =>
        {
            for (int z = 0; z < slab.Nz; z++)
            {
                var s = slab.GetSlice(z);
                if (z0 + z == nz / 2) centre = s[n / 2 * n + n / 2];
                file.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(s));
            }
        });
        file.Flush();
        long peak = Process.GetCurrentProcess().PeakWorkingSet64;
        Console.WriteLine($"  reconstructed in {sw.Elapsed.TotalSeconds:F1} s; centre voxel {centre:F2} (truth 50); wrote {new MemorySize(new FileInfo(outPath).Length)}; " +
            $"peak working set {new MemorySize(peak)} (budget {budget})");
        file.Close();
        File.Delete(outPath);
        return peak <= budget.Bytes ? 0 : 1;
    }
}
