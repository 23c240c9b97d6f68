using BatteryZoom.Core.Data;
using BatteryZoom.Core.Steps;
using BatteryZoom.Core.Units;
using BatteryZoom.Segmentation.DistanceTransform;
using BatteryZoom.Segmentation.Labelling;

namespace BatteryZoom.Segmentation.Filters;

/// <summary>Binary morphology with ball structuring elements of a physical radius, hole filling and small-object removal.</summary>
/// <remarks>
/// The ball is <c>{ (i·dx)² + (j·dy)² + (k·dz)² ≤ r² }</c> (scikit-image's <c>ball(r)</c> for unit isotropic voxels; an ellipsoid in
/// voxels when the spacing is anisotropic). Erosion and dilation are computed exactly through the Euclidean distance transform
/// (a voxel is in the dilation when its distance to the nearest foreground voxel is ≤ r), so their cost does not grow with r.
/// Borders as scikit-image: for dilation the outside is background, for erosion the outside is foreground (objects are not eaten
/// from the volume's faces).
/// </remarks>
public static class BinaryMorphology
{
    /// <summary>Dilation by a ball of radius <paramref name="radius"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="mask"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="radius"/> is negative.</exception>
    public static Volume<byte> Dilate(Volume<byte> mask, Length radius, RunContext? context = null) => ByDistance(mask, radius, dilate: true, context, "filter.dilate");

    /// <summary>Erosion by a ball of radius <paramref name="radius"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="mask"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="radius"/> is negative.</exception>
    public static Volume<byte> Erode(Volume<byte> mask, Length radius, RunContext? context = null) => ByDistance(mask, radius, dilate: false, context, "filter.erode");

    /// <summary>Opening: erosion then dilation (removes parts thinner than the ball).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="mask"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="radius"/> is negative.</exception>
    public static Volume<byte> Open(Volume<byte> mask, Length radius, RunContext? context = null)
    {
        using var e = Erode(mask, radius, context);
        return Dilate(e, radius, context);
    }

    /// <summary>Closing: dilation then erosion (fills gaps narrower than the ball).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="mask"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="radius"/> is negative.</exception>
    public static Volume<byte> Close(Volume<byte> mask, Length radius, RunContext? context = null)
    {
        using var d = Dilate(mask, radius, context);
        return Erode(d, radius, context);
    }

    private static Volume<byte> ByDistance(Volume<byte> mask, Length radius, bool dilate, RunContext? context, string step)
    {
        ArgumentNullException.ThrowIfNull(mask);
        if (!(radius.Meters >= 0) || !double.IsFinite(radius.Meters)) throw new ArgumentOutOfRangeException(nameof(radius), $"radius must be ≥ 0; got {radius}.");
        context ??= RunContext.Default;
        var started = DateTimeOffset.UtcNow;
        var prov = VolumeAccess.Step(mask.Provenance, step, 1, context, started, ("radius", radius.ToString()));
        var result = VolumeAccess.NewInMemory<byte>(mask.Grid, Quantity.Mask, prov, out var o);
        using var d2Stack = VolumeAccess.NewScratch<float>(mask.Grid, out var d2);
        // Dilation: distance to the nearest foreground voxel; erosion: distance to the nearest background voxel.
        double unit = EuclideanDistance.SquaredDistances(mask, featureIsNonZero: dilate, d2, context);
        double r = radius.Meters / unit;
        float r2 = (float)(r * r * (1 + 1e-6));   // float32 squared distances: keep voxels exactly on the sphere
        Parallel.For(0, d2.Count, context.ParallelOptions, z =>
        {
            Span<float> d = d2[z]; Span<byte> b = o[z];
            if (dilate) for (int i = 0; i < d.Length; i++) b[i] = d[i] <= r2 ? (byte)1 : (byte)0;
            else for (int i = 0; i < d.Length; i++) b[i] = d[i] > r2 ? (byte)1 : (byte)0;
        });
        return result;
    }

    /// <summary>Fills holes: background components (joined with <paramref name="backgroundConnectivity"/>) that do not touch the volume's faces.</summary>
    /// <remarks>As <c>scipy.ndimage.binary_fill_holes</c> with its default structure when <paramref name="backgroundConnectivity"/> is <see cref="Connectivity.Faces6"/>.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="mask"/> is null.</exception>
    public static Volume<byte> FillHoles(Volume<byte> mask, Connectivity backgroundConnectivity, RunContext? context = null)
    {
        ArgumentNullException.ThrowIfNull(mask);
        backgroundConnectivity.Validate(nameof(backgroundConnectivity));
        context ??= RunContext.Default;
        var started = DateTimeOffset.UtcNow;
        using var bg = ConnectedComponents.LabelCore(mask, backgroundConnectivity, foregroundIsZero: true, uint.MaxValue, context, StorageOptions.InMemory);
        var touches = new bool[bg.Count + 1];
        int nx = mask.Nx, ny = mask.Ny, nz = mask.Nz;
        for (int z = 0; z < nz; z++)
        {
            ReadOnlySpan<uint> l = bg.Labels.GetSlice(z);
            bool face = z == 0 || z == nz - 1;
            for (int y = 0; y < ny; y++)
                for (int x = 0; x < nx; x++)
                    if (face || y == 0 || y == ny - 1 || x == 0 || x == nx - 1) touches[l[y * nx + x]] = true;
        }
        var prov = VolumeAccess.Step(mask.Provenance, "filter.fill_holes", 1, context, started, ("background_connectivity", ((int)backgroundConnectivity).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        var result = VolumeAccess.NewInMemory<byte>(mask.Grid, Quantity.Mask, prov, out var o);
        for (int z = 0; z < nz; z++)
        {
            ReadOnlySpan<uint> l = bg.Labels.GetSlice(z);
            Span<byte> b = o[z];
            for (int i = 0; i < b.Length; i++) b[i] = l[i] == 0 || !touches[l[i]] ? (byte)1 : (byte)0;
        }
        return result;
    }

    /// <summary>Removes objects with <b>fewer than</b> <paramref name="minVoxels"/> voxels (size &lt; min is removed, size ≥ min kept),
    /// as <c>skimage.morphology.remove_small_objects(mask, min_size, connectivity)</c>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="mask"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="minVoxels"/> is negative.</exception>
    public static Volume<byte> RemoveSmallObjects(Volume<byte> mask, long minVoxels, Connectivity connectivity, RunContext? context = null)
    {
        ArgumentNullException.ThrowIfNull(mask);
        ArgumentOutOfRangeException.ThrowIfNegative(minVoxels);
        connectivity.Validate(nameof(connectivity));
        context ??= RunContext.Default;
        var started = DateTimeOffset.UtcNow;
        using var lab = ConnectedComponents.LabelCore(mask, connectivity, foregroundIsZero: false, uint.MaxValue, context, StorageOptions.InMemory);
        var size = new long[lab.Count + 1];
        for (int z = 0; z < mask.Nz; z++)
            foreach (uint l in lab.Labels.GetSlice(z)) size[l]++;
        var prov = VolumeAccess.Step(mask.Provenance, "filter.remove_small_objects", 1, context, started,
            ("min_voxels", minVoxels.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("rule", "remove size < min_voxels"),
            ("connectivity", ((int)connectivity).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        var result = VolumeAccess.NewInMemory<byte>(mask.Grid, Quantity.Mask, prov, out var o);
        for (int z = 0; z < mask.Nz; z++)
        {
            ReadOnlySpan<uint> l = lab.Labels.GetSlice(z);
            Span<byte> b = o[z];
            for (int i = 0; i < b.Length; i++) b[i] = l[i] != 0 && size[l[i]] >= minVoxels ? (byte)1 : (byte)0;
        }
        return result;
    }
}
