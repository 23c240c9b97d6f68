using System.Numerics;
using BatteryZoom.Numerics.Fft;
using CsCheck;
using static BatteryZoom.Numerics.Tests.Fft.FftTestData;

namespace BatteryZoom.Numerics.Tests.Fft;

/// <summary>Algebraic properties of the transforms on CsCheck-generated lengths and inputs.</summary>
public sealed class FftPropertyTests
{
    // Relative tolerances for float32 against identities computed in float64 (error ~ few·√log2 N · 2⁻²⁴).
    private const double Rel = 2e-6;

    private static readonly Gen<int> Length = Gen.Int[1, 600];
    private static readonly Gen<ulong> Seed = Gen.ULong;

    [Fact]
    public void InverseRoundTrip_ReturnsInput() =>
        Gen.Select(Length, Gen.Int[1, 20], Seed).Sample((n, rows, seed) =>
        {
            var plan = ManagedFft.Shared.CreateComplex(n);
            var x = RandomComplex(rows * n, seed);
            var y = new ComplexF[x.Length];
            plan.Forward(x, y, rows);
            plan.Inverse(y, y, rows); // in place
            return RelativeL2(y, Widen(x)) <= Rel;
        }, iter: 200);

    [Fact]
    public void Linearity_HoldsForRandomCoefficients() =>
        Gen.Select(Length, Seed, Gen.Float[-3f, 3f], Gen.Float[-3f, 3f]).Sample((n, seed, a, b) =>
        {
            var plan = ManagedFft.Shared.CreateComplex(n);
            var x = RandomComplex(n, seed);
            var z = RandomComplex(n, seed + 1);
            var comb = new ComplexF[n];
            for (int i = 0; i < n; i++) comb[i] = x[i] * a + z[i] * b;
            ComplexF[] fx = new ComplexF[n], fz = new ComplexF[n], fc = new ComplexF[n];
            plan.Forward(x, fx);
            plan.Forward(z, fz);
            plan.Forward(comb, fc);
            var expected = new Complex[n];
            for (int i = 0; i < n; i++) expected[i] = (Complex)fx[i] * a + (Complex)fz[i] * b;
            double scale = Math.Abs(a) + Math.Abs(b) + 1e-3;
            return RelativeL2(fc, expected) <= Rel * 4 * (1 + 1 / scale);
        }, iter: 200);

    [Fact]
    public void Parseval_EnergyIsPreserved() =>
        Gen.Select(Length, Seed).Sample((n, seed) =>
        {
            var x = RandomComplex(n, seed);
            var y = new ComplexF[n];
            ManagedFft.Shared.CreateComplex(n).Forward(x, y);
            double ex = 0, ey = 0;
            for (int i = 0; i < n; i++) { ex += ((Complex)x[i]).Magnitude * ((Complex)x[i]).Magnitude; ey += ((Complex)y[i]).Magnitude * ((Complex)y[i]).Magnitude; }
            return Math.Abs(ey / n - ex) <= Rel * ex;
        }, iter: 300);

    [Fact]
    public void RealInput_HasHermitianSpectrum_EqualToComplexTransform() =>
        Gen.Select(Length, Seed).Sample((n, seed) =>
        {
            var x = RandomReal(n, seed);
            var half = new ComplexF[n / 2 + 1];
            ManagedFft.Shared.CreateReal(n).Forward(x, half);
            var xc = new ComplexF[n];
            for (int i = 0; i < n; i++) xc[i] = new ComplexF(x[i], 0);
            var full = new ComplexF[n];
            ManagedFft.Shared.CreateComplex(n).Forward(xc, full);
            // Hermitian symmetry of the full complex transform: X[N−k] = conj(X[k]).
            var mirrored = new Complex[n];
            for (int k = 0; k < n; k++) mirrored[k] = Complex.Conjugate(full[(n - k) % n]);
            bool hermitian = RelativeL2(full, mirrored) <= Rel;
            // The r2c half spectrum equals the first N/2+1 complex outputs.
            var head = new Complex[half.Length];
            for (int k = 0; k < head.Length; k++) head[k] = full[k];
            return hermitian && RelativeL2(half, head) <= Rel;
        }, iter: 300);

    [Fact]
    public void RealRoundTrip_WithPaddingAndCrop_ReturnsInput() =>
        Gen.Select(Gen.Int[1, 300], Gen.Int[1, 40], Seed).Sample((n, rows, seed) =>
        {
            int padded = FftSize.NextFastEven(2 * n);
            var plan = ManagedFft.Shared.CreateReal(padded);
            var x = RandomReal(rows * n, seed);
            var spec = new ComplexF[rows * plan.SpectrumLength];
            plan.Forward(x, spec, rows, inputRowLength: n);
            var back = new float[rows * n];
            plan.Inverse(spec, back, rows, outputRowLength: n);
            return RelativeL2(back, Array.ConvertAll(x, v => (double)v)) <= Rel;
        }, iter: 100);

    [Fact]
    public void Filter_EqualsForwardMultiplyInverse() =>
        Gen.Select(Gen.Int[1, 300], Gen.Int[1, 40], Seed).Sample((n, rows, seed) =>
        {
            int padded = n % 3 == 0 ? 2 * n + 1 : FftSize.NextFastEven(2 * n); // odd lengths too
            var plan = ManagedFft.Shared.CreateReal(padded);
            var x = RandomReal(rows * n, seed);
            var response = RandomReal(plan.SpectrumLength, seed + 5);
            var spec = new ComplexF[rows * plan.SpectrumLength];
            plan.Forward(x, spec, rows, inputRowLength: n);
            for (int r = 0; r < rows; r++)
            {
                for (int k = 0; k < plan.SpectrumLength; k++) spec[r * plan.SpectrumLength + k] *= response[k];
            }
            var expected = new float[rows * n];
            plan.Inverse(spec, expected, rows, outputRowLength: n);
            var actual = new float[rows * n];
            plan.Filter(x, actual, response, rows, n, n);
            return RelativeL2(actual, Array.ConvertAll(expected, v => (double)v)) <= Rel;
        }, iter: 100);

    [Fact]
    public void Kernels_AgreeWithScalarReference() =>
        Gen.Select(Length, Gen.Int[2, 40], Seed).Sample((n, rows, seed) =>
        {
            var x = RandomComplex(rows * n, seed);
            var expected = new ComplexF[x.Length];
            new ManagedFft(FftKernel.Scalar).CreateComplex(n).Forward(x, expected, rows);
            foreach (var kernel in KernelList())
            {
                var y = new ComplexF[x.Length];
                new ManagedFft(kernel).CreateComplex(n).Forward(x, y, rows);
                if (RelativeL2(y, Widen(expected)) > Rel) return false;
            }
            return true;
        }, iter: 50);
}
