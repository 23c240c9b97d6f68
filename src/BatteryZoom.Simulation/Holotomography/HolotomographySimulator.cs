// SPDX-License-Identifier: MIT
using BatteryZoom.Core.Data;
using BatteryZoom.Core.Geometry;
using BatteryZoom.Core.Random;
using BatteryZoom.Core.Steps;
using BatteryZoom.Core.Units;

namespace BatteryZoom.Simulation.Holotomography;

/// <summary>Computes the hologram intensity I/I0 at an (effective) distance from projected phase Φ and attenuation B,
/// for an exit wave exp(−iΦ − B) sampled at <paramref name="pixel"/>; e.g. BatteryZoom.Phase.Propagation.FresnelPropagator.Intensity.</summary>
/// <param name="phase">Φ = k∫δ ds (rad), rows × columns.</param>
/// <param name="attenuation">B = k∫β ds, rows × columns.</param>
/// <param name="rows">Rows.</param>
/// <param name="columns">Columns.</param>
/// <param name="pixel">Sample-plane pixel.</param>
/// <param name="distance">Effective propagation distance.</param>
/// <param name="energy">Photon energy.</param>
/// <param name="intensity">Output I/I0, rows × columns.</param>
/// <param name="log">Receives sampling warnings.</param>
public delegate void HologramPropagator(ReadOnlySpan<float> phase, ReadOnlySpan<float> attenuation, int rows, int columns, Length pixel, Length distance, Energy energy, Span<float> intensity, Action<string>? log);

/// <summary>One recording distance of a holotomography scan.</summary>
/// <param name="SampleToDetector">z2.</param>
/// <param name="SourceToSample">z1 (focus to sample) for a cone beam; null for a parallel beam.</param>
/// <param name="SampleShift">Lateral displacement of the sample at this distance, in the sample plane along (u, v) = (columns, rows): the misregistration that distance registration must find.</param>
public sealed record HoloPlane(Length SampleToDetector, Length? SourceToSample = null, (Length U, Length V) SampleShift = default)
{
    /// <summary>Magnification (z1 + z2)/z1, or 1.</summary>
    public double Magnification => SourceToSample is { } z1 ? (z1 + SampleToDetector) / z1 : 1.0;
    /// <summary>Effective distance z1·z2/(z1 + z2), or z2.</summary>
    public Length EffectiveDistance => SampleToDetector / Magnification;

    /// <summary>A cone-beam plane: focus–sample z1 and focus–detector distance.</summary>
    public static HoloPlane ConeBeam(Length sourceToSample, Length sourceToDetector, (Length U, Length V) shift = default) =>
        new(sourceToDetector - sourceToSample, sourceToSample, shift);
}

/// <summary>Options of a simulated holotomography scan.</summary>
public sealed record HolotomographySimulationOptions
{
    /// <summary>Photon energy.</summary>
    public required Energy Energy { get; init; }
    /// <summary>Physical detector (pixel in the detector plane for a cone beam; in the sample plane for a parallel beam).</summary>
    public required Detector Detector { get; init; }
    /// <summary>Rotation angles (parallel-beam rotation about +z; tomography over 180°).</summary>
    public required IReadOnlyList<Angle> Angles { get; init; }
    /// <summary>Recording distances (increasing effective distance).</summary>
    public required IReadOnlyList<HoloPlane> Planes { get; init; }
    /// <summary>Counts, noise, flats and darks; null gives noise-free transmissions I/I0 (domain Transmission).</summary>
    public Acquisition.DetectorModel? DetectorModel { get; init; }
    /// <summary>Exit wave computed on a grid this many times finer, propagated, then binned s×s (detector pixel integration); 1 = point sampling.</summary>
    public int Oversampling { get; init; } = 1;
}

/// <summary>A simulated scan: one projection set per distance with its plane, and the ground truth.</summary>
public sealed class SimulatedHolotomography : IDisposable
{
    internal SimulatedHolotomography(IReadOnlyList<ProjectionSet> scans, IReadOnlyList<HoloPlane> planes, ImageStack<float> truePhase, Length finestPixel, Energy energy)
        => (Scans, Planes, TruePhase, FinestPixel, Energy) = (scans, planes, truePhase, finestPixel, energy);

    /// <summary>Per distance: raw counts with flats and darks (or transmissions when no detector model), geometry
    /// <see cref="CircularConeBeam"/> (z1, z1 + z2) for cone-beam planes or <see cref="ParallelBeam"/>.</summary>
    public IReadOnlyList<ProjectionSet> Scans { get; }
    /// <summary>The planes, same order.</summary>
    public IReadOnlyList<HoloPlane> Planes { get; }
    /// <summary>True Φ = k∫δ ds per angle on the finest plane's pixel grid (the grid of distance 0, unshifted) [angle, row, column].</summary>
    public ImageStack<float> TruePhase { get; }
    /// <summary>The sample-plane pixel of distance 0.</summary>
    public Length FinestPixel { get; }
    /// <summary>Photon energy.</summary>
    public Energy Energy { get; }

    /// <summary>Disposes every stack.</summary>
    public void Dispose()
    {
        foreach (var s in Scans) s.Dispose();
        TruePhase.Dispose();
    }
}

/// <summary>Forward model of near-field holotomography: exact projected phase and attenuation of a δ/β phantom, exit wave,
/// Fresnel propagation to each distance (through a <see cref="HologramPropagator"/>), detector sampling, noise and flats.</summary>
/// <remarks>Cone-beam distances use the Fresnel scaling theorem: the hologram is the plane-wave one at z_eff with the
/// sample-plane pixel p/M, and projections are parallel (the cone angle of nano-holotomography is a few mrad).
/// Rays follow the conventions of docs/conventions.md.</remarks>
public static class HolotomographySimulator
{
    /// <summary>Simulates every distance and angle.</summary>
    /// <exception cref="ArgumentException">No plane or angle.</exception>
    public static SimulatedHolotomography Simulate(RefractivePhantom phantom, HolotomographySimulationOptions options, HologramPropagator propagate, RunContext? context = null)
    {
        ArgumentNullException.ThrowIfNull(phantom);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(propagate);
        context ??= RunContext.Default;
        if (options.Planes.Count == 0) throw new ArgumentException("at least one plane is needed.", nameof(options));
        if (options.Angles.Count == 0) throw new ArgumentException("at least one angle is needed.", nameof(options));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.Oversampling);
        var det = options.Detector;
        int rows = det.Rows, cols = det.Columns, na = options.Angles.Count, s = options.Oversampling;
        double k = 2 * Math.PI / options.Energy.Wavelength.Meters;
        var planes = options.Planes;
        var finest = det.PixelWidth / planes[0].Magnification;
        var truth = ImageStack<float>.Create(na, rows, cols, context.Storage);
        var stacks = planes.Select(_ => ImageStack<float>.Create(na, rows, cols, context.Storage)).ToArray();
        var rng = new CounterRandom(options.DetectorModel?.Seed ?? 1);
        var model = options.DetectorModel;
        long done = 0, total = (long)na * planes.Count;
        var warned = new HashSet<string>();
        Action<string> log = w => { lock (warned) if (warned.Add(w)) context.Log?.Invoke(w); };
        Parallel.For(0, (long)na * planes.Count, context.ParallelOptions, job =>
        {
            int a = (int)(job / planes.Count), d = (int)(job % planes.Count);
            var plane = planes[d];
            double p = det.PixelWidth.Meters / plane.Magnification, ph = det.PixelHeight.Meters / plane.Magnification;
            int fr = rows * s, fc = cols * s;
            var phi = new float[fr * fc];
            var bb = new float[fr * fc];
            Project(phantom, options.Angles[a], fr, fc, p / s, ph / s, plane.SampleShift.U.Meters, plane.SampleShift.V.Meters, k, phi, bb);
            var fine = new float[fr * fc];
            propagate(phi, bb, fr, fc, new Length(p / s), plane.EffectiveDistance, options.Energy, fine, log);
            var frame = Bin(fine, rows, cols, s);
            if (model is not null)
            {
                var r = rng.WithStream((ulong)(d * na + a));
                for (int i = 0; i < frame.Length; i++)
                {
                    double mean = model.FlatCounts * frame[i];
                    frame[i] = (float)((model.Noise ? r.Poisson(mean, (ulong)i) : mean) + model.DarkCounts);
                }
            }
            stacks[d].WriteFrame(a, frame);
            if (d == 0)
            {
                // Truth on distance 0's grid without its shift.
                if (plane.SampleShift != default) Project(phantom, options.Angles[a], fr, fc, p / s, ph / s, 0, 0, k, phi, bb);
                truth.WriteFrame(a, Bin(phi, rows, cols, s));
            }
            context.Report("simulate.holotomography", Interlocked.Increment(ref done), total);
        });
        var scans = new ProjectionSet[planes.Count];
        for (int d = 0; d < planes.Count; d++)
        {
            var plane = planes[d];
            AcquisitionGeometry geometry = plane.SourceToSample is { } z1
                ? new CircularConeBeam(det, options.Angles, z1, z1 + plane.SampleToDetector)
                : new ParallelBeam(det, options.Angles);
            if (model is null) { scans[d] = new ProjectionSet(stacks[d], geometry, IntensityDomain.Transmission, energy: options.Energy); continue; }
            var flats = Frames(model.FlatFrames, rows, cols, model.FlatCounts, model, rng, (1UL << 40) + (ulong)d * 1024);
            var darks = Frames(model.DarkFrames, rows, cols, 0, model, rng, (1UL << 41) + (ulong)d * 1024);
            scans[d] = new ProjectionSet(stacks[d], geometry, IntensityDomain.Raw, flats, darks, options.Energy);
        }
        return new SimulatedHolotomography(scans, planes, truth, finest, options.Energy);
    }

    /// <summary>Φ = k∫δ ds and B = k∫β ds through the centres of a rows × columns grid of pitch (pu, pv), shifted by (su, sv), at angle θ.</summary>
    /// <remarks>Exact chords of every ellipsoid (as <see cref="Phantoms.Ellipsoid.ChordLength"/>), evaluated per ellipsoid with the
    /// ray coordinates in its unit-sphere frame linear in (row, column): about 15 flops per pixel and ellipsoid.</remarks>
    public static void Project(RefractivePhantom phantom, Angle angle, int rows, int columns, double pu, double pv, double su, double sv, double k, Span<float> phase, Span<float> attenuation)
    {
        ArgumentNullException.ThrowIfNull(phantom);
        double sn = Math.Sin(angle.Radians), cs = Math.Cos(angle.Radians);
        var dir = new Vec3(-sn, cs, 0);
        var u = new Vec3(cs, sn, 0);
        double cu = (columns - 1) / 2.0, cv = (rows - 1) / 2.0;
        var phi = new double[rows * columns];
        var att = new double[rows * columns];
        foreach (var (shape, material) in phantom.Parts)
        {
            double ce = Math.Cos(shape.Rotation.Radians), se = Math.Sin(shape.Rotation.Radians);
            Vec3 T(Vec3 v) => new((v.X * ce + v.Y * se) / shape.SemiAxes.X, (-v.X * se + v.Y * ce) / shape.SemiAxes.Y, v.Z / shape.SemiAxes.Z);
            // Ray through pixel (r, c): point u·((c − cu)·pu − su) + z·((r − cv)·pv − sv), direction d (unit).
            var e = T(dir);
            var q0 = T(u * (-cu * pu - su) + new Vec3(0, 0, -cv * pv - sv) - shape.Centre);
            var qc = T(u * pu);
            var qr = T(new Vec3(0, 0, pv));
            double a = e.X * e.X + e.Y * e.Y + e.Z * e.Z;
            double kd = k * material.Delta, kb = k * material.Beta;
            for (int r = 0; r < rows; r++)
            {
                var qrow = q0 + qr * r;
                for (int c = 0; c < columns; c++)
                {
                    double qx = qrow.X + c * qc.X, qy = qrow.Y + c * qc.Y, qz = qrow.Z + c * qc.Z;
                    double b = qx * e.X + qy * e.Y + qz * e.Z;            // B/2
                    double disc = b * b - a * (qx * qx + qy * qy + qz * qz - 1);   // (B² − 4AC)/4
                    if (disc <= 0) continue;
                    double chord = 2 * Math.Sqrt(disc) / a;
                    phi[r * columns + c] += kd * chord;
                    att[r * columns + c] += kb * chord;
                }
            }
        }
        for (int i = 0; i < phi.Length; i++) { phase[i] = (float)phi[i]; attenuation[i] = (float)att[i]; }
    }

    private static float[] Bin(float[] fine, int rows, int cols, int s)
    {
        if (s == 1) return (float[])fine.Clone();
        var o = new float[rows * cols];
        int fc = cols * s;
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++)
            {
                double sum = 0;
                for (int i = 0; i < s; i++)
                    for (int j = 0; j < s; j++) sum += fine[(r * s + i) * fc + c * s + j];
                o[r * cols + c] = (float)(sum / (s * s));
            }
        return o;
    }

    private static ImageStack<float> Frames(int count, int rows, int cols, double mean, Acquisition.DetectorModel model, CounterRandom rng, ulong streamBase)
    {
        var stack = ImageStack<float>.Create(Math.Max(count, 1), rows, cols, StorageOptions.InMemory);
        for (int i = 0; i < stack.Count; i++)
        {
            var f = stack.GetFrame(i);
            var r = rng.WithStream(streamBase + (ulong)i);
            for (int j = 0; j < f.Length; j++) f[j] = (float)((model.Noise ? r.Poisson(mean, (ulong)j) : mean) + model.DarkCounts);
        }
        return stack;
    }
}
