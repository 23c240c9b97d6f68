// SPDX-License-Identifier: MIT
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using BatteryZoom.Core.Units;
using BatteryZoom.Numerics.Fft;

namespace BatteryZoom.Phase.Propagation;

/// <summary>Free-space Fresnel propagation of a sampled wave by the transfer-function (angular-spectrum, paraxial) method.</summary>
/// <remarks>
/// <c>u_z = F⁻¹[ F[u_0] · exp(−iπλz(fx² + fy²)) ]</c>, with the FFT conventions of <see cref="IFft"/> (forward e^{−2πi}),
/// time dependence e^{−iωt} and refractive index n = 1 − δ + iβ, so the exit wave of a sample is
/// <c>u_0 = exp(−iΦ − B)</c> with Φ = k∫δ ds (rad, positive for matter) and B = k∫β ds (intensity exp(−2B)).
/// The constant factor exp(ikz) is dropped. Sampling: the chirp is sampled without aliasing when
/// <c>N·p² ≥ λz</c> (N padded samples, p pixel; Voelz &amp; Roggemann 2009); fringes spread by up to
/// <c>λz/(2p)</c> at the Nyquist frequency, which the padding must hold to avoid wrap-around. See docs/algorithms/phase-retrieval.md.
/// </remarks>
public static class FresnelPropagator
{
    /// <summary>Soft problems of propagating N×N-pixel fields of pitch <paramref name="pixel"/> over <paramref name="distance"/>; empty when well sampled.</summary>
    /// <param name="paddedRows">Padded rows.</param>
    /// <param name="paddedColumns">Padded columns.</param>
    /// <param name="imageRows">Rows of the unpadded image.</param>
    /// <param name="imageColumns">Columns of the unpadded image.</param>
    /// <param name="pixel">Sample-plane pixel.</param>
    /// <param name="distance">Effective propagation distance.</param>
    /// <param name="energy">Photon energy.</param>
    public static IReadOnlyList<string> CheckSampling(int paddedRows, int paddedColumns, int imageRows, int imageColumns, Length pixel, Length distance, Energy energy)
    {
        var problems = new List<string>();
        double p = pixel.Meters, lz = energy.Wavelength.Meters * distance.Meters;
        int n = Math.Min(paddedRows, paddedColumns);
        if (n * p * p < lz)
            problems.Add($"Fresnel propagator under-sampled: N·p² = {n}·({pixel})² < λz = {lz:G3} m² at z = {distance}; the chirp aliases. Pad to at least {Math.Ceiling(lz / (p * p))} pixels or bin the images.");
        double spread = lz / (2 * p) / p;   // pixels
        int margin = Math.Min(paddedRows - imageRows, paddedColumns - imageColumns);
        if (margin < spread)
            problems.Add($"padding of {margin} px is below the Fresnel fringe spread λz/(2p) = {spread:F0} px at z = {distance}: fringes wrap around the borders.");
        return problems;
    }

    /// <summary>The transfer function exp(−iπλz|f|²) on a full complex [rows, columns] FFT grid of pitch <paramref name="pixel"/>.</summary>
    public static ComplexF[] TransferFunction(int rows, int columns, Length pixel, Length distance, Energy energy)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rows);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(columns);
        double a = Math.PI * energy.Wavelength.Meters * distance.Meters, p = pixel.Meters;
        var h = new ComplexF[rows * columns];
        for (int r = 0; r < rows; r++)
        {
            double fy = FrequencyGrid.Frequency(r, rows, p);
            for (int c = 0; c < columns; c++)
            {
                double fx = FrequencyGrid.Frequency(c, columns, p);
                double chi = a * (fx * fx + fy * fy);
                h[r * columns + c] = new ComplexF((float)Math.Cos(chi), (float)-Math.Sin(chi));
            }
        }
        return h;
    }

    /// <summary>Propagates a complex field (rows × columns, already padded as wanted) in place over <paramref name="distance"/>.</summary>
    /// <exception cref="ArgumentException">The field does not hold rows × columns values.</exception>
    public static void Propagate(Span<ComplexF> field, int rows, int columns, Length pixel, Length distance, Energy energy)
    {
        if (field.Length != rows * columns) throw new ArgumentException($"field holds {field.Length} values; {rows}×{columns} expected.", nameof(field));
        var plan = ManagedFft.Shared.CreateComplex2D(rows, columns);
        plan.Forward(field, field);
        var h = TransferFunction(rows, columns, pixel, distance, energy);
        for (int i = 0; i < field.Length; i++) field[i] *= h[i];
        plan.Inverse(field, field);
    }

    /// <summary>Hologram intensity I/I0 at <paramref name="distance"/> of the exit wave exp(−iΦ − B) (plane wave, or the effective
    /// distance and pixel of a cone beam). Inputs and output are rows × columns; the field is edge-padded by at least the fringe spread.</summary>
    /// <param name="phase">Φ = k∫δ ds, rad.</param>
    /// <param name="attenuation">B = k∫β ds (amplitude attenuation; intensity transmission exp(−2B)).</param>
    /// <param name="rows">Image rows.</param>
    /// <param name="columns">Image columns.</param>
    /// <param name="pixel">Sample-plane pixel.</param>
    /// <param name="distance">Effective propagation distance.</param>
    /// <param name="energy">Photon energy.</param>
    /// <param name="intensity">Output I/I0.</param>
    /// <param name="log">Receives sampling warnings (see <see cref="CheckSampling"/>).</param>
    /// <exception cref="ArgumentException">A span is shorter than rows × columns.</exception>
    public static void Intensity(ReadOnlySpan<float> phase, ReadOnlySpan<float> attenuation, int rows, int columns, Length pixel, Length distance, Energy energy, Span<float> intensity, Action<string>? log = null)
    {
        int n = rows * columns;
        if (phase.Length < n || attenuation.Length < n || intensity.Length < n)
            throw new ArgumentException($"phase, attenuation and intensity must hold {rows}×{columns} values.", nameof(phase));
        int margin = (int)Math.Ceiling(energy.Wavelength.Meters * distance.Meters / (2 * pixel.Meters * pixel.Meters));
        // The margin is capped at 4× the image: beyond that the simulation would be both huge and aliased (the warning says so).
        int pr = ImagePadding.PaddedLength(rows, 2, Math.Min(margin, 4 * rows)), pc = ImagePadding.PaddedLength(columns, 2, Math.Min(margin, 4 * columns));
        if (log is not null) foreach (var w in CheckSampling(pr, pc, rows, columns, pixel, distance, energy)) log(w);
        var re = new float[pr * pc];
        var im = new float[pr * pc];
        ImagePadding.Pad(phase, rows, columns, re, pr, pc, PaddingMode.Edge);
        ImagePadding.Pad(attenuation, rows, columns, im, pr, pc, PaddingMode.Edge);
        var field = new ComplexF[pr * pc];
        for (int i = 0; i < field.Length; i++)
        {
            double amp = Math.Exp(-im[i]);
            field[i] = new ComplexF((float)(amp * Math.Cos(re[i])), (float)(-amp * Math.Sin(re[i])));
        }
        Propagate(field, pr, pc, pixel, distance, energy);
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < columns; c++)
                intensity[r * columns + c] = field[r * pc + c].MagnitudeSquared;
    }
}
