// SPDX-License-Identifier: MIT
using BatteryZoom.Core.Diagnostics;
using BatteryZoom.Core.Geometry;
using BatteryZoom.Core.Units;

namespace BatteryZoom.Tomography.Projectors;

/// <summary>Ray-driven parallel-beam projector (Joseph 1982) for one slice, with its exact adjoint (matched backprojector).</summary>
/// <remarks>
/// The ray of column j at angle θ is <c>x·cos θ + y·sin θ = (j − c)·Δu</c>. It is stepped one pixel row at a time when
/// |cos θ| ≥ |sin θ| (otherwise one column at a time); at each step the image is linearly interpolated between the two
/// nearest pixels and weighted by the path length per step, Δx/max(|cos θ|, |sin θ|). <see cref="Backward"/> scatters
/// with the same weights, so <c>⟨A x, y⟩ = ⟨x, Aᵀ y⟩</c> to rounding. Image [y, x] in 1/m, sinogram [angle, column]
/// dimensionless (∫μ ds). The output grid is centred on the rotation axis, like <see cref="Fbp.FbpPlan"/>.
/// </remarks>
public sealed class JosephProjector
{
    private readonly double[] _cos, _sin;
    private readonly double _center, _pixel, _voxel;

    /// <summary>Creates a projector for a geometry and an nx × ny grid of <paramref name="voxel"/> pixels.</summary>
    /// <exception cref="IncompatibleInputException">The rotation centre lies outside the detector.</exception>
    public JosephProjector(ParallelBeam geometry, int nx, int ny, Length voxel, double? centerOfRotation = null)
    {
        ArgumentNullException.ThrowIfNull(geometry);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(nx);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(ny);
        if (!(voxel.Meters > 0)) throw new ArgumentOutOfRangeException(nameof(voxel), $"voxel size must be positive; got {voxel}.");
        Geometry = geometry;
        (Nx, Ny) = (nx, ny);
        _center = centerOfRotation ?? geometry.CenterOfRotationPixels;
        if (!(_center >= 0 && _center <= geometry.Detector.Columns - 1))
            throw new IncompatibleInputException($"projector: the rotation centre {_center:0.##} px lies outside the detector (columns 0..{geometry.Detector.Columns - 1}).");
        _pixel = geometry.Detector.PixelWidth.Meters;
        _voxel = voxel.Meters;
        _cos = geometry.Angles.Select(a => Math.Cos(a.Radians)).ToArray();
        _sin = geometry.Angles.Select(a => Math.Sin(a.Radians)).ToArray();
    }

    /// <summary>The geometry.</summary>
    public ParallelBeam Geometry { get; }
    /// <summary>Image columns.</summary>
    public int Nx { get; }
    /// <summary>Image rows.</summary>
    public int Ny { get; }
    /// <summary>Projections.</summary>
    public int Angles => _cos.Length;
    /// <summary>Detector columns.</summary>
    public int Columns => Geometry.Detector.Columns;

    /// <summary>Sinogram = A·image.</summary>
    /// <exception cref="ArgumentException">A buffer is too short.</exception>
    public void Forward(ReadOnlySpan<float> image, Span<float> sinogram, ParallelOptions? parallel = null)
    {
        Check(image.Length, sinogram.Length);
        var img = image[..(Nx * Ny)].ToArray();
        var sino = new float[Angles * Columns];
        Parallel.For(0, Angles, parallel ?? new ParallelOptions(), a =>
        {
            for (int j = 0; j < Columns; j++)
            {
                double sum = 0;
                Walk(a, j, (index, weight) => sum += weight * img[index]);
                sino[a * Columns + j] = (float)sum;
            }
        });
        sino.CopyTo(sinogram);
    }

    /// <summary>Image = Aᵀ·sinogram (the matched, unfiltered backprojection).</summary>
    /// <exception cref="ArgumentException">A buffer is too short.</exception>
    public void Backward(ReadOnlySpan<float> sinogram, Span<float> image, ParallelOptions? parallel = null)
    {
        Check(image.Length, sinogram.Length);
        var sino = sinogram[..(Angles * Columns)].ToArray();
        var total = new double[Nx * Ny];
        var gate = new object();
        Parallel.For(0, Angles, parallel ?? new ParallelOptions(), () => new double[Nx * Ny], (a, _, local) =>
        {
            for (int j = 0; j < Columns; j++)
            {
                double v = sino[a * Columns + j];
                if (v == 0) continue;
                Walk(a, j, (index, weight) => local[index] += weight * v);
            }
            return local;
        }, local => { lock (gate) for (int i = 0; i < local.Length; i++) total[i] += local[i]; });
        for (int i = 0; i < total.Length; i++) image[i] = (float)total[i];
    }

    private void Check(int imageLength, int sinogramLength)
    {
        if (imageLength < Nx * Ny) throw new ArgumentException($"image holds {imageLength} values; {Ny} × {Nx} needed.", nameof(imageLength));
        if (sinogramLength < Angles * Columns) throw new ArgumentException($"sinogram holds {sinogramLength} values; {Angles} × {Columns} needed.", nameof(sinogramLength));
    }

    /// <summary>Visits the (pixel, weight) pairs of the ray of column j at angle a.</summary>
    private void Walk(int a, int j, Action<int, double> visit)
    {
        double cs = _cos[a], sn = _sin[a];
        double t = (j - _center) * _pixel;                       // metres from the axis along u
        double ox = -(Nx - 1) / 2.0 * _voxel, oy = -(Ny - 1) / 2.0 * _voxel;
        if (Math.Abs(cs) >= Math.Abs(sn))
        {
            double weight = _voxel / Math.Abs(cs);
            for (int iy = 0; iy < Ny; iy++)
            {
                double y = oy + iy * _voxel;
                double fx = ((t - y * sn) / cs - ox) / _voxel;
                Interpolate(fx, Nx, iy * Nx, 1, weight, visit);
            }
        }
        else
        {
            double weight = _voxel / Math.Abs(sn);
            for (int ix = 0; ix < Nx; ix++)
            {
                double x = ox + ix * _voxel;
                double fy = ((t - x * cs) / sn - oy) / _voxel;
                Interpolate(fy, Ny, ix, Nx, weight, visit);
            }
        }
    }

    private static void Interpolate(double f, int n, int offset, int stride, double weight, Action<int, double> visit)
    {
        if (f <= -1 || f >= n) return;
        int i0 = (int)Math.Floor(f);
        double w = f - i0;
        if (i0 >= 0) visit(offset + i0 * stride, weight * (1 - w));
        if (i0 + 1 < n && w > 0) visit(offset + (i0 + 1) * stride, weight * w);
    }
}
