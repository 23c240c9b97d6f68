// SPDX-License-Identifier: MIT
using System.Collections.Immutable;
using System.Globalization;

namespace BatteryZoom.Phase.Materials;

/// <summary>A parsed chemical formula: atoms per formula unit of each element, e.g. "LiNi0.5Mn0.3Co0.2O2" or "CaMg(CO3)2".</summary>
/// <remarks>Grammar: element symbols (capital letter, optional lower-case letters), each followed by an optional decimal count
/// (default 1); parenthesised or bracketed groups followed by an optional count; spaces are ignored. Elements must be in
/// <see cref="AtomicScatteringTable"/>.</remarks>
public sealed class ChemicalFormula
{
    private ChemicalFormula(string text, ImmutableSortedDictionary<string, double> counts) => (Text, Counts) = (text, counts);

    /// <summary>The formula as given.</summary>
    public string Text { get; }
    /// <summary>Atoms per formula unit, by element symbol.</summary>
    public ImmutableSortedDictionary<string, double> Counts { get; }

    /// <summary>Molar mass of one formula unit, g/mol.</summary>
    public double MolarMass => Counts.Sum(kv => kv.Value * AtomicScatteringTable.Element(kv.Key).AtomicMass);

    /// <summary>Parses a formula.</summary>
    /// <exception cref="FormatException">Empty text, an unknown element, an unbalanced parenthesis, a bad or non-positive count.</exception>
    public static ChemicalFormula Parse(string formula)
    {
        ArgumentNullException.ThrowIfNull(formula);
        string s = formula.Replace(" ", "", StringComparison.Ordinal);
        if (s.Length == 0) throw new FormatException("chemical formula is empty; expected e.g. \"LiNi0.5Mn0.3Co0.2O2\".");
        var stack = new Stack<Dictionary<string, double>>();
        stack.Push(new Dictionary<string, double>(StringComparer.Ordinal));
        int i = 0;
        while (i < s.Length)
        {
            char c = s[i];
            if (c is '(' or '[')
            {
                stack.Push(new Dictionary<string, double>(StringComparer.Ordinal));
                i++;
            }
            else if (c is ')' or ']')
            {
                if (stack.Count == 1) throw new FormatException($"formula '{formula}': unmatched '{c}' at position {i}.");
                var group = stack.Pop();
                i++;
                double m = ReadCount(s, ref i, formula);
                foreach (var kv in group) Add(stack.Peek(), kv.Key, kv.Value * m);
            }
            else if (char.IsUpper(c))
            {
                int start = i++;
                while (i < s.Length && char.IsLower(s[i])) i++;
                string symbol = s[start..i];
                if (!AtomicScatteringTable.Contains(symbol))
                    throw new FormatException($"formula '{formula}': unknown element '{symbol}' at position {start}; the table holds {string.Join(" ", AtomicScatteringTable.Symbols)}.");
                Add(stack.Peek(), symbol, ReadCount(s, ref i, formula));
            }
            else
            {
                throw new FormatException($"formula '{formula}': unexpected '{c}' at position {i}; element symbols start with a capital letter (\"LiCoO2\").");
            }
        }
        if (stack.Count != 1) throw new FormatException($"formula '{formula}': {stack.Count - 1} unclosed parenthesis.");
        var counts = stack.Pop();
        if (counts.Count == 0) throw new FormatException($"formula '{formula}' contains no element.");
        return new ChemicalFormula(formula, counts.ToImmutableSortedDictionary(StringComparer.Ordinal));
    }

    /// <inheritdoc/>
    public override string ToString() => Text;

    private static void Add(Dictionary<string, double> d, string symbol, double n) => d[symbol] = d.GetValueOrDefault(symbol) + n;

    private static double ReadCount(string s, ref int i, string formula)
    {
        int start = i;
        while (i < s.Length && (char.IsDigit(s[i]) || s[i] == '.')) i++;
        if (i == start) return 1;
        if (!double.TryParse(s[start..i], NumberStyles.Float, CultureInfo.InvariantCulture, out double n) || !(n > 0))
            throw new FormatException($"formula '{formula}': bad count '{s[start..i]}' at position {start}; counts are positive numbers.");
        return n;
    }
}
