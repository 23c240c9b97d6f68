// SPDX-License-Identifier: MIT
using BatteryZoom.Numerics.Fft;
using BatteryZoom.Phase.Propagation;

namespace BatteryZoom.Phase.Paganin;

/// <summary>Paganin retrieval for images of one shape: the padded filter is computed once; <see cref="Execute"/> is thread-safe.</summary>
/// <remarks><c>Φ = −(δ/β)/2 · ln F⁻¹[ F[I/I0] / (1 + πλz·(δ/β)·|f|²) ]</c>, f in cycles per metre (Paganin et al. 2002, eq. 10
/// with μ = 4πβ/λ). The filter is 1 at f = 0, so a constant transmission t gives the constant −(δ/β)/2·ln t.</remarks>
public sealed class PaganinPlan
{
    private readonly float[] _filter;   // interleaved, includes nothing else: the inverse FFT applies 1/(rows·columns)
    private readonly IRealFft2DPlan _fft;

    private PaganinPlan(int rows, int columns, PaganinOptions options, int pr, int pc, float[] filter)
    {
        (Rows, Columns, Options, PaddedRows, PaddedColumns, _filter) = (rows, columns, options, pr, pc, filter);
        _fft = ManagedFft.Shared.CreateReal2D(pr, pc);
        Warnings = FresnelPropagator.CheckSampling(pr, pc, rows, columns, options.PixelSize, options.Distance, options.Energy);
    }

    /// <summary>Image rows.</summary>
    public int Rows { get; }
    /// <summary>Image columns.</summary>
    public int Columns { get; }
    /// <summary>Padded rows.</summary>
    public int PaddedRows { get; }
    /// <summary>Padded columns.</summary>
    public int PaddedColumns { get; }
    /// <summary>The options.</summary>
    public PaganinOptions Options { get; }
    /// <summary>Sampling warnings found when the plan was made (empty when well sampled).</summary>
    public IReadOnlyList<string> Warnings { get; }

    /// <summary>Makes a plan for rows × columns images.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range or a size is not positive.</exception>
    public static PaganinPlan Create(int rows, int columns, PaganinOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rows);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(columns);
        int pr = ImagePadding.PaddedLength(rows, options.PaddingFactor), pc = ImagePadding.PaddedLength(columns, options.PaddingFactor);
        var f2 = FrequencyGrid.HalfSpectrumSquared(pr, pc, options.PixelSize.Meters);
        double a = Math.PI * options.Energy.Wavelength.Meters * options.Distance.Meters * options.DeltaOverBeta;
        var h = new double[f2.Length];
        for (int i = 0; i < h.Length; i++) h[i] = 1.0 / (1.0 + a * f2[i]);
        return new PaganinPlan(rows, columns, options, pr, pc, SpectralWork.Interleave(h));
    }

    /// <summary>Retrieves the phase Φ (rad) of one transmission image I/I0 [row, column].</summary>
    /// <exception cref="ArgumentException">A span is shorter than rows × columns.</exception>
    public void Execute(ReadOnlySpan<float> transmission, Span<float> phase)
    {
        int n = Rows * Columns;
        if (transmission.Length < n) throw new ArgumentException($"transmission holds {transmission.Length} values; {Rows}×{Columns} expected.", nameof(transmission));
        if (phase.Length < n) throw new ArgumentException($"phase holds {phase.Length} values; {Rows}×{Columns} expected.", nameof(phase));
        using var work = new SpectralWork(PaddedRows, PaddedColumns, accumulator: false);
        ImagePadding.Pad(transmission, Rows, Columns, work.Real, PaddedRows, PaddedColumns, Options.Padding);
        _fft.Forward(work.Real, work.Spectrum);
        SpectralWork.Multiply(work.Spectrum, _filter, work.Spectrum);
        _fft.Inverse(work.Spectrum, work.Real);
        float scale = (float)(-0.5 * Options.DeltaOverBeta);
        var real = work.Real;
        for (int r = 0; r < Rows; r++)
        {
            var src = real.Slice(r * PaddedColumns, Columns);
            var dst = phase.Slice(r * Columns, Columns);
            for (int c = 0; c < Columns; c++) dst[c] = scale * MathF.Log(MathF.Max(src[c], 1e-6f));
        }
    }
}
