using BatteryZoom.Core.Data;
using BatteryZoom.Core.Diagnostics;
using BatteryZoom.Core.Geometry;
using BatteryZoom.Core.Units;
using BatteryZoom.IO.Hdf5;
using PureHDF;

namespace BatteryZoom.IO.Tests.Hdf5;

public class Hdf5VolumeTests
{
    internal static Volume<float> PatternVolume(int nz, int ny, int nx, Length? voxel = null)
    {
        var grid = VoxelGrid.Centered(new GridSize(nx, ny, nz), voxel ?? Length.FromMicrometers(0.65));
        var provenance = Provenance.Empty.Append("test.pattern", 1, [new("seed", "7")], "cpu", DateTimeOffset.UnixEpoch, 0.5);
        var v = Volume<float>.Create(grid, Quantity.LinearAttenuation, StorageOptions.InMemory, provenance);
        for (int z = 0; z < nz; z++) v.WriteSlice(z, Pattern.Frame(z, ny, nx));
        return v;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Volume_RoundTrip_KeepsGridQuantityAndProvenance(bool compress)
    {
        using var dir = new TempDir();
        string path = dir.File("v.h5");
        using var volume = PatternVolume(4, 5, 6);
        VolumeFile.Write(path, volume, new VolumeWriteOptions { Compress = compress });
        using var back = VolumeFile.Read(path);
        Assert.Equal(volume.Grid, back.Grid);
        Assert.Equal(Quantity.LinearAttenuation, back.Quantity);
        Assert.Equal("test.pattern", Assert.Single(back.Provenance.Entries).Step);
        for (int z = 0; z < 4; z++) Assert.Equal(volume.GetSlice(z).ToArray(), back.GetSlice(z).ToArray());
    }

    [Fact]
    public void SlabOfSlicesAndRows_KeepsPositionInTheLabFrame()
    {
        using var dir = new TempDir();
        string path = dir.File("v.h5");
        using var volume = PatternVolume(6, 8, 5);
        VolumeFile.Write(path, volume);
        using var slab = VolumeFile.Read(path, new VolumeReadOptions { Slices = 2..4, Rows = 3..6 });
        Assert.Equal(new GridSize(5, 3, 2), slab.Grid.Size);
        Assert.Equal(volume.Grid.Position(0, 3, 2), slab.Grid.Origin);
        Assert.Equal(Pattern.Frame(3, 8, 5).AsSpan(3 * 5, 3 * 5).ToArray(), slab.GetSlice(1).ToArray());
    }

    [Fact]
    public void UInt16Volume_ReadsAsFloatOrUShort()
    {
        using var dir = new TempDir();
        string path = dir.File("u.h5");
        using var volume = PatternVolume(2, 3, 4);
        VolumeFile.Write(path, volume, new VolumeWriteOptions { ElementType = ElementType.UInt16 });
        using (var r = VolumeFile.OpenReader(path)) Assert.Equal(ElementType.UInt16, r.ElementType);
        using var asUShort = VolumeFile.Read<ushort>(path);
        // v(z=1, y=2, x=3) = 1000 + 20 + 1.5 → 1022 (round half to even)
        Assert.Equal((ushort)1022, asUShort.GetSlice(1)[2 * 4 + 3]);
        using var asFloat = VolumeFile.Read(path);
        Assert.Equal(1022f, asFloat.GetSlice(1)[2 * 4 + 3]);
    }

    [Fact]
    public void MissingDataset_ThrowsNamingFileAndPath()
    {
        using var dir = new TempDir();
        string path = dir.File("other.h5");
        new H5File { ["something"] = new float[] { 1, 2, 3 } }.Write(path);
        var ex = Assert.Throws<DataFormatException>(() => Hdf5Volume.OpenReader(path));
        Assert.Equal($"{path}:/volume: expected a dataset (a volume [z, y, x]); found no such dataset.", ex.Message);
        var ex2 = Assert.Throws<DataFormatException>(() => new Hdf5FrameReader(path, "/exchange/data"));
        Assert.Contains(":/exchange/data", ex2.Message);
    }

    [Fact]
    public void OneDimensionalDataset_IsRefused()
    {
        using var dir = new TempDir();
        string path = dir.File("s.h5");
        new H5File { ["volume"] = new[] { "a", "b" } }.Write(path);
        var ex = Assert.Throws<DataFormatException>(() => Hdf5Volume.OpenReader(path));
        Assert.Contains("expected a 3-D dataset [frame, row, column] (or one 2-D frame); found 1-D [2]", ex.Message);
    }

    [Fact]
    public void StringFrames3D_IsWrongElementType()
    {
        using var dir = new TempDir();
        string path = dir.File("c.h5");
        var data = new H5Dataset(new[] { "aa", "bb", "cc", "dd" }, fileDims: [1, 2, 2]);
        new H5File { ["volume"] = data }.Write(path);
        var ex = Assert.Throws<DataFormatException>(() => Hdf5Volume.OpenReader(path));
        Assert.Contains("expected numbers (integer or floating point)", ex.Message);
        Assert.Contains(path, ex.Message);
    }

    [Fact]
    public void NotHdf5_ThrowsNamingFile()
    {
        using var dir = new TempDir();
        string path = dir.File("n.h5");
        File.WriteAllText(path, "plain text, not HDF5");
        var ex = Assert.Throws<DataFormatException>(() => VolumeFile.Read(path));
        Assert.StartsWith(path + ": expected an HDF5 file; found ", ex.Message);
    }

    [Fact]
    public void Truncated_ThrowsNamingFile()
    {
        using var dir = new TempDir();
        string path = dir.File("t.h5");
        using var volume = PatternVolume(8, 64, 64);
        VolumeFile.Write(path, volume);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length * 2 / 3)]);
        var ex = Assert.ThrowsAny<DataFormatException>(() => { using var v = VolumeFile.Read(path); });
        Assert.Contains(path, ex.Message);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Fact]
    public void NonFinite_ThrowsNamingFileAndFrame()
    {
        using var dir = new TempDir();
        string path = dir.File("nan.h5");
        using var volume = PatternVolume(3, 2, 2);
        volume.GetSlice(2)[3] = float.NaN;
        VolumeFile.Write(path, volume);
        var ex = Assert.Throws<DataFormatException>(() => VolumeFile.Read(path));
        Assert.Equal($"{path}:/volume: expected finite values; found NaN at frame 2, row 1, column 1.", ex.Message);
        using var allowed = VolumeFile.Read(path, new VolumeReadOptions { RejectNonFinite = false });
        Assert.True(float.IsNaN(allowed.GetSlice(2)[3]));
    }
}
