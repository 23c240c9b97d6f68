using BatteryZoom.Core.Steps;
using System.Numerics;
using BatteryZoom.Core.Data;
using BatteryZoom.Core.Diagnostics;
using BatteryZoom.Core.Geometry;
using BatteryZoom.Core.Units;

namespace BatteryZoom.IO;

/// <summary>Options for reading a stack out of a file.</summary>
public sealed record StackReadOptions
{
    /// <summary>Defaults: every frame and row, non-finite values rejected.</summary>
    public static StackReadOptions Default { get; } = new();
    /// <summary>Frames to read (e.g. <c>10..20</c>); null for all.</summary>
    public Range? Frames { get; init; }
    /// <summary>Rows of every frame to read (a sinogram slab, e.g. <c>100..164</c>); null for all.</summary>
    public Range? Rows { get; init; }
    /// <summary>Throw <see cref="DataFormatException"/> on NaN or ±∞, naming file, frame, row and column (default true).</summary>
    public bool RejectNonFinite { get; init; } = true;
}

/// <summary>Frame-by-frame reading into <see cref="ImageStack{T}"/>/<see cref="Volume{T}"/> and writing out of them.</summary>
/// <remarks>Every loop reads or writes one frame at a time through one frame buffer, so memory stays at the destination's
/// storage (which follows <see cref="RunContext.Storage"/>: in memory under the budget, a scratch file above it) plus one frame.</remarks>
public static class FrameIO
{
    /// <summary>Reads frame <paramref name="index"/> [row, column].</summary>
    public static void ReadFrame<T>(this IFrameReader reader, int index, Span<T> destination) where T : unmanaged, INumber<T>
    {
        ArgumentNullException.ThrowIfNull(reader);
        reader.ReadRows(index, 0, reader.Rows, destination);
    }

    /// <summary>Reads frames (all, or <see cref="StackReadOptions.Frames"/>) and rows (all, or <see cref="StackReadOptions.Rows"/>)
    /// into a new stack [frame, row, column], frame by frame.</summary>
    /// <exception cref="DataFormatException">Truncated or corrupt data, or a non-finite value when rejected.</exception>
    /// <exception cref="OperationCanceledException">Cancelled between frames.</exception>
    public static ImageStack<T> ReadStack<T>(this IFrameReader reader, StackReadOptions? options = null, RunContext? context = null)
        where T : unmanaged, INumber<T>
    {
        ArgumentNullException.ThrowIfNull(reader);
        options ??= StackReadOptions.Default;
        context ??= RunContext.Default;
        var (f0, fn) = Resolve(options.Frames, reader.Count, "frames", reader.Source);
        var (r0, rn) = Resolve(options.Rows, reader.Rows, "rows", reader.Source);
        var stack = ImageStack<T>.Create(fn, rn, reader.Columns, context.Storage);
        try
        {
            var buffer = new T[rn * reader.Columns];
            for (int i = 0; i < fn; i++)
            {
                context.Cancellation.ThrowIfCancellationRequested();
                reader.ReadRows(f0 + i, r0, rn, buffer);
                if (options.RejectNonFinite) CheckFinite<T>(buffer, reader.Source, f0 + i, r0, reader.Columns);
                stack.WriteFrame(i, buffer);
                context.Report("io.read", i + 1, fn, reader.Source);
            }
            return stack;
        }
        catch
        {
            stack.Dispose();
            throw;
        }
    }

    /// <summary>Reads the whole stack as a volume (frames are z slices); the grid uses the file's voxel size and origin,
    /// else <paramref name="defaultVoxel"/> and a centred origin.</summary>
    /// <exception cref="UsageException">The file stores no voxel size and no default is given.</exception>
    public static Volume<T> ReadVolume<T>(this IFrameReader reader, Length? defaultVoxel = null, StackReadOptions? options = null, RunContext? context = null)
        where T : unmanaged, INumber<T>
    {
        ArgumentNullException.ThrowIfNull(reader);
        options ??= StackReadOptions.Default;
        var md = reader.Metadata;
        if (!md.HasVoxelSize && defaultVoxel is null && md.Dx is null)
            throw new UsageException($"{reader.Source} stores no voxel size; give one (e.g. --voxel-size \"0.65 um\").");
        var stack = reader.ReadStack<T>(options, context);
        try
        {
            var full = md.ToGrid(new GridSize(reader.Columns, reader.Rows, reader.Count), defaultVoxel);
            var (f0, _) = Resolve(options.Frames, reader.Count, "frames", reader.Source);
            var (r0, _) = Resolve(options.Rows, reader.Rows, "rows", reader.Source);
            var origin = full.Position(0, r0, f0);
            var grid = new VoxelGrid(new GridSize(stack.Columns, stack.Rows, stack.Count), full.Dx, full.Dy, full.Dz, origin);
            return new Volume<T>(grid, stack, md.Quantity, md.Provenance);
        }
        catch
        {
            stack.Dispose();
            throw;
        }
    }

    /// <summary>Writes every frame of <paramref name="stack"/> and completes the writer.</summary>
    /// <exception cref="IncompatibleInputException">The stack's shape differs from the writer's.</exception>
    /// <exception cref="OperationCanceledException">Cancelled between frames (the partial output is deleted when the writer is disposed).</exception>
    public static void WriteStack<T>(this IFrameWriter writer, ImageStack<T> stack, RunContext? context = null) where T : unmanaged, INumber<T>
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(stack);
        context ??= RunContext.Default;
        if (stack.Count != writer.Count || stack.Rows != writer.Rows || stack.Columns != writer.Columns)
            throw new IncompatibleInputException($"{writer.Destination}: writer expects {writer.Count}×{writer.Rows}×{writer.Columns} frames; the data are {stack.Count}×{stack.Rows}×{stack.Columns}.");
        var buffer = new T[stack.FrameLength];
        for (int i = 0; i < stack.Count; i++)
        {
            context.Cancellation.ThrowIfCancellationRequested();
            stack.ReadFrame(i, buffer);
            writer.WriteFrame<T>(buffer);
            context.Report("io.write", i + 1, stack.Count, writer.Destination);
        }
        context.Cancellation.ThrowIfCancellationRequested();
        writer.Complete();
    }

    /// <summary>Copies every frame of <paramref name="reader"/> to <paramref name="writer"/> (values pass through float64, so
    /// every supported element type converts exactly when the target can hold it) and completes the writer.</summary>
    public static void CopyTo(this IFrameReader reader, IFrameWriter writer, bool rejectNonFinite = false, RunContext? context = null)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(writer);
        context ??= RunContext.Default;
        if (reader.Count != writer.Count || reader.Rows != writer.Rows || reader.Columns != writer.Columns)
            throw new IncompatibleInputException($"{writer.Destination}: writer expects {writer.Count}×{writer.Rows}×{writer.Columns} frames; {reader.Source} has {reader.Count}×{reader.Rows}×{reader.Columns}.");
        var buffer = new double[reader.Rows * reader.Columns];
        for (int i = 0; i < reader.Count; i++)
        {
            context.Cancellation.ThrowIfCancellationRequested();
            reader.ReadFrame<double>(i, buffer);
            if (rejectNonFinite) CheckFinite<double>(buffer, reader.Source, i, 0, reader.Columns);
            writer.WriteFrame<double>(buffer);
            context.Report("io.convert", i + 1, reader.Count, reader.Source);
        }
        context.Cancellation.ThrowIfCancellationRequested();
        writer.Complete();
    }

    /// <summary>Throws when a value is NaN or infinite, naming file, frame, row and column.</summary>
    /// <exception cref="DataFormatException">A non-finite value.</exception>
    public static void CheckFinite<T>(ReadOnlySpan<T> frame, string source, int frameIndex, int rowOffset, int columns) where T : unmanaged, INumber<T>
    {
        if (typeof(T) != typeof(float) && typeof(T) != typeof(double) && typeof(T) != typeof(Half)) return;
        for (int i = 0; i < frame.Length; i++)
        {
            if (!T.IsFinite(frame[i]))
            {
                string what = T.IsNaN(frame[i]) ? "NaN" : T.IsPositive(frame[i]) ? "+inf" : "-inf";
                throw new DataFormatException(source, "finite values", $"{what} at frame {frameIndex}, row {rowOffset + i / columns}, column {i % columns}");
            }
        }
    }

    internal static (int Start, int Count) Resolve(Range? range, int length, string what, string source)
    {
        if (range is null) return (0, length);
        int start, count;
        try { (start, count) = range.Value.GetOffsetAndLength(length); }
        catch (ArgumentOutOfRangeException) { throw new UsageException($"{source}: {what} {range} are outside 0..{length}."); }
        if (count <= 0) throw new UsageException($"{source}: {what} {range} select nothing (the file has {length}).");
        return (start, count);
    }
}
