using PureHDF.VOL.Native;

namespace BatteryZoom.IO.Hdf5;

/// <summary>Checked reads of small HDF5 items for format readers outside this assembly (e.g. the XANES projection series):
/// the same rules and one-line <see cref="Core.Diagnostics.DataFormatException"/> messages as the built-in readers.</summary>
public static class Hdf5Reading
{
    /// <summary>True when every link of <paramref name="path"/> exists below <paramref name="root"/> (no exception for odd files).</summary>
    public static bool Exists(NativeGroup root, string path) => Hdf5Support.Exists(root, path);

    /// <summary>The dataset at <paramref name="path"/>; a <c>DataFormatException</c> "FILE:PATH: expected a dataset (what)" otherwise.</summary>
    public static NativeDataset Dataset(NativeFile file, string path, string what) => Hdf5Support.Dataset(file, path, what);

    /// <summary>A whole small numeric dataset (any integer or float type) as float64.</summary>
    public static double[] ReadNumbers(NativeDataset dataset, string source) => Hdf5Support.ReadNumbers(dataset, source);

    /// <summary>A string attribute, or null when absent or not a string.</summary>
    public static string? StringAttribute(NativeObject obj, string name) => Hdf5Support.StringAttribute(obj, name);
}
