using BatteryZoom.Core.Units;

namespace BatteryZoom.Spectroscopy.StateOfCharge;

/// <summary>Linear state-of-charge calibration between two reference edge energies: SOC = (E − E_ref0)/(E_ref1 − E_ref0).</summary>
/// <remarks>E_ref0 is the edge energy (at the same level, usually 0.5) of the discharged reference (e.g. Ni²⁺, SOC 0) and E_ref1 that of
/// the charged one (e.g. Ni³⁺/Ni⁴⁺, SOC 1). The edge of layered Ni oxides shifts roughly linearly with Ni valence, hence with SOC;
/// values outside [0, 1] are kept unless <see cref="Clamp"/> is set, so over-shifts stay visible.</remarks>
/// <param name="Reference0">Edge energy at SOC 0.</param>
/// <param name="Reference1">Edge energy at SOC 1.</param>
public sealed record SocCalibration(Energy Reference0, Energy Reference1)
{
    /// <summary>Clamp results to [0, 1].</summary>
    public bool Clamp { get; init; }

    /// <summary>Checks that the references differ and are finite.</summary>
    /// <exception cref="ArgumentException">Equal or non-finite references.</exception>
    public void Validate()
    {
        if (!double.IsFinite(Reference0.ElectronVolts) || !double.IsFinite(Reference1.ElectronVolts))
            throw new ArgumentException($"SOC references must be finite; got {Reference0.ElectronVolts} and {Reference1.ElectronVolts} eV.");
        if (Math.Abs(Reference1.ElectronVolts - Reference0.ElectronVolts) < 1e-6)
            throw new ArgumentException($"SOC references must differ; both are {Reference0.ElectronVolts} eV.");
    }

    /// <summary>SOC of an edge energy (eV); NaN stays NaN.</summary>
    public double Apply(double edgeEnergyEv)
    {
        double s = (edgeEnergyEv - Reference0.ElectronVolts) / (Reference1.ElectronVolts - Reference0.ElectronVolts);
        return Clamp && !double.IsNaN(s) ? Math.Clamp(s, 0, 1) : s;
    }
}
