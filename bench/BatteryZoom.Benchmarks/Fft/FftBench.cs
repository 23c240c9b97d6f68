using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using BatteryZoom.Core.Random;
using BatteryZoom.Numerics.Fft;
using MathNet.Numerics;
using MathNet.Numerics.IntegralTransforms;

namespace BatteryZoom.Benchmarks.Fft;

/// <summary>
/// FFT comparison on one core: our managed FFT against FFTW 3.3 (libfftw3f, FFTW_MEASURE plans), MathNet.Numerics 5
/// (managed, single thread) and numpy/scipy (Debian /usr/bin/python3, bench/peer/bench_fft.py), all on the same seeded
/// inputs (written once to a temporary folder for Python). Times are medians of <c>--runs</c> after warm-up.
/// </summary>
/// <remarks>Usage: <c>fft [--runs 7] [--cases c2d,r2c,fbp,r2d] [--no-python] [--no-mathnet] [--kernel auto|vector512|vector256|scalar]</c>.</remarks>
public static unsafe class FftBench
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    private sealed record Row(string Case, string Peer, double Ms, double? RelErrVsFftw = null, string Note = "");

    public static int Run(string[] args)
    {
        int runs = IntArg(args, "--runs", 7);
        var cases = StrArg(args, "--cases", "c2d,r2c,fbp,r2d").Split(',', StringSplitOptions.RemoveEmptyEntries);
        bool python = !args.Contains("--no-python"), mathnet = !args.Contains("--no-mathnet");
        var kernel = Enum.Parse<FftKernel>(StrArg(args, "--kernel", "auto"), ignoreCase: true);
        var fft = new ManagedFft(kernel);
        bool fftw = Fftw.Available();
        Control.UseSingleThread(); // MathNet would otherwise multithread each transform

        Console.WriteLine($"# FFT benchmark  {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
        Console.WriteLine($"cpu: {CpuModel()}, {Environment.ProcessorCount} logical cores; .NET {Environment.Version}; kernel {fft.Kernel}; runs {runs} (median); one thread everywhere");
        Console.WriteLine(fftw ? "fftw: libfftw3f.so.3, FFTW_MEASURE" : "fftw: not found (apt-get install libfftw3-single3)");

        var rows = new List<Row>();
        string dir = Path.Combine(Path.GetTempPath(), $"bz-fft-bench-{Environment.ProcessId}");
        Directory.CreateDirectory(dir);
        try
        {
            foreach (string c in cases)
            {
                switch (c)
                {
                    case "c2d": Complex2D(fft, 2048, runs, fftw, mathnet, dir, rows); break;
                    case "r2c": BatchR2C(fft, 2000, 4096, runs, fftw, mathnet, dir, rows); break;
                    case "fbp": RampFilter(fft, 2000, 2048, 4096, runs, fftw, mathnet, dir, rows); break;
                    case "r2d": Real2D(fft, 4096, Math.Max(3, runs / 2), fftw, dir, rows); break;
                    default: Console.Error.WriteLine($"unknown case '{c}' (c2d, r2c, fbp, r2d)"); return 2;
                }
            }
            if (python) rows.AddRange(RunPython(dir, cases, runs));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }

        Print(rows);
        return 0;
    }

    // ------------------------------------------------------------------ cases

    private static void Complex2D(ManagedFft fft, int n, int runs, bool fftw, bool mathnet, string dir, List<Row> rows)
    {
        string name = $"c2d {n}x{n} c2c forward";
        var x = RandomFloats(2L * n * n, 1);
        Write(dir, "c2d.bin", x);
        var input = MemoryMarshal.Cast<float, ComplexF>(x.AsSpan()).ToArray();
        var output = new ComplexF[input.Length];
        var plan = fft.CreateComplex2D(n, n);
        double ours = Time(() => plan.Forward(input, output), runs);
        float[]? reference = null;
        if (fftw)
        {
            using var fin = new Fftw.Buffer(2L * n * n);
            using var fout = new Fftw.Buffer(2L * n * n);
            var sw = Stopwatch.StartNew();
            nint p = Fftw.PlanDft2D(n, n, fin.Pointer, fout.Pointer, Fftw.ForwardSign, Fftw.Measure);
            double planMs = sw.Elapsed.TotalMilliseconds;
            x.CopyTo(fin.Span);
            double t = Time(() => Fftw.Execute(p), runs);
            reference = fout.Span.ToArray();
            Fftw.DestroyPlan(p);
            rows.Add(new Row(name, "fftw", t, Note: $"plan {planMs:F0} ms"));
        }
        rows.Add(new Row(name, "ours", ours, Err(MemoryMarshal.Cast<ComplexF, float>(output), reference)));
        if (mathnet)
        {
            var buf = new Complex32[input.Length];
            var line = new Complex32[n];
            double t = Time(() =>
            {
                for (int i = 0; i < buf.Length; i++) buf[i] = new Complex32(input[i].Real, input[i].Imaginary);
                for (int r = 0; r < n; r++)
                {
                    var row = buf.AsSpan(r * n, n);
                    row.CopyTo(line);
                    Fourier.Forward(line, FourierOptions.NoScaling);
                    line.CopyTo(row);
                }
                for (int c = 0; c < n; c++)
                {
                    for (int r = 0; r < n; r++) line[r] = buf[r * n + c];
                    Fourier.Forward(line, FourierOptions.NoScaling);
                    for (int r = 0; r < n; r++) buf[r * n + c] = line[r];
                }
            }, Math.Min(runs, 3), warmup: 1);
            rows.Add(new Row(name, "mathnet", t, Note: "rows + columns of 1D transforms"));
        }
    }

    private static void BatchR2C(ManagedFft fft, int count, int n, int runs, bool fftw, bool mathnet, string dir, List<Row> rows)
    {
        string name = $"r2c {count}x{n} batch rows";
        var x = RandomFloats((long)count * n, 2);
        Write(dir, "r2c.bin", x);
        int h = n / 2 + 1;
        var output = new ComplexF[count * h];
        var plan = fft.CreateReal(n);
        double ours = Time(() => plan.Forward(x, output, count), runs);
        float[]? reference = null;
        if (fftw)
        {
            using var fin = new Fftw.Buffer((long)count * n);
            using var fout = new Fftw.Buffer(2L * count * h);
            int nn = n;
            var sw = Stopwatch.StartNew();
            nint p = Fftw.PlanManyR2C(1, &nn, count, fin.Pointer, null, 1, n, fout.Pointer, null, 1, h, Fftw.Measure);
            double planMs = sw.Elapsed.TotalMilliseconds;
            x.CopyTo(fin.Span);
            double t = Time(() => Fftw.Execute(p), runs);
            reference = fout.Span.ToArray();
            Fftw.DestroyPlan(p);
            rows.Add(new Row(name, "fftw", t, Note: $"plan {planMs:F0} ms"));
        }
        rows.Add(new Row(name, "ours", ours, Err(MemoryMarshal.Cast<ComplexF, float>(output), reference)));
        if (mathnet)
        {
            var buf = new float[n + 2];
            var outF = new float[2 * count * h];
            double t = Time(() =>
            {
                for (int r = 0; r < count; r++)
                {
                    x.AsSpan(r * n, n).CopyTo(buf);
                    Fourier.ForwardReal(buf, n, FourierOptions.NoScaling);
                    buf.AsSpan(0, 2 * h).CopyTo(outF.AsSpan(2 * r * h));
                }
            }, Math.Min(runs, 3), warmup: 1);
            rows.Add(new Row(name, "mathnet", t, Err(outF, reference)));
        }
    }

    /// <summary>FBP ramp-filter pass: zero-pad each row to <paramref name="padded"/>, r2c, multiply by H, c2r, crop.</summary>
    private static void RampFilter(ManagedFft fft, int count, int n, int padded, int runs, bool fftw, bool mathnet, string dir, List<Row> rows)
    {
        string name = $"fbp ramp {count}x{n} pad {padded}";
        var x = RandomFloats((long)count * n, 3);
        Write(dir, "fbp.bin", x);
        var response = RamLak(padded);
        Write(dir, "ramp.bin", response);
        int h = padded / 2 + 1;
        var plan = fft.CreateReal(padded);
        var output = new float[count * n];
        double fused = Time(() => plan.Filter(x, output, response, count, n, n), runs);

        var spec = new ComplexF[count * h];
        var output2 = new float[count * n];
        double unfused = Time(() =>
        {
            plan.Forward(x, spec, count, inputRowLength: n);
            for (int r = 0; r < count; r++) Multiply(spec.AsSpan(r * h, h), response);
            plan.Inverse(spec, output2, count, outputRowLength: n);
        }, runs);

        float[]? reference = null;
        if (fftw)
        {
            using var pad = new Fftw.Buffer((long)count * padded);
            using var fs = new Fftw.Buffer(2L * count * h);
            using var back = new Fftw.Buffer((long)count * padded);
            int nn = padded;
            nint pf = Fftw.PlanManyR2C(1, &nn, count, pad.Pointer, null, 1, padded, fs.Pointer, null, 1, h, Fftw.Measure);
            nint pb = Fftw.PlanManyC2R(1, &nn, count, fs.Pointer, null, 1, h, back.Pointer, null, 1, padded, Fftw.Measure);
            var result = new float[count * n];
            float scale = 1f / padded;
            double t = Time(() =>
            {
                Span<float> ps = pad.Span;
                for (int r = 0; r < count; r++)
                {
                    x.AsSpan(r * n, n).CopyTo(ps.Slice(r * padded, n));
                    ps.Slice(r * padded + n, padded - n).Clear();
                }
                Fftw.Execute(pf);
                var sp = MemoryMarshal.Cast<float, ComplexF>(fs.Span);
                for (int r = 0; r < count; r++) Multiply(sp.Slice(r * h, h), response, scale);
                Fftw.Execute(pb);
                Span<float> bs = back.Span;
                for (int r = 0; r < count; r++) bs.Slice(r * padded, n).CopyTo(result.AsSpan(r * n, n));
            }, runs);
            reference = result;
            Fftw.DestroyPlan(pf);
            Fftw.DestroyPlan(pb);
            rows.Add(new Row(name, "fftw", t, Note: "copy-pad, r2c, ×H, c2r, crop"));
        }
        rows.Add(new Row(name, "ours", fused, Err(output, reference), "fused Filter()"));
        rows.Add(new Row(name, "ours (unfused)", unfused, Err(output2, reference), "Forward, ×H, Inverse"));
        if (mathnet)
        {
            var buf = new float[padded + 2];
            var result = new float[count * n];
            double t = Time(() =>
            {
                for (int r = 0; r < count; r++)
                {
                    Array.Clear(buf);
                    x.AsSpan(r * n, n).CopyTo(buf);
                    Fourier.ForwardReal(buf, padded, FourierOptions.NoScaling);
                    for (int k = 0; k < h; k++) { buf[2 * k] *= response[k]; buf[2 * k + 1] *= response[k]; }
                    Fourier.InverseReal(buf, padded, FourierOptions.AsymmetricScaling);
                    buf.AsSpan(0, n).CopyTo(result.AsSpan(r * n, n));
                }
            }, Math.Min(runs, 3), warmup: 1);
            rows.Add(new Row(name, "mathnet", t, Err(result, reference)));
        }
    }

    private static void Real2D(ManagedFft fft, int n, int runs, bool fftw, string dir, List<Row> rows)
    {
        string name = $"r2d {n}x{n} r2c forward";
        var x = RandomFloats((long)n * n, 4);
        Write(dir, "r2d.bin", x);
        int h = n / 2 + 1;
        var output = new ComplexF[n * h];
        var plan = fft.CreateReal2D(n, n);
        double ours = Time(() => plan.Forward(x, output), runs, warmup: 1);
        float[]? reference = null;
        if (fftw)
        {
            using var fin = new Fftw.Buffer((long)n * n);
            using var fout = new Fftw.Buffer(2L * n * h);
            var sw = Stopwatch.StartNew();
            nint p = Fftw.PlanR2C2D(n, n, fin.Pointer, fout.Pointer, Fftw.Measure);
            double planMs = sw.Elapsed.TotalMilliseconds;
            x.CopyTo(fin.Span);
            double t = Time(() => Fftw.Execute(p), runs, warmup: 1);
            reference = fout.Span.ToArray();
            Fftw.DestroyPlan(p);
            rows.Add(new Row(name, "fftw", t, Note: $"plan {planMs:F0} ms"));
        }
        rows.Add(new Row(name, "ours", ours, Err(MemoryMarshal.Cast<ComplexF, float>(output), reference)));
    }

    // ------------------------------------------------------------------ Python peers

    private static List<Row> RunPython(string dir, string[] cases, int runs)
    {
        var result = new List<Row>();
        string? script = FindUp(Path.Combine("bench", "peer", "bench_fft.py"));
        const string py = "/usr/bin/python3";
        if (script is null || !File.Exists(py))
        {
            Console.WriteLine($"python peers skipped ({(script is null ? "bench/peer/bench_fft.py not found" : py + " missing")})");
            return result;
        }
        var psi = new ProcessStartInfo(py, [script, "--dir", dir, "--cases", string.Join(',', cases), "--runs", runs.ToString(Inv)])
        { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.Environment["OMP_NUM_THREADS"] = "1";
        psi.Environment["OPENBLAS_NUM_THREADS"] = "1";
        using var proc = Process.Start(psi)!;
        string stdout = proc.StandardOutput.ReadToEnd();
        string stderr = proc.StandardError.ReadToEnd();
        proc.WaitForExit();
        if (proc.ExitCode != 0)
        {
            Console.WriteLine($"python peers failed ({proc.ExitCode}): {stderr.Trim()}");
            return result;
        }
        using var doc = JsonDocument.Parse(stdout);
        foreach (var item in doc.RootElement.GetProperty("results").EnumerateArray())
        {
            result.Add(new Row(CaseName(item.GetProperty("case").GetString()!), item.GetProperty("peer").GetString()!,
                item.GetProperty("median_ms").GetDouble(), Note: item.TryGetProperty("note", out var note) ? note.GetString() ?? "" : ""));
        }
        Console.WriteLine($"python: {doc.RootElement.GetProperty("versions").GetRawText()}");
        return result;
    }

    private static string CaseName(string key) => key switch
    {
        "c2d" => "c2d 2048x2048 c2c forward",
        "r2c" => "r2c 2000x4096 batch rows",
        "fbp" => "fbp ramp 2000x2048 pad 4096",
        "r2d" => "r2d 4096x4096 r2c forward",
        _ => key,
    };

    // ------------------------------------------------------------------ helpers

    private static void Print(List<Row> rows)
    {
        Console.WriteLine();
        Console.WriteLine("| case | implementation | median ms | ratio to FFTW | rel. L2 vs FFTW | note |");
        Console.WriteLine("|---|---|---:|---:|---:|---|");
        foreach (var group in rows.GroupBy(r => r.Case))
        {
            double? fftwMs = group.FirstOrDefault(r => r.Peer == "fftw")?.Ms;
            foreach (var r in group.OrderBy(r => r.Ms))
            {
                string ratio = fftwMs is double f ? (r.Ms / f).ToString("F2", Inv) + "×" : "–";
                string err = r.RelErrVsFftw is double e ? e.ToString("E1", Inv) : "";
                Console.WriteLine($"| {r.Case} | {r.Peer} | {r.Ms.ToString("F1", Inv)} | {ratio} | {err} | {r.Note} |");
            }
        }
    }

    private static double Time(Action action, int runs, int warmup = 2)
    {
        for (int i = 0; i < warmup; i++) action();
        var t = new double[runs];
        for (int i = 0; i < runs; i++)
        {
            long t0 = Stopwatch.GetTimestamp();
            action();
            t[i] = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
        }
        Array.Sort(t);
        return runs % 2 == 1 ? t[runs / 2] : 0.5 * (t[runs / 2 - 1] + t[runs / 2]);
    }

    private static float[] RandomFloats(long count, ulong seed)
    {
        var r = new CounterRandom(seed);
        var x = new float[count];
        for (long i = 0; i < count; i++) x[i] = (float)(2 * r.Uniform((ulong)i) - 1);
        return x;
    }

    /// <summary>Ram-Lak filter from the band-limited spatial kernel (Kak &amp; Slaney eq. 61), as in peer-bench ramlak_prefilter.</summary>
    private static float[] RamLak(int m)
    {
        var hSpatial = new System.Numerics.Complex[m];
        for (int k = 0; k < m; k++)
        {
            int kk = k <= m / 2 ? k : k - m;
            hSpatial[k] = kk == 0 ? 0.25 : (kk % 2 != 0 ? -1.0 / (Math.PI * Math.PI * kk * kk) : 0.0);
        }
        var hat = BatteryZoom.Numerics.Fft.Reference.ReferenceFft.Forward(hSpatial);
        var response = new float[m / 2 + 1];
        for (int k = 0; k < response.Length; k++) response[k] = (float)hat[k].Real;
        return response;
    }

    private static void Multiply(Span<ComplexF> spectrum, ReadOnlySpan<float> response, float scale = 1f)
    {
        for (int k = 0; k < spectrum.Length; k++) spectrum[k] *= response[k] * scale;
    }

    private static double? Err(ReadOnlySpan<float> y, float[]? reference)
    {
        if (reference is null) return null;
        double num = 0, den = 0;
        for (int i = 0; i < y.Length; i++) { double d = y[i] - reference[i]; num += d * d; den += (double)reference[i] * reference[i]; }
        return Math.Sqrt(num / den);
    }

    private static void Write(string dir, string file, float[] data)
    {
        using var fs = File.Create(Path.Combine(dir, file));
        fs.Write(MemoryMarshal.AsBytes(data.AsSpan()));
    }

    private static string? FindUp(string relative)
    {
        for (var d = new DirectoryInfo(Directory.GetCurrentDirectory()); d is not null; d = d.Parent)
        {
            string p = Path.Combine(d.FullName, relative);
            if (File.Exists(p)) return p;
        }
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            string p = Path.Combine(d.FullName, relative);
            if (File.Exists(p)) return p;
        }
        return null;
    }

    private static string CpuModel()
    {
        try
        {
            foreach (string line in File.ReadLines("/proc/cpuinfo"))
            {
                if (line.StartsWith("model name", StringComparison.Ordinal)) return line[(line.IndexOf(':') + 1)..].Trim();
            }
        }
        catch (IOException) { }
        return RuntimeInformation.ProcessArchitecture.ToString();
    }

    private static int IntArg(string[] args, string name, int fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], Inv) : fallback;
    }

    private static string StrArg(string[] args, string name, string fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
    }
}
