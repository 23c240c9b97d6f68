using System.Runtime.InteropServices;
using System.Diagnostics;
using BatteryZoom.Core.Data;
using BatteryZoom.Core.Diagnostics;
using BatteryZoom.Core.Steps;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace BatteryZoom.Segmentation.Labelling;

/// <summary>Connected-component labelling of a binary mask, streaming slice by slice so that volumes beyond memory work.</summary>
/// <remarks>
/// Run-based union–find: each row of each slice is split into runs of foreground; a run is joined to the runs it touches in the
/// previous row and in the previous slice (the rows and the column tolerance that <see cref="Connectivity"/> allows); labels are
/// then numbered in raster order of each object's first voxel, which is exactly SciPy's <c>ndimage.label</c> numbering.
/// Only the runs are held in memory (8–12 bytes each), plus one slice of mask and one of labels, so the mask and the label
/// image may both live in scratch files (<see cref="RunContext.Storage"/>). See docs/algorithms/segmentation.md.
/// </remarks>
public static class ConnectedComponents
{
    /// <summary>Step id written to provenance.</summary>
    public const string StepId = "segment.label";

    /// <summary>Labels the non-zero voxels of <paramref name="mask"/>.</summary>
    /// <param name="mask">Binary mask; any non-zero value is foreground.</param>
    /// <param name="connectivity">6, 18 or 26 neighbours; always named (see <see cref="Connectivity"/>).</param>
    /// <param name="context">Cancellation, storage of the label image, log.</param>
    /// <returns>uint32 labels 1…N numbered in raster order ([z, y, x]) of each object's first voxel; 0 = background.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="mask"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="connectivity"/> is not 6, 18 or 26.</exception>
    /// <exception cref="IncompatibleInputException">The mask has no foreground voxel, or it holds more objects (or runs) than uint32 labels can number.</exception>
    public static LabelVolume Label(Volume<byte> mask, Connectivity connectivity, RunContext? context = null)
    {
        ArgumentNullException.ThrowIfNull(mask);
        connectivity.Validate(nameof(connectivity));
        context ??= RunContext.Default;
        var started = DateTimeOffset.UtcNow;
        var result = LabelCore(mask, connectivity, foregroundIsZero: false, uint.MaxValue, context, context.Storage);
        if (result.Count == 0)
        {
            result.Dispose();
            throw new IncompatibleInputException($"{StepId}: the mask ({mask.Grid.Size}) has no foreground voxel, so there is nothing to label. Check the threshold (or the mask's polarity).");
        }
        var labels = result.Labels;
        var prov = VolumeAccess.Step(mask.Provenance, StepId, 1, context, started, ("connectivity", ((int)connectivity).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        return new LabelVolume(new Volume<uint>(labels.Grid, labels.Slices, Quantity.Label, prov), result.Count, connectivity);
    }

    /// <summary>The labelling itself. <paramref name="foregroundIsZero"/> labels the zero voxels instead (hole filling).
    /// <paramref name="maxLabel"/> is the largest label allowed (uint.MaxValue; tests lower it).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static LabelVolume LabelCore(Volume<byte> mask, Connectivity connectivity, bool foregroundIsZero, uint maxLabel,
        RunContext context, StorageOptions storage)
    {
        int nx = mask.Nx, ny = mask.Ny, nz = mask.Nz;
        // In memory, one cheap pass counts the runs exactly, so the table is allocated once at its final size (no copies, and
        // no fresh pages beyond what it holds: on VMs first touches dominate). File-backed masks grow it by projection instead
        // of reading the file twice.
        long exact = mask.Slices.IsInMemory ? CountRuns(mask, foregroundIsZero) : -1;
        if (exact > Array.MaxLength)
            throw new IncompatibleInputException($"{StepId}: the mask has {exact} foreground runs, more than the {Array.MaxLength} one table holds; split it into parts.");
        var runs = new RunTable(exact >= 0 ? (int)Math.Max(1, exact) : Math.Max(1024, nx * ny / 16));
        var rowStart = new int[checked(nz * ny + 1)];
        bool inMemory = mask.Slices.IsInMemory;
        byte[]? buffer = inMemory ? null : new byte[mask.Slices.FrameLength];
        bool diagInPlane = connectivity != Connectivity.Faces6;     // (0, ±1, ±1) neighbours
        bool diagPrevSame = connectivity != Connectivity.Faces6;    // (-1, 0, ±1)
        bool prevSliceOtherRows = connectivity != Connectivity.Faces6; // (-1, ±1, 0) at least
        bool diagPrevOther = connectivity == Connectivity.Vertices26;  // (-1, ±1, ±1)

        for (int z = 0; z < nz; z++)
        {
            context.Cancellation.ThrowIfCancellationRequested();
            ReadOnlySpan<byte> slice;
            if (inMemory) slice = mask.GetSlice(z);
            else { mask.ReadSlice(z, buffer); slice = buffer; }
            for (int y = 0; y < ny; y++)
            {
                int row = z * ny + y;
                rowStart[row] = runs.Count;
                ExtractRuns(slice.Slice(y * nx, nx), foregroundIsZero, runs);
                int a0 = rowStart[row], a1 = runs.Count;
                if (a0 == a1) continue;
                if (y > 0) runs.Connect(a0, a1, rowStart[row - 1], rowStart[row], diagInPlane ? 1 : 0);
                if (z > 0)
                {
                    int prow = row - ny;
                    runs.Connect(a0, a1, rowStart[prow], rowStart[prow + 1], diagPrevSame ? 1 : 0);
                    if (prevSliceOtherRows)
                    {
                        if (y > 0) runs.Connect(a0, a1, rowStart[prow - 1], rowStart[prow], diagPrevOther ? 1 : 0);
                        if (y < ny - 1) runs.Connect(a0, a1, rowStart[prow + 1], rowStart[prow + 2], diagPrevOther ? 1 : 0);
                    }
                }
            }
            // rowStart of the next slice's rows is set when they are scanned; the (prow + 2) lookup above needs this slice complete.
            if (exact < 0) runs.ReserveProjected(z + 1, nz);
            context.Report(StepId, z + 1, 2L * nz, "runs");
        }
        rowStart[nz * ny] = runs.Count;

        uint count = runs.Resolve(maxLabel);
        uint[] runLabel = runs.Labels;

        var labels = Volume<uint>.Create(mask.Grid, Quantity.Label, storage, mask.Provenance);
        bool outInMemory = labels.Slices.IsInMemory;
        var po = context.ParallelOptions;
        if (!outInMemory) po.MaxDegreeOfParallelism = 1;
        uint[]? outBuffer = outInMemory ? null : new uint[labels.Slices.FrameLength];
        int done = 0;
        // Locals, not fields of the closure's objects: the JIT reloads fields after every store through the span.
        int[] starts = runs.Start, ends = runs.End;
        Parallel.For(0, nz, po, z =>
        {
            Span<uint> dst = outInMemory ? labels.GetSlice(z) : outBuffer;
            if (!outInMemory) dst.Clear();
            WriteRuns(dst, rowStart, starts, ends, runLabel, z * ny, ny, nx);
            if (!outInMemory) labels.WriteSlice(z, dst);
            context.Report(StepId, nz + Interlocked.Increment(ref done), 2L * nz, "labels");
        });
        return new LabelVolume(labels, count, connectivity);
    }

    /// <summary>Writes the labels of the runs of rows [firstRow, firstRow + rows) into one slice (background stays zero).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void WriteRuns(Span<uint> slice, int[] rowStart, int[] starts, int[] ends, uint[] runLabel, int firstRow, int rows, int nx)
    {
        ref uint origin = ref MemoryMarshal.GetReference(slice);
        if ((long)rows * nx > slice.Length) throw new ArgumentException("slice too short.", nameof(slice));
        for (int y = 0; y < rows; y++)
        {
            int r1 = rowStart[firstRow + y + 1];
            ref uint row = ref Unsafe.Add(ref origin, y * nx);
            for (int r = rowStart[firstRow + y]; r < r1; r++)
            {
                int s = starts[r], e = ends[r];
                uint v = runLabel[r];
                // Runs are short (a few to tens of voxels): a plain loop beats Span.Fill's set-up; bounds hold by construction
                // (0 ≤ s < e ≤ nx from ExtractRuns).
                for (int x = s; x < e; x++) Unsafe.Add(ref row, x) = v;
            }
        }
    }

    /// <summary>Appends the runs of foreground voxels of one row to <paramref name="runs"/>.</summary>
    /// <remarks>64 voxels at a time: one vector compare gives a 64-bit foreground mask, and the runs' ends are its bit
    /// transitions (fg ^ (fg &lt;&lt; 1 | carry)), taken with trailing-zero counts. A run of ~16 voxels then costs two bit steps,
    /// where two vectorised searches (IndexOfAnyExcept, IndexOf) each paid their set-up.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ExtractRuns(ReadOnlySpan<byte> row, bool foregroundIsZero, RunTable runs)
    {
        int n = row.Length, x = 0, start = 0;
        ref byte origin = ref MemoryMarshal.GetReference(row);
        ulong flip = foregroundIsZero ? ulong.MaxValue : 0;
        ulong carry = 0;   // 1 while a run is open across a block boundary
        for (; x <= n - 64; x += 64)
        {
            ulong fg = NonZeroBits(ref Unsafe.Add(ref origin, x)) ^ flip;
            ulong edges = fg ^ (fg << 1 | carry);   // bit i: voxel x + i differs from voxel x + i − 1
            carry = fg >> 63;
            while (edges != 0)
            {
                int at = x + BitOperations.TrailingZeroCount(edges);
                if (((fg >> (at - x)) & 1) != 0) start = at;   // rising edge: a run starts
                else runs.Add(start, at);                      // falling edge: the open run ends before it
                edges &= edges - 1;
            }
        }
        bool open = carry != 0;
        for (; x < n; x++)
        {
            bool f = (Unsafe.Add(ref origin, x) != 0) ^ foregroundIsZero;
            if (f && !open) { start = x; open = true; }
            else if (!f && open) { runs.Add(start, x); open = false; }
        }
        if (open) runs.Add(start, n);
    }

    /// <summary>Bit i set where byte i of the 64 at <paramref name="p"/> is non-zero.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong NonZeroBits(ref byte p)
    {
        if (Vector512.IsHardwareAccelerated)
            return ~Vector512.Equals(Vector512.LoadUnsafe(ref p), Vector512<byte>.Zero).ExtractMostSignificantBits();
        if (Vector256.IsHardwareAccelerated)
        {
            ulong lo = Vector256.Equals(Vector256.LoadUnsafe(ref p), Vector256<byte>.Zero).ExtractMostSignificantBits();
            ulong hi = Vector256.Equals(Vector256.LoadUnsafe(ref p, 32), Vector256<byte>.Zero).ExtractMostSignificantBits();
            return ~(lo | hi << 32);
        }
        ulong zero = 0;
        for (int k = 0; k < 4; k++)
            zero |= (ulong)Vector128.Equals(Vector128.LoadUnsafe(ref p, (nuint)(16 * k)), Vector128<byte>.Zero).ExtractMostSignificantBits() << (16 * k);
        return ~zero;
    }

    /// <summary>Number of foreground runs in the rows of an in-memory mask (rising edges of the foreground, row by row).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static long CountRuns(Volume<byte> mask, bool foregroundIsZero)
    {
        int nx = mask.Nx, ny = mask.Ny;
        ulong flip = foregroundIsZero ? ulong.MaxValue : 0;
        long total = 0;
        for (int z = 0; z < mask.Nz; z++)
        {
            ReadOnlySpan<byte> slice = mask.GetSlice(z);
            ref byte origin = ref MemoryMarshal.GetReference(slice);
            for (int y = 0; y < ny; y++)
            {
                ref byte row = ref Unsafe.Add(ref origin, y * nx);
                int x = 0;
                ulong carry = 0;
                for (; x <= nx - 64; x += 64)
                {
                    ulong fg = NonZeroBits(ref Unsafe.Add(ref row, x)) ^ flip;
                    total += BitOperations.PopCount(fg & ~(fg << 1 | carry));
                    carry = fg >> 63;
                }
                bool open = carry != 0;
                for (; x < nx; x++)
                {
                    bool f = (Unsafe.Add(ref row, x) != 0) ^ foregroundIsZero;
                    if (f && !open) total++;
                    open = f;
                }
            }
        }
        return total;
    }

    /// <summary>Runs [Start, End) with a union–find forest over their indices; a root is the smallest index of its set.</summary>
    private sealed class RunTable(int capacity)
    {
        // Huge-page arrays: a fresh 512³ labelling writes ~50 MB of runs, and 4 KiB first touches cost ~25 % of it on VMs.
        public int[] Start = HugePageArray.Allocate<int>(capacity);
        public int[] End = HugePageArray.Allocate<int>(capacity);
        public int[] Parent = HugePageArray.Allocate<int>(capacity);
        public int Count;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Add(int start, int end)
        {
            if (Count == Start.Length)
            {
                if (Count == Array.MaxLength)
                    throw new IncompatibleInputException($"{StepId}: the mask has more than {Array.MaxLength} foreground runs; split it into parts.");
                Resize((int)Math.Min(Array.MaxLength, 2L * Count));
            }
            Start[Count] = start; End[Count] = end; Parent[Count] = Count;
            Count++;
        }

        /// <summary>After <paramref name="done"/> of <paramref name="total"/> slices, grows the table once to the run count
        /// projected for the whole volume (+10 %) when that exceeds its capacity. Why: growing by doubling from a slice's worth
        /// copied the three arrays ~9 times at 512³ (≈ 10 % of labelling's time); the projection settles after a few slices.</summary>
        public void ReserveProjected(int done, int total)
        {
            long projected = (long)(Count * (double)total / done * 1.1);
            if (projected <= Start.Length || Count < Start.Length / 2) return;   // not yet half full: wait for a steadier projection
            // At least 1.5× the capacity: a projection that creeps up slice by slice must not copy the table every slice.
            Resize((int)Math.Min(Array.MaxLength, Math.Max(projected, Start.Length * 3L / 2)));
        }

        private void Resize(int n)
        {
            Start = Grown(Start, n); End = Grown(End, n); Parent = Grown(Parent, n);
        }

        private int[] Grown(int[] old, int n)
        {
            var grown = HugePageArray.Allocate<int>(n);
            old.AsSpan(0, Count).CopyTo(grown);
            return grown;
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private int Find(int i)
        {
            int[] p = Parent;
            while (p[i] != i) { p[i] = p[p[i]]; i = p[i]; }
            return i;
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void Union(int a, int b)
        {
            a = Find(a); b = Find(b);
            if (a == b) return;
            if (a < b) Parent[b] = a; else Parent[a] = b;
        }

        /// <summary>Joins runs [a0, a1) of one row with runs [b0, b1) of a neighbouring row when they overlap, with a column
        /// tolerance of <paramref name="slack"/> (1 = diagonal neighbours count).</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Connect(int a0, int a1, int b0, int b1, int slack)
        {
            int i = a0, j = b0;
            int[] s = Start, e = End;
            while (i < a1 && j < b1)
            {
                if (s[j] < e[i] + slack && s[i] < e[j] + slack) Union(i, j);
                if (e[i] <= e[j]) i++; else j++;
            }
        }

        /// <summary>The label of each run after <see cref="Resolve"/> (the parent array, overwritten in place).</summary>
        public uint[] Labels => Unsafe.As<uint[]>(Parent);

        /// <summary>Numbers roots 1… in run order (= raster order of first voxels) and replaces every run's parent by its label,
        /// in place: a run's parent has a smaller index, so its entry already holds the set's label when the run is reached.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public uint Resolve(uint maxLabel)
        {
            uint next = 0;
            int[] p = Parent;
            for (int r = 0; r < Count; r++)
            {
                int q = p[r];
                if (q == r)
                {
                    if (next == maxLabel)
                        throw new IncompatibleInputException($"{StepId}: the mask holds more objects than the {maxLabel} that uint32 labels can number. Label parts of the volume separately or remove small objects first.");
                    p[r] = (int)++next;   // stored as the label's bit pattern; read back through Labels
                }
                else
                {
                    Debug.Assert(q < r);
                    p[r] = p[q];   // q < r already holds its set's label
                }
            }
            return next;
        }
    }
}
