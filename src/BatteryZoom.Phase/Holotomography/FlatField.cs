// SPDX-License-Identifier: MIT
using BatteryZoom.Core.Data;
using BatteryZoom.Core.Diagnostics;

namespace BatteryZoom.Phase.Holotomography;

/// <summary>Per-distance flat-field correction (I − D̄)/(F̄ − D̄) with the mean flat F̄ and mean dark D̄ of that distance.</summary>
public sealed class FlatField
{
    private readonly float[]? _dark, _gain;   // gain = 1/(F̄ − D̄)

    private FlatField(float[]? dark, float[]? gain) => (_dark, _gain) = (dark, gain);

    /// <summary>Prepares the correction of <paramref name="scan"/>; transmissions pass through unchanged.</summary>
    /// <exception cref="IncompatibleInputException">Raw data without flats, or line integrals.</exception>
    public static FlatField For(ProjectionSet scan)
    {
        ArgumentNullException.ThrowIfNull(scan);
        if (scan.Domain == IntensityDomain.Transmission) return new FlatField(null, null);
        if (scan.Domain == IntensityDomain.LineIntegral) throw new IncompatibleInputException("flat-field: the scan holds line integrals; expected raw counts or transmissions.");
        if (scan.Flats is null) throw new IncompatibleInputException("flat-field: raw counts need flat fields; the scan has none.");
        int n = scan.Projections.FrameLength;
        var flat = Mean(scan.Flats, n);
        var dark = scan.Darks is null ? new float[n] : Mean(scan.Darks, n);
        var gain = new float[n];
        for (int i = 0; i < n; i++)
        {
            float d = flat[i] - dark[i];
            gain[i] = d > 0 ? 1f / d : 0f;   // a dead flat pixel gives 0, not ∞
        }
        return new FlatField(dark, gain);
    }

    /// <summary>Corrects one frame in place.</summary>
    public void Apply(Span<float> frame)
    {
        if (_gain is null) return;
        for (int i = 0; i < _gain.Length; i++) frame[i] = (frame[i] - _dark![i]) * _gain[i];
    }

    private static float[] Mean(ImageStack<float> stack, int n)
    {
        var sum = new double[n];
        var buf = new float[n];
        for (int f = 0; f < stack.Count; f++)
        {
            stack.ReadFrame(f, buf);
            for (int i = 0; i < n; i++) sum[i] += buf[i];
        }
        var mean = new float[n];
        for (int i = 0; i < n; i++) mean[i] = (float)(sum[i] / stack.Count);
        return mean;
    }
}
