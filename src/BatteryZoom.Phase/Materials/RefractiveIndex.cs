// SPDX-License-Identifier: MIT
using BatteryZoom.Core.Units;

namespace BatteryZoom.Phase.Materials;

/// <summary>The X-ray refractive index n = 1 − δ + iβ of a material at one energy.</summary>
/// <param name="Delta">Refractive index decrement δ (dimensionless, ~1e-6 at 30 keV).</param>
/// <param name="Beta">Absorption index β including incoherent scattering (from μ_total), so that μ = 4πβ/λ is the attenuation a detector sees.</param>
/// <param name="BetaPhoto">β from photo-absorption only (Chantler f2).</param>
/// <param name="Energy">Photon energy.</param>
public sealed record RefractiveIndex(double Delta, double Beta, double BetaPhoto, Energy Energy)
{
    /// <summary>δ/β, the parameter of Paganin's filter and of the homogeneous CTF.</summary>
    public double DeltaOverBeta => Delta / Beta;

    /// <summary>Linear attenuation coefficient μ = 4πβ/λ, in 1/m.</summary>
    public double LinearAttenuation => 4 * Math.PI * Beta / Energy.Wavelength.Meters;

    /// <summary>Phase shift per metre of material, k·δ = 2πδ/λ, in rad/m.</summary>
    public double PhasePerMeter => 2 * Math.PI * Delta / Energy.Wavelength.Meters;
}

/// <summary>δ and β of compounds from the embedded Chantler table.</summary>
/// <remarks><c>δ = r_e λ²/(2π) · Σ_j n_j f1_j</c>, <c>β = r_e λ²/(2π) · Σ_j n_j f2_j</c>, n_j atoms per m³ of element j
/// (ρ N_A c_j / M per formula unit), r_e the classical electron radius (CODATA 2018). Same formulae as
/// xraydb.xray_delta_beta.</remarks>
public static class XrayOptics
{
    /// <summary>Classical electron radius r_e, metres (CODATA 2018).</summary>
    public const double ElectronRadius = 2.8179403262e-15;
    /// <summary>Avogadro's number, 1/mol.</summary>
    public const double Avogadro = 6.02214076e23;

    /// <summary>δ and β of a compound of density <paramref name="density"/> at <paramref name="energy"/>.</summary>
    /// <exception cref="FormatException">The formula cannot be parsed or names an unknown element.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The density is not positive, or the energy lies outside the table (1–100 keV).</exception>
    public static RefractiveIndex RefractiveIndex(string formula, MassDensity density, Energy energy) =>
        RefractiveIndex(ChemicalFormula.Parse(formula), density, energy);

    /// <summary>δ and β of a parsed compound.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The density is not positive, or the energy lies outside the table (1–100 keV).</exception>
    public static RefractiveIndex RefractiveIndex(ChemicalFormula formula, MassDensity density, Energy energy)
    {
        ArgumentNullException.ThrowIfNull(formula);
        if (!(density.KilogramsPerCubicMeter > 0) || !double.IsFinite(density.KilogramsPerCubicMeter))
            throw new ArgumentOutOfRangeException(nameof(density), $"density must be positive and finite; got {density}.");
        if (!(energy >= AtomicScatteringTable.MinEnergy && energy <= AtomicScatteringTable.MaxEnergy))
            throw new ArgumentOutOfRangeException(nameof(energy), $"energy {energy} is outside the tabulated range {AtomicScatteringTable.MinEnergy} – {AtomicScatteringTable.MaxEnergy} (embedded Chantler table).");
        double lambda = energy.Wavelength.Meters;
        // formula units per m³: ρ [g/m³] · N_A / M [g/mol]
        double units = density.KilogramsPerCubicMeter * 1e3 * Avogadro / formula.MolarMass;
        double s1 = 0, s2 = 0, s2t = 0;
        foreach (var (symbol, count) in formula.Counts)
        {
            var (f1, f2, f2t) = AtomicScatteringTable.Element(symbol).FormFactors(energy);
            s1 += count * f1; s2 += count * f2; s2t += count * f2t;
        }
        double scale = ElectronRadius * lambda * lambda / (2 * Math.PI) * units;
        return new RefractiveIndex(scale * s1, scale * s2t, scale * s2, energy);
    }
}
