using System.Diagnostics;
using System.Runtime.InteropServices;

namespace BatteryZoom.Tomography.Tests.Peers;

/// <summary>Runs a Python snippet with Debian's /usr/bin/python3, exchanging float32 arrays through raw files in a temp folder.</summary>
internal sealed class PythonPeer : IDisposable
{
    public const string Python = "/usr/bin/python3";
    public string Folder { get; } = Directory.CreateTempSubdirectory("bzoom-peer-").FullName;

    /// <summary>Skips the test (reported as a skip) unless python3 and every module import.</summary>
    public static void RequireModules(params string[] modules)
    {
        Assert.SkipUnless(File.Exists(Python), $"{Python} not found (install python3)");
        var (code, _, err) = Run($"import {string.Join(", ", modules)}", Path.GetTempPath(), 60);
        Assert.SkipUnless(code == 0, $"python modules {string.Join(", ", modules)} missing: {err.Trim().Split('\n').LastOrDefault()}");
    }

    public void Write(string name, float[] data) => File.WriteAllBytes(Path.Combine(Folder, name), MemoryMarshal.AsBytes(data.AsSpan()).ToArray());

    public float[] Read(string name) => MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(Path.Combine(Folder, name))).ToArray();

    /// <summary>Runs <paramref name="script"/> in <see cref="Folder"/>; fails the test with stderr when it exits non-zero.</summary>
    public string Execute(string script, int timeoutSeconds = 120)
    {
        var (code, stdout, stderr) = Run(script, Folder, timeoutSeconds);
        Assert.True(code == 0, $"python failed ({code}): {stderr}");
        return stdout;
    }

    private static (int Code, string Stdout, string Stderr) Run(string script, string folder, int timeoutSeconds)
    {
        var psi = new ProcessStartInfo(Python) { WorkingDirectory = folder, RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add("-");
        psi.Environment["OMP_NUM_THREADS"] = "1";
        psi.Environment["OPENBLAS_NUM_THREADS"] = "1";
        using var p = Process.Start(psi)!;
        p.StandardInput.Write(script);
        p.StandardInput.Close();
        var outTask = p.StandardOutput.ReadToEndAsync();
        var errTask = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeoutSeconds * 1000)) { p.Kill(); return (-1, "", "timed out"); }
        return (p.ExitCode, outTask.Result, errTask.Result);
    }

    public void Dispose()
    {
        try { Directory.Delete(Folder, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
