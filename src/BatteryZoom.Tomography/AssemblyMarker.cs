namespace BatteryZoom.Tomography;

/// <summary>Assembly marker for BatteryZoom.Tomography.</summary>
public static class AssemblyMarker;
