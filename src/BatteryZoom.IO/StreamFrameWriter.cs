namespace BatteryZoom.IO;

/// <summary>A <see cref="FrameWriter"/> that streams frames into one file, written under a temporary name and moved into
/// place on <see cref="FrameWriter.Complete"/> (see <see cref="AtomicFileWriter"/>); the EDF and raw writers share it.</summary>
public abstract class StreamFrameWriter : FrameWriter
{
    private readonly AtomicFileWriter _output;

    /// <summary>Starts the temporary output for <paramref name="count"/> frames.</summary>
    /// <exception cref="Core.Diagnostics.UsageException">The output exists and <paramref name="overwrite"/> is false.</exception>
    protected StreamFrameWriter(string path, int count, int rows, int columns, ElementType elementType, bool overwrite)
        : base(path, count, rows, columns, elementType)
    {
        _output = AtomicFileWriter.Begin(path, overwrite);
        Stream = new FileStream(_output.TempPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
    }

    /// <summary>The temporary file's stream, written in frame order.</summary>
    protected FileStream Stream { get; }

    /// <inheritdoc/>
    protected override void OnComplete()
    {
        Stream.Flush(flushToDisk: true);
        Stream.Dispose();
        _output.Commit();
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Stream.Dispose();
            _output.Dispose();
        }
        base.Dispose(disposing);
    }
}
