using System.Globalization;
using BatteryZoom.Core.Data;
using BatteryZoom.Core.Diagnostics;
using BatteryZoom.Core.Steps;
using BatteryZoom.Spectroscopy.Data;

namespace BatteryZoom.Spectroscopy.EnergyAlignment;

/// <summary>Where a voxel r of the reference energy's volume lies in another energy's volume: <c>q = Scale·(r − c) + c + (ShiftX,
/// ShiftY, ShiftZ)</c>, voxels, c the volume centre.</summary>
public readonly record struct VolumeTransform(double ShiftX, double ShiftY, double ShiftZ, double Scale)
{
    /// <summary>"dx=…, dy=…, dz=… vx, scale=…".</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"dx={ShiftX:+0.000;-0.000}, dy={ShiftY:+0.000;-0.000}, dz={ShiftZ:+0.000;-0.000} vx, scale={Scale:0.00000}");
}

/// <summary>Alignment across energies applied to reconstructed volumes (the alternative to <see cref="EnergySeriesAligner"/> on
/// projections): 3-D shift and isotropic scale per energy.</summary>
/// <remarks>Valid when each energy was reconstructed with its own rotation centre, so the volumes differ only by the magnification
/// and a rigid shift; a detector shift left in the projections is a rotation-centre error that no volume transform undoes — align
/// projections in that case. Estimate: the volumes are summed along y (image [z, x]) and along x (image [z, y]); the 2-D
/// <see cref="ImageAligner"/> gives (t_x, t_z, s) and (t_y, t_z, s) (a 3-D scale about the centre is a 2-D scale of each sum, the
/// ×s of the summed intensity is absorbed by the gain); t_z and s are averaged. Apply: separable Keys cubic resampling in x, y, z.</remarks>
public static class SpectralVolumeAligner
{
    /// <summary>Step id.</summary>
    public const string StepId = "xanes.align-volumes";

    /// <summary>Estimates one transform per energy relative to <see cref="AlignmentOptions.ReferenceIndex"/> (default: last energy).</summary>
    /// <exception cref="IncompatibleInputException">The reference index is out of range, or a volume holds NaN.</exception>
    public static VolumeTransform[] Estimate(SpectralVolume volume, AlignmentOptions? options = null, RunContext? context = null)
    {
        ArgumentNullException.ThrowIfNull(volume);
        options ??= new AlignmentOptions();
        options.Validate();
        context ??= RunContext.Default;
        int reference = options.ReferenceIndex ?? volume.Count - 1;
        if ((uint)reference >= (uint)volume.Count) throw new IncompatibleInputException($"{StepId}: reference index {reference} is outside 0..{volume.Count - 1}.");
        var g = volume.Grid.Size;
        // Sums first (sequential: they read every voxel once and report NaN as a plain exception, not from inside Parallel.For).
        var sums = Enumerable.Range(0, volume.Count).Select(i => Sums(volume.AtEnergy(i), volume.Energies[i].ToString())).ToArray();
        var (refXz, refYz) = sums[reference];
        var rXz = ImageAligner.EdgeMap(refXz, g.Nz, g.Nx, options.SmoothingSigma);
        var rYz = ImageAligner.EdgeMap(refYz, g.Nz, g.Ny, options.SmoothingSigma);
        var result = new VolumeTransform[volume.Count];
        double? fixedScale = options.Scale == ScaleMode.None ? 1.0 : null;
        Parallel.For(0, volume.Count, context.ParallelOptions, i =>
        {
            if (i == reference) { result[i] = new VolumeTransform(0, 0, 0, 1); return; }
            var (xz, yz) = sums[i];
            var a = ImageAligner.EstimateEdgeMaps(rXz, ImageAligner.EdgeMap(xz, g.Nz, g.Nx, options.SmoothingSigma), g.Nz, g.Nx, options, fixedScale);
            var b = ImageAligner.EstimateEdgeMaps(rYz, ImageAligner.EdgeMap(yz, g.Nz, g.Ny, options.SmoothingSigma), g.Nz, g.Ny, options, fixedScale);
            result[i] = new VolumeTransform(a.ShiftX, b.ShiftX, 0.5 * (a.ShiftY + b.ShiftY), 0.5 * (a.Scale + b.Scale));
        });
        return result;
    }

    /// <summary>A new spectral volume with energy i resampled by transform i onto the reference grid (edge values repeated).</summary>
    /// <exception cref="IncompatibleInputException">The count of transforms differs from the count of energies.</exception>
    public static SpectralVolume Apply(SpectralVolume volume, IReadOnlyList<VolumeTransform> transforms, RunContext? context = null)
    {
        ArgumentNullException.ThrowIfNull(volume);
        ArgumentNullException.ThrowIfNull(transforms);
        context ??= RunContext.Default;
        if (transforms.Count != volume.Count) throw new IncompatibleInputException($"{StepId}: {transforms.Count} transforms for {volume.Count} energies.");
        var g = volume.Grid.Size;
        int nx = g.Nx, ny = g.Ny, nz = g.Nz, len = nx * ny;
        var output = new Volume<float>[volume.Count];
        try
        {
            for (int i = 0; i < volume.Count; i++)
            {
                var t = transforms[i];
                var src = volume.AtEnergy(i);
                var dst = Volume<float>.Create(volume.Grid, src.Quantity, context.Storage, src.Provenance);
                output[i] = dst;
                var resampler = new ImageAligner.Resampler(ny, nx, new SimilarityTransform(t.ShiftX, t.ShiftY, t.Scale));
                // Each source slice resampled in x, y once; then the cubic combination along z.
                var planes = new float[nz][];
                for (int z = 0; z < nz; z++)
                {
                    var s = new float[len];
                    src.ReadSlice(z, s);
                    planes[z] = new float[len];
                    resampler.Apply(s, planes[z]);
                }
                double cz = (nz - 1) / 2.0;
                var w = new double[4];
                var slice = new float[len];
                for (int z = 0; z < nz; z++)
                {
                    double q = t.Scale * (z - cz) + cz + t.ShiftZ;
                    int z0 = (int)Math.Floor(q);
                    ImageAligner.KeysWeights(q - z0, w);
                    Array.Clear(slice);
                    for (int k = 0; k < 4; k++)
                    {
                        var p = planes[Math.Clamp(z0 - 1 + k, 0, nz - 1)];
                        float wk = (float)w[k];
                        for (int v = 0; v < len; v++) slice[v] += wk * p[v];
                    }
                    dst.WriteSlice(z, slice);
                }
            }
            return new SpectralVolume(volume.Energies, output, volume.Quantity, volume.Provenance);
        }
        catch
        {
            foreach (var v in output) v?.Dispose();
            throw;
        }
    }

    private static (float[] Xz, float[] Yz) Sums(Volume<float> v, string what)
    {
        int nx = v.Nx, ny = v.Ny, nz = v.Nz;
        var xz = new float[nz * nx];
        var yz = new float[nz * ny];
        var s = new float[nx * ny];
        for (int z = 0; z < nz; z++)
        {
            v.ReadSlice(z, s);
            for (int y = 0; y < ny; y++)
                for (int x = 0; x < nx; x++)
                {
                    float val = s[y * nx + x];
                    if (!float.IsFinite(val)) throw new IncompatibleInputException($"{StepId}: the volume at {what} holds NaN or infinity at voxel ({x}, {y}, {z}); alignment needs finite values.");
                    xz[z * nx + x] += val;
                    yz[z * ny + y] += val;
                }
        }
        return (xz, yz);
    }
}
