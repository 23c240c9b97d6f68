// SPDX-License-Identifier: MIT
using System.Numerics.Tensors;

namespace BatteryZoom.Tomography.Fbp;

/// <summary>Filters one detector row (length <see cref="Columns"/>) with a padded, periodic FBP kernel.</summary>
/// <remarks>A small seam so the direct-convolution implementation can be swapped for an FFT one
/// (BatteryZoom.Numerics) without touching the reconstruction code. Implementations are thread-safe.</remarks>
internal interface IRowFilter
{
    int Columns { get; }
    /// <summary>destination[j] = scale · Σ_m g[m]·K[(P + j − m) mod M], g = the padded row.</summary>
    void Filter(ReadOnlySpan<float> row, Span<float> destination, float scale);
}

/// <summary>Geometry of the padded row shared by every implementation.</summary>
internal sealed class RowPadding
{
    public RowPadding(int columns, int paddedLength, FbpPadding mode)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(paddedLength, columns);
        (Columns, Length, Mode) = (columns, paddedLength, mode);
        Left = (paddedLength - columns) / 2;
        Right = paddedLength - columns - Left;
        LeftTaper = Taper(Left, mode, leftSide: true);
        RightTaper = Taper(Right, mode, leftSide: false);
    }

    public int Columns { get; }
    public int Length { get; }
    public FbpPadding Mode { get; }
    public int Left { get; }
    public int Right { get; }
    /// <summary>Multiplier of the first value at padded positions 0..Left−1.</summary>
    public double[] LeftTaper { get; }
    /// <summary>Multiplier of the last value at padded positions Left+Columns .. Length−1.</summary>
    public double[] RightTaper { get; }

    private static double[] Taper(int width, FbpPadding mode, bool leftSide)
    {
        var t = new double[width];
        for (int m = 0; m < width; m++)
        {
            int d = leftSide ? width - m : m + 1;   // distance from the nearest data sample
            t[m] = mode switch
            {
                FbpPadding.Zero => 0,
                FbpPadding.Edge => 1,
                // Half-cosine roll-off to zero, reached just before the periodic wrap, so the padded row is smooth and periodic.
                _ => 0.5 * (1 + Math.Cos(Math.PI * d / (width + 1))),
            };
        }
        return t;
    }

    public void Fill(ReadOnlySpan<float> row, Span<float> padded)
    {
        row[..Columns].CopyTo(padded.Slice(Left, Columns));
        float first = row[0], last = row[Columns - 1];
        for (int m = 0; m < Left; m++) padded[m] = (float)(first * LeftTaper[m]);
        for (int m = 0; m < Right; m++) padded[Left + Columns + m] = (float)(last * RightTaper[m]);
    }
}

/// <summary>Direct (spatial) convolution: exact, O(N²) per row, vectorised; used until an FFT plan is available.</summary>
internal sealed class DirectRowFilter : IRowFilter
{
    private readonly float[] _kernel;      // K[(d) mod M] for d = −(N−1)..(N−1), stored at index d + N − 1
    private readonly float[] _leftEdge;    // Σ over the left pad of taper·K, per output column
    private readonly float[] _rightEdge;
    private readonly bool _hasEdges;

    public DirectRowFilter(RowPadding padding, double[] periodicKernel)
    {
        ArgumentNullException.ThrowIfNull(padding);
        ArgumentNullException.ThrowIfNull(periodicKernel);
        int n = padding.Columns, m = padding.Length;
        Columns = n;
        _kernel = new float[2 * n - 1];
        for (int d = -(n - 1); d <= n - 1; d++) _kernel[d + n - 1] = (float)periodicKernel[((d % m) + m) % m];
        _leftEdge = new float[n];
        _rightEdge = new float[n];
        _hasEdges = padding.Mode != FbpPadding.Zero;
        if (!_hasEdges) return;
        for (int j = 0; j < n; j++)
        {
            double l = 0, r = 0;
            int p = padding.Left;
            for (int q = 0; q < padding.Left; q++) l += padding.LeftTaper[q] * periodicKernel[(((p + j - q) % m) + m) % m];
            for (int q = 0; q < padding.Right; q++) r += padding.RightTaper[q] * periodicKernel[(((p + j - (p + n + q)) % m) + m) % m];
            _leftEdge[j] = (float)l;
            _rightEdge[j] = (float)r;
        }
    }

    public int Columns { get; }

    public void Filter(ReadOnlySpan<float> row, Span<float> destination, float scale)
    {
        int n = Columns;
        var dst = destination[..n];
        dst.Clear();
        ReadOnlySpan<float> k = _kernel;
        // out[j] += x[i]·K[j − i]: one AXPY per input sample, the output row stays in L1.
        for (int i = 0; i < n; i++)
        {
            float x = row[i];
            if (x == 0) continue;
            TensorPrimitives.MultiplyAdd(k.Slice(n - 1 - i, n), x, dst, dst);
        }
        if (_hasEdges)
        {
            TensorPrimitives.MultiplyAdd(_leftEdge, row[0], dst, dst);
            TensorPrimitives.MultiplyAdd(_rightEdge, row[n - 1], dst, dst);
        }
        if (scale != 1) TensorPrimitives.Multiply(dst, scale, dst);
    }
}

/// <summary>FFT filtering with BatteryZoom.Numerics' fused real filter pass: O(M log M) per row.</summary>
/// <remarks>The padded row is stored rotated (data first, then the right pad, then the left pad): circular convolution is
/// shift-equivariant, so the first N outputs are the filtered data samples.</remarks>
internal sealed class FftRowFilter : IRowFilter
{
    private readonly RowPadding _padding;
    private readonly BatteryZoom.Numerics.Fft.IRealFftPlan _plan;
    private readonly float[] _response;

    public FftRowFilter(RowPadding padding, double[] response)
    {
        ArgumentNullException.ThrowIfNull(padding);
        ArgumentNullException.ThrowIfNull(response);
        _padding = padding;
        _plan = BatteryZoom.Numerics.Fft.ManagedFft.Shared.CreateReal(padding.Length);
        _response = response.Select(v => (float)v).ToArray();
    }

    public int Columns => _padding.Columns;

    [ThreadStatic] private static float[]? t_padded;

    public void Filter(ReadOnlySpan<float> row, Span<float> destination, float scale)
    {
        int n = _padding.Columns, m = _padding.Length, left = _padding.Left, right = _padding.Right;
        var padded = t_padded is { } buffer && buffer.Length == m ? buffer : (t_padded = new float[m]);
        row[..n].CopyTo(padded);
        float first = row[0], last = row[n - 1];
        for (int q = 0; q < right; q++) padded[n + q] = (float)(last * _padding.RightTaper[q]);
        for (int q = 0; q < left; q++) padded[n + right + q] = (float)(first * _padding.LeftTaper[q]);
        _plan.Filter(padded, destination[..n], _response, 1, m, n);
        if (scale != 1) TensorPrimitives.Multiply(destination[..n], scale, destination[..n]);
    }
}
