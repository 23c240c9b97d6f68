using BatteryZoom.Core.Data;
using BatteryZoom.Core.Geometry;
using BatteryZoom.Core.Units;
using BatteryZoom.IO;
using BatteryZoom.Phase.Materials;
using BatteryZoom.Phase.Propagation;
using BatteryZoom.Simulation.Acquisition;
using BatteryZoom.Simulation.Holotomography;

namespace BatteryZoom.Cli.Tests;

[Collection("Console")]
public class PhaseCommandTests
{
    private static readonly Energy Energy = Energy.FromKiloElectronVolts(33.6);
    private static readonly Length Pixel = Length.FromNanometers(70);

    [Fact]
    public void PhaseCtf_DistancesNotIncreasing_IsAUsageError_OfOneLine()
    {
        string dir = CliRunner.TempFolder();
        var (code, _, stderr) = CliRunner.Run("phase", "ctf", Path.Combine(dir, "a.h5"), Path.Combine(dir, "b.h5"),
            "--distances", "2mm,1mm", "--energy", "33.6keV", "--pixel", "70nm", "--out", Path.Combine(dir, "out.h5"));
        Assert.Equal(2, code);
        Assert.Contains("--distances: distances must increase strictly; 1 mm follows 2 mm", stderr, StringComparison.Ordinal);
        Assert.Single(stderr.Trim().Split('\n'));
    }

    [Fact]
    public void Holo_DistancesNotIncreasing_OrMiscounted_AreUsageErrors()
    {
        string dir = CliRunner.TempFolder();
        string a = Path.Combine(dir, "a.h5"), b = Path.Combine(dir, "b.h5"), output = Path.Combine(dir, "delta.h5");
        var same = CliRunner.Run("holo", a, b, "--distances", "1.5mm,1.5mm", "--energy", "33.6keV", "--out", output);
        Assert.Equal(2, same.Code);
        Assert.Contains("must increase strictly", same.Err, StringComparison.Ordinal);
        var count = CliRunner.Run("holo", a, b, "--distances", "1mm,1.5mm,2.5mm", "--energy", "33.6keV", "--out", output);
        Assert.Equal(2, count.Code);
        Assert.Contains("3 distance(s) for 2 input scan(s)", count.Err, StringComparison.Ordinal);
    }

    [Fact]
    public void PhasePaganin_BareNumbers_HaveNoUnit()
    {
        string dir = CliRunner.TempFolder();
        var energy = CliRunner.Run("phase", "paganin", Path.Combine(dir, "a.h5"), "--energy", "33.6", "--distance", "3mm", "--delta-beta", "148", "--out", Path.Combine(dir, "o.h5"));
        Assert.Equal(2, energy.Code);
        Assert.Contains("--energy", energy.Err, StringComparison.Ordinal);
        Assert.Contains("has no unit", energy.Err, StringComparison.Ordinal);
        Assert.Single(energy.Err.Trim().Split('\n'));
        var distance = CliRunner.Run("phase", "paganin", Path.Combine(dir, "a.h5"), "--energy", "33.6keV", "--distance", "3", "--delta-beta", "148", "--out", Path.Combine(dir, "o.h5"));
        Assert.Equal(2, distance.Code);
        Assert.Contains("has no unit", distance.Err, StringComparison.Ordinal);
    }

    [Fact]
    public void PhasePaganin_OnASimulatedScan_RecoversThePhase_AndReconstructs()
    {
        const int n = 48, angles = 8;
        string dir = CliRunner.TempFolder();
        string scanPath = Path.Combine(dir, "scan.h5"), phasePath = Path.Combine(dir, "phase.h5"), reconPath = Path.Combine(dir, "recon.h5");
        var nmc = XrayOptics.RefractiveIndex("LiNi0.5Mn0.3Co0.2O2", MassDensity.FromGramsPerCubicCentimeter(4.77), Energy);
        var phantom = RefractivePhantom.Spheres([(new Vec3(0, 0, 0), Pixel * 10)], new RefractiveValues(nmc.Delta, nmc.Beta));
        using (var sim = HolotomographySimulator.Simulate(phantom, new HolotomographySimulationOptions
        {
            Energy = Energy, Detector = new Detector(n, n, Pixel), Planes = [new HoloPlane(Length.FromMillimeters(3))],
            Angles = ParallelBeam.UniformAngles(angles, Angle.Zero, Angle.FromDegrees(180)), DetectorModel = new DetectorModel(FlatCounts: 100_000, Seed: 5),
        }, FresnelPropagator.Intensity))
        {
            ProjectionFile.Write(scanPath, sim.Scans[0]);
            var truth = new float[n * n];
            sim.TruePhase.ReadFrame(0, truth);

            var run = CliRunner.Run("phase", "paganin", scanPath, "--energy", "33.6keV", "--distance", "3mm", "--pixel", "70nm", "--delta-beta", "148", "--out", phasePath);
            Assert.True(run.Code == 0, run.Err);
            Assert.Contains("wrote", run.Out, StringComparison.Ordinal);

            using var phase = ProjectionFile.Read(phasePath);
            Assert.Equal(IntensityDomain.LineIntegral, phase.Domain);
            Assert.Equal((angles, n, n), (phase.Projections.Count, phase.Projections.Rows, phase.Projections.Columns));
            var got = new float[n * n];
            phase.Projections.ReadFrame(0, got);
            double peak = truth.Max(), centre = got[(n / 2) * n + n / 2];
            Assert.True(peak > 0.1, $"truth peak {peak}");
            Assert.True(Math.Abs(centre / truth[(n / 2) * n + n / 2] - 1) < 0.15, $"centre phase {centre} vs truth {truth[(n / 2) * n + n / 2]}");
        }
        var recon = CliRunner.Run("recon", "fbp", phasePath, "--center", "23.5", "--out", reconPath);
        Assert.True(recon.Code == 0, recon.Err);
        Assert.True(File.Exists(reconPath));
    }
}
