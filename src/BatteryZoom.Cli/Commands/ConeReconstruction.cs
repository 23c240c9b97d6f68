using System.Globalization;
using BatteryZoom.Core.Data;
using BatteryZoom.Core.Diagnostics;
using BatteryZoom.Core.Geometry;
using BatteryZoom.Core.Steps;
using BatteryZoom.Core.Units;
using BatteryZoom.IO;
using BatteryZoom.Tomography.Fbp;
using BatteryZoom.Tomography.Fdk;
using BatteryZoom.Tomography.Preprocessing;
using BatteryZoom.Tomography.RoiFill;

namespace BatteryZoom.Cli.Commands;

/// <summary>What <c>bzoom recon fdk</c> needs besides the scan: the cone geometry, the target grid and options.</summary>
internal sealed record ConeReconstructionRequest
{
    /// <summary>Source to rotation axis; null takes the file's (a cone-beam Data Exchange file stores it).</summary>
    public Length? SourceToAxis { get; init; }
    /// <summary>Source to detector; null takes the file's.</summary>
    public Length? SourceToDetector { get; init; }
    /// <summary>Detector pixel; null takes the file's pixel size.</summary>
    public Length? Pixel { get; init; }
    /// <summary>Voxel size; null = pixel / magnification.</summary>
    public Length? Voxel { get; init; }
    /// <summary>Target size x, y, z; null = detector columns, columns, rows.</summary>
    public GridSize? Size { get; init; }
    public string Filter { get; init; } = "ram-lak";
    public int? FirstSlice { get; init; }
    public int? EndSlice { get; init; }
    /// <summary>A low-resolution volume of the whole object to fill truncated projections (local scans).</summary>
    public string? RoiFill { get; init; }
}

/// <summary>The cone-beam chain shared by <c>bzoom recon fdk</c> and the demo: geometry from options, flat-field, optional ROI
/// fill from a low-resolution volume, FDK streamed slab by slab to a file.</summary>
internal static class ConeReconstruction
{
    /// <summary>The scan re-described with a circular cone-beam geometry: distances and pixel from the request where given,
    /// else from the file (a cone-beam Data Exchange file stores them; a parallel-beam or NXtomo file stores angles and pixels only).</summary>
    /// <exception cref="UsageException">A distance is neither in the file nor in the request.</exception>
    public static ProjectionSet WithConeGeometry(ProjectionSet scan, ConeReconstructionRequest request, string source = "the scan")
    {
        var det = scan.Geometry.Detector;
        var fromFile = scan.Geometry as CircularConeBeam;
        var angles = scan.Geometry switch
        {
            ParallelBeam p => p.Angles,
            CircularConeBeam c => c.Angles,
            _ => throw new IncompatibleInputException($"recon fdk: expected angles from a Data Exchange or NXtomo file; got {scan.Geometry.GetType().Name}."),
        };
        var sourceAxis = request.SourceToAxis ?? fromFile?.SourceToAxis
            ?? throw new UsageException($"--source-axis: {source} stores no cone-beam distances; give the source–axis distance, e.g. --source-axis 50mm.");
        var sourceDetector = request.SourceToDetector ?? fromFile?.SourceToDetector
            ?? throw new UsageException($"--source-detector: {source} stores no cone-beam distances; give the source–detector distance, e.g. --source-detector 250mm.");
        if (sourceDetector.Meters <= sourceAxis.Meters)
            throw new UsageException($"--source-detector: the detector ({sourceDetector} from the source) must lie beyond the rotation axis ({sourceAxis}).");
        var pixel = request.Pixel;
        var detector = pixel is { } px ? new Detector(det.Columns, det.Rows, px, px, det.OffsetU, det.OffsetV) : det;
        var cone = new CircularConeBeam(detector, angles, sourceAxis, sourceDetector);
        return new ProjectionSet(scan.Projections, cone, scan.Domain, scan.Flats, scan.Darks, scan.Energy, scan.Provenance);
    }

    public static VoxelGrid Target(CircularConeBeam geometry, ConeReconstructionRequest request)
    {
        var voxel = request.Voxel ?? geometry.Detector.PixelWidth / geometry.Magnification;
        var size = request.Size ?? new GridSize(geometry.Detector.Columns, geometry.Detector.Columns, geometry.Detector.Rows);
        return VoxelGrid.Centered(size, voxel);
    }

    /// <summary>Runs the chain on a scan whose geometry is already conical; writes <paramref name="outPath"/>.</summary>
    public static List<string> Run(ProjectionSet coneScan, ConeReconstructionRequest request, string outPath, bool overwrite, RunContext context)
    {
        var notes = new List<string>();
        var geometry = (CircularConeBeam)coneScan.Geometry;
        ProjectionSet? owned = null;
        try
        {
            var scan = coneScan;
            if (scan.Domain == IntensityDomain.Raw)
            {
                owned = scan = FlatFieldCorrection.Apply(scan, out var report, context: context);
                notes.Add(string.Create(CultureInfo.InvariantCulture, $"flat-field: {report.ClampedValues} of {report.TotalValues} transmissions clamped"));
            }
            if (request.RoiFill is { } lowResPath)
            {
                using var lowRes = VolumeFile.Read(lowResPath, context: context);
                var filled = RoiFill.Fill(scan, lowRes, context: context);
                owned?.Dispose();
                owned = scan = filled;
                notes.Add($"ROI fill: truncated projections widened from the re-projection of {Path.GetFileName(lowResPath)} ({lowRes.Grid.Size} of {lowRes.Grid.Dx})");
            }
            var target = Target(geometry, request);
            // A filled scan already reaches beyond the object: zero padding, as RoiFill expects; otherwise edge extension.
            var options = new FdkOptions
            {
                Filter = FbpFilters.Parse(request.Filter), FirstSlice = request.FirstSlice, EndSlice = request.EndSlice,
                Padding = request.RoiFill is null ? FbpPadding.Edge : FbpPadding.Zero,
            };
            int first = request.FirstSlice ?? 0, end = request.EndSlice ?? target.Size.Nz;
            if (first < 0 || end > target.Size.Nz || end <= first)
                throw new UsageException($"--slices: [{first}, {end}) is not a non-empty range inside the target's {target.Size.Nz} slices.");
            var outGrid = target.Slab(first, end - first);
            var provenance = scan.Provenance.Append("reconstruct.fdk", 1,
            [
                new("source_axis", geometry.SourceToAxis.ToString()), new("source_detector", geometry.SourceToDetector.ToString()),
                new("pixel", geometry.Detector.PixelWidth.ToString()), new("voxel", target.Dx.ToString()), new("filter", options.Filter.ToString()),
                new("roi_fill", request.RoiFill ?? "none"),
            ], context.Backend, DateTimeOffset.UtcNow, 0);
            var metadata = StackMetadata.FromVolume(outGrid, Quantity.LinearAttenuation, provenance);
            using var writer = VolumeFile.OpenWriter(outPath, outGrid.Size.Nz, outGrid.Size.Ny, outGrid.Size.Nx, metadata, new VolumeWriteOptions { Overwrite = overwrite });
            var buffer = new float[outGrid.Size.Nx * outGrid.Size.Ny];
            FdkReconstruction.Reconstruct(scan, target, options, context, (z0, slab) =>
            {
                for (int z = 0; z < slab.Nz; z++) { slab.ReadSlice(z, buffer); writer.WriteFrame<float>(buffer); }
            });
            writer.Complete();
            notes.Add(string.Create(CultureInfo.InvariantCulture, $"magnification {geometry.Magnification:F3}, {outGrid.Size} voxels of {outGrid.Dx}, μ in 1/m"));
            return notes;
        }
        finally
        {
            owned?.Dispose();
        }
    }
}
