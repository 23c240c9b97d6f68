using System.Globalization;
using BatteryZoom.Cli.Commands;
using BatteryZoom.IO;

namespace BatteryZoom.Cli.Demo;

/// <summary>Parallel-beam stage: read the Data Exchange scan back, flat-field, find the centre, FBP, compare with the truth.</summary>
internal sealed class ParallelReconStage : IDemoStage
{
    public const string ReconFile = "recon_parallel.h5";

    public string Name => "fbp";
    public string Description => "reconstruct the parallel-beam scan (flat-field, auto centre, Ram-Lak FBP) and compare with the phantom";

    public void Run(DemoContext context)
    {
        using (var scan = ProjectionFile.Read(context.PathOf(ParallelScanStage.ScanFile), context: context.Run))
        {
            var notes = ReconCommand.Run(scan, new ParallelReconstructionRequest { Center = "auto" }, context.PathOf(ReconFile), overwrite: false, context.Run);
            foreach (var n in notes) context.Note(Name, "step", n);
        }
        using var recon = VolumeFile.Read(context.PathOf(ReconFile), context: context.Run);
        using var truth = VolumeFile.Read(context.PathOf(ParallelScanStage.TruthFile), context: context.Run);
        var m = VolumeComparison.Compare(recon, truth, discFraction: 0.9, uniformValue: 0.2 * ParallelScanStage.MuScale);
        context.Note(Name, "RMSE in the disc", string.Create(CultureInfo.InvariantCulture, $"{m.Rmse:F1} 1/m ({m.Rmse / ParallelScanStage.MuScale:P2} of the phantom range)"));
        context.Note(Name, "mean μ in the uniform brain region", string.Create(CultureInfo.InvariantCulture, $"{m.UniformMean:F1} 1/m (truth {0.2 * ParallelScanStage.MuScale:F0}; {m.UniformError:+0.00%;-0.00%})"));
        context.Shared["parallel.rmse"] = m.Rmse;
    }
}

/// <summary>Error of a reconstruction against a voxelised truth on the same grid.</summary>
internal static class VolumeComparison
{
    public sealed record Metrics(double Rmse, double UniformMean, double UniformError, long UniformVoxels);

    /// <summary>RMSE inside a centred disc (fraction of the half-width) in every slice, and the mean where the truth equals
    /// <paramref name="uniformValue"/> exactly (voxels wholly inside one region, away from partial-volume edges).</summary>
    public static Metrics Compare(Core.Data.Volume<float> recon, Core.Data.Volume<float> truth, double discFraction, double uniformValue)
    {
        if (recon.Nx != truth.Nx || recon.Ny != truth.Ny || recon.Nz != truth.Nz)
            throw new Core.Diagnostics.IncompatibleInputException($"comparison: reconstruction {recon.Grid.Size} and truth {truth.Grid.Size} differ.");
        var a = new float[recon.Nx * recon.Ny];
        var b = new float[truth.Nx * truth.Ny];
        double cx = (recon.Nx - 1) / 2.0, cy = (recon.Ny - 1) / 2.0, r2 = Math.Pow(discFraction * recon.Nx / 2.0, 2);
        double se = 0, su = 0; long n = 0, nu = 0;
        for (int z = 0; z < recon.Nz; z++)
        {
            recon.ReadSlice(z, a);
            truth.ReadSlice(z, b);
            for (int y = 0; y < recon.Ny; y++)
                for (int x = 0; x < recon.Nx; x++)
                {
                    if ((x - cx) * (x - cx) + (y - cy) * (y - cy) > r2) continue;
                    int i = y * recon.Nx + x;
                    se += (a[i] - b[i]) * (double)(a[i] - b[i]); n++;
                    if (Math.Abs(b[i] - uniformValue) < 1e-3 * Math.Abs(uniformValue)) { su += a[i]; nu++; }
                }
        }
        double mean = nu > 0 ? su / nu : double.NaN;
        return new Metrics(Math.Sqrt(se / Math.Max(n, 1)), mean, mean / uniformValue - 1, nu);
    }
}
