using BatteryZoom.Core.Units;

namespace BatteryZoom.Core.Tests.Units;

public class UnitParsingTests
{
    // 1e-15 relative: the factor multiplication is one rounding away from the exact decimal value.
    private const double Relative = 1e-15;

    [Theory]
    [InlineData("0.65 um", 0.65e-6)]
    [InlineData("0.65um", 0.65e-6)]
    [InlineData("0.65 µm", 0.65e-6)]
    [InlineData("35 mm", 0.035)]
    [InlineData("70 nm", 70e-9)]
    [InlineData("1.5e-3 m", 1.5e-3)]
    [InlineData("  2 cm ", 0.02)]
    public void Length_Parse_ReadsValueAndUnit(string text, double meters) =>
        Assert.Equal(meters, Length.Parse(text).Meters, meters * Relative);

    [Theory]
    [InlineData("33.6 keV", 33600)]
    [InlineData("8333 eV", 8333)]
    [InlineData("8.333keV", 8333)]
    [InlineData("1e3 eV", 1000)]
    public void Energy_Parse_ReadsValueAndUnit(string text, double ev) =>
        Assert.Equal(ev, Energy.Parse(text).ElectronVolts, ev * 1e-12);

    [Theory]
    [InlineData("90 deg", Math.PI / 2)]
    [InlineData("180°", Math.PI)]
    [InlineData("1 rad", 1.0)]
    [InlineData("-20 mrad", -0.02)]
    public void Angle_Parse_ReadsValueAndUnit(string text, double rad) =>
        Assert.Equal(rad, Angle.Parse(text).Radians, 1e-15);

    [Theory]
    [InlineData("4 GiB", 4L << 30)]
    [InlineData("512MB", 512_000_000L)]
    [InlineData("64 MiB", 64L << 20)]
    public void MemorySize_Parse_ReadsValueAndUnit(string text, long bytes) =>
        Assert.Equal(bytes, MemorySize.Parse(text).Bytes);

    [Fact]
    public void BareNumber_IsAnError_ThatNamesTheUnits()
    {
        var e = Assert.Throws<FormatException>(() => Length.Parse("35"));
        Assert.Contains("has no unit", e.Message);
        Assert.Contains("mm", e.Message);
    }

    [Fact]
    public void UnknownUnit_IsAnError_ThatNamesIt()
    {
        var e = Assert.Throws<FormatException>(() => Energy.Parse("33 kev"));
        Assert.Contains("unknown unit 'kev'", e.Message);
    }

    [Fact]
    public void NotANumber_IsAnError() =>
        Assert.Contains("is not a number", Assert.Throws<FormatException>(() => Angle.Parse("ninety deg")).Message);

    [Fact]
    public void Printing_RoundTripsThroughParse()
    {
        foreach (var l in new[] { Length.FromMicrometers(0.65), Length.FromMillimeters(35), Length.FromNanometers(70), new Length(2.5) })
            Assert.Equal(l.Meters, Length.Parse(l.ToString()).Meters, l.Meters * 1e-5);
        Assert.Equal(33600, Energy.Parse(Energy.FromKiloElectronVolts(33.6).ToString()).ElectronVolts, 1e-6);
        Assert.Equal(90, Angle.Parse(Angle.FromDegrees(90).ToString()).Degrees, 1e-9);
    }

    [Fact]
    public void Wavelength_At12398eV_IsOneAngstrom() =>
        // hc = 12.398 keV·Å: the textbook check of λ = hc/E.
        Assert.Equal(0.1, new Energy(12398.41984).Wavelength.Nanometers, 1e-9);

    [Fact]
    public void Arithmetic_KeepsUnits()
    {
        Assert.Equal(3.0, Length.FromMillimeters(6) / Length.FromMillimeters(2), 1e-12);
        Assert.True(Length.FromMicrometers(1) < Length.FromMillimeters(1));
        Assert.Equal(Math.PI, (Angle.FromDegrees(90) * 2).Radians, 1e-15);
    }
}
