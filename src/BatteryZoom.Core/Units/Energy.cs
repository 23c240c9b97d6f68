namespace BatteryZoom.Core.Units;

/// <summary>A photon energy, stored in electronvolts.</summary>
/// <remarks>Parse accepts "33.6 keV", "8333 eV", "0.0336 MeV". Wavelength λ = hc/E with hc = 1239.84198 eV·nm (CODATA 2018).</remarks>
public readonly record struct Energy(double ElectronVolts) : IComparable<Energy>
{
    /// <summary>h·c in eV·nm (CODATA 2018).</summary>
    public const double PlanckTimesLightSpeedEvNm = 1239.841984;

    private static readonly Dictionary<string, double> Factors = new(StringComparer.Ordinal)
    {
        ["eV"] = 1, ["keV"] = 1e3, ["MeV"] = 1e6,
    };

    /// <summary>The energy in keV.</summary>
    public double KiloElectronVolts => ElectronVolts * 1e-3;
    /// <summary>From keV.</summary>
    public static Energy FromKiloElectronVolts(double keV) => new(keV * 1e3);
    /// <summary>The photon wavelength λ = hc / E.</summary>
    public Length Wavelength => Length.FromNanometers(PlanckTimesLightSpeedEvNm / ElectronVolts);
    /// <summary>The photon energy of a wavelength.</summary>
    public static Energy FromWavelength(Length wavelength) => new(PlanckTimesLightSpeedEvNm / wavelength.Nanometers);

    /// <summary>Parses an energy with its unit (eV, keV, MeV).</summary>
    /// <exception cref="FormatException">No unit, an unknown unit, or not a number.</exception>
    public static Energy Parse(string text) => new(UnitParser.Parse(text, "energy", Factors));

    /// <summary>Prints in keV at or above 1 keV, else eV.</summary>
    public override string ToString() => ElectronVolts >= 1000 ? UnitParser.Format(KiloElectronVolts, "keV") : UnitParser.Format(ElectronVolts, "eV");

    /// <inheritdoc/>
    public int CompareTo(Energy other) => ElectronVolts.CompareTo(other.ElectronVolts);
    /// <summary>Difference.</summary>
    public static Energy operator -(Energy a, Energy b) => new(a.ElectronVolts - b.ElectronVolts);
    /// <summary>Sum.</summary>
    public static Energy operator +(Energy a, Energy b) => new(a.ElectronVolts + b.ElectronVolts);
    /// <summary>Ordering.</summary>
    public static bool operator <(Energy a, Energy b) => a.ElectronVolts < b.ElectronVolts;
    /// <summary>Ordering.</summary>
    public static bool operator >(Energy a, Energy b) => a.ElectronVolts > b.ElectronVolts;
    /// <summary>Ordering.</summary>
    public static bool operator <=(Energy a, Energy b) => a.ElectronVolts <= b.ElectronVolts;
    /// <summary>Ordering.</summary>
    public static bool operator >=(Energy a, Energy b) => a.ElectronVolts >= b.ElectronVolts;
}
