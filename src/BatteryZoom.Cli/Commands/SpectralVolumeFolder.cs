using System.Globalization;
using BatteryZoom.Core.Data;
using BatteryZoom.Core.Diagnostics;
using BatteryZoom.Core.Steps;
using BatteryZoom.Core.Units;
using BatteryZoom.IO;
using BatteryZoom.Spectroscopy.Data;

namespace BatteryZoom.Cli.Commands;

/// <summary>A spectral volume on disk: a folder with <c>energies.txt</c> (one line per energy: energy in eV, then the volume file
/// relative to the folder) and one volume per energy in any format <see cref="VolumeFile"/> reads (docs/formats.md, "Spectral volume").</summary>
internal static class SpectralVolumeFolder
{
    public const string IndexFile = "energies.txt";
    public const string FormatTag = "bzoom-spectral-volume/1";

    /// <summary>Reads the folder (or its <c>energies.txt</c>) into a <see cref="SpectralVolume"/>.</summary>
    /// <exception cref="DataFormatException">No index, a malformed line, energies not strictly increasing, or a missing volume.</exception>
    public static SpectralVolume Read(string path, RunContext context)
    {
        ArgumentNullException.ThrowIfNull(path);
        string index = Directory.Exists(path) ? Path.Combine(path, IndexFile) : path;
        if (!File.Exists(index))
            throw new DataFormatException(path, $"a spectral-volume folder with {IndexFile} (or that file itself)", Directory.Exists(path) ? $"no {IndexFile}" : "no such file or folder");
        string folder = Path.GetDirectoryName(Path.GetFullPath(index)) ?? ".";
        var entries = new List<(double Ev, string File)>();
        var lines = File.ReadAllLines(index);
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i];
            int hash = line.IndexOf('#', StringComparison.Ordinal);
            if (hash >= 0) line = line[..hash];
            line = line.Trim();
            if (line.Length == 0) continue;
            var parts = line.Split((char[]?)null, 2, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length != 2 || !double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out double ev) || !double.IsFinite(ev))
                throw new DataFormatException($"{index}:{i + 1}", "'ENERGY_EV FILE' (a number in eV, then a volume file)", $"'{lines[i].Trim()}'");
            if (entries.Count > 0 && !(ev > entries[^1].Ev))
                throw new DataFormatException($"{index}:{i + 1}", "strictly increasing energies", $"{ev.ToString(CultureInfo.InvariantCulture)} eV after {entries[^1].Ev.ToString(CultureInfo.InvariantCulture)} eV");
            entries.Add((ev, parts[1].Trim()));
        }
        if (entries.Count < 2) throw new DataFormatException(index, "at least 2 energies", $"{entries.Count}");
        var volumes = new List<Volume<float>>(entries.Count);
        try
        {
            foreach (var (_, file) in entries)
            {
                context.Cancellation.ThrowIfCancellationRequested();
                string full = Path.Combine(folder, file);
                if (!File.Exists(full) && !Directory.Exists(full)) throw new DataFormatException(index, $"the volume file '{file}'", "no such file");
                volumes.Add(VolumeFile.Read(full, context: context));
            }
            return new SpectralVolume([.. entries.Select(e => new Energy(e.Ev))], volumes, provenance: Provenance.Empty);
        }
        catch
        {
            foreach (var v in volumes) v.Dispose();
            throw;
        }
    }

    /// <summary>Writes <paramref name="volume"/> as a spectral-volume folder (e0000.h5, … and energies.txt), atomically;
    /// <paramref name="extra"/> may add files to the staging folder before the commit.</summary>
    public static void Write(string path, SpectralVolume volume, bool overwrite, RunContext context, Action<string>? extra = null)
    {
        ArgumentNullException.ThrowIfNull(volume);
        using var output = Infrastructure.OutputDirectory.Begin(path, overwrite);
        using (var index = new StreamWriter(Path.Combine(output.StagingPath, IndexFile)))
        {
            index.WriteLine($"# {FormatTag}: energy (eV) and volume file, one line per energy");
            for (int i = 0; i < volume.Count; i++)
            {
                string file = string.Create(CultureInfo.InvariantCulture, $"e{i:D4}.h5");
                VolumeFile.Write(Path.Combine(output.StagingPath, file), volume.AtEnergy(i), context: context);
                index.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{volume.Energies[i].ElectronVolts:R} {file}"));
            }
        }
        extra?.Invoke(output.StagingPath);
        output.Commit();
    }
}
