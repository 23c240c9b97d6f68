using System.Globalization;
using BatteryZoom.Core.Diagnostics;

namespace BatteryZoom.Spectroscopy.Data;

/// <summary>Reads a single spectrum from XDI, Athena .prj, or column text (whitespace, CSV, TSV).</summary>
/// <remarks>
/// The format is recognised from the content: gzip or "# Athena project" → <see cref="AthenaProject"/>; "# XDI/" → XDI
/// (μ from a column named mu/mutrans/mufluor/norm, else ln(i0/itrans), else ifluor/i0); anything else → columns of numbers,
/// energy in the first column and μ in the second (or the column named by <c>group</c> when the file has a header line).
/// Energies whose largest value is below 100 are taken as keV (e.g. PyXAS references) and converted to eV.
/// </remarks>
public static class SpectrumReader
{
    /// <summary>Reads and validates one spectrum.</summary>
    /// <param name="path">File path.</param>
    /// <param name="group">Athena group label or id; for XDI/text files a column name to use as μ; null for the default.</param>
    /// <exception cref="DataFormatException">Missing file, unknown layout, too few columns, non-numeric values, NaN, or energies not strictly increasing.</exception>
    public static Spectrum Read(string path, string? group = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path)) throw new DataFormatException(path, "an existing spectrum file", "no such file");
        byte[] head = new byte[64];
        int n;
        using (var fs = File.OpenRead(path)) n = fs.Read(head, 0, head.Length);
        string start = System.Text.Encoding.Latin1.GetString(head, 0, n);
        Spectrum s;
        if ((n >= 2 && head[0] == 0x1f && head[1] == 0x8b) || start.StartsWith("# Athena project", StringComparison.Ordinal))
            s = AthenaProject.ReadSpectrum(path, group);
        else if (start.StartsWith("# XDI/", StringComparison.Ordinal))
            s = ReadXdi(path, group);
        else
            s = ReadColumns(path, group);
        return s.Validate();
    }

    private static Spectrum ReadXdi(string path, string? column)
    {
        var lines = File.ReadAllLines(path);
        var names = new SortedDictionary<int, string>();
        string energyUnit = "eV";
        var rows = new List<double[]>();
        foreach (var raw in lines)
        {
            string line = raw.Trim();
            if (line.Length == 0) continue;
            if (line.StartsWith('#'))
            {
                string body = line.TrimStart('#').Trim();
                if (body.StartsWith("Column.", StringComparison.OrdinalIgnoreCase))
                {
                    int colon = body.IndexOf(':', StringComparison.Ordinal);
                    if (colon > 7 && int.TryParse(body[7..colon], NumberStyles.Integer, CultureInfo.InvariantCulture, out int idx))
                    {
                        var parts = body[(colon + 1)..].Trim().Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
                        if (parts.Length > 0)
                        {
                            names[idx] = parts[0].ToLowerInvariant();
                            if (idx == 1 && parts.Length > 1) energyUnit = parts[1];
                        }
                    }
                }
                continue;
            }
            rows.Add(ParseRow(path, line, rows.Count));
        }
        if (rows.Count == 0) throw new DataFormatException(path, "XDI data rows", "none");
        var cols = names.Values.ToList();
        int Find(params string[] options)
        {
            foreach (var o in options) { int i = cols.IndexOf(o); if (i >= 0) return i; }
            return -1;
        }
        int ie = Find("energy");
        if (ie < 0) ie = 0;
        var energy = Column(path, rows, ie);
        if (energyUnit.Equals("keV", StringComparison.OrdinalIgnoreCase)) for (int i = 0; i < energy.Length; i++) energy[i] *= 1000;
        double[] mu;
        int im = column is not null ? Find(column.ToLowerInvariant()) : Find("mu", "mutrans", "mufluor", "norm", "normtrans", "normfluor");
        if (column is not null && im < 0) throw new DataFormatException(path, $"a column named '{column}'", "columns " + string.Join(", ", cols));
        if (im >= 0) mu = Column(path, rows, im);
        else
        {
            int i0 = Find("i0"), it = Find("itrans", "it"), iff = Find("ifluor", "if");
            if (i0 >= 0 && it >= 0)
            {
                var a = Column(path, rows, i0); var b = Column(path, rows, it);
                mu = new double[a.Length];
                for (int i = 0; i < a.Length; i++) mu[i] = Math.Log(a[i] / b[i]);
            }
            else if (i0 >= 0 && iff >= 0)
            {
                var a = Column(path, rows, i0); var b = Column(path, rows, iff);
                mu = new double[a.Length];
                for (int i = 0; i < a.Length; i++) mu[i] = b[i] / a[i];
            }
            else throw new DataFormatException(path, "a mu column or i0 with itrans/ifluor", "columns " + string.Join(", ", cols));
        }
        return new Spectrum(Path.GetFileNameWithoutExtension(path), path, KeVToEv(energy), mu);
    }

    private static Spectrum ReadColumns(string path, string? column)
    {
        var rows = new List<double[]>();
        string[]? header = null;
        int lineNo = 0;
        foreach (var raw in File.ReadLines(path))
        {
            lineNo++;
            string line = raw.Trim();
            if (line.Length == 0) continue;
            bool comment = line[0] is '#' or '%' or '!' or ';';
            string body = comment ? line.TrimStart('#', '%', '!', ';').Trim() : line;
            var fields = Split(body);
            bool numeric = fields.Length >= 2 && fields.Take(2).All(f => double.TryParse(f, NumberStyles.Float, CultureInfo.InvariantCulture, out _));
            if (comment || !numeric)
            {
                if (rows.Count == 0 && fields.Length >= 2 && !numeric) header = fields.Select(f => f.ToLowerInvariant()).ToArray();
                else if (!comment && rows.Count > 0) throw new DataFormatException(path, "numeric columns", $"'{Truncate(line)}' (line {lineNo})");
                continue;
            }
            rows.Add(ParseRow(path, body, lineNo));
        }
        if (rows.Count == 0) throw new DataFormatException(path, "at least two numeric columns (energy, μ)", "no numeric rows");
        if (rows[0].Length < 2) throw new DataFormatException(path, "at least two columns (energy, μ)", $"{rows[0].Length}");
        int im = 1;
        if (column is not null)
        {
            im = header is null ? -1 : Array.IndexOf(header, column.ToLowerInvariant());
            if (im < 0) throw new DataFormatException(path, $"a column named '{column}'", header is null ? "no header line" : "columns " + string.Join(", ", header));
        }
        return new Spectrum(Path.GetFileNameWithoutExtension(path), path, KeVToEv(Column(path, rows, 0)), Column(path, rows, im));
    }

    private static string Truncate(string s) => s.Length <= 60 ? s : s[..60] + "…";

    private static string[] Split(string line) =>
        line.Split(line.Contains(',', StringComparison.Ordinal) ? [','] : line.Contains('\t', StringComparison.Ordinal) ? ['\t'] : [' '],
            StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static double[] ParseRow(string path, string line, int lineNo)
    {
        var f = line.Split([' ', '\t', ','], StringSplitOptions.RemoveEmptyEntries);
        var v = new double[f.Length];
        for (int i = 0; i < f.Length; i++)
            if (!double.TryParse(f[i], NumberStyles.Float, CultureInfo.InvariantCulture, out v[i]))
                throw new DataFormatException(path, "a number", $"'{f[i]}' (data row {lineNo})");
        return v;
    }

    private static double[] Column(string path, List<double[]> rows, int index)
    {
        var c = new double[rows.Count];
        for (int i = 0; i < rows.Count; i++)
        {
            if (rows[i].Length <= index) throw new DataFormatException(path, $"{index + 1} columns in every row", $"{rows[i].Length} in data row {i + 1}");
            c[i] = rows[i][index];
        }
        return c;
    }

    private static double[] KeVToEv(double[] e)
    {
        double max = double.NegativeInfinity;
        foreach (var v in e) if (v > max) max = v;
        if (max < 100) for (int i = 0; i < e.Length; i++) e[i] *= 1000;
        return e;
    }
}
