using System.Diagnostics;
using System.Globalization;
using BatteryZoom.Core.Geometry;
using BatteryZoom.Core.Units;
using BatteryZoom.Tomography.Fbp;

namespace BatteryZoom.Benchmarks.Tomography;

/// <summary>Parallel-beam FBP benchmark: one core by default, warm-up + median of runs, Shepp–Logan analytic sinogram
/// (peer-bench convention), accuracy as RMSE inside the disc against the 4×4-oversampled phantom.</summary>
/// <remarks>Usage: <c>fbp [--n 2048] [--angles 1500] [--slices 16] [--runs 3] [--threads 1] [--bp-only] [--peers]</c>.</remarks>
public static class FbpBench
{
    public static int Run(string[] args)
    {
        int n = Arg(args, "--n", 2048), na = Arg(args, "--angles", 1500), slices = Arg(args, "--slices", 16);
        int runs = Arg(args, "--runs", 3), threads = Arg(args, "--threads", 1);
        bool bpOnly = args.Contains("--bp-only");
        var inv = CultureInfo.InvariantCulture;
        var pixel = Length.FromMicrometers(1);
        var geometry = new ParallelBeam(new Detector(n, slices, pixel), ParallelBeam.UniformAngles(na, Angle.Zero, Angle.FromDegrees(180)));
        var clock = Stopwatch.StartNew();
        var sino = SheppLoganSinogram(n, na, pixel.Meters);
        Console.WriteLine(string.Create(inv, $"# sinogram {na}x{n} in {clock.Elapsed.TotalSeconds:0.00} s"));
        clock.Restart();
        var plan = FbpPlan.Create(geometry, new FbpOptions());
        Console.WriteLine(string.Create(inv, $"# plan (padded {plan.PaddedLength}) in {clock.Elapsed.TotalSeconds:0.00} s"));
        var stack = new float[(long)slices * na * n];
        for (int z = 0; z < slices; z++) sino.CopyTo(stack.AsSpan(z * na * n));
        var output = new float[(long)slices * n * n];
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = threads };
        var times = new List<double>();
        var cpuTimes = new List<double>();
        using var self = Process.GetCurrentProcess();
        for (int r = 0; r <= runs; r++)
        {
            self.Refresh();
            var cpu0 = self.TotalProcessorTime;
            clock.Restart();
            if (bpOnly) plan.BackprojectSlab(stack, slices, output, parallel);
            else plan.ExecuteSlab(stack, slices, output, parallel);
            double t = clock.Elapsed.TotalSeconds;
            self.Refresh();
            double cpu = (self.TotalProcessorTime - cpu0).TotalSeconds;
            if (r > 0) { times.Add(t); cpuTimes.Add(cpu); }
            Console.WriteLine(string.Create(inv, $"#   run {r}{(r == 0 ? " (warm-up)" : "")}: wall {t:0.000} s, cpu {cpu:0.000} s"));
        }
        times.Sort();
        cpuTimes.Sort();
        double median = times[times.Count / 2], cpuMedian = cpuTimes[cpuTimes.Count / 2];
        double updates = (double)n * n * na * slices;
        string what = bpOnly ? "backprojection" : "fbp";
        Console.WriteLine(string.Create(inv,
            $"{what} N={n} angles={na} slices={slices} threads={threads}: median {median:0.000} s, {median / slices:0.000} s/slice, {updates / median / 1e9:0.00} G voxel-updates/s; " +
            $"cpu median {cpuMedian:0.000} s ({cpuMedian / slices:0.000} s/slice, {updates / cpuMedian / 1e9:0.00} G/s); load {LoadAverage()}"));
        if (!bpOnly)
        {
            var truth = SheppLoganImage(n);
            var (raw, scaled) = Accuracy(output.AsSpan(0, n * n), truth, n, pixel.Meters);
            Console.WriteLine(string.Create(inv, $"rmse_raw {raw:0.00000} rmse_scaled {scaled:0.00000} (phantom 0..1)"));
        }
        return 0;
    }

    /// <summary>1-minute load average (the machine is shared; wall times under load are pessimistic).</summary>
    public static string LoadAverage()
    {
        try { return File.ReadAllText("/proc/loadavg").Split(' ')[0]; } catch (IOException) { return "?"; }
    }

    private static int Arg(string[] args, string name, int fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }

    // (value, a, b, x0, y0, phi°): modified Shepp–Logan (Toft), radius N/2, as peer-bench/peerbench_common.py.
    private static readonly (double V, double A, double B, double X, double Y, double Phi)[] Ellipses =
    [
        (1.0, 0.69, 0.92, 0, 0, 0), (-0.8, 0.6624, 0.874, 0, -0.0184, 0), (-0.2, 0.11, 0.31, 0.22, 0, -18),
        (-0.2, 0.16, 0.41, -0.22, 0, 18), (0.1, 0.21, 0.25, 0, 0.35, 0), (0.1, 0.046, 0.046, 0, 0.1, 0),
        (0.1, 0.046, 0.046, 0, -0.1, 0), (0.1, 0.046, 0.023, -0.08, -0.605, 0), (0.1, 0.023, 0.023, 0, -0.606, 0),
        (0.1, 0.023, 0.046, 0.06, -0.605, 0),
    ];

    /// <summary>Exact line integrals (×pixel, so the reconstruction is in 1/m with values 0..1), axis at (N−1)/2.
    /// Our y runs down the rows, the peer's up: mirror y0 and φ so the picture matches (as Simulation.SheppLogan does).</summary>
    public static float[] SheppLoganSinogram(int n, int na, double pixel)
    {
        var s = new float[na * n];
        double r = n / 2.0;
        Parallel.For(0, na, a =>
        {
            double t = Math.PI * a / na, c = Math.Cos(t), sn = Math.Sin(t);
            for (int k = 0; k < n; k++)
            {
                double u = k - (n - 1) / 2.0, sum = 0;
                foreach (var e in Ellipses)
                {
                    double aa = e.A * r, bb = e.B * r, ph = -e.Phi * Math.PI / 180, x0 = e.X * r, y0 = -e.Y * r;
                    double a2 = Math.Pow(aa * Math.Cos(t - ph), 2) + Math.Pow(bb * Math.Sin(t - ph), 2);
                    double sp = u - (x0 * c + y0 * sn), d = a2 - sp * sp;
                    if (d > 0) sum += 2 * e.V * aa * bb * Math.Sqrt(d) / a2;
                }
                s[a * n + k] = (float)(sum * pixel);
            }
        });
        return s;
    }

    /// <summary>The phantom averaged over 4×4 sub-pixels, our orientation (row index = +y).</summary>
    public static float[] SheppLoganImage(int n)
    {
        var img = new float[n * n];
        double r = n / 2.0, c0 = (n - 1) / 2.0;
        Parallel.For(0, n, i =>
        {
            for (int j = 0; j < n; j++)
            {
                double sum = 0;
                for (int si = 0; si < 4; si++)
                    for (int sj = 0; sj < 4; sj++)
                    {
                        double x = j + (sj + 0.5) / 4 - 0.5 - c0, y = i + (si + 0.5) / 4 - 0.5 - c0;
                        foreach (var e in Ellipses)
                        {
                            double ph = -e.Phi * Math.PI / 180, dx = x - e.X * r, dy = y + e.Y * r;
                            double u = (dx * Math.Cos(ph) + dy * Math.Sin(ph)) / (e.A * r), v = (-dx * Math.Sin(ph) + dy * Math.Cos(ph)) / (e.B * r);
                            if (u * u + v * v <= 1) sum += e.V;
                        }
                    }
                img[i * n + j] = (float)(sum / 16);
            }
        });
        return img;
    }

    /// <summary>RMSE inside the disc of radius 0.95·N/2: raw and after a least-squares scale (peer-bench metrics).</summary>
    public static (double Raw, double Scaled) Accuracy(ReadOnlySpan<float> rec, float[] truth, int n, double pixel)
    {
        double c0 = (n - 1) / 2.0, rr = 0.95 * n / 2, srr = 0, srp = 0, sd = 0; long count = 0;
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
            {
                if ((i - c0) * (i - c0) + (j - c0) * (j - c0) > rr * rr) continue;
                double r = rec[i * n + j], p = truth[i * n + j];
                srr += r * r; srp += r * p; sd += (r - p) * (r - p); count++;
            }
        double scale = srp / srr, ss = 0;
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
            {
                if ((i - c0) * (i - c0) + (j - c0) * (j - c0) > rr * rr) continue;
                double d = scale * rec[i * n + j] - truth[i * n + j];
                ss += d * d;
            }
        _ = pixel;
        return (Math.Sqrt(sd / count), Math.Sqrt(ss / count));
    }
}
