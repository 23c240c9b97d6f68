using BatteryZoom.Core.Data;
using BatteryZoom.Core.Geometry;
using BatteryZoom.Core.Random;
using BatteryZoom.Core.Units;
using BatteryZoom.Tomography.Projectors;

namespace BatteryZoom.Simulation.Particles;

/// <summary>Per-energy misregistration of a simulated TXM: where a reference detector pixel p appears at this energy,
/// <c>q = Scale·(p − c) + c + (ShiftX, ShiftY)</c> (pixels; c the detector centre).</summary>
public readonly record struct DetectorDistortion(double ShiftX, double ShiftY, double Scale)
{
    /// <summary>None.</summary>
    public static DetectorDistortion None => new(0, 0, 1);
}

/// <summary>Parallel-beam projections of a <see cref="XanesParticlePhantom"/> at several energies, as a TXM records them:
/// line integrals ∫μ ds per view, with an optional per-energy shift and magnification and Gaussian noise.</summary>
/// <remarks>The misregistration is built into the detector rather than interpolated afterwards: at energy i the pixel pitch is
/// Δ/s_i and the axis sits at column c + t_x, and detector row r samples the particle at height z = (r − c_r − t_y)·Δ/s_i, where the
/// phantom is evaluated exactly (grain labels are analytic). Each slice is projected with the Joseph projector of
/// BatteryZoom.Tomography on the phantom's x–y grid, so the truth of the alignment is exact.</remarks>
public static class XanesProjectionSimulator
{
    /// <summary>One line-integral <see cref="ProjectionSet"/> per energy on a detector of the grid's columns (Nx) and rows (Nz),
    /// pixel = the grid's Dx; noise σ = <paramref name="noise"/> × (the model's edge step in 1/m × one voxel), i.e. relative to the
    /// edge jump of one voxel's path.</summary>
    /// <param name="phantom">The particle.</param>
    /// <param name="energiesEv">Energies, eV.</param>
    /// <param name="angles">View angles (the same at every energy).</param>
    /// <param name="distortions">One per energy, or null for none.</param>
    /// <param name="noise">Gaussian noise per detector pixel, relative to the edge jump of one voxel.</param>
    /// <param name="seed">Noise seed.</param>
    /// <param name="storage">Where the stacks live.</param>
    /// <param name="supersample">Each slice is rendered on a grid this many times finer in x and y before projection, so the
    /// voxel staircase of the grain boundaries does not change the apparent magnification (default 2).</param>
    /// <exception cref="ArgumentException">Distortions of another count than the energies.</exception>
    public static ProjectionSet[] Project(XanesParticlePhantom phantom, IReadOnlyList<double> energiesEv, IReadOnlyList<Angle> angles,
        IReadOnlyList<DetectorDistortion>? distortions = null, double noise = 0, ulong seed = 1, StorageOptions? storage = null, int supersample = 2)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(supersample);
        ArgumentNullException.ThrowIfNull(phantom);
        ArgumentNullException.ThrowIfNull(energiesEv);
        ArgumentNullException.ThrowIfNull(angles);
        if (distortions is not null && distortions.Count != energiesEv.Count)
            throw new ArgumentException($"{distortions.Count} distortions for {energiesEv.Count} energies.", nameof(distortions));
        var g = phantom.Options.Grid;
        int rows = g.Size.Nz, cols = g.Size.Nx, na = angles.Count, nx = cols * supersample, ny = g.Size.Ny * supersample;
        var fine = new Length(g.Dx.Meters / supersample);
        double x0 = g.Origin.X - (supersample - 1) / (2.0 * supersample) * g.Dx.Meters, y0 = g.Origin.Y - (supersample - 1) / (2.0 * supersample) * g.Dy.Meters;
        double p = g.Dx.Meters;
        var model = phantom.Options.Model;
        var rng = new CounterRandom(seed, 17);
        double sigma = noise * model.Step * p;
        var sets = new ProjectionSet[energiesEv.Count];
        for (int e = 0; e < energiesEv.Count; e++)
        {
            var d = distortions?[e] ?? DetectorDistortion.None;
            double pitch = p / d.Scale;
            var detector = new Detector(cols, rows, new Length(pitch), new Length(pitch), new Length(-d.ShiftX * pitch), Length.Zero);
            var geometry = new ParallelBeam(detector, angles);
            var projector = new JosephProjector(geometry, nx, ny, fine);
            var mu = new double[phantom.GrainSoc.Count + 1];
            for (int k = 0; k < phantom.GrainSoc.Count; k++) mu[k + 1] = model.Mu(energiesEv[e], phantom.GrainSoc[k]);
            var stack = ImageStack<float>.Create(na, rows, cols, storage);
            var frames = new float[na * rows * cols];
            int energyIndex = e;
            Parallel.For(0, rows, r =>
            {
                double z = phantom.Centre.Z + (r - (rows - 1) / 2.0 - d.ShiftY) * pitch;
                var slice = new float[nx * ny];
                for (int y = 0; y < ny; y++)
                    for (int x = 0; x < nx; x++)
                    {
                        var pos = new Vec3(x0 + x * fine.Meters, y0 + y * fine.Meters, z);
                        slice[y * nx + x] = (float)mu[phantom.LabelAt(pos)];
                    }
                var sino = new float[na * cols];
                projector.Forward(slice, sino, new ParallelOptions { MaxDegreeOfParallelism = 1 });
                for (int a = 0; a < na; a++)
                    for (int c = 0; c < cols; c++)
                    {
                        float v = sino[a * cols + c];
                        if (sigma > 0) v += (float)(sigma * rng.Normal((ulong)((((long)energyIndex * na + a) * rows + r) * cols + c)));
                        frames[((long)a * rows + r) * cols + c] = v;
                    }
            });
            stack.WriteFrames(0, na, frames);
            sets[e] = new ProjectionSet(stack, geometry, IntensityDomain.LineIntegral, energy: new Energy(energiesEv[e]));
        }
        return sets;
    }

    /// <summary>Path length (m) through each grain along every ray of the undistorted detector: [grain k][angle, row, column], so that
    /// a projection at any energy is Σ_k μ_k(E)·L_k — a fast way to simulate many energies (misregistration then has to be
    /// applied by resampling).</summary>
    public static float[][] GrainPathLengths(XanesParticlePhantom phantom, IReadOnlyList<Angle> angles, int supersample = 2)
    {
        ArgumentNullException.ThrowIfNull(phantom);
        ArgumentNullException.ThrowIfNull(angles);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(supersample);
        var g = phantom.Options.Grid;
        int rows = g.Size.Nz, cols = g.Size.Nx, na = angles.Count, nx = cols * supersample, ny = g.Size.Ny * supersample, k = phantom.GrainSoc.Count;
        var fine = new Length(g.Dx.Meters / supersample);
        double x0 = g.Origin.X - (supersample - 1) / (2.0 * supersample) * g.Dx.Meters, y0 = g.Origin.Y - (supersample - 1) / (2.0 * supersample) * g.Dy.Meters;
        var projector = new JosephProjector(new ParallelBeam(new Detector(cols, rows, g.Dx, g.Dz), angles), nx, ny, fine);
        var result = new float[k][];
        for (int i = 0; i < k; i++) result[i] = new float[na * rows * cols];
        Parallel.For(0, rows, r =>
        {
            double z = phantom.Centre.Z + (r - (rows - 1) / 2.0) * g.Dz.Meters;
            var labels = new int[nx * ny];
            for (int y = 0; y < ny; y++)
                for (int x = 0; x < nx; x++) labels[y * nx + x] = phantom.LabelAt(new Vec3(x0 + x * fine.Meters, y0 + y * fine.Meters, z));
            var slice = new float[nx * ny];
            var sino = new float[na * cols];
            for (int i = 0; i < k; i++)
            {
                bool any = false;
                for (int v = 0; v < slice.Length; v++) { slice[v] = labels[v] == i + 1 ? 1f : 0f; any |= labels[v] == i + 1; }
                if (!any) continue;
                projector.Forward(slice, sino, new ParallelOptions { MaxDegreeOfParallelism = 1 });
                for (int a = 0; a < na; a++) sino.AsSpan(a * cols, cols).CopyTo(result[i].AsSpan((a * rows + r) * cols, cols));
            }
        });
        return result;
    }

    /// <summary>−90°..+90° in 1° steps (181 views, both end views included), as in the TXM scans of the seed paper.</summary>
    public static Angle[] TxmAngles(double stepDegrees = 1.0)
    {
        int n = (int)Math.Round(180 / stepDegrees) + 1;
        return [.. Enumerable.Range(0, n).Select(i => Angle.FromDegrees(-90 + i * stepDegrees))];
    }
}
