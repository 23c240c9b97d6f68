using BatteryZoom.Core.Data;

namespace BatteryZoom.Segmentation.Labelling;

/// <summary>An image of object labels (0 = background, 1…<see cref="Count"/> = objects) with the connectivity that made it.</summary>
/// <remarks>Owns <see cref="Labels"/>: disposing the label volume disposes its storage.</remarks>
public sealed class LabelVolume : IDisposable
{
    /// <summary>Wraps a label image.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="labels"/> is null.</exception>
    public LabelVolume(Volume<uint> labels, uint count, Connectivity connectivity)
    {
        ArgumentNullException.ThrowIfNull(labels);
        (Labels, Count, Connectivity) = (labels, count, connectivity);
    }

    /// <summary>Labels [z][y, x], uint32; 0 is background.</summary>
    public Volume<uint> Labels { get; }
    /// <summary>Number of objects; labels are 1…Count.</summary>
    public uint Count { get; }
    /// <summary>Connectivity used to join voxels into objects.</summary>
    public Connectivity Connectivity { get; }

    /// <summary>Disposes the label storage.</summary>
    public void Dispose() => Labels.Dispose();
}
