// SPDX-License-Identifier: MIT
using System.Collections.Concurrent;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using BatteryZoom.Numerics.Fft.Internal;

namespace BatteryZoom.Numerics.Fft;

/// <summary>Instruction set used by the managed FFT kernels.</summary>
public enum FftKernel
{
    /// <summary>The widest supported: <see cref="Vector512"/> when AVX-512F is accelerated, else <see cref="Vector256"/>, else <see cref="Scalar"/>.</summary>
    Auto,
    /// <summary>16 float lanes (AVX-512F), with AVX-512 transposes.</summary>
    Vector512,
    /// <summary>8 float lanes (AVX2 + FMA).</summary>
    Vector256,
    /// <summary>Portable scalar code (one lane, no fused multiply–add): the reference for the SIMD paths.</summary>
    Scalar,
}

/// <summary>
/// Managed mixed-radix Stockham FFT (radices 2, 3, 4, 5, 7, 8; Bluestein for other lengths), vectorised across
/// rows or columns: a batch of W rows (W = 16 with AVX-512) is transposed into a split lane buffer and transformed
/// together. Plans are cached per shape and thread-safe.
/// </summary>
/// <remarks>See <see cref="IFft"/> for conventions and docs/algorithms/fft.md for the algorithm.</remarks>
public sealed class ManagedFft : IFft
{
    private static readonly Lazy<ManagedFft> SharedInstance = new(() => new ManagedFft(FftKernel.Auto));
    private readonly ConcurrentDictionary<(int Kind, int A, int B), object> _cache = new();

    /// <summary>Creates a factory that uses <paramref name="kernel"/>.</summary>
    /// <exception cref="PlatformNotSupportedException">The requested instruction set is not available on this CPU.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="kernel"/> is not a defined value.</exception>
    public ManagedFft(FftKernel kernel = FftKernel.Auto)
    {
        Wide = kernel switch
        {
            FftKernel.Auto => Supports(FftKernel.Vector512) ? Kernels.V512 : Supports(FftKernel.Vector256) ? Kernels.V256 : Kernels.Scalar,
            FftKernel.Vector512 => Supports(kernel) ? Kernels.V512 : throw new PlatformNotSupportedException("FftKernel.Vector512 needs AVX-512F hardware acceleration; use FftKernel.Auto."),
            FftKernel.Vector256 => Supports(kernel) ? Kernels.V256 : throw new PlatformNotSupportedException("FftKernel.Vector256 needs AVX2 and FMA hardware acceleration; use FftKernel.Auto."),
            FftKernel.Scalar => Kernels.Scalar,
            _ => throw new ArgumentOutOfRangeException(nameof(kernel), kernel, "Unknown FftKernel value."),
        };
        Kernel = Wide == Kernels.V512 ? FftKernel.Vector512 : Wide == Kernels.V256 ? FftKernel.Vector256 : FftKernel.Scalar;
    }

    /// <summary>Process-wide instance with <see cref="FftKernel.Auto"/> and a shared plan cache.</summary>
    public static ManagedFft Shared => SharedInstance.Value;

    /// <summary>The instruction set actually used.</summary>
    public FftKernel Kernel { get; }

    internal LaneKernel<float> Wide { get; }

    /// <summary>True when <paramref name="kernel"/> can run on this CPU (with the current DOTNET_Enable* settings).</summary>
    public static bool Supports(FftKernel kernel) => kernel switch
    {
        FftKernel.Vector512 => Vector512.IsHardwareAccelerated && Avx512F.IsSupported,
        FftKernel.Vector256 => Vector256.IsHardwareAccelerated && Avx2.IsSupported && Fma.IsSupported,
        _ => true,
    };

    /// <inheritdoc/>
    public IComplexFftPlan CreateComplex(int length)
    {
        CheckLength(length, nameof(length));
        return (IComplexFftPlan)_cache.GetOrAdd((0, length, 0), k => new ComplexFftPlan(k.A, Wide));
    }

    /// <inheritdoc/>
    public IRealFftPlan CreateReal(int length)
    {
        CheckLength(length, nameof(length));
        return (IRealFftPlan)_cache.GetOrAdd((1, length, 0), k => new RealFftPlan(k.A, Wide));
    }

    /// <inheritdoc/>
    public IComplexFft2DPlan CreateComplex2D(int rows, int columns)
    {
        Check2D(rows, columns);
        return (IComplexFft2DPlan)_cache.GetOrAdd((2, rows, columns), k => new ComplexFft2DPlan(k.A, k.B, this));
    }

    /// <inheritdoc/>
    public IRealFft2DPlan CreateReal2D(int rows, int columns)
    {
        Check2D(rows, columns);
        return (IRealFft2DPlan)_cache.GetOrAdd((3, rows, columns), k => new RealFft2DPlan(k.A, k.B, this));
    }

    private static void CheckLength(int length, string name)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(length, name);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, FftSize.MaxLength, name);
    }

    private static void Check2D(int rows, int columns)
    {
        CheckLength(rows, nameof(rows));
        CheckLength(columns, nameof(columns));
        if ((long)rows * columns > int.MaxValue / 2)
        {
            throw new ArgumentOutOfRangeException(nameof(columns), columns,
                $"rows·columns = {rows}·{columns} = {(long)rows * columns} exceeds {int.MaxValue / 2} (one span of complex values).");
        }
    }
}

internal static class Kernels
{
    public static readonly LaneKernel<float> Scalar = new LaneKernel<float, float, Lane1F>("scalar");
    public static readonly LaneKernel<float> V256 = new LaneKernel<float, Vector256<float>, Lane256F>("avx2");
    public static readonly LaneKernel<float> V512 = new LaneKernel<float, Vector512<float>, Lane512F>("avx512");
}
