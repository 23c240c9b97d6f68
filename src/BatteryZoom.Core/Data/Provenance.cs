using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace BatteryZoom.Core.Data;

/// <summary>One processing step that made (part of) a result.</summary>
/// <param name="Step">Stable step id, e.g. "reconstruct.fbp".</param>
/// <param name="Version">Step version; bumped when results change beyond test tolerance.</param>
/// <param name="Parameters">Parameters as printed with units ("35 mm"), so a reader never guesses.</param>
/// <param name="Backend">The compute backend ("cpu: 2 threads, AVX2").</param>
/// <param name="Software">BatteryZoom version.</param>
/// <param name="StartedUtc">When the step started.</param>
/// <param name="Seconds">Wall time of the step.</param>
public sealed record ProvenanceEntry(
    string Step, int Version, ImmutableSortedDictionary<string, string> Parameters, string Backend, string Software, DateTimeOffset StartedUtc, double Seconds);

/// <summary>The ordered list of steps behind a result; immutable, each step returns a new one with its entry appended.</summary>
public sealed class Provenance
{
    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = false, DefaultIgnoreCondition = JsonIgnoreCondition.Never };

    /// <summary>No history.</summary>
    public static readonly Provenance Empty = new(ImmutableList<ProvenanceEntry>.Empty);

    private Provenance(ImmutableList<ProvenanceEntry> entries) => Entries = entries;

    /// <summary>The steps, oldest first.</summary>
    public ImmutableList<ProvenanceEntry> Entries { get; }

    /// <summary>The version of the BatteryZoom assemblies.</summary>
    public static string SoftwareVersion { get; } =
        "BatteryZoom " + (typeof(Provenance).Assembly.GetName().Version?.ToString(3) ?? "0.0.0");

    /// <summary>A new provenance with one more step.</summary>
    public Provenance Append(string step, int version, IEnumerable<KeyValuePair<string, string>> parameters, string backend, DateTimeOffset started, double seconds) =>
        new(Entries.Add(new ProvenanceEntry(step, version, parameters.ToImmutableSortedDictionary(StringComparer.Ordinal), backend, SoftwareVersion, started, seconds)));

    /// <summary>Serialises to JSON (stored as a file attribute).</summary>
    public string ToJson() => JsonSerializer.Serialize(Entries, JsonOptions);

    /// <summary>Reads JSON written by <see cref="ToJson"/>; null or empty text gives <see cref="Empty"/>.</summary>
    /// <exception cref="JsonException">Malformed text.</exception>
    public static Provenance FromJson(string? json)
    {
        if (string.IsNullOrWhiteSpace(json)) return Empty;
        var list = JsonSerializer.Deserialize<List<ProvenanceEntry>>(json, JsonOptions) ?? [];
        return new Provenance(list.ToImmutableList());
    }
}
