using System.Globalization;
using BatteryZoom.Core.Units;
using BatteryZoom.IO.Hdf5;
using BatteryZoom.IO.Tests.Hdf5;
using BatteryZoom.IO.Tiff;

namespace BatteryZoom.IO.Tests;

/// <summary>What we write, Debian's h5py and tifffile read with identical values; and we read what they write.</summary>
public class InteropTests
{
    private const string Shape = "(3, 4, 5)";

    private static string Py(string path) => "'" + path.Replace("'", "\\'") + "'";

    [Fact]
    public void H5py_ReadsOurVolume()
    {
        Python.Require("h5py", "numpy");
        using var dir = new TempDir();
        string path = dir.File("v.h5");
        using (var volume = Hdf5VolumeTests.PatternVolume(3, 4, 5)) VolumeFile.Write(path, volume, new VolumeWriteOptions { Compress = true });
        var output = Python.Run($$"""
            import h5py, numpy as np
            f = h5py.File({{Py(path)}}, 'r')
            d = f['/volume']
            assert d.dtype == np.float32, d.dtype
            assert d.chunks[0] == 1 and d.chunks[2] == 5, d.chunks
            assert np.array_equal(d[...], {{Pattern.NumpyExpr(Shape)}}.astype(np.float32))
            print(repr(list(d.attrs['voxel_size'])), d.attrs['quantity'], f.attrs['bzoom_format'])
            """);
        Assert.Equal("[6.5e-07, 6.5e-07, 6.5e-07] linear_attenuation bzoom-volume/1", output.Trim());
    }

    [Fact]
    public void H5py_ReadsOurDataExchange()
    {
        Python.Require("h5py", "numpy");
        using var dir = new TempDir();
        string path = dir.File("scan.h5");
        using (var scan = ScanTests.PatternScan(projections: 3)) DataExchange.Write(path, scan);
        var output = Python.Run($$"""
            import h5py, numpy as np
            f = h5py.File({{Py(path)}}, 'r')
            assert np.array_equal(f['/exchange/data'][...], {{Pattern.NumpyExpr("(3, 4, 5)")}}.astype(np.float32))
            assert np.array_equal(f['/exchange/data_white'][...], ({{Pattern.NumpyExpr("(2, 4, 5)")}} + 100000).astype(np.float32))
            print(np.round(f['/exchange/theta'][...], 9).tolist(), f['/measurement/instrument/monochromator/energy'][()])
            """);
        Assert.Equal("[0.0, 60.0, 120.0] 33.6", output.Trim());
    }

    [Theory]
    [InlineData(ElementType.Float32, "float32")]
    [InlineData(ElementType.UInt16, "uint16")]
    public void Tifffile_ReadsOurMultipageTiff(ElementType type, string dtype)
    {
        Python.Require("tifffile", "numpy");
        using var dir = new TempDir();
        string path = dir.File("v.tif");
        using (var volume = Hdf5VolumeTests.PatternVolume(3, 4, 5)) VolumeFile.Write(path, volume, new VolumeWriteOptions { ElementType = type });
        var output = Python.Run($$"""
            import tifffile, numpy as np, json
            a = tifffile.imread({{Py(path)}})
            expected = {{Pattern.NumpyExpr(Shape)}}
            expected = expected.astype(np.float32) if '{{dtype}}' == 'float32' else np.round(expected).astype(np.{{dtype}})
            assert a.dtype == np.{{dtype}}, a.dtype
            assert a.shape == {{Shape}}, a.shape
            assert np.array_equal(a, expected)
            with tifffile.TiffFile({{Py(path)}}) as t:
                print(json.loads(t.pages[0].description)['voxel_size_m'][2])
            """);
        Assert.Equal(0.65e-6, double.Parse(output.Trim(), CultureInfo.InvariantCulture), 15);
    }

    [Fact]
    public void Tifffile_ReadsOurBigTiffAndFolder()
    {
        Python.Require("tifffile", "numpy");
        using var dir = new TempDir();
        string big = dir.File("big.tif"), folder = dir.File("slices");
        using (var volume = Hdf5VolumeTests.PatternVolume(3, 4, 5))
        {
            using (var w = new TiffStackWriter(big, 3, 4, 5, new TiffWriteOptions { BigTiff = true }))
                w.WriteStack(volume.Slices);
            VolumeFile.Write(folder, volume, new VolumeWriteOptions { TiffFolder = true });
        }
        Python.Run($$"""
            import tifffile, numpy as np, glob
            expected = {{Pattern.NumpyExpr(Shape)}}.astype(np.float32)
            with tifffile.TiffFile({{Py(big)}}) as t:
                assert t.is_bigtiff
                assert np.array_equal(t.asarray(), expected)
            files = sorted(glob.glob({{Py(folder)}} + '/*.tif'))
            assert np.array_equal(np.stack([tifffile.imread(f) for f in files]), expected)
            """);
    }

    [Fact]
    public void WeRead_H5pyChunkedGzip()
    {
        Python.Require("h5py", "numpy");
        using var dir = new TempDir();
        string path = dir.File("py.h5");
        Python.Run($$"""
            import h5py, numpy as np
            with h5py.File({{Py(path)}}, 'w') as f:
                f.create_dataset('volume', data={{Pattern.NumpyExpr("(7, 9, 11)")}}.astype(np.float32), chunks=(2, 4, 5), compression='gzip', shuffle=True)
                f.create_dataset('u16', data=np.round({{Pattern.NumpyExpr("(2, 3, 4)")}}).astype(np.uint16), chunks=(1, 3, 4), compression='gzip')
            """);
        using var volume = VolumeFile.Read(path, new VolumeReadOptions { DefaultVoxelSize = Length.FromMicrometers(1) });
        for (int z = 0; z < 7; z++) Assert.Equal(Pattern.Frame(z, 9, 11), volume.GetSlice(z).ToArray());
        using var u = new Hdf5FrameReader(path, "/u16");
        Assert.Equal(ElementType.UInt16, u.ElementType);
        var frame = new float[12];
        u.ReadFrame<float>(1, frame);
        Assert.Equal(Pattern.Frame(1, 3, 4).Select(v => MathF.Round(v, MidpointRounding.ToEven)), frame);
    }

    [Fact]
    public void WeRead_H5pyDataExchangeAndNxTomo()
    {
        Python.Require("h5py", "numpy");
        using var dir = new TempDir();
        string dx = dir.File("dx.h5"), nx = dir.File("nx.nxs");
        Python.Run($$"""
            import h5py, numpy as np
            with h5py.File({{Py(dx)}}, 'w') as f:
                f['/exchange/data'] = np.round({{Pattern.NumpyExpr("(4, 3, 5)")}}).astype(np.uint16)
                f['/exchange/data_white'] = np.full((2, 3, 5), 4000, np.uint16)
                f['/exchange/data_dark'] = np.full((1, 3, 5), 100, np.uint16)
                f['/exchange/theta'] = np.linspace(0, 180, 4, endpoint=False)
                f['/measurement/instrument/detector/x_actual_pixel_size'] = 0.65
                f['/measurement/instrument/monochromator/energy'] = 25.0
            with h5py.File({{Py(nx)}}, 'w') as f:
                e = f.create_group('entry0000'); e.attrs['NX_class'] = 'NXentry'; e['definition'] = 'NXtomo'
                d = e.create_group('instrument/detector')
                d.create_dataset('data', data={{Pattern.NumpyExpr("(6, 3, 5)")}}.astype(np.float32), chunks=(1, 3, 5), compression='gzip')
                d['image_key'] = np.array([2, 1, 0, 0, 0, 1], np.int32)
                d['x_pixel_size'] = 1.2e-6; d['x_pixel_size'].attrs['units'] = 'm'
                a = e.create_dataset('sample/rotation_angle', data=np.array([0, 0, 0, 60, 120, 180.0]))
                a.attrs['units'] = 'degree'
            """);
        using (var scan = ProjectionFile.Read(dx))
        {
            Assert.Equal((4, 2, 1), (scan.Projections.Count, scan.Flats!.Count, scan.Darks!.Count));
            Assert.Equal(0.65e-6, scan.Geometry.Detector.PixelWidth.Meters, 15);
            Assert.Equal(25.0, scan.Energy!.Value.KiloElectronVolts, 9);
            Assert.Equal(135, ((Core.Geometry.ParallelBeam)scan.Geometry).Angles[3].Degrees, 9);
            Assert.Equal(Pattern.Frame(2, 3, 5).Select(v => MathF.Round(v, MidpointRounding.ToEven)), scan.Projections.GetFrame(2).ToArray());
        }
        using (var scan = ProjectionFile.Read(nx))
        {
            Assert.Equal((3, 2, 1), (scan.Projections.Count, scan.Flats!.Count, scan.Darks!.Count));
            Assert.Equal(Pattern.Frame(4, 3, 5), scan.Projections.GetFrame(2).ToArray());
            Assert.Equal(1.2e-6, scan.Geometry.Detector.PixelWidth.Meters, 15);
        }
    }

    [Fact]
    public void WeRead_TifffileMultipageAndTiled()
    {
        Python.Require("tifffile", "numpy");
        using var dir = new TempDir();
        string u16 = dir.File("u16.tif"), f32 = dir.File("f32.tif"), tiled = dir.File("tiled.tif"), u32 = dir.File("u32.tif");
        Python.Run($$"""
            import tifffile, numpy as np
            v = {{Pattern.NumpyExpr("(3, 40, 50)")}}
            tifffile.imwrite({{Py(u16)}}, np.round(v).astype(np.uint16), photometric='minisblack')
            tifffile.imwrite({{Py(f32)}}, v.astype(np.float32), photometric='minisblack', resolution=(1e4, 1e4), resolutionunit='CENTIMETER')
            tifffile.imwrite({{Py(tiled)}}, v.astype(np.float32), photometric='minisblack', tile=(16, 16))
            tifffile.imwrite({{Py(u32)}}, np.round(v).astype(np.uint32), photometric='minisblack')
            """);
        var frame = new float[40 * 50];
        foreach (var (path, type) in new[] { (u16, ElementType.UInt16), (f32, ElementType.Float32), (tiled, ElementType.Float32), (u32, ElementType.UInt32) })
        {
            using var r = new TiffStackReader(path);
            Assert.Equal((3, 40, 50, type), (r.Count, r.Rows, r.Columns, r.ElementType));
            for (int f = 0; f < 3; f++)
            {
                r.ReadFrame<float>(f, frame);
                var expected = Pattern.Frame(f, 40, 50);
                if (type != ElementType.Float32) expected = [.. expected.Select(v => MathF.Round(v, MidpointRounding.ToEven))];
                Assert.True(expected.SequenceEqual(frame), $"{path} frame {f}");
            }
        }
        using var withRes = new TiffStackReader(f32);
        Assert.Equal(1e-6, withRes.Metadata.Dx!.Value.Meters, 12);
        using var band = new TiffStackReader(tiled);
        var rows = new float[5 * 50];
        band.ReadRows<float>(1, 14, 5, rows);
        Assert.Equal(Pattern.Frame(1, 40, 50).AsSpan(14 * 50, 5 * 50).ToArray(), rows);
    }
}
