namespace BatteryZoom.Core.Random;

/// <summary>Counter-based random numbers: value = f(seed, stream, index), identical on every .NET version, thread and order of work.</summary>
/// <remarks>SplitMix64 finaliser (Steele, Lea &amp; Flood 2014) applied to a mix of the three counters; not cryptographic.</remarks>
public readonly record struct CounterRandom(ulong Seed, ulong Stream = 0)
{
    /// <summary>64 random bits for <paramref name="index"/>.</summary>
    public ulong NextBits(ulong index)
    {
        ulong z = Seed * 0x9E3779B97F4A7C15UL + (Stream + 1) * 0xD1B54A32D192ED03UL + (index + 1) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        z ^= z >> 31;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public double Uniform(ulong index) => (NextBits(index) >> 11) * (1.0 / (1UL << 53));

    /// <summary>Standard normal by Box–Muller from two uniforms at 2·index and 2·index+1.</summary>
    public double Normal(ulong index)
    {
        double u1 = 1.0 - Uniform(2 * index), u2 = Uniform(2 * index + 1);
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }

    /// <summary>Poisson deviate with mean <paramref name="mean"/> (exact for mean &lt; 30, normal approximation above).</summary>
    public double Poisson(double mean, ulong index)
    {
        if (mean <= 0) return 0;
        if (mean >= 30) return Math.Max(0, Math.Round(mean + Math.Sqrt(mean) * Normal(index)));
        // Knuth's multiplication method with a counter per draw.
        double l = Math.Exp(-mean), p = 1; int k = 0;
        ulong sub = index * 64;
        do { k++; p *= Uniform(sub++); } while (p > l && k < 64);
        return k - 1;
    }

    /// <summary>A generator for a sub-stream (e.g. one per projection).</summary>
    public CounterRandom WithStream(ulong stream) => this with { Stream = stream };
}
