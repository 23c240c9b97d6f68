using BatteryZoom.Core.Data;
using BatteryZoom.IO;
using BatteryZoom.IO.Hdf5;

namespace BatteryZoom.Cli.Demo;

/// <summary>How the demo writes its files: Data Exchange for parallel scans, BatteryZoom HDF5 volumes for results.</summary>
internal static class DemoIO
{
    public static void WriteDataExchange(string path, ProjectionSet scan, DemoContext context) =>
        DataExchange.Write(path, scan, new DataExchangeWriteOptions(), context.Run);

    public static void WriteVolume(string path, Volume<float> volume, DemoContext context)
    {
        using var writer = Hdf5Volume.CreateWriter(path, volume.Grid, volume.Quantity, volume.Provenance);
        writer.WriteStack(volume.Slices, context.Run);
    }
}
