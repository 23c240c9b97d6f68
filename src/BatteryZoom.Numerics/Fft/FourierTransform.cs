// SPDX-License-Identifier: MIT
namespace BatteryZoom.Numerics.Fft;

/// <summary>
/// One-call transforms through the cached plans of <see cref="ManagedFft.Shared"/>. For repeated work on one
/// shape, keep the plan from <see cref="IFft"/> instead (same code, no cache look-up).
/// </summary>
/// <remarks>Forward unnormalised, inverse scaled by 1/N (NumPy convention); see <see cref="IFft"/>.</remarks>
public static class FourierTransform
{
    /// <summary>Complex forward transform, N = input.Length. In place allowed.</summary>
    /// <exception cref="ArgumentException"><paramref name="input"/> is empty, or <paramref name="output"/> has another length or partly overlaps it.</exception>
    public static void Forward(ReadOnlySpan<ComplexF> input, Span<ComplexF> output) =>
        ManagedFft.Shared.CreateComplex(NonEmpty(input.Length, nameof(input))).Forward(input, output);

    /// <summary>Complex inverse transform (1/N), N = input.Length. In place allowed.</summary>
    /// <exception cref="ArgumentException"><paramref name="input"/> is empty, or <paramref name="output"/> has another length or partly overlaps it.</exception>
    public static void Inverse(ReadOnlySpan<ComplexF> input, Span<ComplexF> output) =>
        ManagedFft.Shared.CreateComplex(NonEmpty(input.Length, nameof(input))).Inverse(input, output);

    /// <summary>Real forward transform, N = input.Length; output holds N/2+1 values.</summary>
    /// <exception cref="ArgumentException"><paramref name="input"/> is empty, or <paramref name="output"/> does not hold N/2+1 values.</exception>
    public static void ForwardReal(ReadOnlySpan<float> input, Span<ComplexF> output) =>
        ManagedFft.Shared.CreateReal(NonEmpty(input.Length, nameof(input))).Forward(input, output);

    /// <summary>Real inverse transform (1/N), N = output.Length; input holds N/2+1 values.</summary>
    /// <exception cref="ArgumentException"><paramref name="output"/> is empty, or <paramref name="input"/> does not hold N/2+1 values.</exception>
    public static void InverseReal(ReadOnlySpan<ComplexF> input, Span<float> output) =>
        ManagedFft.Shared.CreateReal(NonEmpty(output.Length, nameof(output))).Inverse(input, output);

    /// <summary>2D complex forward transform of a row-major <paramref name="rows"/> × <paramref name="columns"/> array.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A size is zero or negative.</exception>
    /// <exception cref="ArgumentException">A span does not hold rows·columns values.</exception>
    public static void Forward2D(ReadOnlySpan<ComplexF> input, Span<ComplexF> output, int rows, int columns) =>
        ManagedFft.Shared.CreateComplex2D(rows, columns).Forward(input, output);

    /// <summary>2D complex inverse transform, scaled by 1/(rows·columns).</summary>
    /// <exception cref="ArgumentOutOfRangeException">A size is zero or negative.</exception>
    /// <exception cref="ArgumentException">A span does not hold rows·columns values.</exception>
    public static void Inverse2D(ReadOnlySpan<ComplexF> input, Span<ComplexF> output, int rows, int columns) =>
        ManagedFft.Shared.CreateComplex2D(rows, columns).Inverse(input, output);

    private static int NonEmpty(int length, string name) =>
        length > 0 ? length : throw new ArgumentException($"{name} is empty (length {length}); transforms need at least one value.", name);
}
