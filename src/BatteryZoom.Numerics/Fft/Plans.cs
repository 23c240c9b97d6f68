// SPDX-License-Identifier: MIT
using System.Buffers;
using System.Runtime.InteropServices;
using BatteryZoom.Numerics.Fft.Internal;

namespace BatteryZoom.Numerics.Fft;

/// <summary>Two pooled lane buffers (data, scratch) for one execution; each call rents its own, so plans stay thread-safe.</summary>
internal readonly struct LaneBuffers : IDisposable
{
    private readonly float[] _data, _scratch;
    private readonly int _length;

    public LaneBuffers(int elements, int width)
    {
        _length = checked(2 * elements * width);
        _data = ArrayPool<float>.Shared.Rent(_length);
        _scratch = ArrayPool<float>.Shared.Rent(_length);
    }

    public Span<float> Data => _data.AsSpan(0, _length);
    public Span<float> Scratch => _scratch.AsSpan(0, _length);

    public void Dispose()
    {
        ArrayPool<float>.Shared.Return(_data);
        ArrayPool<float>.Shared.Return(_scratch);
    }
}

internal static class Checks
{
    public static void Length(int actual, long expected, string name, string what)
    {
        if (actual != expected)
        {
            throw new ArgumentException($"{name} has {actual} values; expected {what} = {expected}.", name);
        }
    }

    public static void NoPartialOverlap<T>(ReadOnlySpan<T> input, ReadOnlySpan<T> output, string outputName)
    {
        if (input.Overlaps(output, out int offset) && (offset != 0 || input.Length != output.Length))
        {
            throw new ArgumentException(
                $"{outputName} partly overlaps the input (element offset {offset}, lengths {input.Length} and {output.Length}); use identical spans for in place or disjoint ones.",
                outputName);
        }
    }

    public static void NoOverlap<TIn, TOut>(ReadOnlySpan<TIn> input, ReadOnlySpan<TOut> output, string outputName)
        where TIn : struct where TOut : struct
    {
        if (MemoryMarshal.AsBytes(input).Overlaps(MemoryMarshal.AsBytes(output)))
        {
            throw new ArgumentException($"{outputName} overlaps the input ({input.Length} and {output.Length} values); real transforms are not in place.", outputName);
        }
    }

    public static int RowLength(int value, int n, string name)
    {
        if (value == 0) return n;
        if (value < 0 || value > n)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be in 1..{n} (the transform length), or 0 for {n}.");
        }
        return value;
    }
}

internal sealed class ComplexFftPlan : IComplexFftPlan
{
    private readonly FftCore<float> _core;
    private readonly LaneKernel<float> _wide;

    public ComplexFftPlan(int length, LaneKernel<float> wide)
    {
        Length = length;
        _core = FftCore<float>.Create(length);
        _wide = wide;
    }

    public int Length { get; }

    public void Forward(ReadOnlySpan<ComplexF> input, Span<ComplexF> output, int rows = 1) => Execute(input, output, rows, inverse: false);

    public void Inverse(ReadOnlySpan<ComplexF> input, Span<ComplexF> output, int rows = 1) => Execute(input, output, rows, inverse: true);

    private void Execute(ReadOnlySpan<ComplexF> input, Span<ComplexF> output, int rows, bool inverse)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rows);
        long total = (long)rows * Length;
        Checks.Length(input.Length, total, nameof(input), $"rows·Length = {rows}·{Length}");
        Checks.Length(output.Length, total, nameof(output), $"rows·Length = {rows}·{Length}");
        Checks.NoPartialOverlap(input, output, nameof(output));
        ExecuteRows(MemoryMarshal.Cast<ComplexF, float>(input), MemoryMarshal.Cast<ComplexF, float>(output), rows, inverse);
    }

    /// <summary>Transforms contiguous interleaved rows (2N floats each); inverse conjugates on load and store.</summary>
    internal void ExecuteRows(ReadOnlySpan<float> src, Span<float> dst, int rows, bool inverse)
    {
        int n = Length, stride = 2 * n;
        LaneKernel<float> k = rows == 1 ? Kernels.Scalar : _wide;
        int w = k.Width;
        float si = inverse ? -1f : 1f, so = inverse ? 1f / n : 1f;
        using var buf = new LaneBuffers(_core.Capacity, w);
        for (int r0 = 0; r0 < rows; r0 += w)
        {
            int count = Math.Min(w, rows - r0);
            k.LoadRows(src[(r0 * stride)..], stride, count, stride, buf.Data, n, 1f, si);
            k.Fft(_core, buf.Data, buf.Scratch);
            k.StoreRows(buf.Data, dst[(r0 * stride)..], stride, count, stride, so, inverse ? -so : so);
        }
    }

    /// <summary>Column pass over an interleaved matrix with <paramref name="columns"/> complex columns and Length rows, in place.</summary>
    internal void ExecuteColumns(Span<float> matrix, int columns, bool inverse)
    {
        int n = Length, stride = 2 * columns;
        LaneKernel<float> k = _wide;
        int w = k.Width;
        float si = inverse ? -1f : 1f, so = inverse ? 1f / n : 1f;
        using var buf = new LaneBuffers(_core.Capacity, w);
        for (int c0 = 0; c0 < columns; c0 += w)
        {
            int count = Math.Min(w, columns - c0);
            k.LoadColumns(matrix[(2 * c0)..], stride, count, n, buf.Data, 1f, si);
            k.Fft(_core, buf.Data, buf.Scratch);
            k.StoreColumns(buf.Data, matrix[(2 * c0)..], stride, count, n, so, inverse ? -so : so);
        }
    }
}

internal sealed class RealFftPlan : IRealFftPlan
{
    private readonly FftCore<float> _core;      // length N/2 (even N) or N (odd N)
    private readonly float[] _tw = [];          // (cos, sin)(2πk/N), k < N/4 + 1 (even N)
    private readonly LaneKernel<float> _wide;
    private readonly bool _even;
    private readonly int _capacity;

    public RealFftPlan(int length, LaneKernel<float> wide)
    {
        Length = length;
        _wide = wide;
        _even = length % 2 == 0;
        if (_even)
        {
            int m = length / 2;
            _core = FftCore<float>.Create(m);
            _tw = new float[2 * (m / 2 + 1)];
            for (int k = 0; k <= m / 2; k++)
            {
                var (re, im) = FftCore<float>.Twiddle(k, length);
                _tw[2 * k] = (float)re;
                _tw[2 * k + 1] = (float)-im;
            }
            _capacity = Math.Max(_core.Capacity, m + 1);
        }
        else
        {
            _core = FftCore<float>.Create(length);
            _capacity = _core.Capacity;
        }
    }

    public int Length { get; }

    public int SpectrumLength => Length / 2 + 1;

    public void Forward(ReadOnlySpan<float> input, Span<ComplexF> output, int rows = 1, int inputRowLength = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rows);
        int inLen = Checks.RowLength(inputRowLength, Length, nameof(inputRowLength));
        Checks.Length(input.Length, (long)rows * inLen, nameof(input), $"rows·inputRowLength = {rows}·{inLen}");
        Checks.Length(output.Length, (long)rows * SpectrumLength, nameof(output), $"rows·SpectrumLength = {rows}·{SpectrumLength}");
        Checks.NoOverlap(input, (ReadOnlySpan<ComplexF>)output, nameof(output));
        ForwardRows(input, inLen, MemoryMarshal.Cast<ComplexF, float>(output), rows);
    }

    public void Inverse(ReadOnlySpan<ComplexF> input, Span<float> output, int rows = 1, int outputRowLength = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rows);
        int outLen = Checks.RowLength(outputRowLength, Length, nameof(outputRowLength));
        Checks.Length(input.Length, (long)rows * SpectrumLength, nameof(input), $"rows·SpectrumLength = {rows}·{SpectrumLength}");
        Checks.Length(output.Length, (long)rows * outLen, nameof(output), $"rows·outputRowLength = {rows}·{outLen}");
        Checks.NoOverlap(input, (ReadOnlySpan<float>)output, nameof(output));
        InverseRows(MemoryMarshal.Cast<ComplexF, float>(input), output, outLen, rows);
    }

    public void Filter(ReadOnlySpan<float> input, Span<float> output, ReadOnlySpan<float> response, int rows = 1, int inputRowLength = 0, int outputRowLength = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rows);
        int inLen = Checks.RowLength(inputRowLength, Length, nameof(inputRowLength));
        int outLen = Checks.RowLength(outputRowLength, Length, nameof(outputRowLength));
        Checks.Length(response.Length, SpectrumLength, nameof(response), $"SpectrumLength = N/2+1 with N = {Length}");
        Checks.Length(input.Length, (long)rows * inLen, nameof(input), $"rows·inputRowLength = {rows}·{inLen}");
        Checks.Length(output.Length, (long)rows * outLen, nameof(output), $"rows·outputRowLength = {rows}·{outLen}");
        if (inLen == outLen) Checks.NoPartialOverlap(input, output, nameof(output));
        else Checks.NoOverlap(input, (ReadOnlySpan<float>)output, nameof(output));

        int n = Length, m = n / 2;
        LaneKernel<float> k = rows == 1 ? Kernels.Scalar : _wide;
        int w = k.Width;
        using var buf = new LaneBuffers(_capacity, w);
        for (int r0 = 0; r0 < rows; r0 += w)
        {
            int count = Math.Min(w, rows - r0);
            ReadOnlySpan<float> src = input[(r0 * inLen)..];
            Span<float> dst = output[(r0 * outLen)..];
            if (_even)
            {
                k.LoadRows(src, inLen, count, inLen, buf.Data, m, 1f, 1f);
                k.Fft(_core, buf.Data, buf.Scratch);
                k.RealPost(buf.Data, m, _tw);
                k.MultiplyReal(buf.Data, response);
                k.RealPre(buf.Data, m, _tw);
                k.Fft(_core, buf.Data, buf.Scratch);
                k.StoreRows(buf.Data, dst, outLen, count, outLen, 1f, -1f);
            }
            else
            {
                k.LoadRealRows(src, inLen, count, inLen, buf.Data, n);
                k.Fft(_core, buf.Data, buf.Scratch);
                k.MultiplyReal(buf.Data, response);
                k.HermitianConj(buf.Data, n);
                k.Fft(_core, buf.Data, buf.Scratch);
                k.StoreRealRows(buf.Data, dst, outLen, count, outLen, 1f / n);
            }
        }
    }

    internal void ForwardRows(ReadOnlySpan<float> src, int inLen, Span<float> dst, int rows)
    {
        int n = Length, m = n / 2, outStride = 2 * SpectrumLength;
        LaneKernel<float> k = rows == 1 ? Kernels.Scalar : _wide;
        int w = k.Width;
        using var buf = new LaneBuffers(_capacity, w);
        for (int r0 = 0; r0 < rows; r0 += w)
        {
            int count = Math.Min(w, rows - r0);
            if (_even)
            {
                k.LoadRows(src[(r0 * inLen)..], inLen, count, inLen, buf.Data, m, 1f, 1f);
                k.Fft(_core, buf.Data, buf.Scratch);
                k.RealPost(buf.Data, m, _tw);
            }
            else
            {
                k.LoadRealRows(src[(r0 * inLen)..], inLen, count, inLen, buf.Data, n);
                k.Fft(_core, buf.Data, buf.Scratch);
            }
            k.StoreRows(buf.Data, dst[(r0 * outStride)..], outStride, count, outStride, 1f, 1f);
        }
    }

    internal void InverseRows(ReadOnlySpan<float> src, Span<float> dst, int outLen, int rows)
    {
        int n = Length, m = n / 2, inStride = 2 * SpectrumLength;
        LaneKernel<float> k = rows == 1 ? Kernels.Scalar : _wide;
        int w = k.Width;
        using var buf = new LaneBuffers(_capacity, w);
        for (int r0 = 0; r0 < rows; r0 += w)
        {
            int count = Math.Min(w, rows - r0);
            if (_even)
            {
                k.LoadRows(src[(r0 * inStride)..], inStride, count, inStride, buf.Data, m + 1, 1f, 1f);
                k.RealPre(buf.Data, m, _tw);
                k.Fft(_core, buf.Data, buf.Scratch);
                k.StoreRows(buf.Data, dst[(r0 * outLen)..], outLen, count, outLen, 1f, -1f);
            }
            else
            {
                k.LoadRows(src[(r0 * inStride)..], inStride, count, inStride, buf.Data, n, 1f, 1f);
                k.HermitianConj(buf.Data, n);
                k.Fft(_core, buf.Data, buf.Scratch);
                k.StoreRealRows(buf.Data, dst[(r0 * outLen)..], outLen, count, outLen, 1f / n);
            }
        }
    }
}

internal sealed class ComplexFft2DPlan : IComplexFft2DPlan
{
    private readonly ComplexFftPlan _rows, _columns;

    public ComplexFft2DPlan(int rows, int columns, ManagedFft owner)
    {
        Rows = rows;
        Columns = columns;
        _rows = (ComplexFftPlan)owner.CreateComplex(columns);
        _columns = (ComplexFftPlan)owner.CreateComplex(rows);
    }

    public int Rows { get; }
    public int Columns { get; }

    public void Forward(ReadOnlySpan<ComplexF> input, Span<ComplexF> output) => Execute(input, output, inverse: false);

    public void Inverse(ReadOnlySpan<ComplexF> input, Span<ComplexF> output) => Execute(input, output, inverse: true);

    private void Execute(ReadOnlySpan<ComplexF> input, Span<ComplexF> output, bool inverse)
    {
        long total = (long)Rows * Columns;
        Checks.Length(input.Length, total, nameof(input), $"rows·columns = {Rows}·{Columns}");
        Checks.Length(output.Length, total, nameof(output), $"rows·columns = {Rows}·{Columns}");
        Checks.NoPartialOverlap(input, output, nameof(output));
        Span<float> o = MemoryMarshal.Cast<ComplexF, float>(output);
        _rows.ExecuteRows(MemoryMarshal.Cast<ComplexF, float>(input), o, Rows, inverse);
        _columns.ExecuteColumns(o, Columns, inverse);
    }
}

internal sealed class RealFft2DPlan : IRealFft2DPlan
{
    private readonly RealFftPlan _rows;
    private readonly ComplexFftPlan _columns;

    public RealFft2DPlan(int rows, int columns, ManagedFft owner)
    {
        Rows = rows;
        Columns = columns;
        _rows = (RealFftPlan)owner.CreateReal(columns);
        _columns = (ComplexFftPlan)owner.CreateComplex(rows);
    }

    public int Rows { get; }
    public int Columns { get; }
    public int SpectrumColumns => Columns / 2 + 1;

    public void Forward(ReadOnlySpan<float> input, Span<ComplexF> output)
    {
        Checks.Length(input.Length, (long)Rows * Columns, nameof(input), $"rows·columns = {Rows}·{Columns}");
        Checks.Length(output.Length, (long)Rows * SpectrumColumns, nameof(output), $"rows·(columns/2+1) = {Rows}·{SpectrumColumns}");
        Checks.NoOverlap(input, (ReadOnlySpan<ComplexF>)output, nameof(output));
        Span<float> o = MemoryMarshal.Cast<ComplexF, float>(output);
        _rows.ForwardRows(input, Columns, o, Rows);
        _columns.ExecuteColumns(o, SpectrumColumns, inverse: false);
    }

    public void Inverse(Span<ComplexF> spectrum, Span<float> output)
    {
        Checks.Length(spectrum.Length, (long)Rows * SpectrumColumns, nameof(spectrum), $"rows·(columns/2+1) = {Rows}·{SpectrumColumns}");
        Checks.Length(output.Length, (long)Rows * Columns, nameof(output), $"rows·columns = {Rows}·{Columns}");
        Checks.NoOverlap((ReadOnlySpan<ComplexF>)spectrum, (ReadOnlySpan<float>)output, nameof(output));
        Span<float> s = MemoryMarshal.Cast<ComplexF, float>(spectrum);
        _columns.ExecuteColumns(s, SpectrumColumns, inverse: true);
        _rows.InverseRows(s, output, Columns, Rows);
    }
}
