using System.Globalization;

namespace BatteryZoom.Core.Units;

/// <summary>Splits "12.5 um" into a number and a unit symbol; shared by every quantity's <c>Parse</c>.</summary>
internal static class UnitParser
{
    public static double Parse(string text, string quantityName, IReadOnlyDictionary<string, double> factors)
    {
        ArgumentNullException.ThrowIfNull(text);
        string trimmed = text.Trim();
        int split = 0;
        while (split < trimmed.Length && (char.IsDigit(trimmed[split]) || trimmed[split] is '.' or '-' or '+' or 'e' or 'E'))
        {
            // An 'e' followed by a letter that is not a sign or digit starts a unit ("eV"), not an exponent.
            if (trimmed[split] is 'e' or 'E' && (split + 1 >= trimmed.Length || !(char.IsDigit(trimmed[split + 1]) || trimmed[split + 1] is '-' or '+')))
                break;
            split++;
        }
        string number = trimmed[..split];
        string unit = trimmed[split..].Trim();
        if (unit.Length == 0)
            throw new FormatException($"{quantityName} '{text}' has no unit; expected one of: {string.Join(", ", factors.Keys)} (e.g. \"{ExampleValue(factors)}\").");
        if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out double value))
            throw new FormatException($"{quantityName} '{text}': '{number}' is not a number.");
        if (!factors.TryGetValue(unit, out double factor))
            throw new FormatException($"{quantityName} '{text}': unknown unit '{unit}'; expected one of: {string.Join(", ", factors.Keys)}.");
        if (!double.IsFinite(value))
            throw new FormatException($"{quantityName} '{text}' is not finite.");
        return value * factor;
    }

    private static string ExampleValue(IReadOnlyDictionary<string, double> factors) => "1 " + factors.Keys.First();

    public static string Format(double value, string unit) => value.ToString("G6", CultureInfo.InvariantCulture) + " " + unit;
}
