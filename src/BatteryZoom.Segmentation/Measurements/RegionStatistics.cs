using BatteryZoom.Core.Geometry;
using BatteryZoom.Core.Units;

namespace BatteryZoom.Segmentation.Measurements;

/// <summary>Measurements of one labelled object.</summary>
/// <param name="Label">The object's label.</param>
/// <param name="VoxelCount">Voxels in the object.</param>
/// <param name="Volume">VoxelCount · dx·dy·dz.</param>
/// <param name="EquivalentDiameter">Diameter of the ball of the same volume, <c>(6V/π)^(1/3)</c>.</param>
/// <param name="Centroid">Mean voxel-centre position in the lab frame (metres).</param>
/// <param name="Bounds">Inclusive voxel-index bounding box.</param>
/// <param name="SurfaceArea">Face-count estimate: <c>(2/3)·Σ exposed face areas</c> (docs/algorithms/segmentation.md).</param>
/// <param name="Sphericity"><c>π^(1/3)·(6V)^(2/3) / A</c>; about 1 for a ball.</param>
/// <param name="TouchesBorder">True when a voxel lies on a face of the volume (the object may be cut).</param>
/// <param name="Region">Label of the region image most of the object's voxels lie in (0 when no region image).</param>
/// <param name="Intensity">Statistics of the second image, when one was given.</param>
public sealed record RegionStatistics(
    uint Label, long VoxelCount, PhysicalVolume Volume, Length EquivalentDiameter, Vec3 Centroid, VoxelBox Bounds,
    Area SurfaceArea, double Sphericity, bool TouchesBorder, uint Region, IntensityStatistics? Intensity);
