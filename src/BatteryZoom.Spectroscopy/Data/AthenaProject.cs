using System.Globalization;
using System.IO.Compression;
using System.Text;
using BatteryZoom.Core.Diagnostics;
using BatteryZoom.Spectroscopy.Normalisation;

namespace BatteryZoom.Spectroscopy.Data;

/// <summary>One group of an Athena project: its id, label, arrays and stored arguments.</summary>
/// <param name="Id">Demeter's group id (<c>$old_group</c>).</param>
/// <param name="Label">The label shown in Athena.</param>
/// <param name="Arguments">The <c>@args</c> key/value pairs as text.</param>
/// <param name="Arrays">The numeric arrays (<c>@x</c>, <c>@y</c>, <c>@i0</c>, …).</param>
public sealed record AthenaGroup(string Id, string Label, IReadOnlyDictionary<string, string> Arguments, IReadOnlyDictionary<string, double[]> Arrays);

/// <summary>Reader for Athena project files (.prj): gzip-compressed (or plain) Perl data written by Demeter.</summary>
/// <remarks>Each record is <c>$old_group = 'id';</c> followed by <c>@args = (key, value, …);</c> and arrays <c>@x = ('…', …);</c>, <c>@y</c>.
/// @x is the raw energy and @y is μ(E); the calibrated energy is @x + bkg_eshift. Only the data is parsed; the Perl is never evaluated.</remarks>
public static class AthenaProject
{
    /// <summary>Reads every group of a project.</summary>
    /// <exception cref="DataFormatException">Not an Athena project, or a group without @x/@y.</exception>
    public static IReadOnlyList<AthenaGroup> Read(string path)
    {
        string text = ReadText(path);
        if (!text.Contains("$old_group", StringComparison.Ordinal))
            throw new DataFormatException(path, "an Athena project ('$old_group = …' records)", "no $old_group record");
        var groups = new List<AthenaGroup>();
        string? id = null;
        Dictionary<string, string>? args = null;
        Dictionary<string, double[]>? arrays = null;
        void Flush()
        {
            if (id is null) return;
            if (arrays is null || !arrays.ContainsKey("x") || !arrays.ContainsKey("y"))
                throw new DataFormatException(path, $"@x and @y arrays in group '{id}'", "a group without them");
            args ??= new Dictionary<string, string>(StringComparer.Ordinal);
            string label = args.TryGetValue("label", out var l) ? l.Trim() : id;
            groups.Add(new AthenaGroup(id, label, args, arrays));
        }
        using var reader = new StringReader(text);
        string? line;
        int lineNo = 0;
        while ((line = reader.ReadLine()) is not null)
        {
            lineNo++;
            if (line.StartsWith("$old_group", StringComparison.Ordinal))
            {
                Flush();
                id = Unquote(line[(line.IndexOf('=', StringComparison.Ordinal) + 1)..].Trim().TrimEnd(';').Trim());
                args = null; arrays = new Dictionary<string, double[]>(StringComparer.Ordinal);
            }
            else if (line.StartsWith("@args", StringComparison.Ordinal) && id is not null)
            {
                var items = SplitList(ListBody(line));
                args = new Dictionary<string, string>(StringComparer.Ordinal);
                for (int i = 0; i + 1 < items.Count; i += 2) args[Unquote(items[i])] = Unquote(items[i + 1]);
            }
            else if (line.StartsWith('@') && id is not null && arrays is not null)
            {
                string name = line[1..line.IndexOf('=', StringComparison.Ordinal)].Trim();
                var items = SplitList(ListBody(line));
                var values = new double[items.Count];
                for (int i = 0; i < items.Count; i++)
                {
                    string s = Unquote(items[i]);
                    if (!double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out values[i]))
                    {
                        if (name is "x" or "y") throw new DataFormatException(path, $"numbers in @{name} of group '{id}'", $"'{s}' (line {lineNo})");
                        values[i] = double.NaN;
                    }
                }
                arrays[name] = values;
            }
        }
        Flush();
        return groups;
    }

    /// <summary>Reads one group as a spectrum on calibrated energies (@x + bkg_eshift), with Athena's stored parameters.</summary>
    /// <param name="path">The .prj file.</param>
    /// <param name="group">Label (trimmed) or id; null: the first group.</param>
    /// <exception cref="DataFormatException">No such group, or a malformed project.</exception>
    public static Spectrum ReadSpectrum(string path, string? group)
    {
        var groups = Read(path);
        AthenaGroup? g = group is null ? groups[0]
            : groups.FirstOrDefault(x => string.Equals(x.Label, group.Trim(), StringComparison.Ordinal))
              ?? groups.FirstOrDefault(x => string.Equals(x.Id, group.Trim(), StringComparison.Ordinal))
              ?? groups.FirstOrDefault(x => string.Equals(x.Label, group.Trim(), StringComparison.OrdinalIgnoreCase));
        if (g is null)
            throw new DataFormatException(path, $"a group labelled '{group}'", "groups " + string.Join(", ", groups.Select(x => $"'{x.Label}'")));
        return ToSpectrum(path, g);
    }

    /// <summary>A group as a spectrum (calibrated energies) with its stored background parameters.</summary>
    public static Spectrum ToSpectrum(string path, AthenaGroup group)
    {
        ArgumentNullException.ThrowIfNull(group);
        double shift = Number(group, "bkg_eshift", 0);
        var x = group.Arrays["x"];
        var e = new double[x.Length];
        for (int i = 0; i < x.Length; i++) e[i] = x[i] + shift;
        var mu = (double[])group.Arrays["y"].Clone();
        AthenaBackground? bkg = null;
        if (group.Arguments.ContainsKey("bkg_e0") && group.Arguments.ContainsKey("bkg_step"))
        {
            double e0 = Number(group, "bkg_e0", double.NaN);
            bool onRaw = MinDistance(x, e0, 0) < 1e-6 && MinDistance(x, e0, shift) > 1e-6;
            bkg = new AthenaBackground(e0, shift, Number(group, "bkg_step", double.NaN), Number(group, "bkg_pre1", -150), Number(group, "bkg_pre2", -30),
                Number(group, "bkg_nor1", 150), Number(group, "bkg_nor2", 400), (int)Number(group, "bkg_nnorm", 3), onRaw);
        }
        return new Spectrum(group.Label, path, e, mu) { Athena = bkg };
    }

    /// <summary>Pre-edge options reproducing Athena's stored normalisation, in the calibrated energy frame of <see cref="ToSpectrum"/>.</summary>
    public static PreEdgeOptions ToPreEdgeOptions(AthenaBackground background)
    {
        ArgumentNullException.ThrowIfNull(background);
        double e0 = background.E0 + (background.E0OnRawGrid ? background.EnergyShift : 0);
        return PreEdgeOptions.FromAthena(e0, background.Pre1, background.Pre2, background.Norm1, background.Norm2, background.NNormCoefficients);
    }

    private static double MinDistance(double[] x, double v, double shift)
    {
        double d = double.PositiveInfinity;
        foreach (var xi in x) d = Math.Min(d, Math.Abs(xi + shift - v));
        return d;
    }

    private static double Number(AthenaGroup g, string key, double fallback) =>
        g.Arguments.TryGetValue(key, out var s) && double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) ? v : fallback;

    private static string ReadText(string path)
    {
        try
        {
            var bytes = File.ReadAllBytes(path);
            if (bytes.Length >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b)
            {
                using var gz = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
                using var sr = new StreamReader(gz, Encoding.Latin1);
                return sr.ReadToEnd();
            }
            return Encoding.Latin1.GetString(bytes);
        }
        catch (InvalidDataException ex) { throw new DataFormatException(path, "a gzip-compressed Athena project", "corrupt gzip data", ex); }
    }

    private static string ListBody(string line)
    {
        int a = line.IndexOf('(', StringComparison.Ordinal), b = line.LastIndexOf(')');
        return a < 0 || b <= a ? "" : line[(a + 1)..b];
    }

    // Splits a Perl list at top-level commas, keeping quoted strings, [..] and {..} intact.
    private static List<string> SplitList(string body)
    {
        var items = new List<string>();
        int depth = 0; bool inQuote = false; int start = 0;
        for (int i = 0; i < body.Length; i++)
        {
            char c = body[i];
            if (inQuote)
            {
                if (c == '\\') i++;
                else if (c == '\'') inQuote = false;
                continue;
            }
            switch (c)
            {
                case '\'': inQuote = true; break;
                case '[' or '{' or '(': depth++; break;
                case ']' or '}' or ')': depth--; break;
                case ',' when depth == 0:
                    items.Add(body[start..i].Trim()); start = i + 1; break;
            }
        }
        if (start < body.Length && body[start..].Trim().Length > 0) items.Add(body[start..].Trim());
        return items;
    }

    private static string Unquote(string s)
    {
        s = s.Trim();
        if (s.Length >= 2 && s[0] == '\'' && s[^1] == '\'') s = s[1..^1].Replace("\\'", "'", StringComparison.Ordinal).Replace("\\\\", "\\", StringComparison.Ordinal);
        return s;
    }
}
