using BatteryZoom.Core.Data;
using BatteryZoom.Core.Geometry;
using BatteryZoom.Core.Units;
using BatteryZoom.Simulation.Acquisition;
using BatteryZoom.Simulation.Phantoms;

namespace BatteryZoom.Tomography.Tests;

/// <summary>Small simulated scans and error metrics shared by the tests.</summary>
internal static class TestScans
{
    public static readonly Length Pixel = Length.FromMillimeters(1);

    /// <summary>Shepp–Logan (radius N/2 pixels, values 0..1 in 1/m), analytic line integrals through every pixel centre.</summary>
    public static EllipsoidPhantom SheppLogan(int n) => Simulation.Phantoms.SheppLogan.Create2D(Pixel * (n / 2.0));

    public static ParallelBeam Geometry(int columns, int angles, double rangeDegrees = 180, int rows = 1, double axisOffsetPixels = 0) =>
        new(new Detector(columns, rows, Pixel), ParallelBeam.UniformAngles(angles, Angle.Zero, Angle.FromDegrees(rangeDegrees)), Pixel * axisOffsetPixels);

    public static ProjectionSet Scan(EllipsoidPhantom phantom, ParallelBeam geometry) =>
        AnalyticProjector.Project(phantom, geometry, new Core.Steps.RunContext { Storage = StorageOptions.InMemory });

    /// <summary>The sinogram of detector row <paramref name="row"/>: [angle, column].</summary>
    public static float[] Sinogram(ProjectionSet scan, int row = 0)
    {
        int na = scan.Projections.Count, nc = scan.Projections.Columns;
        var s = new float[na * nc];
        for (int a = 0; a < na; a++) scan.Projections.ReadRow(a, row, s.AsSpan(a * nc, nc));
        return s;
    }

    /// <summary>The phantom averaged over 4×4 sub-pixels on the centred n×n grid at z = 0.</summary>
    public static float[] Truth(EllipsoidPhantom phantom, int n)
    {
        var grid = VoxelGrid.Centered(new GridSize(n, n, 1), Pixel);
        using var v = phantom.Voxelize(grid, 4, StorageOptions.InMemory);
        return v.GetSlice(0).ToArray();
    }

    /// <summary>RMSE inside the disc of radius 0.95·n/2 about (cx, cy) (default the image centre).</summary>
    public static double DiscRmse(ReadOnlySpan<float> image, ReadOnlySpan<float> truth, int n, double? cx = null, double? cy = null, double frac = 0.95)
    {
        double x0 = cx ?? (n - 1) / 2.0, y0 = cy ?? (n - 1) / 2.0, r = frac * n / 2.0;
        double sum = 0; long count = 0;
        for (int y = 0; y < n; y++)
            for (int x = 0; x < n; x++)
            {
                if ((x - x0) * (x - x0) + (y - y0) * (y - y0) > r * r) continue;
                double d = image[y * n + x] - truth[y * n + x];
                sum += d * d; count++;
            }
        return Math.Sqrt(sum / count);
    }

    public static float[] Fbp(float[] sinogram, ParallelBeam geometry, Tomography.Fbp.FbpOptions? options = null)
    {
        var plan = Tomography.Fbp.FbpPlan.Create(geometry, options);
        var slice = new float[plan.Nx * plan.Ny];
        plan.Execute(sinogram, slice);
        return slice;
    }
}
