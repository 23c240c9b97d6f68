using System.Numerics;
using BatteryZoom.Numerics.Fft;
using BatteryZoom.Numerics.Fft.Reference;
using static BatteryZoom.Numerics.Tests.Fft.FftTestData;

namespace BatteryZoom.Numerics.Tests.Fft;

/// <summary>Float32 transforms against float64 references on seeded random inputs (relative L2 error).</summary>
public sealed class FftAccuracyTests(ITestOutputHelper output)
{
    // Float32 inputs, float32 arithmetic, twiddles rounded once from float64: the relative L2 error of a
    // Stockham FFT grows like c·√log2(N)·2⁻²⁴ (measured ≤ 1.5e-7 for every 7-smooth N ≤ 8192); Bluestein adds two
    // length-M transforms and two chirp products (measured ≤ 2.1e-7 up to N = 8191). 1e-6 leaves a 5× margin.
    private const double Tolerance = 1e-6;

    [Theory]
    [MemberData(nameof(KernelData))]
    public void Complex_AllLengths1To257_MatchDirectDft(FftKernel kernel)
    {
        var fft = new ManagedFft(kernel);
        double worst = 0; int worstN = 0;
        for (int n = 1; n <= 257; n++)
        {
            const int rows = 3;
            var x = RandomComplex(rows * n, (ulong)n);
            var y = new ComplexF[x.Length];
            fft.CreateComplex(n).Forward(x, y, rows);
            for (int r = 0; r < rows; r++)
            {
                var reference = ReferenceFft.DirectDft(Widen(x.AsSpan(r * n, n)));
                double err = RelativeL2(y.AsSpan(r * n, n), reference);
                if (err > worst) { worst = err; worstN = n; }
            }
            // One row takes the scalar single-row path.
            var y1 = new ComplexF[n];
            fft.CreateComplex(n).Forward(x.AsSpan(0, n), y1);
            Assert.True(RelativeL2(y1, ReferenceFft.DirectDft(Widen(x.AsSpan(0, n)))) <= Tolerance);
        }
        output.WriteLine($"{kernel}: worst relative L2 {worst:E2} at N = {worstN}");
        Assert.True(worst <= Tolerance, $"worst relative L2 {worst:E2} at N = {worstN}");
    }

    [Theory]
    [MemberData(nameof(KernelData))]
    public void Real_AllLengths1To257_MatchDirectDft(FftKernel kernel)
    {
        var fft = new ManagedFft(kernel);
        double worst = 0, worstInv = 0;
        for (int n = 1; n <= 257; n++)
        {
            const int rows = 5;
            var plan = fft.CreateReal(n);
            int h = n / 2 + 1;
            var x = RandomReal(rows * n, (ulong)n);
            var y = new ComplexF[rows * h];
            plan.Forward(x, y, rows);
            var back = new float[rows * n];
            plan.Inverse(y, back, rows);
            for (int r = 0; r < rows; r++)
            {
                var reference = ReferenceFft.DirectDft(Widen(x.AsSpan(r * n, n)));
                worst = Math.Max(worst, RelativeL2(y.AsSpan(r * h, h), reference.AsSpan(0, h)));
                var xd = Array.ConvertAll(x.AsSpan(r * n, n).ToArray(), v => (double)v);
                worstInv = Math.Max(worstInv, RelativeL2(back.AsSpan(r * n, n), xd));
            }
        }
        output.WriteLine($"{kernel}: r2c worst {worst:E2}, c2r round trip worst {worstInv:E2}");
        Assert.True(worst <= Tolerance, $"r2c worst {worst:E2}");
        Assert.True(worstInv <= Tolerance, $"round trip worst {worstInv:E2}");
    }

    [Theory]
    [InlineData(1000)]
    [InlineData(2048)]
    [InlineData(4097)]
    public void Complex_LargeLengths_MatchDirectDft(int n) => CheckAgainstDirectDft(n);

    /// <summary>Slow tier (BZOOM_SLOW_TESTS=1): the largest lengths against the O(N²) definition.</summary>
    [Theory]
    [Trait("Category", "slow")]
    [InlineData(2401)]
    [InlineData(4095)]
    [InlineData(4096)]
    [InlineData(6250)]
    [InlineData(6561)]
    [InlineData(8191)]
    [InlineData(8192)]
    public void Complex_LargestLengths_MatchDirectDft(int n)
    {
        Assert.SkipUnless(SlowTests.Enabled, SlowTests.Reason);
        CheckAgainstDirectDft(n);
    }

    private void CheckAgainstDirectDft(int n)
    {
        var x = RandomComplex(2 * n, (ulong)n);
        var y = new ComplexF[2 * n];
        ManagedFft.Shared.CreateComplex(n).Forward(x, y, 2);
        double err = RelativeL2(y.AsSpan(n, n), ReferenceFft.DirectDft(Widen(x.AsSpan(n, n))));
        output.WriteLine($"N = {n}: relative L2 {err:E2}");
        Assert.True(err <= Tolerance, $"N = {n}: relative L2 {err:E2}");
    }

    [Fact]
    public void Complex_AllSmoothLengthsTo8192_MatchFloat64Reference()
    {
        // Oracle: the float64 mixed-radix ReferenceFft (itself checked against DirectDft below).
        double worst = 0; int worstN = 0;
        foreach (int n in SmoothLengths(8192))
        {
            var x = RandomComplex(2 * n, (ulong)n + 11);
            var y = new ComplexF[2 * n];
            ManagedFft.Shared.CreateComplex(n).Forward(x, y, 2);
            double err = RelativeL2(y.AsSpan(n, n), ReferenceFft.Forward(Widen(x.AsSpan(n, n))));
            if (err > worst) { worst = err; worstN = n; }
        }
        output.WriteLine($"worst relative L2 {worst:E2} at N = {worstN}");
        Assert.True(worst <= Tolerance, $"worst relative L2 {worst:E2} at N = {worstN}");
    }

    [Fact]
    public void ReferenceFft_MatchesDirectDft()
    {
        foreach (int n in new[] { 1, 2, 6, 49, 97, 210, 1001 })
        {
            var x = Widen(RandomComplex(n, 3));
            var a = ReferenceFft.Forward(x);
            var b = ReferenceFft.DirectDft(x);
            for (int i = 0; i < n; i++) Assert.True(Complex.Abs(a[i] - b[i]) <= 1e-11 * Math.Sqrt(n), $"N = {n}, k = {i}");
            var back = ReferenceFft.Inverse(a);
            for (int i = 0; i < n; i++) Assert.True(Complex.Abs(back[i] - x[i]) <= 1e-12 * Math.Sqrt(n));
        }
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(3, 5)]
    [InlineData(16, 17)]
    [InlineData(17, 16)]
    [InlineData(64, 48)]
    [InlineData(100, 37)]
    [InlineData(33, 1)]
    [InlineData(1, 40)]
    public void Complex2D_MatchesSeparableFloat64(int rows, int columns)
    {
        foreach (var kernel in KernelList())
        {
            var fft = new ManagedFft(kernel);
            var x = RandomComplex(rows * columns, 99);
            var y = new ComplexF[x.Length];
            fft.CreateComplex2D(rows, columns).Forward(x, y);
            var reference = Reference2D(Widen(x), rows, columns);
            double err = RelativeL2(y, reference);
            Assert.True(err <= Tolerance, $"{kernel} {rows}×{columns}: {err:E2}");
            var back = new ComplexF[x.Length];
            fft.CreateComplex2D(rows, columns).Inverse(y, back);
            Assert.True(RelativeL2(back, Widen(x)) <= Tolerance);
        }
    }

    [Fact]
    public void Complex2D_1024Squared_MatchesSeparableFloat64()
    {
        const int n = 1024;
        var x = RandomComplex(n * n, 5);
        var y = new ComplexF[x.Length];
        ManagedFft.Shared.CreateComplex2D(n, n).Forward(x, y);
        double err = RelativeL2(y, Reference2D(Widen(x), n, n));
        output.WriteLine($"1024²: relative L2 {err:E2}");
        Assert.True(err <= Tolerance, $"1024²: {err:E2}");
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(4, 6)]
    [InlineData(15, 9)]
    [InlineData(32, 33)]
    [InlineData(50, 64)]
    [InlineData(256, 256)]
    public void Real2D_MatchesSeparableFloat64(int rows, int columns)
    {
        foreach (var kernel in KernelList())
        {
            var plan = new ManagedFft(kernel).CreateReal2D(rows, columns);
            var x = RandomReal(rows * columns, 17);
            var y = new ComplexF[rows * plan.SpectrumColumns];
            plan.Forward(x, y);
            var full = Reference2D(Widen(x), rows, columns);
            var half = new Complex[y.Length];
            for (int r = 0; r < rows; r++)
            {
                for (int c = 0; c < plan.SpectrumColumns; c++) half[r * plan.SpectrumColumns + c] = full[r * columns + c];
            }
            double err = RelativeL2(y, half);
            Assert.True(err <= Tolerance, $"{kernel} {rows}×{columns}: {err:E2}");
            var back = new float[x.Length];
            plan.Inverse(y, back);
            Assert.True(RelativeL2(back, Array.ConvertAll(x, v => (double)v)) <= Tolerance, $"{kernel} {rows}×{columns} round trip");
        }
    }

    public static TheoryData<FftKernel> KernelData() => Kernels();

    private static IEnumerable<FftKernel> KernelList() => FftTestData.KernelList();

    internal static Complex[] Reference2D(Complex[] x, int rows, int columns)
    {
        var y = new Complex[x.Length];
        for (int r = 0; r < rows; r++) ReferenceFft.Forward(x.AsSpan(r * columns, columns)).CopyTo(y, r * columns);
        var col = new Complex[rows];
        for (int c = 0; c < columns; c++)
        {
            for (int r = 0; r < rows; r++) col[r] = y[r * columns + c];
            var t = ReferenceFft.Forward(col);
            for (int r = 0; r < rows; r++) y[r * columns + c] = t[r];
        }
        return y;
    }
}
