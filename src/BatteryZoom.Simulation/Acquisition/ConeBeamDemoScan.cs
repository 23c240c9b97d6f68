// SPDX-License-Identifier: MIT
using BatteryZoom.Core.Data;
using BatteryZoom.Core.Geometry;
using BatteryZoom.Core.Steps;
using BatteryZoom.Core.Units;
using BatteryZoom.Simulation.Phantoms;

namespace BatteryZoom.Simulation.Acquisition;

/// <summary>A small simulated lab micro-CT scan of a cylindrical cell for the <c>bzoom demo</c> cone-beam stage:
/// 120 projections of 80 × 72 pixels (200 µm) over 360°, source 50 mm from the axis, detector 100 mm from the source,
/// to be reconstructed on <see cref="Grid"/> (64³ voxels of 100 µm).</summary>
public static class ConeBeamDemoScan
{
    /// <summary>The phantom: a 5.6 mm can (wall 40/m, interior 20/m) with a 60/m particle and a 5/m void-like inclusion.</summary>
    public static CompositePhantom Phantom { get; } = new(
        [
            new Ellipsoid(new Vec3(0.9e-3, -0.6e-3, 0.4e-3), new Vec3(0.6e-3, 0.6e-3, 0.6e-3), Angle.Zero, 40),
            new Ellipsoid(new Vec3(-1.2e-3, 0.8e-3, -0.8e-3), new Vec3(0.8e-3, 0.5e-3, 0.5e-3), Angle.FromDegrees(30), -15),
        ],
        [
            Cylinder.Upright(Vec3.Zero, 2.8e-3, 2.5e-3, 40),
            Cylinder.Upright(Vec3.Zero, 2.55e-3, 2.5e-3, -20),
        ]);

    /// <summary>The scan geometry.</summary>
    public static CircularConeBeam Geometry { get; } = new(
        new Detector(80, 72, Length.FromMicrometers(200)),
        ParallelBeam.UniformAngles(120, Angle.Zero, new Angle(2 * Math.PI)),
        Length.FromMillimeters(50), Length.FromMillimeters(100));

    /// <summary>The reconstruction grid: 64³ voxels of 100 µm centred on the axis.</summary>
    public static VoxelGrid Grid { get; } = VoxelGrid.Centered(new GridSize(64, 64, 64), Length.FromMicrometers(100));

    /// <summary>Exact line integrals of <see cref="Phantom"/> (in memory; well under a second).</summary>
    public static ProjectionSet Create(RunContext? context = null)
    {
        context ??= RunContext.Default;
        var scan = CompositeProjector.Project(Phantom, Geometry, context with { Storage = StorageOptions.InMemory });
        var provenance = Provenance.Empty.Append("simulate.cone_demo", 1, new Dictionary<string, string>
        {
            ["projections"] = "120 over 360 deg", ["detector"] = "80×72 px of 200 um", ["source_axis"] = "50 mm", ["source_detector"] = "100 mm",
        }, context.Backend, DateTimeOffset.UtcNow, 0);
        return new ProjectionSet(scan.Projections, scan.Geometry, scan.Domain, provenance: provenance);
    }
}
