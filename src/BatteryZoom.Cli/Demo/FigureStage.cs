using BatteryZoom.IO;
using BatteryZoom.IO.Images;

namespace BatteryZoom.Cli.Demo;

/// <summary>Figures stage: draws the main volumes of the earlier stages as PNGs in figures/ (slices and vertical cuts with
/// their colour ranges) for the report.</summary>
internal sealed class FigureStage : IDemoStage
{
    public const string Folder = "figures";

    public string Name => "figures";
    public string Description => "draw slices of the reconstructed, phase and edge-energy volumes as PNG figures";

    private static readonly (string File, string Figure, string Caption, SliceFigureOptions Options)[] Figures =
    [
        (ParallelReconStage.ReconFile, "parallel_slice.png", "Parallel-beam FBP, middle slice (μ)", new SliceFigureOptions()),
        (ConeScanStage.ReconFile, "cell_slice.png", "Cone-beam FDK of the mini cell, middle slice (μ): can, electrode windings, delamination void",
            new SliceFigureOptions()),
        (ConeScanStage.ReconFile, "cell_cut.png", "Cone-beam FDK, vertical cut through the axis (μ)", new SliceFigureOptions { Axis = SliceAxis.Y }),
        (HoloStage.DeltaFile, "electrode_delta.png", "Holotomography, CTF phase + FBP: δ of the NMC electrode, the slice with most structure",
            new SliceFigureOptions { Index = BusiestSlice }),
        (XanesStage.EdgeEnergyFile, "xanes_edge_energy.png", "XANES edge energy at half step (eV), middle slice", new SliceFigureOptions { Colormap = Colormap.Viridis }),
        (XanesStage.SocFile, "xanes_soc.png", "State of charge from the edge energy (0..1), middle slice",
            new SliceFigureOptions { Colormap = Colormap.Viridis, Low = 0, High = 1 }),
    ];

    // Marker for "the z slice with the largest variance" (the electrode's particles leave the middle slice empty).
    private const int BusiestSlice = -1;

    private static int MostVariedSlice(Core.Data.Volume<float> volume)
    {
        var buffer = new float[volume.Nx * volume.Ny];
        int best = volume.Nz / 2;
        double bestVariance = -1;
        for (int z = 0; z < volume.Nz; z++)
        {
            volume.ReadSlice(z, buffer);
            double sum = 0, sq = 0; int n = 0;
            foreach (float v in buffer) if (float.IsFinite(v)) { sum += v; sq += (double)v * v; n++; }
            double variance = n > 0 ? sq / n - (sum / n) * (sum / n) : 0;
            if (variance > bestVariance) (best, bestVariance) = (z, variance);
        }
        return best;
    }

    public void Run(DemoContext context)
    {
        Directory.CreateDirectory(context.PathOf(Folder));
        foreach (var (file, figure, caption, options) in Figures)
        {
            context.Run.Cancellation.ThrowIfCancellationRequested();
            string source = context.PathOf(file);
            if (!File.Exists(source)) continue;   // a stage that wrote nothing (e.g. skipped) draws nothing
            // Maps mark masked voxels NaN; the figure draws them black.
            using var volume = VolumeFile.Read(source, new VolumeReadOptions { RejectNonFinite = false }, context.Run);
            var drawn = SliceFigure.Render(volume, options.Index == BusiestSlice ? options with { Index = MostVariedSlice(volume) } : options);
            string relative = Path.Combine(Folder, figure);
            drawn.WritePng(context.PathOf(relative));
            context.Figures.Add(new DemoFigure(relative.Replace('\\', '/'), caption, drawn.Description));
            context.Note(Name, figure, drawn.Description);
        }
        // The edge-energy distribution over the particle's mapped voxels: one mode per state of charge of its grains.
        string edgeFile = context.PathOf(XanesStage.EdgeEnergyFile);
        if (File.Exists(edgeFile))
        {
            using var edge = VolumeFile.Read(edgeFile, new VolumeReadOptions { RejectNonFinite = false }, context.Run);
            var values = new List<double>();
            for (int z = 0; z < edge.Nz; z++) foreach (float v in edge.GetSlice(z)) if (float.IsFinite(v)) values.Add(v);
            if (values.Count > 0)
            {
                string relative = Path.Combine(Folder, "xanes_edge_energy_histogram.svg");
                SvgHistogram.Write(context.PathOf(relative), values, 60, "edge energy at half step (eV)", $"XANES: edge energy of {values.Count} mapped voxels");
                string caption = "Distribution of the per-voxel edge energy (one mode per grain state of charge)";
                context.Figures.Add(new DemoFigure(relative.Replace('\\', '/'), caption, $"{values.Count} voxels, 60 bins"));
                context.Note(Name, "xanes_edge_energy_histogram.svg", $"{values.Count} voxels, 60 bins");
            }
        }
    }
}
