namespace BatteryZoom.Spectroscopy.EdgeEnergy;

/// <summary>Dense p×p solves for the per-spectrum fits (p ≤ 6): Gaussian elimination with partial pivoting.</summary>
/// <remarks>Why not a library: the systems are tiny and solved once per voxel, so a call into a general solver (and its
/// allocations) would cost more than the elimination itself.</remarks>
internal static class SmallLinearSystem
{
    /// <summary>Solves m·x = b for x, overwriting <paramref name="m"/> (row-major p×p) and leaving x in <paramref name="b"/>.
    /// Returns false when a pivot is below 1e-300 or not a number (singular or NaN input).</summary>
    public static bool SolveInPlace(Span<double> m, Span<double> b, int p)
    {
        for (int k = 0; k < p; k++)
        {
            int piv = k;
            double max = Math.Abs(m[k * p + k]);
            for (int i = k + 1; i < p; i++) if (Math.Abs(m[i * p + k]) > max) { max = Math.Abs(m[i * p + k]); piv = i; }
            if (!(max > 1e-300)) return false;
            if (piv != k)
            {
                for (int j = 0; j < p; j++) (m[k * p + j], m[piv * p + j]) = (m[piv * p + j], m[k * p + j]);
                (b[k], b[piv]) = (b[piv], b[k]);
            }
            for (int i = k + 1; i < p; i++)
            {
                double f = m[i * p + k] / m[k * p + k];
                for (int j = k; j < p; j++) m[i * p + j] -= f * m[k * p + j];
                b[i] -= f * b[k];
            }
        }
        for (int k = p - 1; k >= 0; k--)
        {
            double s = b[k];
            for (int j = k + 1; j < p; j++) s -= m[k * p + j] * b[j];
            b[k] = s / m[k * p + k];
        }
        return true;
    }
}
