using BatteryZoom.Numerics.Fft;
using static BatteryZoom.Numerics.Tests.Fft.FftTestData;

namespace BatteryZoom.Numerics.Tests.Fft;

public sealed class FftApiTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    public void CreatePlans_NonPositiveLength_Throws(int n)
    {
        var fft = ManagedFft.Shared;
        Assert.Equal("length", Assert.Throws<ArgumentOutOfRangeException>(() => fft.CreateComplex(n)).ParamName);
        Assert.Equal("length", Assert.Throws<ArgumentOutOfRangeException>(() => fft.CreateReal(n)).ParamName);
        Assert.Equal("rows", Assert.Throws<ArgumentOutOfRangeException>(() => fft.CreateComplex2D(n, 4)).ParamName);
        Assert.Equal("columns", Assert.Throws<ArgumentOutOfRangeException>(() => fft.CreateReal2D(4, n)).ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => FftSize.NextFast(n));
        Assert.Throws<ArgumentOutOfRangeException>(() => FftSize.IsFast(n));
    }

    [Fact]
    public void CreatePlan_TooLong_Throws() =>
        Assert.Equal("length", Assert.Throws<ArgumentOutOfRangeException>(() => ManagedFft.Shared.CreateComplex(FftSize.MaxLength + 1)).ParamName);

    [Fact]
    public void Complex_MismatchedBuffer_ThrowsNamingParameterAndSizes()
    {
        var plan = ManagedFft.Shared.CreateComplex(64);
        var ex = Assert.Throws<ArgumentException>(() => plan.Forward(new ComplexF[100], new ComplexF[128], rows: 2));
        Assert.Equal("input", ex.ParamName);
        Assert.Contains("100", ex.Message);
        Assert.Contains("128", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => plan.Inverse(new ComplexF[64], new ComplexF[63]));
        Assert.Equal("output", ex.ParamName);
        Assert.Contains("63", ex.Message);
        Assert.Equal("rows", Assert.Throws<ArgumentOutOfRangeException>(() => plan.Forward(new ComplexF[64], new ComplexF[64], rows: 0)).ParamName);
    }

    [Fact]
    public void Complex_PartialOverlap_Throws_InPlaceAllowed()
    {
        var plan = ManagedFft.Shared.CreateComplex(8);
        var buf = RandomComplex(10, 1);
        var ex = Assert.Throws<ArgumentException>(() => plan.Forward(buf.AsSpan(0, 8), buf.AsSpan(2, 8)));
        Assert.Equal("output", ex.ParamName);
        var copy = (ComplexF[])buf.Clone();
        var expected = new ComplexF[8];
        plan.Forward(copy.AsSpan(0, 8), expected);
        plan.Forward(buf.AsSpan(0, 8), buf.AsSpan(0, 8));
        Assert.Equal(expected, buf.AsSpan(0, 8).ToArray());
    }

    [Fact]
    public void Real_BadArguments_Throw()
    {
        var plan = ManagedFft.Shared.CreateReal(16);
        Assert.Equal(9, plan.SpectrumLength);
        Assert.Equal("output", Assert.Throws<ArgumentException>(() => plan.Forward(new float[16], new ComplexF[8])).ParamName);
        Assert.Equal("input", Assert.Throws<ArgumentException>(() => plan.Inverse(new ComplexF[10], new float[16])).ParamName);
        Assert.Equal("inputRowLength", Assert.Throws<ArgumentOutOfRangeException>(() => plan.Forward(new float[17], new ComplexF[9], 1, 17)).ParamName);
        Assert.Equal("outputRowLength", Assert.Throws<ArgumentOutOfRangeException>(() => plan.Inverse(new ComplexF[9], new float[16], 1, -1)).ParamName);
        Assert.Equal("response", Assert.Throws<ArgumentException>(() => plan.Filter(new float[16], new float[16], new float[8])).ParamName);
        // Overlapping real in/out (reinterpreted memory) is refused.
        var spec = new ComplexF[9];
        ArgumentException? caught = null;
        try
        {
            plan.Inverse(spec, System.Runtime.InteropServices.MemoryMarshal.Cast<ComplexF, float>(spec.AsSpan())[..16]);
        }
        catch (ArgumentException e) { caught = e; }
        Assert.Equal("output", caught?.ParamName);
    }

    [Fact]
    public void TwoD_MismatchedBuffers_Throw()
    {
        var c = ManagedFft.Shared.CreateComplex2D(4, 6);
        Assert.Equal("input", Assert.Throws<ArgumentException>(() => c.Forward(new ComplexF[23], new ComplexF[24])).ParamName);
        var r = ManagedFft.Shared.CreateReal2D(4, 6);
        Assert.Equal(4, r.SpectrumColumns);
        var ex = Assert.Throws<ArgumentException>(() => r.Forward(new float[24], new ComplexF[24]));
        Assert.Equal("output", ex.ParamName);
        Assert.Contains("16", ex.Message);
        Assert.Equal("spectrum", Assert.Throws<ArgumentException>(() => r.Inverse(new ComplexF[15], new float[24])).ParamName);
    }

    [Fact]
    public void FourierTransform_EmptyInput_Throws()
    {
        Assert.Equal("input", Assert.Throws<ArgumentException>(() => FourierTransform.Forward([], [])).ParamName);
        Assert.Equal("output", Assert.Throws<ArgumentException>(() => FourierTransform.InverseReal([], [])).ParamName);
    }

    [Fact]
    public void FourierTransform_KnownValues()
    {
        // Unit impulse → all ones; constant → N at DC; inverse scales by 1/N.
        var x = new ComplexF[8];
        x[0] = new ComplexF(1, 0);
        var y = new ComplexF[8];
        FourierTransform.Forward(x, y);
        Assert.All(y, v => Assert.Equal(new ComplexF(1, 0), v));
        var back = new ComplexF[8];
        FourierTransform.Inverse(y, back);
        Assert.Equal(x, back);
        var real = new float[] { 1, 1, 1, 1, 1, 1 };
        var spec = new ComplexF[4];
        FourierTransform.ForwardReal(real, spec);
        Assert.Equal(new ComplexF(6, 0), spec[0]);
        Assert.Equal(0f, spec[1].Magnitude, 6);
        // exp(2πi·k0·j/N) puts N at bin k0.
        const int n = 12, k0 = 5;
        var tone = new ComplexF[n];
        for (int j = 0; j < n; j++) tone[j] = new ComplexF((float)Math.Cos(2 * Math.PI * k0 * j / n), (float)Math.Sin(2 * Math.PI * k0 * j / n));
        var t = new ComplexF[n];
        FourierTransform.Forward(tone, t);
        for (int k = 0; k < n; k++) Assert.Equal(k == k0 ? n : 0f, t[k].Real, 4);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(11, 12)]
    [InlineData(13, 14)]
    [InlineData(97, 98)]
    [InlineData(1000, 1000)]
    [InlineData(2001, 2016)]
    [InlineData(4097, 4116)]
    public void NextFast_ReturnsSmallestSmoothLength(int n, int expected)
    {
        Assert.Equal(expected, FftSize.NextFast(n));
        Assert.True(FftSize.IsFast(expected));
        Assert.Equal(0, FftSize.NextFastEven(n) % 2);
        Assert.True(FftSize.NextFastEven(n) >= n);
    }

    [Fact]
    public void Plans_AreCachedAndThreadSafe()
    {
        Assert.Same(ManagedFft.Shared.CreateReal(96), ManagedFft.Shared.CreateReal(96));
        var plan = ManagedFft.Shared.CreateReal(2048);
        const int rows = 64;
        var x = RandomReal(rows * 2048, 3);
        var expected = new ComplexF[rows * plan.SpectrumLength];
        plan.Forward(x, expected, rows);
        var actual = new ComplexF[expected.Length];
        Parallel.For(0, rows, new ParallelOptions { MaxDegreeOfParallelism = 4 }, r =>
            plan.Forward(x.AsSpan(r * 2048, 2048), actual.AsSpan(r * plan.SpectrumLength, plan.SpectrumLength)));
        Assert.True(RelativeL2(actual, Widen(expected)) <= 1e-6);
    }

    [Fact]
    public void Kernel_UnsupportedRequest_ThrowsOrRuns()
    {
        Assert.Equal(FftKernel.Scalar, new ManagedFft(FftKernel.Scalar).Kernel);
        if (!ManagedFft.Supports(FftKernel.Vector512)) Assert.Throws<PlatformNotSupportedException>(() => new ManagedFft(FftKernel.Vector512));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ManagedFft((FftKernel)42));
    }
}
