using System.Globalization;
using BatteryZoom.Core.Data;
using BatteryZoom.Core.Diagnostics;
using BatteryZoom.Core.Steps;
using BatteryZoom.Core.Units;
using BatteryZoom.Segmentation.Labelling;
using System.Runtime.CompilerServices;

namespace BatteryZoom.Segmentation.Watershed;

public static partial class SeedDetection
{
    /// <summary>Markers at the h-maxima of a distance map: one marker per maximum at least <paramref name="h"/> deep.</summary>
    /// <param name="distance">Distance map in metres (<see cref="Quantity.Distance"/>, e.g. from <see cref="DistanceTransform.EuclideanDistance"/>).</param>
    /// <param name="mask">Where markers may lie and paths may run (non-zero); null = everywhere.</param>
    /// <param name="h">Depth, a length (converted to metres, the distance map's unit).</param>
    /// <param name="connectivity">Neighbourhood of the reconstruction, the plateaus and the marker labels; always named.</param>
    /// <param name="context">Cancellation.</param>
    /// <returns>Markers labelled 1…N in raster order of each marker's first voxel, with N in <see cref="LabelVolume.Count"/>.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="h"/> is not positive and finite, or the connectivity is invalid.</exception>
    /// <exception cref="IncompatibleInputException">The image is not in metres, shapes differ, the mask is empty, NaN in the mask, or the volume is too large.</exception>
    public static LabelVolume HMaxima(Volume<float> distance, Volume<byte>? mask, Length h, Connectivity connectivity, RunContext? context = null)
    {
        ArgumentNullException.ThrowIfNull(distance);
        if (distance.Quantity.Unit != "m")
            throw new IncompatibleInputException($"{StepId}: an h-maxima depth given as a length needs a distance map in metres; the image's quantity is " +
                $"'{distance.Quantity.Name}' in '{distance.Quantity.Unit}'. Use the overload that takes h in the image's own unit.");
        if (!(h.Meters > 0) || !double.IsFinite(h.Meters))
            throw new ArgumentOutOfRangeException(nameof(h), $"h-maxima depth must be positive and finite; got {h}.");
        return HMaxima(distance, mask, h.Meters, connectivity, context, h.ToString());
    }

    /// <summary>Markers at the h-maxima of <paramref name="image"/>: the regional maxima (plateaus with no strictly higher
    /// neighbour) of the morphological reconstruction by dilation of (image − h) under the image, labelled with
    /// <paramref name="connectivity"/>. Each marks one maximum whose dynamic (its height above the highest pass to a strictly
    /// higher maximum, or to the lowest value of its connected part of the mask for the highest one) is at least h.</summary>
    /// <param name="image">Image where objects are bright (usually the distance map).</param>
    /// <param name="mask">Where markers may lie and paths may run (non-zero); null = everywhere. Voxels outside count as −∞.</param>
    /// <param name="h">Depth in the image's own unit (metres for a distance map). Must be positive and finite.</param>
    /// <param name="connectivity">Neighbourhood of the reconstruction, the plateaus and the labels.</param>
    /// <param name="context">Cancellation.</param>
    /// <returns>Markers labelled 1…N in raster order ([z, y, x]) of each marker's first voxel.</returns>
    /// <remarks>
    /// Reconstruction by Vincent's (1993) hybrid algorithm: a raster and an anti-raster sweep, then a FIFO propagation from the
    /// voxels the sweeps left unstable; each voxel is touched a few times, never iterated to convergence. image − h is
    /// computed in float32 (as NumPy does for a float32 array minus a Python float). Differences from
    /// <c>skimage.morphology.h_maxima</c>: that function returns the voxels where image − reconstruction ≥ h (the top of each
    /// dome only, so a dome whose top voxels drop by less than h keeps fewer voxels, and two equal tops joined above the
    /// depth give two pieces where this gives one); for float images it also subtracts 2·1e-6·|image| (float32 resolution)
    /// so that a dynamic within that of h may be classed differently; and it returns nothing when h exceeds the image's
    /// range, where this gives each connected part of the mask one marker. The whole padded volume is held in memory
    /// (8 bytes per voxel).
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="image"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="h"/> is not positive and finite, or the connectivity is invalid.</exception>
    /// <exception cref="IncompatibleInputException">Shapes differ, the mask is empty, NaN in the mask, or the volume is too large.</exception>
    public static LabelVolume HMaxima(Volume<float> image, Volume<byte>? mask, double h, Connectivity connectivity, RunContext? context = null)
    {
        ArgumentNullException.ThrowIfNull(image);
        return HMaxima(image, mask, h, connectivity, context, h.ToString("R", CultureInfo.InvariantCulture) + " " + image.Quantity.Unit);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static LabelVolume HMaxima(Volume<float> image, Volume<byte>? mask, double h, Connectivity connectivity, RunContext? context, string hText)
    {
        if (!(h > 0) || !double.IsFinite(h))
            throw new ArgumentOutOfRangeException(nameof(h), $"h-maxima depth must be positive and finite; got {h.ToString(CultureInfo.InvariantCulture)}.");
        connectivity.Validate(nameof(connectivity));
        context ??= RunContext.Default;
        if (mask is not null) VolumeAccess.CheckSameShape(image, mask, StepId, "image", "mask");
        var started = DateTimeOffset.UtcNow;
        int nx = image.Nx, ny = image.Ny, nz = image.Nz;
        int px = nx + 2, py = ny + 2;
        long plane = (long)px * py, total = plane * (nz + 2);
        if (total > Array.MaxLength)
            throw new IncompatibleInputException($"{StepId}: h-maxima holds the padded volume in one array of at most {Array.MaxLength} voxels; " +
                $"this one ({image.Grid.Size}) has {total}. Use LocalMaxima seeds or process the volume in overlapping parts.");
        int sliceStride = (int)plane;

        // I: the image (−∞ outside the mask and in the one-voxel padding); J: the marker image − h, then its reconstruction.
        using var imgBuffer = new NativeBuffer<float>(total);
        using var recBuffer = new NativeBuffer<float>(total);
        var img = imgBuffer.AsSpan(0, (int)total);
        var rec = recBuffer.AsSpan(0, (int)total);
        img.Fill(float.NegativeInfinity);
        float hf = (float)h;
        long inside = 0;
        var row = new float[image.Slices.FrameLength];
        var mrow = mask is null ? null : new byte[mask.Slices.FrameLength];
        for (int z = 0; z < nz; z++)
        {
            context.Cancellation.ThrowIfCancellationRequested();
            image.ReadSlice(z, row);
            if (mrow is not null) mask!.ReadSlice(z, mrow);
            for (int y = 0; y < ny; y++)
            {
                int dst = (z + 1) * sliceStride + (y + 1) * px + 1, src = y * nx;
                for (int x = 0; x < nx; x++)
                {
                    if (mrow is not null && mrow[src + x] == 0) continue;
                    float v = row[src + x];
                    if (float.IsNaN(v))
                        throw new IncompatibleInputException($"{StepId}: the image is NaN at (z {z}, y {y}, x {x}) inside the mask; replace NaN or exclude it from the mask.");
                    img[dst + x] = v;
                    inside++;
                }
            }
        }
        if (inside == 0)
            throw new IncompatibleInputException($"{StepId}: no seed found: the mask ({image.Grid.Size}) is empty. Check the threshold.");
        for (int i = 0; i < rec.Length; i++) rec[i] = img[i] - hf;   // −∞ − h stays −∞

        var offsets = connectivity.Offsets();
        var all = offsets.Select(o => o.Dz * sliceStride + o.Dy * px + o.Dx).ToArray();
        var before = all.Where(o => o < 0).ToArray();   // raster predecessors
        var after = all.Where(o => o > 0).ToArray();

        Reconstruct(img, rec, nx, ny, nz, px, sliceStride, before, after, all, context);

        // Regional maxima of the reconstruction: plateaus (equal values, connected) with no strictly higher neighbour. The image
        // is no longer needed, so its storage holds the plateau state: 0 unvisited, Pending, NotMax, or the label.
        var state = System.Runtime.InteropServices.MemoryMarshal.Cast<float, uint>(img);
        state.Clear();
        const uint Pending = 0xFFFF_FFFEu, NotMax = 0xFFFF_FFFFu;
        var stack = new IntStack();
        var members = new IntStack();
        uint n = 0;
        for (int z = 0; z < nz; z++)
        {
            context.Cancellation.ThrowIfCancellationRequested();
            for (int y = 0; y < ny; y++)
            {
                int b = (z + 1) * sliceStride + (y + 1) * px + 1;
                for (int p = b; p < b + nx; p++)
                {
                    if (state[p] != 0 || float.IsNegativeInfinity(rec[p])) continue;
                    float v = rec[p];
                    // Most voxels have a higher neighbour: mark them at once without exploring their plateau. A plateau-mate
                    // explored later meets this NotMax voxel and so knows its plateau is not a maximum either.
                    bool higher = false;
                    foreach (int o in all)
                        if (rec[p + o] > v) { higher = true; break; }
                    if (higher) { state[p] = NotMax; continue; }
                    bool isMax = true;
                    stack.Clear(); members.Clear();
                    stack.Add(p); members.Add(p); state[p] = Pending;
                    while (stack.Count > 0)
                    {
                        int q = stack.Pop();
                        foreach (int o in all)
                        {
                            int r = q + o;
                            float w = rec[r];
                            if (w > v) isMax = false;
                            else if (w == v)
                            {
                                uint sr = state[r];
                                if (sr == 0) { state[r] = Pending; stack.Add(r); members.Add(r); }
                                else if (sr == NotMax) isMax = false;
                            }
                        }
                    }
                    uint mark = isMax ? ++n : NotMax;
                    if (n == uint.MaxValue - 1) throw new IncompatibleInputException($"{StepId}: more h-maxima than uint32 labels can number.");
                    for (int k = 0; k < members.Count; k++) state[members[k]] = mark;
                }
            }
        }

        var prov = VolumeAccess.Step(image.Provenance, StepId, 1, context, started, ("method", "h-maxima"), ("h", hText),
            ("connectivity", ((int)connectivity).ToString(CultureInfo.InvariantCulture)));
        var result = VolumeAccess.NewInMemory<uint>(image.Grid, Quantity.Label, prov, out var labels);
        for (int z = 0; z < nz; z++)
        {
            Span<uint> l = labels[z];
            for (int y = 0; y < ny; y++)
            {
                int b = (z + 1) * sliceStride + (y + 1) * px + 1;
                for (int x = 0; x < nx; x++)
                {
                    uint s = state[b + x];
                    if (s != NotMax) l[y * nx + x] = s;
                }
            }
        }
        return new LabelVolume(result, n, connectivity);
    }

    /// <summary>Vincent's hybrid grey reconstruction by dilation of <paramref name="rec"/> (≤ <paramref name="img"/>) under
    /// <paramref name="img"/>, in place. Padding and masked voxels are −∞ in both and never change.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Reconstruct(Span<float> img, Span<float> rec, int nx, int ny, int nz, int px, int sliceStride,
        int[] before, int[] after, int[] all, RunContext context)
    {
        // Raster sweep: J(p) = min(max(J(p), J over raster predecessors), I(p)).
        for (int z = 0; z < nz; z++)
        {
            context.Cancellation.ThrowIfCancellationRequested();
            for (int y = 0; y < ny; y++)
            {
                int b = (z + 1) * sliceStride + (y + 1) * px + 1;
                for (int p = b; p < b + nx; p++)
                {
                    float ip = img[p];
                    if (float.IsNegativeInfinity(ip)) continue;
                    float m = rec[p];
                    foreach (int o in before) m = Math.Max(m, rec[p + o]);
                    rec[p] = Math.Min(m, ip);
                }
            }
        }
        // Anti-raster sweep, and a FIFO of the voxels from which a successor can still rise.
        var fifo = new IntFifo(1024);
        for (int z = nz - 1; z >= 0; z--)
        {
            context.Cancellation.ThrowIfCancellationRequested();
            for (int y = ny - 1; y >= 0; y--)
            {
                int b = (z + 1) * sliceStride + (y + 1) * px + 1;
                for (int p = b + nx - 1; p >= b; p--)
                {
                    float ip = img[p];
                    if (float.IsNegativeInfinity(ip)) continue;
                    float m = rec[p];
                    foreach (int o in after) m = Math.Max(m, rec[p + o]);
                    m = Math.Min(m, ip);
                    rec[p] = m;
                    foreach (int o in after)
                    {
                        int q = p + o;
                        if (rec[q] < m && rec[q] < img[q]) { fifo.Push(p); break; }
                    }
                }
            }
        }
        long popped = 0;
        while (fifo.Count > 0)
        {
            int p = fifo.Pop();
            float jp = rec[p];
            foreach (int o in all)
            {
                int q = p + o;
                float jq = rec[q], iq = img[q];
                if (jq < jp && iq != jq)
                {
                    rec[q] = Math.Min(jp, iq);
                    fifo.Push(q);
                }
            }
            if ((++popped & 0xFFFFF) == 0) context.Cancellation.ThrowIfCancellationRequested();
        }
    }

    /// <summary>Growable stack of ints (also read by index).</summary>
    private sealed class IntStack
    {
        private int[] _items = new int[256];
        public int Count;
        public int this[int i] => _items[i];
        public void Clear() => Count = 0;
        public void Add(int item)
        {
            if (Count == _items.Length) Array.Resize(ref _items, 2 * Count);
            _items[Count++] = item;
        }
        public int Pop() => _items[--Count];
    }

    /// <summary>Growable ring buffer of ints.</summary>
    private sealed class IntFifo(int capacity)
    {
        private int[] _items = new int[capacity];
        private int _head, _count;

        public int Count => _count;

        public void Push(int item)
        {
            if (_count == _items.Length)
            {
                var grown = new int[_items.Length * 2];
                int tail = _items.Length - _head;
                Array.Copy(_items, _head, grown, 0, tail);
                Array.Copy(_items, 0, grown, tail, _head);
                _items = grown;
                _head = 0;
            }
            _items[(_head + _count) % _items.Length] = item;
            _count++;
        }

        public int Pop()
        {
            int item = _items[_head];
            _head = _head + 1 == _items.Length ? 0 : _head + 1;
            _count--;
            return item;
        }
    }
}
