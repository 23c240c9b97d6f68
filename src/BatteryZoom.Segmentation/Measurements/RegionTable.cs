using System.Globalization;
using BatteryZoom.Core.Data;
using BatteryZoom.Core.Geometry;

namespace BatteryZoom.Segmentation.Measurements;

/// <summary>The measurements of all objects of a label image, with the grid they were taken on; writes CSV with units in the header.</summary>
public sealed class RegionTable
{
    /// <summary>Creates a table.</summary>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public RegionTable(IReadOnlyList<RegionStatistics> rows, VoxelGrid grid, Quantity? intensityQuantity)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(grid);
        (Rows, Grid, IntensityQuantity) = (rows, grid, intensityQuantity);
    }

    /// <summary>One row per object, ascending label.</summary>
    public IReadOnlyList<RegionStatistics> Rows { get; }
    /// <summary>Grid of the label image.</summary>
    public VoxelGrid Grid { get; }
    /// <summary>What the second image measured (null when none was given).</summary>
    public Quantity? IntensityQuantity { get; }

    /// <summary>Header of <see cref="WriteCsv"/>: lengths in µm, areas in µm², volumes in µm³, positions in the lab frame.</summary>
    public IReadOnlyList<string> Columns
    {
        get
        {
            var c = new List<string>
            {
                "label", "voxel_count", "volume [um^3]", "equivalent_diameter [um]",
                "centroid_x [um]", "centroid_y [um]", "centroid_z [um]",
                "bbox_x0 [voxel]", "bbox_y0 [voxel]", "bbox_z0 [voxel]", "bbox_x1 [voxel]", "bbox_y1 [voxel]", "bbox_z1 [voxel]",
                "surface_area [um^2]", "sphericity", "touches_border", "region",
            };
            if (IntensityQuantity is not null)
            {
                string name = IntensityQuantity.Name, unit = IntensityQuantity.Unit.Length > 0 ? $" [{IntensityQuantity.Unit}]" : "";
                c.AddRange([$"{name}_count", $"{name}_mean{unit}", $"{name}_std{unit}", $"{name}_min{unit}", $"{name}_max{unit}"]);
            }
            return c;
        }
    }

    /// <summary>Writes the table as comma-separated values, invariant culture, one header line with units.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="writer"/> is null.</exception>
    public void WriteCsv(TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write(string.Join(',', Columns));
        writer.Write('\n');
        var ci = CultureInfo.InvariantCulture;
        foreach (var r in Rows)
        {
            var b = r.Bounds;
            writer.Write(string.Create(ci,
                $"{r.Label},{r.VoxelCount},{r.Volume.CubicMicrometers:G9},{r.EquivalentDiameter.Micrometers:G9},{r.Centroid.X * 1e6:G9},{r.Centroid.Y * 1e6:G9},{r.Centroid.Z * 1e6:G9},{b.X0},{b.Y0},{b.Z0},{b.X1},{b.Y1},{b.Z1},{r.SurfaceArea.SquareMicrometers:G9},{r.Sphericity:G6},{(r.TouchesBorder ? 1 : 0)},{r.Region}"));
            if (IntensityQuantity is not null)
            {
                var s = r.Intensity ?? default;
                writer.Write(string.Create(ci, $",{s.Count},{s.Mean:G9},{s.StandardDeviation:G9},{s.Min:G9},{s.Max:G9}"));
            }
            writer.Write('\n');
        }
    }
}
