using BatteryZoom.Core.Data;
using BatteryZoom.Core.Diagnostics;
using BatteryZoom.Core.Geometry;
using BatteryZoom.Core.Steps;
using BatteryZoom.Core.Units;

namespace BatteryZoom.Spectroscopy.Data;

/// <summary>Reconstructs one energy's projections onto a target grid (the parallel-beam FBP/SIRT of BatteryZoom.Tomography plugs in
/// here: <see cref="Reconstruction.EnergySeriesReconstruction"/>).</summary>
/// <remarks><paramref name="angleWeights"/> holds one relative weight per projection (see <see cref="EnergySeries.EndViewWeights"/>:
/// ½ for each of two views of the same direction, 1 otherwise). A method without its own quadrature applies them (weighted SIRT);
/// one whose quadrature already splits coincident views (FBP's <c>AngleWeights</c>) must check them, not apply them a second time.</remarks>
public delegate Volume<float> EnergyReconstructor(ProjectionSet projections, VoxelGrid target, ReadOnlySpan<float> angleWeights, RunContext context);

/// <summary>Projection sets of one sample at several energies, energies strictly increasing (a XANES tomography series).</summary>
public sealed class EnergySeries : IDisposable
{
    private readonly ProjectionSet[] _sets;

    /// <summary>Wraps the sets (taken over).</summary>
    /// <exception cref="IncompatibleInputException">A set without an energy, energies not strictly increasing, or fewer than 2 sets.</exception>
    public EnergySeries(IReadOnlyList<ProjectionSet> sets)
    {
        ArgumentNullException.ThrowIfNull(sets);
        if (sets.Count < 2) throw new IncompatibleInputException($"energy series: needs at least 2 energies; got {sets.Count}.");
        for (int i = 0; i < sets.Count; i++)
        {
            if (sets[i].Energy is null) throw new IncompatibleInputException($"energy series: projection set {i} has no energy.");
            if (i > 0 && !(sets[i].Energy!.Value > sets[i - 1].Energy!.Value))
                throw new IncompatibleInputException($"energy series: energies must be strictly increasing; set {i} is at {sets[i].Energy} after {sets[i - 1].Energy}.");
        }
        _sets = [.. sets];
    }

    /// <summary>The projection sets, by increasing energy.</summary>
    public IReadOnlyList<ProjectionSet> Sets => _sets;
    /// <summary>The energies.</summary>
    public IReadOnlyList<Energy> Energies => [.. _sets.Select(s => s.Energy!.Value)];

    /// <summary>Angle weights for a parallel scan: 1 per view, except that views whose angle repeats another modulo π (the −90° and
    /// +90° end views of a −90..+90° scan) share one weight, ½ each, so the duplicated direction is not counted twice.</summary>
    public static float[] EndViewWeights(IReadOnlyList<Angle> angles, double toleranceRadians = 1e-6)
    {
        ArgumentNullException.ThrowIfNull(angles);
        var w = new float[angles.Count];
        for (int i = 0; i < w.Length; i++)
        {
            int same = 0;
            for (int j = 0; j < w.Length; j++)
            {
                double d = Math.IEEERemainder(angles[i].Radians - angles[j].Radians, Math.PI);
                if (Math.Abs(d) < toleranceRadians) same++;
            }
            w[i] = 1f / same;
        }
        return w;
    }

    /// <summary>Reconstructs every energy onto one grid with <paramref name="reconstruct"/>, giving a <see cref="SpectralVolume"/>.</summary>
    /// <exception cref="IncompatibleInputException">A set's geometry is not parallel-beam.</exception>
    public SpectralVolume Reconstruct(VoxelGrid target, EnergyReconstructor reconstruct, RunContext? context = null)
    {
        ArgumentNullException.ThrowIfNull(reconstruct);
        context ??= RunContext.Default;
        var vols = new List<Volume<float>>();
        try
        {
            for (int i = 0; i < _sets.Length; i++)
            {
                if (_sets[i].Geometry is not ParallelBeam pb)
                    throw new IncompatibleInputException($"energy series: set {i} ({_sets[i].Energy}) has {_sets[i].Geometry.GetType().Name} geometry; XANES tomography needs ParallelBeam.");
                vols.Add(reconstruct(_sets[i], target, EndViewWeights(pb.Angles), context));
                context.Report("xanes.reconstruct", i + 1, _sets.Length, _sets[i].Energy!.Value.ToString());
            }
            return new SpectralVolume(Energies, vols);
        }
        catch
        {
            foreach (var v in vols) v.Dispose();
            throw;
        }
    }

    /// <summary>Disposes every set.</summary>
    public void Dispose()
    {
        foreach (var s in _sets) s.Dispose();
    }
}
