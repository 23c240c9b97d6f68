using BatteryZoom.Core.Diagnostics;

namespace BatteryZoom.IO;

/// <summary>Writes an output under a temporary name in the same folder and moves it into place only when complete.</summary>
/// <remarks>The temporary path is <c>&lt;output&gt;.partial-&lt;guid&gt;</c>, so a crash never leaves a half-written file under the
/// real name, and the final move stays on one file system. <see cref="Dispose"/> without <see cref="Commit"/> (an exception
/// or a cancellation) deletes the temporary file or folder.</remarks>
public sealed class AtomicFileWriter : IDisposable
{
    private bool _committed, _disposed;

    private AtomicFileWriter(string finalPath, string tempPath, bool overwrite, bool isDirectory) =>
        (FinalPath, TempPath, Overwrite, IsDirectory) = (finalPath, tempPath, overwrite, isDirectory);

    /// <summary>Where the output appears after <see cref="Commit"/>.</summary>
    public string FinalPath { get; }
    /// <summary>Where to write meanwhile.</summary>
    public string TempPath { get; }
    /// <summary>Whether an existing output may be replaced.</summary>
    public bool Overwrite { get; }
    /// <summary>True when the output is a folder (e.g. a folder of TIFF files).</summary>
    public bool IsDirectory { get; }

    /// <summary>Starts an output: refuses an existing <paramref name="path"/> unless <paramref name="overwrite"/>, creates the
    /// parent folder and, for a folder output, the temporary folder.</summary>
    /// <exception cref="UsageException">The output exists and <paramref name="overwrite"/> is false.</exception>
    public static AtomicFileWriter Begin(string path, bool overwrite, bool isDirectory = false)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string full = Path.GetFullPath(path).TrimEnd(Path.DirectorySeparatorChar);
        OutputPath.Check(full, overwrite, []);
        string dir = Path.GetDirectoryName(full) ?? ".";
        Directory.CreateDirectory(dir);
        string temp = $"{full}.partial-{Guid.NewGuid():N}";
        if (isDirectory) Directory.CreateDirectory(temp);
        return new AtomicFileWriter(full, temp, overwrite, isDirectory);
    }

    /// <summary>Runs <paramref name="write"/> on the temporary path and commits; deletes the temporary output on any exception.</summary>
    public static void Write(string path, bool overwrite, Action<string> write, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(write);
        using var output = Begin(path, overwrite);
        write(output.TempPath);
        output.Commit(cancellation);
    }

    /// <summary>Moves the finished output into place (replacing an existing one when allowed).</summary>
    /// <exception cref="OperationCanceledException">Cancelled before the move: the temporary output is deleted on dispose.</exception>
    /// <exception cref="UsageException">The output appeared meanwhile and overwriting is not allowed.</exception>
    public void Commit(CancellationToken cancellation = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_committed) return;
        cancellation.ThrowIfCancellationRequested();
        if (!IsDirectory)
        {
            if (!Overwrite && File.Exists(FinalPath))
                throw new UsageException($"output '{FinalPath}' already exists; pass --overwrite to replace it.");
            File.Move(TempPath, FinalPath, Overwrite);
        }
        else
        {
            string? old = null;
            if (Directory.Exists(FinalPath) || File.Exists(FinalPath))
            {
                if (!Overwrite) throw new UsageException($"output '{FinalPath}' already exists; pass --overwrite to replace it.");
                old = $"{FinalPath}.old-{Guid.NewGuid():N}";
                if (Directory.Exists(FinalPath)) Directory.Move(FinalPath, old); else File.Move(FinalPath, old);
            }
            Directory.Move(TempPath, FinalPath);
            if (old is not null) { if (Directory.Exists(old)) Directory.Delete(old, recursive: true); else File.Delete(old); }
        }
        _committed = true;
    }

    /// <summary>Deletes the temporary output unless committed.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        if (_committed) return;
        try
        {
            if (IsDirectory) { if (Directory.Exists(TempPath)) Directory.Delete(TempPath, recursive: true); }
            else if (File.Exists(TempPath)) File.Delete(TempPath);
        }
        catch (IOException) { /* best effort: never mask the exception that brought us here */ }
        catch (UnauthorizedAccessException) { }
    }
}
