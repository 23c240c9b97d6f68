using BatteryZoom.Core.Geometry;
using BatteryZoom.Core.Units;
using BatteryZoom.Phase.Materials;
using BatteryZoom.Phase.Propagation;
using BatteryZoom.Simulation.Holotomography;

namespace BatteryZoom.Phase.Tests;

/// <summary>The electrode stage of the seed, scaled down: 33.6 keV, 70 nm pixels, four effective distances.</summary>
internal static class TestSetup
{
    public static readonly Energy Energy = Energy.FromKiloElectronVolts(33.6);
    public static readonly Length Pixel = Length.FromNanometers(70);
    // Effective distances 1–4 mm: Fresnel numbers p²/(λz) = 0.13–0.033 (near field). Larger distances break the CTF's
    // slowly-varying-phase assumption for 1 rad particles (3 % error at 3–9 mm, see docs/algorithms/phase-retrieval.md).
    public static readonly Length[] Distances = [Length.FromMillimeters(1), Length.FromMillimeters(1.5), Length.FromMillimeters(2.5), Length.FromMillimeters(4)];

    public static RefractiveIndex Nmc => XrayOptics.RefractiveIndex("LiNi0.5Mn0.3Co0.2O2", MassDensity.FromGramsPerCubicCentimeter(4.77), Energy);
    public static RefractiveIndex Carbon => XrayOptics.RefractiveIndex("C", MassDensity.FromGramsPerCubicCentimeter(1.8), Energy);
    public static RefractiveValues NmcValues => new(Nmc.Delta, Nmc.Beta);

    /// <summary>Three NMC-like secondary particles with carbon–binder blobs in a field of n pixels; phase up to ≈ 0.8 rad at n = 256.</summary>
    public static RefractivePhantom NmcClusters(int n, ulong seed = 3) =>
        RefractivePhantom.NmcElectrode(Pixel * (n * 0.45), Pixel * (n * 0.45), Pixel * (n * 0.15), 3, NmcValues, new RefractiveValues(Carbon.Delta, Carbon.Beta), seed);

    /// <summary>Two weak-absorption NMC spheres; phase up to ≈ 1.0 rad at n = 256.</summary>
    public static RefractivePhantom Spheres(int n) => RefractivePhantom.Spheres(
        [(new Vec3(0, 0, 0), Pixel * (n * 0.2)), (new Vec3(Pixel.Meters * n * 0.25, 0, Pixel.Meters * n * 0.2), Pixel * (n * 0.1))], NmcValues);

    public static SimulatedHolotomography Simulate(RefractivePhantom phantom, int n, IReadOnlyList<HoloPlane> planes, IReadOnlyList<Angle>? angles = null,
        Simulation.Acquisition.DetectorModel? detector = null, Length? detectorPixel = null) =>
        HolotomographySimulator.Simulate(phantom, new HolotomographySimulationOptions
        {
            Energy = Energy, Detector = new Detector(n, n, detectorPixel ?? Pixel), Angles = angles ?? [Angle.Zero], Planes = planes, DetectorModel = detector,
        }, FresnelPropagator.Intensity);

    public static HoloPlane[] ParallelPlanes => Distances.Select(z => new HoloPlane(z)).ToArray();

    /// <summary>‖a − b‖₂ / ‖b‖₂.</summary>
    public static double RelativeError(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double num = 0, den = 0;
        for (int i = 0; i < b.Length; i++) { num += (a[i] - b[i]) * (double)(a[i] - b[i]); den += b[i] * (double)b[i]; }
        return Math.Sqrt(num / den);
    }

    public static float[] Stack(SimulatedHolotomography sim, int angle)
    {
        int n = sim.Scans[0].Projections.FrameLength;
        var h = new float[sim.Scans.Count * n];
        for (int d = 0; d < sim.Scans.Count; d++) sim.Scans[d].Projections.ReadFrame(angle, h.AsSpan(d * n, n));
        return h;
    }
}
