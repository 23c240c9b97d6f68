// SPDX-License-Identifier: MIT
namespace BatteryZoom.Numerics.Fft;

/// <summary>
/// Creates FFT plans. A plan is made once per shape (tables, twiddles, factorisation) and executed many times;
/// every plan is immutable and thread-safe, so one plan may serve many threads working on different rows.
/// </summary>
/// <remarks>
/// Conventions for every plan (same as NumPy): forward <c>X_k = Σ_j x_j·exp(−2πi·jk/N)</c>, unnormalised;
/// inverse <c>x_j = (1/N)·Σ_k X_k·exp(+2πi·jk/N)</c>, so <c>Inverse(Forward(x)) = x</c>. In 2D the inverse is
/// scaled by <c>1/(rows·columns)</c>. Data are row-major (<c>[row, column]</c>); complex values are
/// <see cref="ComplexF"/> (interleaved float pairs). docs/algorithms/fft.md describes the algorithms.
/// </remarks>
public interface IFft
{
    /// <summary>Complex-to-complex 1D plan of length <paramref name="length"/> (any length 1..<see cref="FftSize.MaxLength"/>).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="length"/> is zero, negative or above <see cref="FftSize.MaxLength"/>.</exception>
    IComplexFftPlan CreateComplex(int length);

    /// <summary>Real-to-complex / complex-to-real 1D plan of length <paramref name="length"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="length"/> is zero, negative or above <see cref="FftSize.MaxLength"/>.</exception>
    IRealFftPlan CreateReal(int length);

    /// <summary>Complex-to-complex 2D plan for a <paramref name="rows"/> × <paramref name="columns"/> row-major array.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A size is zero, negative or above <see cref="FftSize.MaxLength"/>, or rows·columns exceeds int.MaxValue/2.</exception>
    IComplexFft2DPlan CreateComplex2D(int rows, int columns);

    /// <summary>Real 2D plan: <paramref name="rows"/> × <paramref name="columns"/> reals ↔ <paramref name="rows"/> × (<paramref name="columns"/>/2+1) complex.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A size is zero, negative or above <see cref="FftSize.MaxLength"/>, or rows·columns exceeds int.MaxValue/2.</exception>
    IRealFft2DPlan CreateReal2D(int rows, int columns);
}

/// <summary>Complex-to-complex 1D transform of a fixed length, on one row or a batch of contiguous rows.</summary>
public interface IComplexFftPlan
{
    /// <summary>Transform length N.</summary>
    int Length { get; }

    /// <summary>Forward transform of <paramref name="rows"/> contiguous rows of <see cref="Length"/> values. In place (<paramref name="output"/> identical to <paramref name="input"/>) is allowed.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="rows"/> is zero or negative.</exception>
    /// <exception cref="ArgumentException">A span length differs from rows·N, or the spans partly overlap.</exception>
    void Forward(ReadOnlySpan<ComplexF> input, Span<ComplexF> output, int rows = 1);

    /// <summary>Inverse transform (scaled by 1/N) of <paramref name="rows"/> contiguous rows. In place is allowed.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="rows"/> is zero or negative.</exception>
    /// <exception cref="ArgumentException">A span length differs from rows·N, or the spans partly overlap.</exception>
    void Inverse(ReadOnlySpan<ComplexF> input, Span<ComplexF> output, int rows = 1);
}

/// <summary>Real 1D transform of a fixed length N: N reals ↔ N/2+1 complex (the non-negative frequencies).</summary>
public interface IRealFftPlan
{
    /// <summary>Transform length N (real samples per row).</summary>
    int Length { get; }

    /// <summary>Complex values per spectrum row: N/2 + 1.</summary>
    int SpectrumLength { get; }

    /// <summary>
    /// Forward r2c transform of <paramref name="rows"/> rows. Each input row holds <paramref name="inputRowLength"/>
    /// samples (1..N, rows contiguous) and is zero-padded to N; each output row holds <see cref="SpectrumLength"/> values.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="rows"/> ≤ 0, or <paramref name="inputRowLength"/> outside 1..N.</exception>
    /// <exception cref="ArgumentException">A span length differs from what rows and row lengths require, or the spans overlap.</exception>
    void Forward(ReadOnlySpan<float> input, Span<ComplexF> output, int rows = 1, int inputRowLength = 0);

    /// <summary>
    /// Inverse c2r transform (scaled by 1/N) of <paramref name="rows"/> spectrum rows; each output row keeps the first
    /// <paramref name="outputRowLength"/> samples (1..N, rows contiguous; 0 means N). Imaginary parts of the DC
    /// (and, for even N, Nyquist) terms are ignored, as the spectrum of a real signal has none.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="rows"/> ≤ 0, or <paramref name="outputRowLength"/> outside 0..N.</exception>
    /// <exception cref="ArgumentException">A span length differs from what rows and row lengths require, or the spans overlap.</exception>
    void Inverse(ReadOnlySpan<ComplexF> input, Span<float> output, int rows = 1, int outputRowLength = 0);

    /// <summary>
    /// Fused filter: each row is zero-padded to N, transformed, multiplied by the real <paramref name="response"/>
    /// (<see cref="SpectrumLength"/> values, frequency k/N cycles per sample), transformed back (1/N) and cropped to
    /// <paramref name="outputRowLength"/> samples. Equivalent to Forward, multiply, Inverse without the spectrum buffer
    /// (the FBP ramp-filter pass). In place is allowed when input and output row lengths are equal.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="rows"/> ≤ 0, or a row length outside 1..N (0 means N).</exception>
    /// <exception cref="ArgumentException">A span length differs from what rows and row lengths require, or the spans partly overlap.</exception>
    void Filter(ReadOnlySpan<float> input, Span<float> output, ReadOnlySpan<float> response, int rows = 1, int inputRowLength = 0, int outputRowLength = 0);
}

/// <summary>Complex-to-complex 2D transform of a fixed rows × columns shape (row-major).</summary>
public interface IComplexFft2DPlan
{
    /// <summary>Number of rows (slow axis).</summary>
    int Rows { get; }

    /// <summary>Number of columns (fast axis).</summary>
    int Columns { get; }

    /// <summary>Forward 2D transform. In place is allowed.</summary>
    /// <exception cref="ArgumentException">A span length differs from rows·columns, or the spans partly overlap.</exception>
    void Forward(ReadOnlySpan<ComplexF> input, Span<ComplexF> output);

    /// <summary>Inverse 2D transform, scaled by 1/(rows·columns). In place is allowed.</summary>
    /// <exception cref="ArgumentException">A span length differs from rows·columns, or the spans partly overlap.</exception>
    void Inverse(ReadOnlySpan<ComplexF> input, Span<ComplexF> output);
}

/// <summary>Real 2D transform: rows × columns reals ↔ rows × (columns/2+1) complex (half spectrum along columns).</summary>
public interface IRealFft2DPlan
{
    /// <summary>Number of rows (slow axis).</summary>
    int Rows { get; }

    /// <summary>Number of real columns (fast axis).</summary>
    int Columns { get; }

    /// <summary>Complex values per spectrum row: columns/2 + 1.</summary>
    int SpectrumColumns { get; }

    /// <summary>Forward r2c 2D transform.</summary>
    /// <exception cref="ArgumentException">input ≠ rows·columns or output ≠ rows·(columns/2+1) values, or the spans overlap.</exception>
    void Forward(ReadOnlySpan<float> input, Span<ComplexF> output);

    /// <summary>Inverse c2r 2D transform scaled by 1/(rows·columns). <paramref name="spectrum"/> is used as workspace and is overwritten (as in FFTW).</summary>
    /// <exception cref="ArgumentException">spectrum ≠ rows·(columns/2+1) or output ≠ rows·columns values, or the spans overlap.</exception>
    void Inverse(Span<ComplexF> spectrum, Span<float> output);
}
