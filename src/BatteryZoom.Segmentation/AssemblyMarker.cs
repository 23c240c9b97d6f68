namespace BatteryZoom.Segmentation;

/// <summary>Assembly marker for BatteryZoom.Segmentation.</summary>
public static class AssemblyMarker;
