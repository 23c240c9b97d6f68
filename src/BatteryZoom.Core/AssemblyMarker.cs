namespace BatteryZoom.Core;

/// <summary>Assembly marker for BatteryZoom.Core.</summary>
public static class AssemblyMarker;
