namespace BatteryZoom.Segmentation;

/// <summary>Which of a voxel's 26 neighbours count as connected. Always named by the caller: libraries disagree on the default
/// (SciPy's <c>label</c> uses 6, MorphoLibJ 26, scikit-image's <c>label</c> 26 and its <c>watershed</c> 6).</summary>
/// <remarks>The value is the number of neighbours. SciPy: <c>generate_binary_structure(3, 1|2|3)</c>; scikit-image: <c>connectivity=1|2|3</c>.</remarks>
public enum Connectivity
{
    /// <summary>Face neighbours only (offsets with one non-zero component).</summary>
    Faces6 = 6,
    /// <summary>Face and edge neighbours (offsets with one or two non-zero components).</summary>
    Edges18 = 18,
    /// <summary>Face, edge and corner neighbours (all 26 offsets).</summary>
    Vertices26 = 26,
}

internal static class ConnectivityExtensions
{
    /// <summary>Throws for a value outside the enum.</summary>
    public static void Validate(this Connectivity connectivity, string paramName)
    {
        if (connectivity is not (Connectivity.Faces6 or Connectivity.Edges18 or Connectivity.Vertices26))
            throw new ArgumentOutOfRangeException(paramName, $"connectivity must be Faces6, Edges18 or Vertices26; got {(int)connectivity}.");
    }

    /// <summary>Neighbour offsets (dz, dy, dx) of the connectivity, all of them (both half-spaces), in raster order.</summary>
    public static (int Dz, int Dy, int Dx)[] Offsets(this Connectivity connectivity)
    {
        var list = new List<(int, int, int)>(26);
        for (int dz = -1; dz <= 1; dz++)
            for (int dy = -1; dy <= 1; dy++)
                for (int dx = -1; dx <= 1; dx++)
                {
                    int nonZero = (dz != 0 ? 1 : 0) + (dy != 0 ? 1 : 0) + (dx != 0 ? 1 : 0);
                    if (nonZero == 0) continue;
                    if (connectivity == Connectivity.Faces6 && nonZero > 1) continue;
                    if (connectivity == Connectivity.Edges18 && nonZero > 2) continue;
                    list.Add((dz, dy, dx));
                }
        return [.. list];
    }
}
