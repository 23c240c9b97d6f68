using BatteryZoom.Core.Diagnostics;

namespace BatteryZoom.Spectroscopy.Data;

/// <summary>One absorption spectrum μ(E): energies in eV (strictly increasing) and μ (absorbance, any scale).</summary>
/// <param name="Name">Group or file name.</param>
/// <param name="Source">File it came from.</param>
/// <param name="EnergiesEv">Energies, eV.</param>
/// <param name="Mu">μ(E) (e.g. ln(I0/I) or an optical density).</param>
public sealed record Spectrum(string Name, string Source, double[] EnergiesEv, double[] Mu)
{
    /// <summary>Athena's stored normalisation parameters, when read from a project file.</summary>
    public AthenaBackground? Athena { get; init; }

    /// <summary>Checks lengths, finiteness and strictly increasing energies.</summary>
    /// <exception cref="DataFormatException">Lengths differ, a value is NaN/infinite, or energies do not increase strictly.</exception>
    public Spectrum Validate()
    {
        if (EnergiesEv.Length != Mu.Length)
            throw new DataFormatException(Source, $"as many μ values as energies ({EnergiesEv.Length})", $"{Mu.Length}");
        for (int i = 0; i < EnergiesEv.Length; i++)
        {
            if (!double.IsFinite(EnergiesEv[i]) || !double.IsFinite(Mu[i]))
                throw new DataFormatException(Source, "finite energy and μ values", $"E[{i}] = {EnergiesEv[i]}, μ[{i}] = {Mu[i]} in '{Name}'");
            if (i > 0 && !(EnergiesEv[i] > EnergiesEv[i - 1]))
                throw new DataFormatException(Source, "strictly increasing energies", $"E[{i}] = {EnergiesEv[i]} eV after E[{i - 1}] = {EnergiesEv[i - 1]} eV in '{Name}'");
        }
        return this;
    }
}

/// <summary>What Athena (Demeter) stored for a group: its energy shift and the parameters and result of its normalisation.</summary>
/// <param name="E0">bkg_e0, eV.</param>
/// <param name="EnergyShift">bkg_eshift, eV (calibrated energy = @x + shift).</param>
/// <param name="Step">bkg_step, the edge step Athena computed.</param>
/// <param name="Pre1">bkg_pre1 relative to E0, eV.</param>
/// <param name="Pre2">bkg_pre2, eV.</param>
/// <param name="Norm1">bkg_nor1, eV.</param>
/// <param name="Norm2">bkg_nor2, eV.</param>
/// <param name="NNormCoefficients">bkg_nnorm: number of post-edge coefficients (Larch's nnorm + 1).</param>
/// <param name="E0OnRawGrid">True when bkg_e0 coincides with a raw @x energy but not with a shifted one: Athena stored E0 in the
/// uncalibrated frame (seen for reference channels), so the step was computed on @x rather than @x + shift.</param>
public sealed record AthenaBackground(double E0, double EnergyShift, double Step, double Pre1, double Pre2, double Norm1, double Norm2,
    int NNormCoefficients, bool E0OnRawGrid);
