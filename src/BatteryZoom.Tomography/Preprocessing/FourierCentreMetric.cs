// SPDX-License-Identifier: MIT
using BatteryZoom.Core.Data;
using BatteryZoom.Core.Diagnostics;
using BatteryZoom.Core.Geometry;
using BatteryZoom.Numerics.Fft;

namespace BatteryZoom.Tomography.Preprocessing;

/// <summary>Rotation-centre search by Vo's Fourier-space metric, for 180° scans without a projection at 180°.</summary>
/// <remarks>
/// Vo, Atwood &amp; Drakopoulos, Opt. Express 22, 19078 (2014). A 180° sinogram S[θ, t] is completed to 360° with its mirror
/// image about a candidate axis c, <c>S[θ + π, j] = S[θ, 2c − j]</c>. A point at radius r from the true axis traces
/// t = r·cos(θ − φ), whose 2D spectrum over (angular harmonic m, spatial frequency ω in cycles/pixel) stays inside the
/// double wedge |m| ≤ 2π·r·|ω|. With a wrong c the two halves do not join at θ = π and 2π, and the jumps put energy at
/// high |m| and low |ω|, outside the wedge. The metric is the mean spectral magnitude there (|ω|·N ≤ |m|/(2π·ρ) with
/// ρ = the object's radius as a fraction of the half-width, rows |m| ≤ drop and the |ω|·N ≤ 1 columns left out); it is
/// smallest at the true centre. Integer candidates first, then 0.05-px steps around the best with linear interpolation.
/// </remarks>
public static class FourierCentreMetric
{
    /// <summary>Centre (pixels from the centre of column 0) of a 180° sinogram [angle, column] whose angles are uniform over
    /// [0°, 180°) (end excluded).</summary>
    /// <param name="sinogram">Line integrals [angle, column].</param>
    /// <param name="angles">Number of angles (rows).</param>
    /// <param name="columns">Detector columns.</param>
    /// <param name="searchRadius">Candidates within this many pixels of the detector centre (default a quarter of the width).</param>
    /// <param name="objectRadius">Object radius as a fraction of the detector half-width (1 = fills the field).</param>
    /// <exception cref="ArgumentException">Too small a sinogram or a span of another length.</exception>
    public static double Estimate(ReadOnlySpan<float> sinogram, int angles, int columns, double? searchRadius = null, double objectRadius = 1.0)
    {
        if (angles < 8 || columns < 16) throw new ArgumentException($"need at least 8 angles and 16 columns; got {angles}×{columns}.", nameof(sinogram));
        if (sinogram.Length != angles * columns) throw new ArgumentException($"sinogram holds {sinogram.Length} values; {angles}×{columns} expected.", nameof(sinogram));
        var plan = ManagedFft.Shared.CreateComplex2D(2 * angles, columns);
        var mask = Mask(2 * angles, columns, objectRadius);
        var data = sinogram.ToArray();
        var buffer = new ComplexF[2 * angles * columns];
        double mid = (columns - 1) / 2.0, radius = searchRadius ?? columns / 4.0;
        double Metric(double c) => Evaluate(data, angles, columns, c, plan, mask, buffer);
        double best = mid, bestValue = double.PositiveInfinity;
        for (double c = Math.Ceiling(mid - radius); c <= mid + radius; c += 0.5)
        {
            double v = Metric(c);
            if (v < bestValue) (best, bestValue) = (c, v);
        }
        double coarse = best;
        for (double c = coarse - 0.5; c <= coarse + 0.5 + 1e-9; c += 0.05)
        {
            double v = Metric(c);
            if (v < bestValue) (best, bestValue) = (c, v);
        }
        return best;
    }

    /// <summary>Centre of a scan from the summed sinograms of a band of rows around the middle (sums keep the geometry and
    /// average the noise).</summary>
    /// <exception cref="IncompatibleInputException">Not parallel beam, raw counts, or angles not uniform over [0°, 180°).</exception>
    public static double Estimate(ProjectionSet scan, int band = 5)
    {
        ArgumentNullException.ThrowIfNull(scan);
        if (scan.Geometry is not ParallelBeam geometry)
            throw new IncompatibleInputException($"rotation centre (Fourier metric): needs ParallelBeam geometry; got {scan.Geometry.GetType().Name}.");
        if (scan.Domain == IntensityDomain.Raw)
            throw new IncompatibleInputException("rotation centre (Fourier metric): needs normalised data; the scan holds raw counts. Run preprocess.flatfield first.");
        int na = geometry.Angles.Count, nc = scan.Projections.Columns, nr = scan.Projections.Rows;
        double step = Math.PI / na;
        for (int i = 0; i < na; i++)
            if (Math.Abs(geometry.Angles[i].Radians - geometry.Angles[0].Radians - i * step) > 0.25 * step)
                throw new IncompatibleInputException($"rotation centre (Fourier metric): needs {na} angles uniform over [0°, 180°) (end excluded); angle {i} is {geometry.Angles[i]}.");
        var sum = new float[na * nc];
        var row = new float[nc];
        int r0 = Math.Max(0, nr / 2 - band / 2), r1 = Math.Min(nr - 1, nr / 2 + band / 2);
        for (int r = r0; r <= r1; r++)
            for (int a = 0; a < na; a++)
            {
                scan.Projections.ReadRow(a, r, row);
                for (int k = 0; k < nc; k++) sum[a * nc + k] += row[k];
            }
        return Estimate(sum, na, nc);
    }

    private static double Evaluate(float[] s, int na, int nc, double centre, IComplexFft2DPlan plan, float[] mask, ComplexF[] buffer)
    {
        double shift = 2 * centre - (nc - 1);   // mirrored row j reads S[2c − j] = S[(nc − 1 − j) + shift]
        for (int a = 0; a < na; a++)
        {
            int top = a * nc, bottom = (na + a) * nc;
            for (int j = 0; j < nc; j++)
            {
                buffer[top + j] = new ComplexF(s[top + j], 0);
                double x = Math.Clamp(nc - 1 - j + shift, 0, nc - 1);
                int x0 = Math.Min((int)x, nc - 2);
                double f = x - x0;
                buffer[bottom + j] = new ComplexF((float)((1 - f) * s[top + x0] + f * s[top + x0 + 1]), 0);
            }
        }
        plan.Forward(buffer, buffer);
        double total = 0;
        for (int i = 0; i < buffer.Length; i++)
            if (mask[i] != 0) total += Math.Sqrt((double)buffer[i].Real * buffer[i].Real + (double)buffer[i].Imaginary * buffer[i].Imaginary);
        return total;
    }

    // 1 where a correct 360° sinogram has (almost) no energy: |u| ≤ |m|/(2π·ρ·N/2)·N, outside the low rows and the DC columns.
    private static float[] Mask(int rows, int columns, double objectRadius)
    {
        var mask = new float[rows * columns];
        int drop = Math.Max(2, rows / 64);
        double radiusPixels = objectRadius * columns / 2.0;
        for (int i = 0; i < rows; i++)
        {
            int m = i <= rows / 2 ? i : i - rows;     // angular harmonic (unshifted FFT order)
            if (Math.Abs(m) <= drop) continue;
            double uMax = Math.Abs(m) / (2 * Math.PI * radiusPixels) * columns;   // |u| in FFT bins
            for (int j = 0; j < columns; j++)
            {
                int u = j <= columns / 2 ? j : j - columns;
                if (Math.Abs(u) > 1 && Math.Abs(u) <= uMax) mask[i * columns + j] = 1;
            }
        }
        return mask;
    }
}
