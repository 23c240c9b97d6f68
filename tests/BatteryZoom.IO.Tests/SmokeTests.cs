using BatteryZoom.Core.Data;
using BatteryZoom.Core.Geometry;
using BatteryZoom.Core.Units;
using BatteryZoom.IO.Hdf5;
using BatteryZoom.IO.Tiff;

namespace BatteryZoom.IO.Tests;

public class SmokeTests
{
    [Fact]
    public void Hdf5Volume_RoundTrip()
    {
        using var dir = new TempDir();
        var grid = VoxelGrid.Centered(new GridSize(5, 4, 3), Length.FromMicrometers(0.65));
        string path = dir.File("v.h5");
        using (var w = Hdf5Volume.CreateWriter(path, grid, Quantity.LinearAttenuation))
        {
            for (int z = 0; z < 3; z++) w.WriteFrame<float>(Pattern.Frame(z, 4, 5));
            w.Complete();
        }
        using var r = Hdf5Volume.OpenReader(path);
        Assert.Equal((3, 4, 5), (r.Count, r.Rows, r.Columns));
        var buf = new float[20];
        r.ReadFrame<float>(2, buf);
        Assert.Equal(Pattern.Frame(2, 4, 5), buf);
        Assert.Equal(0.65e-6, r.Metadata.Dx!.Value.Meters, 12);
        Assert.Equal("linear_attenuation", r.Metadata.Quantity!.Name);
    }

    [Fact]
    public void Tiff_RoundTrip()
    {
        using var dir = new TempDir();
        string path = dir.File("v.tif");
        using (var w = new TiffStackWriter(path, 3, 4, 5, new TiffWriteOptions { Metadata = new StackMetadata { Dx = Length.FromMicrometers(2), Dy = Length.FromMicrometers(2), Dz = Length.FromMicrometers(3) } }))
        {
            for (int z = 0; z < 3; z++) w.WriteFrame<float>(Pattern.Frame(z, 4, 5));
            w.Complete();
        }
        using var r = new TiffStackReader(path);
        Assert.Equal((3, 4, 5), (r.Count, r.Rows, r.Columns));
        var buf = new float[20];
        r.ReadFrame<float>(1, buf);
        Assert.Equal(Pattern.Frame(1, 4, 5), buf);
        Assert.Equal(3e-6, r.Metadata.Dz!.Value.Meters, 12);
    }
}
