// SPDX-License-Identifier: MIT
using BatteryZoom.Numerics.Fft;
using BatteryZoom.Phase.Propagation;

namespace BatteryZoom.Phase.Ctf;

/// <summary>Multi-distance CTF retrieval for images of one shape: per-distance spectral weights are computed once;
/// <see cref="Execute"/> is thread-safe.</summary>
/// <remarks>See <see cref="CtfOptions"/> for the model. Each hologram costs one real FFT of the padded size; the combination
/// costs one inverse FFT.</remarks>
public sealed class CtfPlan
{
    private readonly float[][] _weights;   // per distance, interleaved: −A_z / (2·N·(mean A² + α))
    private readonly IRealFft2DPlan _fft;

    private CtfPlan(int rows, int columns, CtfOptions options, int pr, int pc, float[][] weights, double switchFrequency)
    {
        (Rows, Columns, Options, PaddedRows, PaddedColumns, _weights, SwitchFrequency) = (rows, columns, options, pr, pc, weights, switchFrequency);
        _fft = ManagedFft.Shared.CreateReal2D(pr, pc);
        Warnings = options.Distances.SelectMany(z => FresnelPropagator.CheckSampling(pr, pc, rows, columns, options.PixelSize, z, options.Energy)).ToArray();
    }

    /// <summary>Image rows.</summary>
    public int Rows { get; }
    /// <summary>Image columns.</summary>
    public int Columns { get; }
    /// <summary>Padded rows.</summary>
    public int PaddedRows { get; }
    /// <summary>Padded columns.</summary>
    public int PaddedColumns { get; }
    /// <summary>Number of distances.</summary>
    public int DistanceCount => _weights.Length;
    /// <summary>The options.</summary>
    public CtfOptions Options { get; }
    /// <summary>Frequency of the regularisation switch, 1/√(2λ·z_max), cycles per metre.</summary>
    public double SwitchFrequency { get; }
    /// <summary>Sampling warnings found when the plan was made.</summary>
    public IReadOnlyList<string> Warnings { get; }

    /// <summary>Makes a plan for rows × columns holograms at every distance of <paramref name="options"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range (see <see cref="CtfOptions.Validate"/>) or a size is not positive.</exception>
    /// <exception cref="ArgumentException">No distance.</exception>
    public static CtfPlan Create(int rows, int columns, CtfOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rows);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(columns);
        int pr = ImagePadding.PaddedLength(rows, options.PaddingFactor), pc = ImagePadding.PaddedLength(columns, options.PaddingFactor);
        var f2 = FrequencyGrid.HalfSpectrumSquared(pr, pc, options.PixelSize.Meters);
        double lambda = options.Energy.Wavelength.Meters;
        double gamma = options.DeltaOverBeta is { } db ? 1.0 / db : 0.0;
        int nd = options.Distances.Count;
        double zMax = options.Distances[^1].Meters;
        double fc = 1.0 / Math.Sqrt(2 * lambda * zMax);
        double width = options.SwitchWidth * fc;
        var weights = new float[nd][];
        for (int d = 0; d < nd; d++) weights[d] = new float[2 * f2.Length];
        var z = options.Distances.Select(x => x.Meters).ToArray();
        // Rows of the spectrum are independent: the table of 2·nd·bins sines and cosines is built in parallel.
        int sc = pc / 2 + 1;
        Parallel.For(0, pr, r =>
        {
            Span<double> ad = stackalloc double[nd];
            for (int i = r * sc; i < (r + 1) * sc; i++)
            {
                double sum2 = 0;
                for (int d = 0; d < nd; d++)
                {
                    double chi = Math.PI * lambda * z[d] * f2[i];
                    ad[d] = Math.Sin(chi) + gamma * Math.Cos(chi);
                    sum2 += ad[d] * ad[d];
                }
                double lowWeight = 0.5 * Erfc((Math.Sqrt(f2[i]) - fc) / width);
                double alpha = options.LowFrequencyRegularization * lowWeight + options.HighFrequencyRegularization * (1 - lowWeight);
                double denom = sum2 / nd + alpha;
                double w = denom > 0 ? -1.0 / (2 * nd * denom) : 0;
                for (int d = 0; d < nd; d++) weights[d][2 * i] = weights[d][2 * i + 1] = (float)(ad[d] * w);
            }
        });
        return new CtfPlan(rows, columns, options, pr, pc, weights, fc);
    }

    /// <summary>Retrieves Φ (rad) from holograms I_z/I0 stored one after the other [distance, row, column].</summary>
    /// <exception cref="ArgumentException">A span is shorter than required.</exception>
    public void Execute(ReadOnlySpan<float> holograms, Span<float> phase)
    {
        int n = Rows * Columns;
        if (holograms.Length < n * DistanceCount) throw new ArgumentException($"holograms hold {holograms.Length} values; {DistanceCount} distances of {Rows}×{Columns} expected.", nameof(holograms));
        if (phase.Length < n) throw new ArgumentException($"phase holds {phase.Length} values; {Rows}×{Columns} expected.", nameof(phase));
        using var work = new SpectralWork(PaddedRows, PaddedColumns, accumulator: true);
        for (int d = 0; d < DistanceCount; d++)
        {
            ImagePadding.Pad(holograms.Slice(d * n, n), Rows, Columns, work.Real, PaddedRows, PaddedColumns, Options.Padding, offset: 1f);
            _fft.Forward(work.Real, work.Spectrum);
            if (d == 0) SpectralWork.Multiply(work.Spectrum, _weights[d], work.Accumulator);
            else SpectralWork.MultiplyAdd(work.Spectrum, _weights[d], work.Accumulator);
        }
        _fft.Inverse(work.Accumulator, work.Real);
        ImagePadding.Crop(work.Real, PaddedColumns, phase, Rows, Columns);
    }

    /// <summary>Complementary error function (Numerical Recipes erfcc, fractional error &lt; 1.2e-7).</summary>
    internal static double Erfc(double x)
    {
        double z = Math.Abs(x), t = 1 / (1 + 0.5 * z);
        double r = t * Math.Exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 +
            t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? r : 2 - r;
    }
}
