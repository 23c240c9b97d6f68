// SPDX-License-Identifier: MIT
using System.Globalization;
using System.Runtime.InteropServices;

namespace BatteryZoom.Numerics.Fft;

/// <summary>A single-precision complex number, laid out as two consecutive floats (real, imaginary).</summary>
/// <remarks>
/// A span of <see cref="ComplexF"/> is bit-identical to an interleaved <c>float</c> array
/// <c>[re₀, im₀, re₁, im₁, …]</c> (FFTW's <c>fftwf_complex</c>, NumPy's <c>complex64</c>);
/// <c>MemoryMarshal.Cast&lt;ComplexF, float&gt;</c> converts between the two without copying.
/// </remarks>
[StructLayout(LayoutKind.Sequential)]
public readonly record struct ComplexF(float Real, float Imaginary)
{
    /// <summary>0 + 0i.</summary>
    public static ComplexF Zero => default;

    /// <summary>Complex conjugate <c>re − i·im</c>.</summary>
    public ComplexF Conjugate() => new(Real, -Imaginary);

    /// <summary>Squared magnitude <c>re² + im²</c>.</summary>
    public float MagnitudeSquared => Real * Real + Imaginary * Imaginary;

    /// <summary>Magnitude <c>√(re² + im²)</c>.</summary>
    public float Magnitude => MathF.Sqrt(MagnitudeSquared);

    /// <summary>Sum.</summary>
    public static ComplexF operator +(ComplexF a, ComplexF b) => new(a.Real + b.Real, a.Imaginary + b.Imaginary);

    /// <summary>Difference.</summary>
    public static ComplexF operator -(ComplexF a, ComplexF b) => new(a.Real - b.Real, a.Imaginary - b.Imaginary);

    /// <summary>Product.</summary>
    public static ComplexF operator *(ComplexF a, ComplexF b) =>
        new(a.Real * b.Real - a.Imaginary * b.Imaginary, a.Real * b.Imaginary + a.Imaginary * b.Real);

    /// <summary>Product with a real scalar.</summary>
    public static ComplexF operator *(ComplexF a, float s) => new(a.Real * s, a.Imaginary * s);

    /// <summary>Widening conversion to <see cref="System.Numerics.Complex"/>.</summary>
    public static implicit operator System.Numerics.Complex(ComplexF value) => new(value.Real, value.Imaginary);

    /// <summary>Narrowing conversion from <see cref="System.Numerics.Complex"/> (rounds each part to float).</summary>
    public static explicit operator ComplexF(System.Numerics.Complex value) => new((float)value.Real, (float)value.Imaginary);

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"({Real}, {Imaginary})");
}
