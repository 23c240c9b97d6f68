using System.Diagnostics;
using System.Globalization;
using BatteryZoom.Core.Random;
using BatteryZoom.Core.Units;
using BatteryZoom.Phase.Ctf;
using BatteryZoom.Phase.Paganin;

namespace BatteryZoom.Benchmarks.Phase;

/// <summary>
/// Phase retrieval of one projection on one core: 4-distance CTF and Paganin of a 2048² image padded 2× (4096²), against
/// numpy and scipy implementations of the same steps (bench/peer/phase_peer.py) on the same seeded holograms.
/// Plans (filters, CTF weights) are made once and excluded, as in the peer; times are medians of <c>--runs</c> after a warm-up.
/// </summary>
/// <remarks>Usage: <c>phase [--runs 5] [--size 2048] [--no-python]</c>.</remarks>
public static class PhaseBench
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static int Run(string[] args)
    {
        int runs = IntArg(args, "--runs", 5), n = IntArg(args, "--size", 2048);
        bool python = !args.Contains("--no-python");
        var energy = Energy.FromKiloElectronVolts(33.6);
        var pixel = Length.FromNanometers(70);
        Length[] z = [Length.FromMillimeters(1), Length.FromMillimeters(1.5), Length.FromMillimeters(2.5), Length.FromMillimeters(4)];
        const double deltaBeta = 148;
        Console.WriteLine($"# Phase retrieval benchmark  {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
        Console.WriteLine($"{Environment.ProcessorCount} logical cores; .NET {Environment.Version}; {n}² padded 2×; runs {runs} (median); one thread");

        // Seeded smooth holograms: 1 + 0.05·(sum of random plane waves) + small noise, 4 distances.
        var holo = new float[4L * n * n is var len && len <= int.MaxValue ? (int)len : throw new ArgumentOutOfRangeException(nameof(args))];
        var rng = new CounterRandom(42);
        for (int d = 0; d < 4; d++)
            for (int r = 0; r < n; r++)
                for (int c = 0; c < n; c++)
                {
                    int i = (d * n + r) * n + c;
                    holo[i] = (float)(1 + 0.05 * Math.Sin(0.013 * r * (d + 1) + 0.021 * c) * Math.Cos(0.007 * c * (d + 2)) + 0.01 * (rng.Uniform((ulong)i) - 0.5));
                }

        var sw = Stopwatch.StartNew();
        var ctf = CtfPlan.Create(n, n, new CtfOptions { Energy = energy, PixelSize = pixel, Distances = z, DeltaOverBeta = deltaBeta, PaddingFactor = 2 });
        double ctfPlanMs = sw.Elapsed.TotalMilliseconds;
        sw.Restart();
        var pag = PaganinPlan.Create(n, n, new PaganinOptions { Energy = energy, Distance = z[0], PixelSize = pixel, DeltaOverBeta = deltaBeta, PaddingFactor = 2 });
        double pagPlanMs = sw.Elapsed.TotalMilliseconds;
        var ctfOut = new float[n * n];
        var pagOut = new float[n * n];
        double ctfMs = Time(() => ctf.Execute(holo, ctfOut), runs);
        double pagMs = Time(() => pag.Execute(holo.AsSpan(0, n * n), pagOut), runs);
        Console.WriteLine($"padded to {ctf.PaddedRows}×{ctf.PaddedColumns}");
        Console.WriteLine($"| step | implementation | median ms | ratio to ours | rel. L2 vs ours | note |");
        Console.WriteLine($"|---|---|---:|---:|---:|---|");
        Console.WriteLine(string.Create(Inv, $"| CTF 4 distances | **ours** | **{ctfMs:F0}** | 1.00× |  | plan {ctfPlanMs:F0} ms (once), goal ≤ 500 ms |"));
        Console.WriteLine(string.Create(Inv, $"| Paganin | **ours** | **{pagMs:F0}** | 1.00× |  | plan {pagPlanMs:F0} ms (once), goal ≤ 200 ms |"));
        if (!python) return 0;
        string dir = Path.Combine(Path.GetTempPath(), $"bz-phase-bench-{Environment.ProcessId}");
        Directory.CreateDirectory(dir);
        try
        {
            File.WriteAllBytes(Path.Combine(dir, "holo.bin"), System.Runtime.InteropServices.MemoryMarshal.AsBytes(holo.AsSpan()).ToArray());
            var psi = new ProcessStartInfo("/usr/bin/python3", [Path.Combine(AppContext.BaseDirectory, "phase_peer.py"), dir, n.ToString(Inv), runs.ToString(Inv)])
            { RedirectStandardOutput = true, UseShellExecute = false };
            psi.Environment["OMP_NUM_THREADS"] = "1";
            psi.Environment["OPENBLAS_NUM_THREADS"] = "1";
            using var p = Process.Start(psi)!;
            string output = p.StandardOutput.ReadToEnd();
            p.WaitForExit();
            if (p.ExitCode != 0) { Console.Error.WriteLine("phase_peer.py failed (apt-get install -y python3-numpy python3-scipy)"); return 1; }
            foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                var f = line.Split(' ');   // step impl ms outputfile
                var peer = ReadFloats(Path.Combine(dir, f[3]), n * n);
                var ours = f[0] == "ctf" ? ctfOut : pagOut;
                double ms = double.Parse(f[2], Inv);
                Console.WriteLine(string.Create(Inv, $"| {(f[0] == "ctf" ? "CTF 4 distances" : "Paganin")} | {f[1]} | {ms:F0} | {ms / (f[0] == "ctf" ? ctfMs : pagMs):F2}× | {RelErr(ours, peer):E1} | |"));
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
        return 0;
    }

    private static double Time(Action a, int runs)
    {
        a();
        var t = new double[runs];
        for (int i = 0; i < runs; i++) { var sw = Stopwatch.StartNew(); a(); t[i] = sw.Elapsed.TotalMilliseconds; }
        Array.Sort(t);
        return t[runs / 2];
    }

    private static float[] ReadFloats(string path, int count)
    {
        var bytes = File.ReadAllBytes(path);
        var f = new float[count];
        Buffer.BlockCopy(bytes, 0, f, 0, count * 4);
        return f;
    }

    private static double RelErr(float[] a, float[] b)
    {
        double num = 0, den = 0;
        for (int i = 0; i < a.Length; i++) { num += (a[i] - b[i]) * (double)(a[i] - b[i]); den += a[i] * (double)a[i]; }
        return Math.Sqrt(num / den);
    }

    private static int IntArg(string[] args, string name, int fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], Inv) : fallback;
    }
}
