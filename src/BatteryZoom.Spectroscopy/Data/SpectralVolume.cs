using BatteryZoom.Core.Data;
using BatteryZoom.Core.Diagnostics;
using BatteryZoom.Core.Geometry;
using BatteryZoom.Core.Units;

namespace BatteryZoom.Spectroscopy.Data;

/// <summary>A stack of volumes on one <see cref="VoxelGrid"/>, one per energy, energies strictly increasing (a XANES spectro-tomogram).</summary>
/// <remarks>Each energy is a <see cref="Volume{T}"/> (in memory or a scratch file), so a 256³ × 63 series never has to fit one array.
/// Work goes slice by slice: <see cref="ReadSlice"/> gives one z-slice at every energy, [energy, y, x].</remarks>
public sealed class SpectralVolume : IDisposable
{
    private readonly Volume<float>[] _volumes;
    private readonly Energy[] _energies;

    /// <summary>Wraps per-energy volumes (taken over: disposed with this object).</summary>
    /// <exception cref="IncompatibleInputException">Counts differ, fewer than 2 energies, energies not finite or not strictly increasing, or grids differ.</exception>
    public SpectralVolume(IReadOnlyList<Energy> energies, IReadOnlyList<Volume<float>> volumes, Quantity? quantity = null, Provenance? provenance = null)
    {
        ArgumentNullException.ThrowIfNull(energies);
        ArgumentNullException.ThrowIfNull(volumes);
        if (energies.Count != volumes.Count) throw new IncompatibleInputException($"spectral volume: {energies.Count} energies but {volumes.Count} volumes.");
        if (energies.Count < 2) throw new IncompatibleInputException($"spectral volume: needs at least 2 energies; got {energies.Count}.");
        for (int i = 0; i < energies.Count; i++)
        {
            if (!double.IsFinite(energies[i].ElectronVolts)) throw new IncompatibleInputException($"spectral volume: energy [{i}] is {energies[i].ElectronVolts}.");
            if (i > 0 && !(energies[i] > energies[i - 1]))
                throw new IncompatibleInputException($"spectral volume: energies must be strictly increasing; E[{i}] = {energies[i].ElectronVolts} eV ≤ E[{i - 1}] = {energies[i - 1].ElectronVolts} eV.");
            if (volumes[i].Grid != volumes[0].Grid)
                throw new IncompatibleInputException($"spectral volume: the volume at {energies[i]} has grid {volumes[i].Grid.Size}, spacing {volumes[i].Grid.Dx}; energy 0 has {volumes[0].Grid.Size}, {volumes[0].Grid.Dx}. Register the energies onto one grid first.");
        }
        _energies = [.. energies];
        _volumes = [.. volumes];
        Quantity = quantity ?? volumes[0].Quantity;
        Provenance = provenance ?? Provenance.Empty;
    }

    /// <summary>Zero-filled volumes for every energy.</summary>
    public static SpectralVolume Create(IReadOnlyList<Energy> energies, VoxelGrid grid, Quantity? quantity = null, StorageOptions? storage = null)
    {
        ArgumentNullException.ThrowIfNull(energies);
        var v = new Volume<float>[energies.Count];
        for (int i = 0; i < v.Length; i++) v[i] = Volume<float>.Create(grid, quantity ?? Quantity.LinearAttenuation, storage);
        return new SpectralVolume(energies, v, quantity);
    }

    /// <summary>Energies, strictly increasing.</summary>
    public IReadOnlyList<Energy> Energies => _energies;
    /// <summary>The shared grid.</summary>
    public VoxelGrid Grid => _volumes[0].Grid;
    /// <summary>Number of energies.</summary>
    public int Count => _energies.Length;
    /// <summary>What the values mean (μ in 1/m, or optical density).</summary>
    public Quantity Quantity { get; }
    /// <summary>How the series was made.</summary>
    public Provenance Provenance { get; init; }

    /// <summary>The volume at energy index <paramref name="index"/>.</summary>
    public Volume<float> AtEnergy(int index) => _volumes[index];

    /// <summary>The energies in eV as doubles (for the numerical kernels).</summary>
    public double[] EnergiesEv() => [.. _energies.Select(e => e.ElectronVolts)];

    /// <summary>Copies the spectrum of voxel (x, y, z) into <paramref name="destination"/> (length ≥ <see cref="Count"/>).</summary>
    public void ReadSpectrum(int x, int y, int z, Span<float> destination)
    {
        var g = Grid.Size;
        if ((uint)x >= (uint)g.Nx || (uint)y >= (uint)g.Ny || (uint)z >= (uint)g.Nz) throw new ArgumentOutOfRangeException(nameof(x), $"voxel ({x}, {y}, {z}) is outside {g}.");
        if (destination.Length < Count) throw new ArgumentException($"destination holds {destination.Length}; {Count} energies.", nameof(destination));
        Span<float> row = new float[g.Nx];
        for (int i = 0; i < Count; i++)
        {
            _volumes[i].Slices.ReadRow(z, y, row);
            destination[i] = row[x];
        }
    }

    /// <summary>Copies slice z at every energy into <paramref name="destination"/>, laid out [energy, y, x].</summary>
    public void ReadSlice(int z, Span<float> destination)
    {
        int len = (int)Grid.Size.SliceLength;
        if (destination.Length < (long)len * Count) throw new ArgumentException($"destination holds {destination.Length}; {Count} × {len} needed.", nameof(destination));
        for (int i = 0; i < Count; i++) _volumes[i].ReadSlice(z, destination.Slice(i * len, len));
    }

    /// <summary>Disposes every per-energy volume.</summary>
    public void Dispose()
    {
        foreach (var v in _volumes) v.Dispose();
    }
}
