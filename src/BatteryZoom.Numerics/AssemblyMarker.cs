namespace BatteryZoom.Numerics;

/// <summary>Assembly marker for BatteryZoom.Numerics.</summary>
public static class AssemblyMarker;
