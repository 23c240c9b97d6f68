using System.Diagnostics;
using System.Text;

namespace BatteryZoom.IO.Tests;

/// <summary>A temporary folder deleted at dispose.</summary>
public sealed class TempDir : IDisposable
{
    public TempDir() { Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "bzoom-io-tests-" + Guid.NewGuid().ToString("N")); Directory.CreateDirectory(Path); }
    public string Path { get; }
    public string File(string name) => System.IO.Path.Combine(Path, name);
    public void Dispose() { try { Directory.Delete(Path, recursive: true); } catch (IOException) { } }
}

/// <summary>Runs snippets with Debian's /usr/bin/python3; skips the test when python3 or a module is missing.</summary>
public static class Python
{
    private const string Exe = "/usr/bin/python3";
    private static readonly Dictionary<string, bool> Available = [];

    /// <summary>Skips the calling test unless /usr/bin/python3 can import every module.</summary>
    public static void Require(params string[] modules)
    {
        Assert.SkipUnless(File.Exists(Exe), $"{Exe} not found (install python3-h5py python3-tifffile python3-numpy)");
        foreach (var m in modules)
        {
            bool ok;
            lock (Available)
            {
                if (!Available.TryGetValue(m, out ok))
                {
                    var (code, _, _) = RunRaw($"import {m}");
                    Available[m] = ok = code == 0;
                }
            }
            Assert.SkipUnless(ok, $"python module '{m}' missing (apt-get install python3-{m})");
        }
    }

    /// <summary>Runs <paramref name="script"/>; fails the test with stderr on a non-zero exit; returns stdout.</summary>
    public static string Run(string script)
    {
        var (code, stdout, stderr) = RunRaw(script);
        Assert.True(code == 0, $"python failed ({code}):\n{stderr}\n--- script ---\n{script}");
        return stdout;
    }

    private static (int Code, string Out, string Err) RunRaw(string script)
    {
        var psi = new ProcessStartInfo(Exe) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add("-");
        using var p = Process.Start(psi)!;
        p.StandardInput.Write(script);
        p.StandardInput.Close();
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(60_000)) { p.Kill(); return (-1, "", "timeout"); }
        return (p.ExitCode, stdout.Result, stderr.Result);
    }
}

/// <summary>Deterministic test values: v(f, r, c) = f·1000 + r·10 + c·0.5 (exact in float32 for small shapes).</summary>
public static class Pattern
{
    public static float Value(int f, int r, int c) => f * 1000 + r * 10 + c * 0.5f;
    public static float[] Frame(int f, int rows, int columns)
    {
        var a = new float[rows * columns];
        for (int r = 0; r < rows; r++) for (int c = 0; c < columns; c++) a[r * columns + c] = Value(f, r, c);
        return a;
    }
    public static string NumpyExpr(string shape) => $"np.fromfunction(lambda f, r, c: f * 1000 + r * 10 + c * 0.5, {shape}, dtype=np.float64)";
}
