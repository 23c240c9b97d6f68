using System.Numerics;

namespace BatteryZoom.IO;

/// <summary>Random access to the frames [frame, row, column] of a stored stack, one frame (or a band of rows) at a time.</summary>
/// <remarks>Nothing is read until asked for: a reader holds at most one frame's buffer. Values are converted from
/// <see cref="ElementType"/> to the requested <c>T</c> (integers rounded and saturated). Not thread-safe.</remarks>
public interface IFrameReader : IDisposable
{
    /// <summary>File (and dataset) the frames come from, used in error messages.</summary>
    string Source { get; }
    /// <summary>Number of frames.</summary>
    int Count { get; }
    /// <summary>Rows per frame.</summary>
    int Rows { get; }
    /// <summary>Columns per frame.</summary>
    int Columns { get; }
    /// <summary>Element type stored in the file.</summary>
    ElementType ElementType { get; }
    /// <summary>Voxel size, origin, quantity and provenance, where the file stores them.</summary>
    StackMetadata Metadata { get; }

    /// <summary>Reads rows [<paramref name="rowStart"/>, <paramref name="rowStart"/>+<paramref name="rowCount"/>) of frame
    /// <paramref name="index"/> into <paramref name="destination"/> [row, column].</summary>
    /// <exception cref="ArgumentOutOfRangeException">Frame or rows outside the stack.</exception>
    /// <exception cref="Core.Diagnostics.DataFormatException">The file is truncated or corrupt.</exception>
    void ReadRows<T>(int index, int rowStart, int rowCount, Span<T> destination) where T : unmanaged, INumber<T>;
}

/// <summary>Consumes the frames of a stack in order and writes them to a file; the file appears only on <see cref="Complete"/>.</summary>
/// <remarks>Output goes to a temporary file beside the destination (see <see cref="AtomicFileWriter"/>); disposing
/// without <see cref="Complete"/> deletes it.</remarks>
public interface IFrameWriter : IDisposable
{
    /// <summary>The final output path.</summary>
    string Destination { get; }
    /// <summary>Number of frames the writer expects.</summary>
    int Count { get; }
    /// <summary>Rows per frame.</summary>
    int Rows { get; }
    /// <summary>Columns per frame.</summary>
    int Columns { get; }
    /// <summary>Element type written to the file.</summary>
    ElementType ElementType { get; }
    /// <summary>Frames written so far.</summary>
    int Written { get; }

    /// <summary>Writes the next frame [row, column] (converted to <see cref="ElementType"/>).</summary>
    /// <exception cref="InvalidOperationException">All frames are already written.</exception>
    void WriteFrame<T>(ReadOnlySpan<T> frame) where T : unmanaged, INumber<T>;

    /// <summary>Finishes the file and moves it into place.</summary>
    /// <exception cref="InvalidOperationException">Fewer frames than <see cref="Count"/> were written.</exception>
    void Complete();
}
