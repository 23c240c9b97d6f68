// SPDX-License-Identifier: MIT
using BatteryZoom.Core.Data;
using BatteryZoom.Core.Steps;

namespace BatteryZoom.Tomography.Preprocessing;

/// <summary>Small shared kernels: 1D median filter, row-band processing of a scan's sinograms.</summary>
internal static class SinogramOps
{
    /// <summary>Median of a window of <paramref name="size"/> (odd) centred on each sample; the ends use reflected samples.</summary>
    public static void Median1D(ReadOnlySpan<float> input, Span<float> output, int size)
    {
        int n = input.Length, half = size / 2;
        var window = new float[size];
        for (int i = 0; i < n; i++)
        {
            for (int k = -half; k <= half; k++) window[k + half] = input[Reflect(i + k, n)];
            Array.Sort(window);
            output[i] = window[half];
        }
    }

    public static int Reflect(int i, int n)
    {
        if (n == 1) return 0;
        while (i < 0 || i >= n) i = i < 0 ? -i - 1 : 2 * n - i - 1;
        return i;
    }

    /// <summary>Applies <paramref name="process"/>(sinogram [angle, column], row) to every detector row of a scan; returns a new scan.</summary>
    public static ProjectionSet MapSinograms(ProjectionSet scan, RunContext context, string step, Action<float[], int> process,
        Provenance provenance)
    {
        var src = scan.Projections;
        int na = src.Count, nr = src.Rows, nc = src.Columns;
        var dst = ImageStack<float>.Create(na, nr, nc, context.Storage);
        long done = 0;
        if (dst.IsInMemory)
        {
            Parallel.For(0, nr, context.ParallelOptions, () => new float[na * nc], (r, _, sino) =>
            {
                for (int a = 0; a < na; a++) src.ReadRow(a, r, sino.AsSpan(a * nc, nc));
                process(sino, r);
                for (int a = 0; a < na; a++) sino.AsSpan(a * nc, nc).CopyTo(dst.GetFrame(a).Slice(r * nc, nc));
                context.Report(step, Interlocked.Increment(ref done), nr);
                return sino;
            }, _ => { });
        }
        else
        {
            // File-backed output: whole bands of rows, each written into every frame as one contiguous block.
            long bandBytes = Math.Max(1, context.Storage.Budget.Bytes / 2);
            int band = (int)Math.Clamp(bandBytes / (4L * na * nc), 1, nr);
            var block = new float[band * nc];
            for (int r0 = 0; r0 < nr; r0 += band)
            {
                context.Cancellation.ThrowIfCancellationRequested();
                int rows = Math.Min(band, nr - r0);
                var sinos = new float[rows][];
                Parallel.For(0, rows, context.ParallelOptions, i =>
                {
                    var sino = new float[na * nc];
                    for (int a = 0; a < na; a++) src.ReadRow(a, r0 + i, sino.AsSpan(a * nc, nc));
                    process(sino, r0 + i);
                    sinos[i] = sino;
                });
                for (int a = 0; a < na; a++)
                {
                    for (int i = 0; i < rows; i++) sinos[i].AsSpan(a * nc, nc).CopyTo(block.AsSpan(i * nc, nc));
                    dst.WriteRows(a, r0, rows, block);
                }
                context.Report(step, r0 + rows, nr);
            }
        }
        return new ProjectionSet(dst, scan.Geometry, scan.Domain, scan.Flats, scan.Darks, scan.Energy, provenance);
    }
}
