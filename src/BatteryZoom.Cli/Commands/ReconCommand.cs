using System.CommandLine;
using System.Globalization;
using BatteryZoom.Cli.Infrastructure;
using BatteryZoom.Core.Data;
using BatteryZoom.Core.Steps;
using BatteryZoom.Core.Units;
using BatteryZoom.IO;
using BatteryZoom.Tomography.Fbp;

namespace BatteryZoom.Cli.Commands;

/// <summary><c>bzoom recon fbp|fdk</c>: tomographic reconstruction, streamed slab by slab to the output file.</summary>
internal static class ReconCommand
{
    public static Command Create()
    {
        var command = new Command("recon", "Reconstruct a tomographic scan.");
        command.Subcommands.Add(CreateFbp());
        command.Subcommands.Add(CreateFdk());
        return command;
    }

    private static Command CreateFdk()
    {
        var input = new Argument<string>("input") { Description = "Cone-beam scan: projections with angles (Data Exchange or NXtomo HDF5)." };
        var output = CommonOptions.Out("Output volume: .h5, .tif, a folder/ of TIFFs, .raw or .edf.");
        var sourceAxis = new Option<string?>("--source-axis") { Description = "Source to rotation axis distance, e.g. 50mm (default: from a cone-beam Data Exchange file)." };
        var sourceDetector = new Option<string?>("--source-detector") { Description = "Source to detector distance, e.g. 250mm (default: from a cone-beam Data Exchange file)." };
        var pixel = new Option<string?>("--pixel") { Description = "Detector pixel size, e.g. 49.5um (default: from the file)." };
        var voxel = new Option<string?>("--voxel") { Description = "Voxel size (default: pixel / magnification)." };
        var size = new Option<string?>("--size") { Description = "Target size XxYxZ in voxels (default: columns×columns×rows)." };
        var filter = new Option<string>("--filter") { Description = "ram-lak, shepp-logan, cosine, hamming, hann or parzen.", DefaultValueFactory = _ => "ram-lak" };
        var slices = new Option<string?>("--slices") { Description = "Target slices A:B to reconstruct (B excluded)." };
        var roiFill = new Option<string?>("--roi-fill") { Description = "Low-resolution volume of the whole object (HDF5) used to fill truncated projections of a local scan." };
        var memory = CommonOptions.Memory();
        var overwrite = CommonOptions.Overwrite();
        var command = new Command("fdk", "Circular cone-beam FDK (Parker short-scan and Wang offset-detector weights chosen automatically), streamed slab by slab.");
        command.Arguments.Add(input);
        foreach (var o in new Option[] { output, sourceAxis, sourceDetector, pixel, voxel, size, filter, slices, roiFill, memory, overwrite }) command.Options.Add(o);
        CommandAction.Set(command, async (parse, cancellation) =>
        {
            string inPath = parse.GetRequiredValue(input), outPath = parse.GetRequiredValue(output);
            bool replace = parse.GetValue(overwrite);
            var inputs = new List<string> { inPath };
            if (parse.GetValue(roiFill) is { } lr) inputs.Add(lr);
            OutputPath.Check(outPath, replace, inputs);
            var (first, end) = SliceRange.Parse(parse.GetValue(slices), "--slices");
            var request = new ConeReconstructionRequest
            {
                SourceToAxis = parse.GetValue(sourceAxis) is { } sa ? Length.Parse(sa) : null,
                SourceToDetector = parse.GetValue(sourceDetector) is { } sd ? Length.Parse(sd) : null,
                Pixel = parse.GetValue(pixel) is { } p ? Length.Parse(p) : null,
                Voxel = parse.GetValue(voxel) is { } v ? Length.Parse(v) : null,
                Size = parse.GetValue(size) is { } s ? ParseSize(s) : null,
                Filter = parse.GetValue(filter) ?? "ram-lak", FirstSlice = first, EndSlice = end, RoiFill = parse.GetValue(roiFill),
            };
            var storage = new StorageOptions(CommonOptions.ParseMemory(parse.GetValue(memory)));
            var notes = await ProgressDisplay.RunAsync(progress =>
            {
                var context = new RunContext { Cancellation = cancellation, Progress = progress, Storage = storage, Log = Console.Error.WriteLine };
                using var scan = ProjectionFile.Read(inPath, new ProjectionReadOptions { DefaultPixelSize = request.Pixel }, context);
                var cone = ConeReconstruction.WithConeGeometry(scan, request, inPath);   // shares scan's frames; scan disposes them
                return ConeReconstruction.Run(cone, request, outPath, replace, context);
            }).ConfigureAwait(false);
            foreach (var n in notes) Console.WriteLine($"recon fdk: {n}");
            Console.WriteLine($"recon fdk: wrote {outPath}");
            return 0;
        });
        return command;
    }

    private static Core.Geometry.GridSize ParseSize(string text)
    {
        var parts = text.ToLowerInvariant().Split('x');
        if (parts.Length != 3 || !parts.All(p => int.TryParse(p, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) && n > 0))
            throw new Core.Diagnostics.UsageException($"--size: expected XxYxZ in voxels (e.g. 256x256x128); got '{text}'.");
        var n = parts.Select(p => int.Parse(p, CultureInfo.InvariantCulture)).ToArray();
        return new Core.Geometry.GridSize(n[0], n[1], n[2]);
    }

    private static Command CreateFbp()
    {
        var input = new Argument<string>("input") { Description = "Scan: Data Exchange (.h5) or NXtomo (.nxs) HDF5." };
        var output = CommonOptions.Out("Output volume: .h5 (BatteryZoom volume), .tif, a folder/ of TIFFs, .raw or .edf.");
        var center = new Option<string>("--center") { Description = "Rotation centre: 'auto' or a column position in pixels.", DefaultValueFactory = _ => "auto" };
        var filter = new Option<string>("--filter") { Description = "ram-lak, shepp-logan, cosine, hamming, hann or parzen.", DefaultValueFactory = _ => "ram-lak" };
        var cutoff = new Option<double>("--cutoff") { Description = "Filter cutoff as a fraction of Nyquist, in (0, 1].", DefaultValueFactory = _ => 1.0 };
        var rings = new Option<string>("--rings") { Description = "Ring removal: none, sorting, large, dead or all (Vo et al. 2018).", DefaultValueFactory = _ => "none" };
        var zingers = new Option<bool>("--zingers") { Description = "Replace outliers (zingers) before reconstruction." };
        var slices = new Option<string?>("--slices") { Description = "Detector rows A:B to reconstruct (B excluded)." };
        var mask = new Option<bool>("--mask") { Description = "Zero voxels outside the reconstruction circle." };
        var pixel = new Option<string?>("--pixel") { Description = "Detector pixel size when the file stores none, e.g. 0.65um." };
        var memory = CommonOptions.Memory();
        var overwrite = CommonOptions.Overwrite();
        var command = new Command("fbp", "Parallel-beam filtered back-projection (flat-field, optional zinger and ring removal, rotation centre).");
        command.Arguments.Add(input);
        foreach (var o in new Option[] { output, center, filter, cutoff, rings, zingers, slices, mask, pixel, memory, overwrite }) command.Options.Add(o);
        CommandAction.Set(command, async (parse, cancellation) =>
        {
            string inPath = parse.GetRequiredValue(input), outPath = parse.GetRequiredValue(output);
            bool replace = parse.GetValue(overwrite);
            OutputPath.Check(outPath, replace, inPath);
            var (first, end) = SliceRange.Parse(parse.GetValue(slices), "--slices");
            var request = new ParallelReconstructionRequest
            {
                Center = parse.GetValue(center) ?? "auto", Filter = parse.GetValue(filter) ?? "ram-lak", Cutoff = parse.GetValue(cutoff),
                Rings = parse.GetValue(rings) ?? "none", Zingers = parse.GetValue(zingers), CircularMask = parse.GetValue(mask),
                FirstSlice = first, EndSlice = end,
            };
            var storage = new StorageOptions(CommonOptions.ParseMemory(parse.GetValue(memory)));
            Length? defaultPixel = parse.GetValue(pixel) is { } p ? Length.Parse(p) : null;
            var notes = await ProgressDisplay.RunAsync(progress =>
            {
                var context = new RunContext { Cancellation = cancellation, Progress = progress, Storage = storage, Log = Console.Error.WriteLine };
                using var scan = ProjectionFile.Read(inPath, new ProjectionReadOptions { DefaultPixelSize = defaultPixel }, context);
                return Run(scan, request, outPath, replace, context);
            }).ConfigureAwait(false);
            foreach (var n in notes) Console.WriteLine($"recon fbp: {n}");
            Console.WriteLine($"recon fbp: wrote {outPath}");
            return 0;
        });
        return command;
    }

    /// <summary>Prepares, reconstructs and streams each slab to <paramref name="outPath"/>.</summary>
    internal static List<string> Run(ProjectionSet scan, ParallelReconstructionRequest request, string outPath, bool overwrite, RunContext context)
    {
        var notes = new List<string>();
        var prepared = ParallelReconstruction.Prepare(scan, request, context, notes);
        try
        {
            var options = ParallelReconstruction.Options(prepared, request, notes);
            var reconstructor = FbpReconstructor.Create(prepared, options, context);
            var grid = reconstructor.Grid;
            var provenance = prepared.Provenance.Append(Reconstruct.FbpStepId, Reconstruct.FbpStepVersion,
            [
                new("filter", options.Filter.ToString()), new("cutoff", options.Cutoff.ToString(CultureInfo.InvariantCulture)),
                new("center", string.Create(CultureInfo.InvariantCulture, $"{options.CenterOfRotation:F3} px")),
                new("voxel", grid.Dx.ToString()), new("rings", request.Rings), new("zingers", request.Zingers.ToString()),
            ], context.Backend, DateTimeOffset.UtcNow, 0);
            var metadata = StackMetadata.FromVolume(grid, Quantity.LinearAttenuation, provenance);
            using var writer = VolumeFile.OpenWriter(outPath, grid.Size.Nz, grid.Size.Ny, grid.Size.Nx, metadata, new VolumeWriteOptions { Overwrite = overwrite });
            var buffer = new float[grid.Size.Nx * grid.Size.Ny];
            reconstructor.Run(context, (z0, slab) =>
            {
                for (int z = 0; z < slab.Nz; z++) { slab.ReadSlice(z, buffer); writer.WriteFrame<float>(buffer); }
            });
            writer.Complete();
            notes.Add($"{grid.Size} voxels of {grid.Dx}, μ in 1/m");
            return notes;
        }
        finally
        {
            if (!ReferenceEquals(prepared, scan)) prepared.Dispose();
        }
    }
}
