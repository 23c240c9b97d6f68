// SPDX-License-Identifier: MIT
namespace BatteryZoom.Numerics.Fft;

/// <summary>Transform lengths: which are fast, and the next fast length for zero padding.</summary>
/// <remarks>
/// Lengths whose prime factors are all 2, 3, 5 or 7 run on native mixed-radix butterflies. Any other length is
/// computed exactly (to rounding) by Bluestein's chirp-z algorithm, typically 3–6× slower than a nearby fast length.
/// Real transforms of even length use a half-length complex transform, so <see cref="NextFastEven"/> is the
/// right padding for <see cref="IRealFftPlan"/>.
/// </remarks>
public static class FftSize
{
    /// <summary>Largest supported transform length (2²⁴; a Bluestein plan of that size convolves at length ≤ 2²⁶).</summary>
    public const int MaxLength = 1 << 24;

    /// <summary>True when every prime factor of <paramref name="length"/> is 2, 3, 5 or 7.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="length"/> is zero or negative.</exception>
    public static bool IsFast(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(length);
        int n = length;
        foreach (int p in SmallPrimes)
        {
            while (n % p == 0) n /= p;
        }
        return n == 1;
    }

    /// <summary>Smallest length ≥ <paramref name="length"/> whose prime factors are 2, 3, 5 and 7 only.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="length"/> is zero or negative, or above <see cref="MaxLength"/>.</exception>
    public static int NextFast(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(length);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, MaxLength);
        return NextFastUnchecked(length);
    }

    internal static int NextFastUnchecked(int length)
    {
        for (int m = length; ; m++)
        {
            if (IsFast(m)) return m;
        }
    }

    /// <summary>Smallest even length ≥ <paramref name="length"/> whose prime factors are 2, 3, 5 and 7 only (for real transforms).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="length"/> is zero or negative, or above <see cref="MaxLength"/>.</exception>
    public static int NextFastEven(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(length);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, MaxLength);
        for (int m = length + (length & 1); ; m += 2)
        {
            if (IsFast(m)) return m;
        }
    }

    private static readonly int[] SmallPrimes = [2, 3, 5, 7];

    /// <summary>Radices for a Stockham plan (8s, then 4, 2, 3, 5, 7), or null when a prime factor above 7 remains.</summary>
    internal static int[]? Factor(int length)
    {
        var radices = new List<int>();
        int n = length;
        while (n % 8 == 0) { radices.Add(8); n /= 8; }
        if (n % 4 == 0) { radices.Add(4); n /= 4; }
        if (n % 2 == 0) { radices.Add(2); n /= 2; }
        foreach (int p in (ReadOnlySpan<int>)[3, 5, 7])
        {
            while (n % p == 0) { radices.Add(p); n /= p; }
        }
        return n == 1 ? radices.ToArray() : null;
    }
}
