namespace BatteryZoom.TestKit;

/// <summary>Assembly marker for BatteryZoom.TestKit.</summary>
public static class AssemblyMarker;
