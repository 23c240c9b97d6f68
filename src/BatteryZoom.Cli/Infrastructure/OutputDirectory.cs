using BatteryZoom.Core.Diagnostics;

namespace BatteryZoom.Cli.Infrastructure;

/// <summary>A result folder built under a temporary sibling name and renamed into place only when complete.</summary>
/// <remarks>An interrupted run leaves at most a "<c>.partial-…</c>" folder, never a folder that looks complete.</remarks>
internal sealed class OutputDirectory : IDisposable
{
    private bool _committed;

    private OutputDirectory(string final, string staging) => (FinalPath, StagingPath) = (final, staging);

    /// <summary>The name the folder gets when complete.</summary>
    public string FinalPath { get; }
    /// <summary>Where files are written meanwhile.</summary>
    public string StagingPath { get; }

    /// <summary>Refuses an existing non-empty folder unless <paramref name="overwrite"/>; creates the staging folder.</summary>
    public static OutputDirectory Begin(string path, bool overwrite)
    {
        string full = Path.GetFullPath(path).TrimEnd(Path.DirectorySeparatorChar);
        if (System.IO.File.Exists(full))
            throw new UsageException($"--out {path}: expected a folder; found an existing file.");
        if (Directory.Exists(full) && Directory.EnumerateFileSystemEntries(full).Any() && !overwrite)
            throw new UsageException($"--out {path}: the folder exists and is not empty; pass --overwrite to replace it.");
        string staging = full + ".partial-" + Guid.NewGuid().ToString("N")[..8];
        Directory.CreateDirectory(staging);
        return new OutputDirectory(full, staging);
    }

    /// <summary>Moves the staging folder to its final name (replacing an old one when overwriting was allowed).</summary>
    public void Commit()
    {
        if (Directory.Exists(FinalPath)) Directory.Delete(FinalPath, recursive: true);
        Directory.Move(StagingPath, FinalPath);
        _committed = true;
    }

    /// <summary>Deletes the staging folder if the run did not commit.</summary>
    public void Dispose()
    {
        if (!_committed && Directory.Exists(StagingPath))
        {
            try { Directory.Delete(StagingPath, recursive: true); }
            catch (IOException) { /* best effort: a leftover .partial folder never looks complete */ }
        }
    }
}
