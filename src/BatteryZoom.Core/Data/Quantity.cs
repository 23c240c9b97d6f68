namespace BatteryZoom.Core.Data;

/// <summary>What the values of an image or volume mean, with their unit.</summary>
/// <param name="Name">Stable identifier written to files ("linear_attenuation").</param>
/// <param name="Unit">Unit of the stored numbers ("1/m", "rad", "eV", "" for dimensionless).</param>
public sealed record Quantity(string Name, string Unit)
{
    /// <summary>Unspecified values.</summary>
    public static readonly Quantity Unknown = new("unknown", "");
    /// <summary>Detector counts.</summary>
    public static readonly Quantity Intensity = new("intensity", "counts");
    /// <summary>I / I0 after flat and dark correction.</summary>
    public static readonly Quantity Transmission = new("transmission", "");
    /// <summary>−ln(I/I0) = ∫μ ds.</summary>
    public static readonly Quantity LineIntegral = new("line_integral", "");
    /// <summary>Linear attenuation coefficient μ.</summary>
    public static readonly Quantity LinearAttenuation = new("linear_attenuation", "1/m");
    /// <summary>Projected phase shift φ.</summary>
    public static readonly Quantity Phase = new("phase", "rad");
    /// <summary>Refractive index decrement δ.</summary>
    public static readonly Quantity Delta = new("delta", "");
    /// <summary>Absorption edge energy (e.g. at half edge step).</summary>
    public static readonly Quantity EdgeEnergy = new("edge_energy", "eV");
    /// <summary>Integer object labels.</summary>
    public static readonly Quantity Label = new("label", "");
    /// <summary>Binary mask (0/1).</summary>
    public static readonly Quantity Mask = new("mask", "");
    /// <summary>Distance in metres.</summary>
    public static readonly Quantity Distance = new("distance", "m");

    /// <summary>Known quantities by name.</summary>
    public static Quantity FromName(string name, string unit = "") => name switch
    {
        "intensity" => Intensity, "transmission" => Transmission, "line_integral" => LineIntegral,
        "linear_attenuation" => LinearAttenuation, "phase" => Phase, "delta" => Delta, "edge_energy" => EdgeEnergy,
        "label" => Label, "mask" => Mask, "distance" => Distance, "unknown" => Unknown, _ => new Quantity(name, unit),
    };
}

/// <summary>The domain of projection values, so that a log is never taken twice.</summary>
public enum IntensityDomain
{
    /// <summary>Raw detector counts, flats and darks not yet applied.</summary>
    Raw,
    /// <summary>(I − D)/(F − D).</summary>
    Transmission,
    /// <summary>−ln of the transmission (or a retrieved phase/thickness map).</summary>
    LineIntegral,
}
