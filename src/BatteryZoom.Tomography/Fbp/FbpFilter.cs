// SPDX-License-Identifier: MIT
namespace BatteryZoom.Tomography.Fbp;

/// <summary>Apodisation window applied to the ramp filter of filtered backprojection.</summary>
/// <remarks>With ν = f / (cutoff · f_Nyquist) ∈ [0, 1] the window is: Ram-Lak 1; Shepp–Logan sinc(ν/2) = sin(πν/2)/(πν/2);
/// cosine cos(πν/2); Hamming 0.54 + 0.46 cos(πν); Hann ½(1 + cos πν); Parzen 1 − 6ν²(1 − ν) for ν ≤ ½, 2(1 − ν)³ above.
/// Every window is zero for ν &gt; 1. Names follow TomoPy/Nabu/scikit-image (docs/algorithms/fbp.md).</remarks>
public enum FbpFilter
{
    /// <summary>Pure ramp |f| (Ram-Lak), band-limited at the cutoff.</summary>
    RamLak,
    /// <summary>Ramp × sinc: the Shepp–Logan filter.</summary>
    SheppLogan,
    /// <summary>Ramp × cosine.</summary>
    Cosine,
    /// <summary>Ramp × Hamming window.</summary>
    Hamming,
    /// <summary>Ramp × Hann window.</summary>
    Hann,
    /// <summary>Ramp × Parzen window (smoothest).</summary>
    Parzen,
}

/// <summary>How a detector row is extended before filtering.</summary>
public enum FbpPadding
{
    /// <summary>Zeros (exact for objects inside the field of view).</summary>
    Zero,
    /// <summary>The edge value repeated (suppresses the cupping of a sample wider than the detector).</summary>
    Edge,
    /// <summary>Edge value tapered smoothly to zero with a half cosine: for truncated (local) scans.</summary>
    SmoothExtrapolation,
}

/// <summary>Filter names and the discrete filter response.</summary>
public static class FbpFilters
{
    /// <summary>Parses a filter name: ramp|ram-lak|ramlak, shepp-logan|shepp, cosine, hamming, hann|hanning, parzen (case-insensitive).</summary>
    /// <exception cref="FormatException">An unknown name; the message lists the valid ones.</exception>
    public static FbpFilter Parse(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.Trim().ToUpperInvariant().Replace("_", "-", StringComparison.Ordinal) switch
        {
            "RAMP" or "RAM-LAK" or "RAMLAK" => FbpFilter.RamLak,
            "SHEPP-LOGAN" or "SHEPP" or "SHEPPLOGAN" => FbpFilter.SheppLogan,
            "COSINE" or "COS" => FbpFilter.Cosine,
            "HAMMING" => FbpFilter.Hamming,
            "HANN" or "HANNING" => FbpFilter.Hann,
            "PARZEN" => FbpFilter.Parzen,
            _ => throw new FormatException($"unknown FBP filter '{name}'; expected one of: ramp, shepp-logan, cosine, hamming, hann, parzen."),
        };
    }

    /// <summary>The window value at <paramref name="nu"/> = f / (cutoff · Nyquist) (0 beyond 1).</summary>
    public static double Window(FbpFilter filter, double nu)
    {
        nu = Math.Abs(nu);
        if (nu > 1) return 0;
        return filter switch
        {
            FbpFilter.RamLak => 1,
            FbpFilter.SheppLogan => nu == 0 ? 1 : Math.Sin(Math.PI * nu / 2) / (Math.PI * nu / 2),
            FbpFilter.Cosine => Math.Cos(Math.PI * nu / 2),
            FbpFilter.Hamming => 0.54 + 0.46 * Math.Cos(Math.PI * nu),
            FbpFilter.Hann => 0.5 * (1 + Math.Cos(Math.PI * nu)),
            FbpFilter.Parzen => nu <= 0.5 ? 1 - 6 * nu * nu * (1 - nu) : 2 * Math.Pow(1 - nu, 3),
            _ => throw new ArgumentOutOfRangeException(nameof(filter), filter, "unknown filter"),
        };
    }

    /// <summary>Frequency response H[k], k = 0..M/2, of the windowed ramp on a padded length <paramref name="length"/> (unit detector spacing).</summary>
    /// <remarks>The ramp is the DFT of the band-limited spatial kernel h[0] = ¼, h[odd n] = −1/(πn)², h[even n] = 0
    /// (Kak &amp; Slaney ch. 3 eq. 61), not the sampled |f|: this removes the DC bias a sampled ramp leaves.</remarks>
    public static double[] Response(FbpFilter filter, double cutoff, int length)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 2);
        if (!(cutoff > 0 && cutoff <= 1)) throw new ArgumentOutOfRangeException(nameof(cutoff), $"cutoff must be in (0, 1] (fraction of Nyquist); got {cutoff}.");
        int half = length / 2;
        var h = new double[half + 1];
        // H[k] = ¼ + Σ_{odd n} 2·h[n]·cos(2πkn/M) over n = 1..M/2 (kernel symmetric, periodic in M).
        for (int k = 0; k <= half; k++)
        {
            double sum = 0.25;
            for (int n = 1; n < length / 2 + (length & 1); n += 2)
            {
                double hn = -1.0 / (Math.PI * Math.PI * n * n);
                double weight = (length % 2 == 0 && n == half) ? 1 : 2;
                sum += weight * hn * Math.Cos(2 * Math.PI * k * (double)n / length);
            }
            double nu = k / (double)half / cutoff;
            h[k] = sum * Window(filter, nu);
        }
        return h;
    }

    /// <summary>The periodic spatial kernel of length <paramref name="length"/> whose DFT is <see cref="Response"/>.</summary>
    public static double[] SpatialKernel(FbpFilter filter, double cutoff, int length)
    {
        var response = Response(filter, cutoff, length);
        int half = length / 2;
        var kernel = new double[length];
        for (int n = 0; n < length; n++)
        {
            double sum = response[0];
            for (int k = 1; k < (length + 1) / 2; k++) sum += 2 * response[k] * Math.Cos(2 * Math.PI * k * (double)n / length);
            if (length % 2 == 0) sum += response[half] * ((n & 1) == 0 ? 1 : -1);
            kernel[n] = sum / length;
        }
        return kernel;
    }
}
