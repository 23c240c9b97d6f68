namespace BatteryZoom.IO;

/// <summary>Assembly marker for BatteryZoom.IO.</summary>
public static class AssemblyMarker;
