using System.CommandLine;
using BatteryZoom.IO;
using BatteryZoom.IO.Raw;

namespace BatteryZoom.Cli.Infrastructure;

/// <summary>--shape, --dtype and --byte-order, needed to read headerless raw files.</summary>
internal sealed class RawOptions
{
    private readonly Option<string?> _shape = new("--shape") { Description = "Raw input only: frames×rows×columns, e.g. 100x512x512." };
    private readonly Option<string> _dtype = new("--dtype") { Description = "Raw input only: uint8, uint16, uint32, float32 or float64.", DefaultValueFactory = _ => "float32" };
    private readonly Option<string> _order = new("--byte-order") { Description = "Raw input only: little or big.", DefaultValueFactory = _ => "little" };

    public static RawOptions Create() => new();

    public IEnumerable<Option> All => [_shape, _dtype, _order];

    public RawLayout? Parse(ParseResult parse)
    {
        string? shape = parse.GetValue(_shape);
        if (shape is null) return null;
        var order = parse.GetValue(_order)?.ToLowerInvariant() switch
        {
            "little" or null => ByteOrder.LittleEndian,
            "big" => ByteOrder.BigEndian,
            var other => throw new Core.Diagnostics.UsageException($"--byte-order: expected 'little' or 'big'; got '{other}'."),
        };
        return RawLayout.Parse(shape, ElementTypes.Parse(parse.GetValue(_dtype) ?? "float32"), order);
    }
}
