namespace BatteryZoom.Simulation.Particles;

/// <summary>A smooth model of a Ni K-edge absorption spectrum whose edge shifts rigidly with state of charge.</summary>
/// <remarks>
/// μ(E) = pre + slope·(E − E_a) + step·[½ + arctan((E − E_c)/Γ)/π + A·exp(−(E − E_c − δ)²/(2σ²))], with E_c = E_a + SOC·ΔE.
/// The arctan term crosses half the step at E_c; the white-line Gaussian (amplitude A, offset δ above E_c, width σ) moves the
/// half-height point slightly below E_c. Because the whole spectrum shifts with SOC, the half-height energy shifts by exactly
/// SOC·ΔE, so a linear calibration between the SOC 0 and SOC 1 spectra recovers SOC. Defaults: Ni²⁺ edge at 8343 eV, ΔE = 2 eV
/// (of the order of the ~1.8 eV Ni²⁺→Ni³⁺ half-height shift of the NiO and LiNiO₂ references), Γ = 1.5 eV, A = 0.5, δ = 7 eV, σ = 4 eV.
/// </remarks>
public sealed record NiKEdgeModel
{
    /// <summary>Edge (arctan centre) at SOC 0, eV.</summary>
    public double EdgeAtSoc0 { get; init; } = 8343.0;
    /// <summary>Edge shift from SOC 0 to SOC 1, eV.</summary>
    public double ShiftPerSoc { get; init; } = 2.0;
    /// <summary>Arctan half-width Γ, eV.</summary>
    public double EdgeWidth { get; init; } = 1.5;
    /// <summary>White-line amplitude relative to the step.</summary>
    public double WhiteLineAmplitude { get; init; } = 0.5;
    /// <summary>White-line offset above the edge, eV.</summary>
    public double WhiteLineOffset { get; init; } = 7.0;
    /// <summary>White-line Gaussian σ, eV.</summary>
    public double WhiteLineSigma { get; init; } = 4.0;
    /// <summary>Edge step (μ units, e.g. 1/m after reconstruction, or optical density).</summary>
    public double Step { get; init; } = 1.0;
    /// <summary>Pre-edge level at E_a (μ units).</summary>
    public double PreEdge { get; init; } = 0.3;
    /// <summary>Pre-edge slope, μ units per eV.</summary>
    public double PreEdgeSlope { get; init; } = -2e-4;

    /// <summary>Edge centre at a state of charge, eV.</summary>
    public double EdgeCentre(double soc) => EdgeAtSoc0 + soc * ShiftPerSoc;

    /// <summary>μ at energy <paramref name="energyEv"/> for a state of charge, with an overall density factor.</summary>
    public double Mu(double energyEv, double soc, double density = 1.0)
    {
        double ec = EdgeCentre(soc), x = energyEv - ec, w = x - WhiteLineOffset;
        double edge = 0.5 + Math.Atan(x / EdgeWidth) / Math.PI + WhiteLineAmplitude * Math.Exp(-w * w / (2 * WhiteLineSigma * WhiteLineSigma));
        return density * (PreEdge + PreEdgeSlope * (energyEv - EdgeAtSoc0) + Step * edge);
    }

    /// <summary>The model's own half-height energy: where (μ − pre-edge line)/step = <paramref name="level"/> (bisection near the edge), eV.</summary>
    public double HalfHeightEnergy(double soc, double level = 0.5)
    {
        double ec = EdgeCentre(soc), lo = ec - 20, hi = ec + 1;
        double F(double e) => (Mu(e, soc) - PreEdge - PreEdgeSlope * (e - EdgeAtSoc0)) / Step - level;
        for (int i = 0; i < 80; i++) { double m = 0.5 * (lo + hi); if (F(m) < 0) lo = m; else hi = m; }
        return 0.5 * (lo + hi);
    }

    /// <summary>The TXM energy grid of issue 7: 63 energies over 8178–8570 eV, 10 eV steps below the edge, 1 eV near it, 20 eV above.</summary>
    public static double[] TxmEnergyGrid()
    {
        var e = new List<double>();
        for (int x = 8178; x <= 8318; x += 10) e.Add(x);      // 15: 8178..8318
        for (int x = 8320; x <= 8356; x += 1) e.Add(x);       // 37: 8320..8356 (edge and white line)
        for (int x = 8370; x <= 8570; x += 20) e.Add(x);      // 11: 8370..8570
        return [.. e];
    }
}
