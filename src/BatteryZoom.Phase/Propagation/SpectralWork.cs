// SPDX-License-Identifier: MIT
using System.Buffers;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using BatteryZoom.Numerics.Fft;

namespace BatteryZoom.Phase.Propagation;

/// <summary>Pooled buffers for one padded real image and its half spectrum (one per executing thread).</summary>
internal sealed class SpectralWork : IDisposable
{
    private readonly float[] _real;
    private readonly ComplexF[] _spectrum, _accumulator;

    public SpectralWork(int paddedRows, int paddedColumns, bool accumulator)
    {
        RealLength = paddedRows * paddedColumns;
        SpectrumLength = paddedRows * (paddedColumns / 2 + 1);
        _real = ArrayPool<float>.Shared.Rent(RealLength);
        _spectrum = ArrayPool<ComplexF>.Shared.Rent(SpectrumLength);
        _accumulator = accumulator ? ArrayPool<ComplexF>.Shared.Rent(SpectrumLength) : [];
    }

    public int RealLength { get; }
    public int SpectrumLength { get; }
    public Span<float> Real => _real.AsSpan(0, RealLength);
    public Span<ComplexF> Spectrum => _spectrum.AsSpan(0, SpectrumLength);
    public Span<ComplexF> Accumulator => _accumulator.AsSpan(0, SpectrumLength);

    /// <summary>spectrum ⊙ w (w interleaved: each real weight repeated for re and im).</summary>
    public static void Multiply(Span<ComplexF> spectrum, ReadOnlySpan<float> interleavedWeights, Span<ComplexF> destination) =>
        TensorPrimitives.Multiply(MemoryMarshal.Cast<ComplexF, float>(spectrum), interleavedWeights, MemoryMarshal.Cast<ComplexF, float>(destination));

    /// <summary>destination += spectrum ⊙ w.</summary>
    public static void MultiplyAdd(Span<ComplexF> spectrum, ReadOnlySpan<float> interleavedWeights, Span<ComplexF> destination)
    {
        var d = MemoryMarshal.Cast<ComplexF, float>(destination);
        TensorPrimitives.FusedMultiplyAdd(MemoryMarshal.Cast<ComplexF, float>(spectrum), interleavedWeights, d, d);
    }

    /// <summary>Repeats each weight for the real and imaginary parts.</summary>
    public static float[] Interleave(ReadOnlySpan<double> weights)
    {
        var w = new float[2 * weights.Length];
        for (int i = 0; i < weights.Length; i++) w[2 * i] = w[2 * i + 1] = (float)weights[i];
        return w;
    }

    public void Dispose()
    {
        ArrayPool<float>.Shared.Return(_real);
        ArrayPool<ComplexF>.Shared.Return(_spectrum);
        if (_accumulator.Length > 0) ArrayPool<ComplexF>.Shared.Return(_accumulator);
    }
}
