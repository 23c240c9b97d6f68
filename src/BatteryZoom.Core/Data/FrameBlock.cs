using System.Runtime.InteropServices;

namespace BatteryZoom.Core.Data;

/// <summary>One array holding several consecutive frames of an <see cref="ImageStack{T}"/>, from element <see cref="Offset"/> on.</summary>
/// <remarks>
/// Why blocks and not one array per frame: on virtual machines the first write to each fresh 4 KiB page is an exit to the
/// hypervisor, and every later TLB miss walks two page tables. Measured on the 2-vCPU benchmark VM (512 MiB written once):
/// one array per 1 MiB frame took 1.3–2.4 s, with or without <c>madvise(MADV_POPULATE_WRITE)</c>; one pinned block advised
/// for transparent huge pages (<c>madvise(MADV_HUGEPAGE)</c>, as NumPy does for its arrays) took 0.06–0.2 s. So large stacks
/// are carved from pinned blocks (the pinned object heap never moves them, so the advice stays on their pages), each
/// starting its first frame on a 2 MiB boundary. Blocks stay ordinary managed arrays: spans on them remain memory-safe after
/// the stack is disposed. Elsewhere than Linux, or where the call is refused, the advice is skipped.
/// </remarks>
internal readonly record struct FrameBlock<T>(T[] Array, int Offset) where T : unmanaged
{
    private const long HugePage = 1 << 21;
    // Below this a stack gets one plain array per frame: huge pages could not cover it and pinning would only fragment the heap.
    internal const long MinimumStackBytes = 8 * HugePage;
    // A block's target size: large enough that its unaligned tail is a small share, small enough to free in pieces.
    internal const long TargetBlockBytes = 128 * HugePage;

    /// <summary>How many frames of <paramref name="frameLength"/> elements go into one block.</summary>
    internal static int FramesPerBlock(int count, int frameLength)
    {
        long frameBytes = (long)frameLength * Marshal.SizeOf<T>();
        long padding = HugePage / Marshal.SizeOf<T>();
        long byBytes = Math.Max(1, TargetBlockBytes / frameBytes);
        long byLength = Math.Max(1, (System.Array.MaxLength - padding) / frameLength);
        return (int)Math.Min(count, Math.Min(byBytes, byLength));
    }

    /// <summary>A zero-filled block of <paramref name="elements"/> elements whose first one lies on a 2 MiB boundary.</summary>
    internal static FrameBlock<T> Allocate(long elements)
    {
        var array = HugePageArray.Allocate<T>(checked((int)(elements + HugePage / Marshal.SizeOf<T>())), out int aligned);
        return new FrameBlock<T>(array, aligned);
    }
}

/// <summary>Large zero-filled arrays backed by transparent huge pages where the OS offers them.</summary>
/// <remarks>Why: see <see cref="FrameBlock{T}"/>; the same VM cost applies to any large scratch array that is written once
/// (e.g. a labelling's run table, measured ~25 % of a fresh 512³ labelling with 4 KiB pages).</remarks>
public static class HugePageArray
{
    private const long HugePage = 1 << 21;
    /// <summary>Arrays below this size are plain <c>new T[n]</c>: huge pages could not cover them.</summary>
    public const long MinimumBytes = 2 * HugePage;

    /// <summary>A zero-filled array of <paramref name="length"/> elements; large ones are pinned (they never move, so the
    /// advice stays on their pages) and advised for huge pages over their 2 MiB-aligned interior.</summary>
    public static T[] Allocate<T>(int length) where T : unmanaged => Allocate<T>(length, out _);

    /// <summary>As <see cref="Allocate{T}(int)"/>; <paramref name="alignedOffset"/> is the first element on a 2 MiB boundary
    /// (0 for small arrays, or when the element size does not divide 2 MiB).</summary>
    public static unsafe T[] Allocate<T>(int length, out int alignedOffset) where T : unmanaged
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        alignedOffset = 0;
        int size = sizeof(T);
        long bytes = (long)length * size;
        if (bytes < MinimumBytes) return new T[length];
        // Fresh pages from the OS are not touched by the allocation (the GC knows they are zero), so the advice below still
        // decides how they are first mapped.
        var array = GC.AllocateArray<T>(length, pinned: true);
        fixed (T* first = array)
        {
            long start = (long)first, aligned = (start + HugePage - 1) & ~(HugePage - 1);
            if ((aligned - start) % size == 0) alignedOffset = (int)((aligned - start) / size);
            long end = (start + bytes) & ~(HugePage - 1);
            if (end > aligned) HugePageAdvice.Apply((nint)aligned, (nuint)(end - aligned));
        }
        return array;
    }
}

/// <summary>Asks Linux to back a range with transparent huge pages (<c>madvise(MADV_HUGEPAGE)</c>); a no-op elsewhere, and
/// after the first refusal (a kernel without THP).</summary>
public static class HugePageAdvice
{
    private const int MadvHugePage = 14;
    private static volatile bool s_unavailable = !OperatingSystem.IsLinux();

    /// <summary>Advises [address, address + length); the range should be 2 MiB aligned for the advice to take effect.</summary>
    public static void Apply(nint address, nuint length)
    {
        if (s_unavailable) return;
        try
        {
            if (Madvise(address, length, MadvHugePage) != 0) s_unavailable = true;   // THP compiled out of the kernel: EINVAL
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            s_unavailable = true;
        }
    }

    [DllImport("libc", EntryPoint = "madvise")]
    private static extern int Madvise(nint address, nuint length, int advice);
}
