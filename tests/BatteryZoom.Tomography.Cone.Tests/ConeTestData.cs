using BatteryZoom.Core.Data;
using BatteryZoom.Core.Geometry;
using BatteryZoom.Core.Steps;
using BatteryZoom.Core.Units;
using BatteryZoom.Simulation.Acquisition;
using BatteryZoom.Simulation.Phantoms;
using BatteryZoom.Tomography.ConeBeam;

namespace BatteryZoom.Tomography.Cone.Tests;

/// <summary>Shared small cone-beam set-ups: 64³ voxels of 100 µm, source 50 mm from the axis, magnification 2.</summary>
internal static class ConeTestData
{
    public static readonly Length Voxel = Length.FromMicrometers(100);
    public static readonly Length SourceAxis = Length.FromMillimeters(50);
    public static readonly Length SourceDetector = Length.FromMillimeters(100);
    public static readonly Length Pixel = Length.FromMicrometers(200);

    public static CircularConeBeam Geometry(int projections = 180, int columns = 80, int rows = 80, double arcRadians = 2 * Math.PI,
        Length? offsetU = null, Length? offsetV = null, Length? sourceAxis = null, bool includeEnd = false)
    {
        var det = new Detector(columns, rows, Pixel, Pixel, offsetU, offsetV);
        var angles = ParallelBeam.UniformAngles(projections, Angle.Zero, new Angle(arcRadians), includeEnd);
        return ConeGeometry.Circular(det, angles, sourceAxis ?? SourceAxis, SourceDetector);
    }

    public static VoxelGrid Grid(int n = 64, int? nz = null) => VoxelGrid.Centered(new GridSize(n, n, nz ?? n), Voxel);

    public static RunContext Context => RunContext.Default with { Storage = StorageOptions.InMemory };

    public static ProjectionSet Project(EllipsoidPhantom phantom, AcquisitionGeometry g) => AnalyticProjector.Project(phantom, g, Context);
    public static ProjectionSet Project(CompositePhantom phantom, AcquisitionGeometry g) => CompositeProjector.Project(phantom, g, Context);

    /// <summary>Mean of the volume over voxels whose centre satisfies <paramref name="inside"/>.</summary>
    public static double Mean(Volume<float> v, Func<Vec3, bool> inside)
    {
        double sum = 0; long count = 0;
        var buffer = new float[v.Slices.FrameLength];
        for (int z = 0; z < v.Nz; z++)
        {
            v.ReadSlice(z, buffer);
            for (int y = 0; y < v.Ny; y++)
                for (int x = 0; x < v.Nx; x++)
                    if (inside(v.Grid.Position(x, y, z))) { sum += buffer[y * v.Nx + x]; count++; }
        }
        return sum / count;
    }

    /// <summary>Mean absolute error and PSNR (peak = max |truth|) over voxels satisfying <paramref name="inside"/>.</summary>
    public static (double Mae, double Psnr, double Bias) Compare(Volume<float> result, Volume<float> truth, Func<Vec3, bool> inside)
    {
        double abs = 0, sq = 0, bias = 0, peak = 0; long count = 0;
        var a = new float[result.Slices.FrameLength];
        var b = new float[truth.Slices.FrameLength];
        for (int z = 0; z < result.Nz; z++)
        {
            result.ReadSlice(z, a); truth.ReadSlice(z, b);
            for (int y = 0; y < result.Ny; y++)
                for (int x = 0; x < result.Nx; x++)
                {
                    if (!inside(result.Grid.Position(x, y, z))) continue;
                    int i = y * result.Nx + x;
                    double d = a[i] - b[i];
                    abs += Math.Abs(d); sq += d * d; bias += d; count++;
                    peak = Math.Max(peak, Math.Abs(b[i]));
                }
        }
        double mse = sq / count;
        return (abs / count, 10 * Math.Log10(peak * peak / mse), bias / count);
    }

    public static float[] ToArray(Volume<float> v)
    {
        var all = new float[v.Grid.Size.VoxelCount];
        for (int z = 0; z < v.Nz; z++) v.ReadSlice(z, all.AsSpan((int)(z * v.Grid.Size.SliceLength), (int)v.Grid.Size.SliceLength));
        return all;
    }
}
