using System.Diagnostics;

namespace BatteryZoom.Segmentation.Tests.Infrastructure;

/// <summary>Runs Debian's /usr/bin/python3 with SciPy and scikit-image; tests skip (not pass) when they are missing.</summary>
internal static class Peer
{
    private const string Python = "/usr/bin/python3";
    private static readonly Lazy<string?> Missing = new(Probe);

    private static string? Probe()
    {
        if (!File.Exists(Python)) return $"{Python} not found";
        try
        {
            var (code, _, err) = Exec("import numpy, scipy.ndimage, skimage.segmentation, skimage.filters", null);
            return code == 0 ? null : "python3-scipy/python3-skimage missing: " + err.Trim().Split('\n')[^1];
        }
        catch (Exception e) { return e.Message; }
    }

    /// <summary>Skips the calling test when the peers are unavailable.</summary>
    public static void RequireAvailable()
    {
        string? why = Missing.Value;
        Assert.SkipWhen(why is not null, "peer test skipped: " + why);
    }

    /// <summary>Runs <paramref name="script"/> in <paramref name="workDir"/>; returns stdout; fails the test on a Python error.</summary>
    public static string Run(string script, string workDir)
    {
        var (code, output, err) = Exec(script, workDir);
        if (code != 0) Assert.Fail("python peer failed:\n" + err);
        return output;
    }

    private static (int Code, string Out, string Err) Exec(string script, string? workDir)
    {
        var psi = new ProcessStartInfo(Python) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add("-");
        if (workDir is not null) psi.WorkingDirectory = workDir;
        psi.Environment["OMP_NUM_THREADS"] = "1";
        using var p = Process.Start(psi)!;
        p.StandardInput.Write(script);
        p.StandardInput.Close();
        var outTask = p.StandardOutput.ReadToEndAsync();
        string err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, outTask.Result, err);
    }
}

/// <summary>A temporary folder deleted on dispose.</summary>
internal sealed class TempDir : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("bzoom-seg-").FullName;
    public string this[string name] => System.IO.Path.Combine(Path, name);
    public void Dispose() { try { Directory.Delete(Path, true); } catch (IOException) { } }
}
