using System.Diagnostics;
using System.Globalization;
using BatteryZoom.Core.Data;
using BatteryZoom.Core.Steps;
using BatteryZoom.Spectroscopy.Data;
using BatteryZoom.Spectroscopy.EdgeEnergy;
using BatteryZoom.Spectroscopy.Normalisation;
using BatteryZoom.Spectroscopy.StateOfCharge;

namespace BatteryZoom.Spectroscopy;

/// <summary>Options of per-voxel XANES mapping.</summary>
public sealed record XanesMapOptions
{
    /// <summary>Pre-/post-edge ranges; E0 null: Larch's find_e0 on the mean spectrum of the volume (shared by every voxel).</summary>
    public PreEdgeOptions PreEdge { get; init; } = PreEdgeOptions.Default;
    /// <summary>Edge energy and white line.</summary>
    public EdgeEnergyOptions Edge { get; init; } = EdgeEnergyOptions.Default;
    /// <summary>Voxels whose edge step (μ units of the volume) is below this are masked; null: only spectra without an edge are masked.</summary>
    public double? MaskStep { get; init; }
    /// <summary>SOC calibration; null: no SOC map.</summary>
    public SocCalibration? Soc { get; init; }
}

/// <summary>Per-voxel XANES maps on the grid of the spectral volume. Masked voxels hold NaN in the float maps and 0 in <see cref="Mask"/>.</summary>
public sealed class XanesMaps : IDisposable
{
    internal XanesMaps(Volume<float> edge, Volume<float> wl, Volume<float> wlh, Volume<float> step, Volume<float> res, Volume<float>? soc,
        Volume<byte> mask, Volume<byte> status, PreEdgeRanges ranges, long[] counts)
        => (EdgeEnergy, WhiteLineEnergy, WhiteLineHeight, EdgeStep, Residual, Soc, Mask, Status, Ranges, _counts) = (edge, wl, wlh, step, res, soc, mask, status, ranges, counts);

    private readonly long[] _counts;
    /// <summary>Energy where the normalised spectrum crosses the level (0.5), eV.</summary>
    public Volume<float> EdgeEnergy { get; }
    /// <summary>White-line peak energy, eV.</summary>
    public Volume<float> WhiteLineEnergy { get; }
    /// <summary>Normalised white-line height.</summary>
    public Volume<float> WhiteLineHeight { get; }
    /// <summary>Edge step, μ units (written for every voxel with finite data, masked or not).</summary>
    public Volume<float> EdgeStep { get; }
    /// <summary>RMS residual of the pre-/post-edge fits divided by |edge step|.</summary>
    public Volume<float> Residual { get; }
    /// <summary>State of charge, when a calibration was given.</summary>
    public Volume<float>? Soc { get; }
    /// <summary>1 where every quantity is valid, 0 where masked.</summary>
    public Volume<byte> Mask { get; }
    /// <summary>Per-voxel <see cref="SpectrumStatus"/> (why a voxel is masked).</summary>
    public Volume<byte> Status { get; }
    /// <summary>The shared E0 and fit ranges used for every voxel.</summary>
    public PreEdgeRanges Ranges { get; }
    /// <summary>The local-fit noise-bias table as recorded in provenance (<c>local_fit_calibration</c>): "off", "template of N voxels,
    /// b(10%) …, b(20%) …; voxel noise ŝ median … b(ŝ) …", or "none: why" (then the analytic correction applies).</summary>
    public string LocalFitCalibration { get; init; } = "off";
    /// <summary>Number of voxels with a given status.</summary>
    public long CountOf(SpectrumStatus status) => _counts[(int)status];

    /// <summary>The float maps by dataset name (edge_energy, whiteline_energy, whiteline_height, edge_step, residual, soc).</summary>
    public IReadOnlyDictionary<string, Volume<float>> FloatMaps
    {
        get
        {
            var d = new Dictionary<string, Volume<float>>(StringComparer.Ordinal)
            {
                ["edge_energy"] = EdgeEnergy, ["whiteline_energy"] = WhiteLineEnergy, ["whiteline_height"] = WhiteLineHeight,
                ["edge_step"] = EdgeStep, ["residual"] = Residual,
            };
            if (Soc is not null) d["soc"] = Soc;
            return d;
        }
    }

    /// <summary>Disposes every map.</summary>
    public void Dispose()
    {
        EdgeEnergy.Dispose(); WhiteLineEnergy.Dispose(); WhiteLineHeight.Dispose(); EdgeStep.Dispose(); Residual.Dispose();
        Soc?.Dispose(); Mask.Dispose(); Status.Dispose();
    }
}

/// <summary>Maps a spectral volume voxel by voxel: Larch-equivalent normalisation as precomputed linear functionals, edge energy
/// at half step, white line, edge step, residual, mask and SOC. Works slice by slice, in parallel over slices.</summary>
/// <remarks>Step id <c>xanes.map</c>, version 1. docs/algorithms/xanes.md gives the model and the validation.</remarks>
public static class XanesMapper
{
    /// <summary>Step id written to provenance.</summary>
    public const string StepId = "xanes.map";
    /// <summary>Step version.</summary>
    public const int StepVersion = 1;

    /// <summary>Maps every voxel.</summary>
    /// <exception cref="Core.Diagnostics.IncompatibleInputException">Energies too few or ranges without enough points (see <see cref="PreEdgePlan.Create"/>).</exception>
    public static XanesMaps Map(SpectralVolume volume, XanesMapOptions? options = null, RunContext? context = null)
    {
        ArgumentNullException.ThrowIfNull(volume);
        options ??= new XanesMapOptions();
        context ??= RunContext.Default;
        options.Edge.Validate();
        options.Soc?.Validate();
        var started = DateTimeOffset.UtcNow;
        var sw = Stopwatch.StartNew();
        var energies = volume.EnergiesEv();
        var plan = options.PreEdge.E0 is null
            ? PreEdgePlan.Create(energies, options.PreEdge, MeanSpectrum(volume))
            : PreEdgePlan.Create(energies, options.PreEdge);
        context.Log?.Invoke($"{StepId}: E0 = {plan.Ranges.E0.ElectronVolts:0.###} eV, pre [{plan.Ranges.Pre1.ElectronVolts:0.#}, {plan.Ranges.Pre2.ElectronVolts:0.#}], " +
            $"norm [{plan.Ranges.Norm1.ElectronVolts:0.#}, {plan.Ranges.Norm2.ElectronVolts:0.#}] eV, nnorm {plan.Ranges.NNorm}");

        double minStep = options.MaskStep ?? 0;
        LocalFitCalibration? calibration = null;
        string calibrationNote = "off";
        if (options.Edge.LocalFit && options.Edge.LocalFitCalibration)
        {
            var (template, voxels, noise) = CalibrationTemplate(volume, plan, options.Edge, minStep);
            if (voxels == 0) calibrationNote = "none: no voxel with an edge in the sampled slices";
            else
            {
                try
                {
                    calibration = LocalFitCalibration.Create(plan, options.Edge, template);
                    calibrationNote = $"template of {voxels} voxels, b(10%) = {calibration.BiasAt(0.1):0.###} eV, b(20%) = {calibration.BiasAt(0.2):0.###} eV";
                    if (noise.Length > 0)
                    {
                        // The voxels' own noise levels ŝ (sampled slices) and the b subtracted there: median and 10–90 % range.
                        Array.Sort(noise);
                        double Q(double q) => noise[(int)Math.Round(q * (noise.Length - 1))];
                        calibrationNote += string.Create(CultureInfo.InvariantCulture,
                            $"; voxel noise ŝ median {Q(0.5):0.###} (10–90 %: {Q(0.1):0.###}–{Q(0.9):0.###}), b(ŝ) {calibration.BiasAt(Q(0.5)):0.###} eV ({calibration.BiasAt(Q(0.1)):0.###} to {calibration.BiasAt(Q(0.9)):0.###})");
                    }
                }
                catch (ArgumentException ex) { calibrationNote = $"none: {ex.Message}"; }
            }
            context.Log?.Invoke($"{StepId}: local-fit noise-bias table: {calibrationNote}");
        }

        var grid = volume.Grid;
        var prov = volume.Provenance.Append(StepId, StepVersion, Parameters(options, plan, calibrationNote), context.Backend, started, 0);
        Volume<float> New(Quantity q) => Volume<float>.Create(grid, q, context.Storage, prov);
        var edge = New(Quantity.EdgeEnergy);
        var wl = New(new Quantity("whiteline_energy", "eV"));
        var wlh = New(new Quantity("whiteline_height", ""));
        var step = New(new Quantity("edge_step", volume.Quantity.Unit));
        var res = New(new Quantity("fit_residual", ""));
        var soc = options.Soc is null ? null : New(new Quantity("state_of_charge", ""));
        var mask = Volume<byte>.Create(grid, Quantity.Mask, context.Storage, prov);
        var status = Volume<byte>.Create(grid, new Quantity("xanes_status", ""), context.Storage, prov);
        var counts = new long[8];
        int nz = grid.Size.Nz, len = (int)grid.Size.SliceLength, ne = volume.Count;
        long done = 0;
        Parallel.For(0, nz, context.ParallelOptions,
            () => new Worker(plan, options.Edge, calibration, ne, len),
            (z, _, w) =>
            {
                volume.ReadSlice(z, w.Input);
                var spec = w.Spectrum;
                for (int v = 0; v < len; v++)
                {
                    // Transpose in blocks of 64 voxels: reads run along each energy row instead of striding a slice per value.
                    int b = v % Block;
                    if (b == 0)
                    {
                        int m = Math.Min(Block, len - v);
                        for (int i = 0; i < ne; i++)
                        {
                            var row = w.Input.AsSpan(i * len + v, m);
                            for (int j = 0; j < m; j++) w.Tile[j * ne + i] = row[j];
                        }
                    }
                    w.Tile.AsSpan(b * ne, ne).CopyTo(spec);
                    var f = w.Kernel.Evaluate(spec, minStep);
                    bool ok = f.Status == SpectrumStatus.Ok;
                    w.Edge[v] = ok ? (float)f.EdgeEnergy : float.NaN;
                    w.WhiteLine[v] = ok ? (float)f.WhiteLineEnergy : float.NaN;
                    w.WhiteLineHeight[v] = ok ? (float)f.WhiteLineHeight : float.NaN;
                    w.Step[v] = (float)f.EdgeStep;
                    w.Residual[v] = (float)f.Residual;
                    if (soc is not null) w.Soc[v] = ok ? (float)options.Soc!.Apply(f.EdgeEnergy) : float.NaN;
                    w.Mask[v] = ok ? (byte)1 : (byte)0;
                    w.Status[v] = (byte)f.Status;
                    w.Counts[(int)f.Status]++;
                }
                edge.WriteSlice(z, w.Edge); wl.WriteSlice(z, w.WhiteLine); wlh.WriteSlice(z, w.WhiteLineHeight);
                step.WriteSlice(z, w.Step); res.WriteSlice(z, w.Residual); soc?.WriteSlice(z, w.Soc);
                mask.WriteSlice(z, w.Mask); status.WriteSlice(z, w.Status);
                context.Report(StepId, Interlocked.Increment(ref done), nz, "slices");
                return w;
            },
            w => { lock (counts) for (int i = 0; i < counts.Length; i++) counts[i] += w.Counts[i]; });
        context.Log?.Invoke($"{StepId}: {nz} slices in {sw.Elapsed.TotalSeconds:0.00} s; {counts[0]} voxels valid, {len * (long)nz - counts[0]} masked " +
            $"(not finite {counts[1]}, no edge {counts[2]}, no crossing {counts[3]}, step below threshold {counts[4]}).");
        return new XanesMaps(edge, wl, wlh, step, res, soc, mask, status, plan.Ranges, counts) { LocalFitCalibration = calibrationNote };
    }

    private static List<KeyValuePair<string, string>> Parameters(XanesMapOptions o, PreEdgePlan plan, string calibration)
    {
        var r = plan.Ranges;
        string F(double v) => v.ToString("0.###", CultureInfo.InvariantCulture);
        var p = new List<KeyValuePair<string, string>>
        {
            new("e0", $"{F(r.E0.ElectronVolts)} eV"), new("pre1", $"{F(r.Pre1.ElectronVolts)} eV"), new("pre2", $"{F(r.Pre2.ElectronVolts)} eV"),
            new("norm1", $"{F(r.Norm1.ElectronVolts)} eV"), new("norm2", $"{F(r.Norm2.ElectronVolts)} eV"), new("nnorm", r.NNorm.ToString(CultureInfo.InvariantCulture)),
            new("nvict", r.NVict.ToString(CultureInfo.InvariantCulture)), new("level", F(o.Edge.Level)), new("local_fit", o.Edge.LocalFit ? "true" : "false"),
            new("local_fit_half_width", o.Edge.LocalFit ? $"{F(o.Edge.LocalFitHalfWidth.ElectronVolts)} eV" : "none"),
            new("local_fit_correction", !o.Edge.LocalFit ? "none" : calibration.StartsWith("template", StringComparison.Ordinal) ? "table" : o.Edge.LocalFitBiasCorrection ? "analytic" : "none"),
            new("local_fit_calibration", calibration),
            new("mask_step", o.MaskStep is null ? "none" : F(o.MaskStep.Value)), new("larch_rules", "xraylarch>=0.9.79 pre_edge/find_e0"),
        };
        if (o.Soc is not null) p.Add(new("soc_ref", $"{F(o.Soc.Reference0.ElectronVolts)} eV, {F(o.Soc.Reference1.ElectronVolts)} eV"));
        return p;
    }

    private const int Block = 64;

    /// <summary>Mean spectrum over finite voxels of up to 16 evenly spaced slices (for find_e0 of a volume).</summary>
    public static double[] MeanSpectrum(SpectralVolume volume)
    {
        ArgumentNullException.ThrowIfNull(volume);
        int nz = volume.Grid.Size.Nz, len = (int)volume.Grid.Size.SliceLength, ne = volume.Count;
        var sum = new double[ne];
        long count = 0;
        var buf = new float[ne * len];
        int stride = Math.Max(1, nz / 16);
        for (int z = stride / 2; z < nz; z += stride)
        {
            volume.ReadSlice(z, buf);
            for (int v = 0; v < len; v++)
            {
                bool finite = true;
                for (int i = 0; i < ne && finite; i++) finite = float.IsFinite(buf[i * len + v]);
                if (!finite) continue;
                for (int i = 0; i < ne; i++) sum[i] += buf[i * len + v];
                count++;
            }
        }
        if (count == 0) throw new Core.Diagnostics.IncompatibleInputException("xanes.map: every sampled voxel holds NaN or infinite values; set PreEdge.E0 explicitly or check the input.");
        for (int i = 0; i < ne; i++) sum[i] /= count;
        return sum;
    }

    /// <summary>Template of the local-fit noise-bias table: the mean μ of the voxels that have an edge and a crossing (status Ok,
    /// step above the mask threshold) in up to 16 evenly spaced slices. μ, not the normalised spectra, is averaged: the mean of
    /// (μ − pre)/step over noisy steps would carry the bias of 1/step; the plan normalises the mean, and the edge energy is invariant
    /// to the affine differences between voxels. Its noise is that of one voxel over √(voxels).</summary>
    internal static (double[] Template, long Voxels, double[] Noise) CalibrationTemplate(SpectralVolume volume, PreEdgePlan plan, EdgeEnergyOptions edge, double minimumStep)
    {
        int nz = volume.Grid.Size.Nz, len = (int)volume.Grid.Size.SliceLength, ne = volume.Count;
        var kernel = new XanesKernel(plan, edge with { LocalFit = false });
        var sum = new double[ne];
        var spec = new double[ne];
        var buf = new float[ne * len];
        long count = 0;
        var noise = new List<double>();
        int stride = Math.Max(1, nz / 16);
        for (int z = stride / 2; z < nz; z += stride)
        {
            volume.ReadSlice(z, buf);
            for (int v = 0; v < len; v++)
            {
                for (int i = 0; i < ne; i++) spec[i] = buf[i * len + v];
                if (kernel.Evaluate(spec, minimumStep).Status != SpectrumStatus.Ok) continue;
                noise.Add(kernel.LastRelativeNoise);
                for (int i = 0; i < ne; i++) sum[i] += spec[i];
                count++;
            }
        }
        if (count > 0) for (int i = 0; i < ne; i++) sum[i] /= count;
        return (sum, count, [.. noise]);
    }

    private sealed class Worker(PreEdgePlan plan, EdgeEnergyOptions edge, LocalFitCalibration? calibration, int ne, int len)
    {
        public readonly XanesKernel Kernel = new(plan, edge, calibration);
        public readonly float[] Input = new float[ne * len];
        public readonly double[] Spectrum = new double[ne];
        public readonly double[] Tile = new double[Block * ne];
        public readonly float[] Edge = new float[len], WhiteLine = new float[len], WhiteLineHeight = new float[len], Step = new float[len], Residual = new float[len], Soc = new float[len];
        public readonly byte[] Mask = new byte[len], Status = new byte[len];
        public readonly long[] Counts = new long[8];
    }
}
