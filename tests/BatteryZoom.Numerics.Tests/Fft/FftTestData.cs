using System.Numerics;
using BatteryZoom.Core.Random;
using BatteryZoom.Numerics.Fft;

namespace BatteryZoom.Numerics.Tests.Fft;

internal static class FftTestData
{
    public static ComplexF[] RandomComplex(int count, ulong seed)
    {
        var r = new CounterRandom(seed);
        var x = new ComplexF[count];
        for (int i = 0; i < count; i++) x[i] = new ComplexF((float)(2 * r.Uniform((ulong)(2 * i)) - 1), (float)(2 * r.Uniform((ulong)(2 * i + 1)) - 1));
        return x;
    }

    public static float[] RandomReal(int count, ulong seed)
    {
        var r = new CounterRandom(seed, 7);
        var x = new float[count];
        for (int i = 0; i < count; i++) x[i] = (float)(2 * r.Uniform((ulong)i) - 1);
        return x;
    }

    public static Complex[] Widen(ReadOnlySpan<ComplexF> x)
    {
        var y = new Complex[x.Length];
        for (int i = 0; i < x.Length; i++) y[i] = x[i];
        return y;
    }

    public static Complex[] Widen(ReadOnlySpan<float> x)
    {
        var y = new Complex[x.Length];
        for (int i = 0; i < x.Length; i++) y[i] = x[i];
        return y;
    }

    /// <summary>‖y − ref‖₂ / ‖ref‖₂ in float64 (0 when both are zero).</summary>
    public static double RelativeL2(ReadOnlySpan<ComplexF> y, ReadOnlySpan<Complex> reference)
    {
        Assert.Equal(reference.Length, y.Length);
        double num = 0, den = 0;
        for (int i = 0; i < y.Length; i++)
        {
            double dr = y[i].Real - reference[i].Real, di = y[i].Imaginary - reference[i].Imaginary;
            num += dr * dr + di * di;
            den += reference[i].Real * reference[i].Real + reference[i].Imaginary * reference[i].Imaginary;
        }
        return den == 0 ? Math.Sqrt(num) : Math.Sqrt(num / den);
    }

    public static double RelativeL2(ReadOnlySpan<float> y, ReadOnlySpan<double> reference)
    {
        Assert.Equal(reference.Length, y.Length);
        double num = 0, den = 0;
        for (int i = 0; i < y.Length; i++)
        {
            double d = y[i] - reference[i];
            num += d * d;
            den += reference[i] * reference[i];
        }
        return den == 0 ? Math.Sqrt(num) : Math.Sqrt(num / den);
    }

    /// <summary>Every kernel this CPU can run (Scalar always; SIMD ones when accelerated).</summary>
    public static TheoryData<FftKernel> Kernels() => new(KernelList());

    public static List<FftKernel> KernelList()
    {
        var list = new List<FftKernel> { FftKernel.Scalar };
        if (ManagedFft.Supports(FftKernel.Vector256)) list.Add(FftKernel.Vector256);
        if (ManagedFft.Supports(FftKernel.Vector512)) list.Add(FftKernel.Vector512);
        return list;
    }

    /// <summary>All lengths ≤ max whose prime factors are 2, 3, 5, 7.</summary>
    public static List<int> SmoothLengths(int max)
    {
        var list = new List<int>();
        for (int n = 1; n <= max; n++)
        {
            if (FftSize.IsFast(n)) list.Add(n);
        }
        return list;
    }
}

internal static class SlowTests
{
    public static bool Enabled => Environment.GetEnvironmentVariable("BZOOM_SLOW_TESTS") == "1";
    public const string Reason = "slow tier: set BZOOM_SLOW_TESTS=1";
}
