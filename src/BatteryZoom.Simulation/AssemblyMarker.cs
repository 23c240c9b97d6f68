namespace BatteryZoom.Simulation;

/// <summary>Assembly marker for BatteryZoom.Simulation.</summary>
public static class AssemblyMarker;
