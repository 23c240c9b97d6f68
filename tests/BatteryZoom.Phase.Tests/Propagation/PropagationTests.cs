using BatteryZoom.Core.Units;
using BatteryZoom.Numerics.Fft;
using BatteryZoom.Phase.Propagation;

namespace BatteryZoom.Phase.Tests.Propagation;

public sealed class PropagationTests
{
    [Fact]
    public void FresnelScaling_ConeBeam()
    {
        var g = FresnelGeometry.ConeBeam(Length.FromMillimeters(30), Length.FromMillimeters(1200));
        Assert.Equal(40, g.Magnification, 12);
        Assert.Equal(30e-3 * 1170e-3 / 1200e-3, g.EffectiveDistance.Meters, 15);
        Assert.Equal(3e-6 / 40, g.EffectivePixel(Length.FromMicrometers(3)).Meters, 1e-20);
        var p = FresnelGeometry.Parallel(Length.FromMillimeters(5));
        Assert.Equal(1, p.Magnification);
        Assert.Equal(5e-3, p.EffectiveDistance.Meters, 15);
    }

    [Fact]
    public void FresnelGeometry_Throws_OnBadDistances()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => FresnelGeometry.Parallel(Length.Zero));
        Assert.Throws<ArgumentOutOfRangeException>(() => FresnelGeometry.ConeBeam(Length.FromMillimeters(30), Length.FromMillimeters(20)));
        Assert.Throws<ArgumentOutOfRangeException>(() => FresnelGeometry.ConeBeam(Length.FromMillimeters(-1), Length.FromMillimeters(20)));
    }

    [Fact]
    public void UniformExitWave_GivesUniformIntensity()
    {
        const int n = 48;
        var phase = Enumerable.Repeat(0.7f, n * n).ToArray();
        var b = Enumerable.Repeat(0.05f, n * n).ToArray();
        var i = new float[n * n];
        FresnelPropagator.Intensity(phase, b, n, n, TestSetup.Pixel, Length.FromMillimeters(3), TestSetup.Energy, i);
        foreach (var v in i) Assert.Equal(Math.Exp(-0.1), v, 5);
    }

    [Fact]
    public void Propagator_IsUnitary()
    {
        const int n = 64;
        var field = new ComplexF[n * n];
        for (int k = 0; k < field.Length; k++) field[k] = new ComplexF((float)Math.Cos(0.3 * k), (float)Math.Sin(0.11 * k * k % 7));
        double before = field.Sum(f => (double)f.MagnitudeSquared);
        FresnelPropagator.Propagate(field, n, n, TestSetup.Pixel, Length.FromMillimeters(2), TestSetup.Energy);
        double after = field.Sum(f => (double)f.MagnitudeSquared);
        Assert.Equal(1, after / before, 5);
    }

    [Fact]
    public void WeakPhaseGrating_FollowsContrastTransferFunction()
    {
        // Φ(x) = ε cos(2πfx) gives I = 1 − 2ε·sin(πλz f²)·cos(2πfx) to first order: checks the sign convention
        // exp(−iπλz f²) with exit wave exp(−iΦ).
        const int n = 64;
        const float eps = 1e-3f;
        int cycles = 8;
        double f = cycles / (n * TestSetup.Pixel.Meters);
        var phase = new float[n * n];
        for (int r = 0; r < n; r++) for (int c = 0; c < n; c++) phase[r * n + c] = eps * MathF.Cos(2 * MathF.PI * cycles * c / n);
        var field = phase.Select(p => new ComplexF(MathF.Cos(p), -MathF.Sin(p))).ToArray();
        var z = Length.FromMillimeters(2);
        FresnelPropagator.Propagate(field, n, n, TestSetup.Pixel, z, TestSetup.Energy);
        double chi = Math.PI * TestSetup.Energy.Wavelength.Meters * z.Meters * f * f;
        for (int c = 0; c < n; c++)
        {
            double expected = 1 - 2 * eps * Math.Sin(chi) * Math.Cos(2 * Math.PI * cycles * c / n);
            Assert.Equal(expected, field[5 * n + c].MagnitudeSquared, 5);
        }
    }

    [Fact]
    public void SamplingCheck_WarnsWhenUnderSampled()
    {
        // λz/p² at 10 cm, 70 nm, 33.6 keV ≈ 750 px: a 256-pixel field aliases the chirp.
        var problems = FresnelPropagator.CheckSampling(256, 256, 128, 128, TestSetup.Pixel, Length.FromMillimeters(100), TestSetup.Energy);
        Assert.Contains(problems, p => p.Contains("under-sampled", StringComparison.Ordinal));
        Assert.Empty(FresnelPropagator.CheckSampling(512, 512, 256, 256, TestSetup.Pixel, Length.FromMillimeters(1), TestSetup.Energy));
        var log = new List<string>();
        var ones = new float[32 * 32];
        FresnelPropagator.Intensity(new float[32 * 32], new float[32 * 32], 32, 32, Length.FromNanometers(10), Length.FromMillimeters(100), TestSetup.Energy, ones, log.Add);
        Assert.NotEmpty(log);
    }

    [Fact]
    public void Padding_Edge_RepeatsBorders()
    {
        var img = new float[] { 1, 2, 3, 4, 5, 6 };   // 2 × 3
        var p = new float[4 * 6];
        ImagePadding.Pad(img, 2, 3, p, 4, 6, PaddingMode.Edge);
        Assert.Equal(new float[] { 1, 2, 3, 3, 1, 1 }, p[..6]);
        Assert.Equal(new float[] { 4, 5, 6, 6, 4, 4 }, p[6..12]);
        Assert.Equal(p[6..12], p[12..18]);
        Assert.Equal(p[..6], p[18..24]);
        Assert.True(ImagePadding.PaddedLength(100, 2) >= 200);
        Assert.True(FftSize.IsFast(ImagePadding.PaddedLength(1000, 1.3, 77)));
    }
}
