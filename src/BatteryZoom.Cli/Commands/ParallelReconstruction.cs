using System.Globalization;
using BatteryZoom.Core.Data;
using BatteryZoom.Core.Steps;
using BatteryZoom.Tomography.Fbp;
using BatteryZoom.Tomography.Preprocessing;

namespace BatteryZoom.Cli.Commands;

/// <summary>The parallel-beam chain shared by <c>bzoom recon fbp</c> and the demo: flat-field, zingers, rings, centre, FBP.</summary>
internal sealed record ParallelReconstructionRequest
{
    public string Center { get; init; } = "auto";
    public string Filter { get; init; } = "ram-lak";
    public double Cutoff { get; init; } = 1.0;
    public string Rings { get; init; } = "none";
    public bool Zingers { get; init; }
    public bool CircularMask { get; init; }
    public int? FirstSlice { get; init; }
    public int? EndSlice { get; init; }
}

internal static class ParallelReconstruction
{
    /// <summary>Normalises a scan to line integrals and applies the requested corrections; returns the scan to reconstruct
    /// (owned by the caller) and notes for the log.</summary>
    public static ProjectionSet Prepare(ProjectionSet scan, ParallelReconstructionRequest request, RunContext context, List<string> notes)
    {
        var current = scan;
        if (current.Domain == IntensityDomain.Raw)
        {
            current = FlatFieldCorrection.Apply(current, out var report, context: context);
            notes.Add(string.Create(CultureInfo.InvariantCulture,
                $"flat-field: {report.ClampedValues} of {report.TotalValues} transmissions clamped ({report.ClampedFraction:P3}), {report.DeadFlatPixels} dead flat pixels"));
        }
        if (request.Zingers)
        {
            var next = ZingerRemoval.Apply(current, out long replaced, context: context);
            if (!ReferenceEquals(current, scan)) current.Dispose();
            current = next;
            notes.Add($"zingers: {replaced} outliers replaced");
        }
        var method = RingRemovalOptions.ParseMethod(request.Rings);
        if (method != RingMethod.None)
        {
            var next = RingRemoval.Apply(current, new RingRemovalOptions { Method = method }, context);
            if (!ReferenceEquals(current, scan)) current.Dispose();
            current = next;
            notes.Add($"rings: {method} (Vo et al. 2018)");
        }
        return current;
    }

    /// <summary>FBP options from the request, estimating the rotation centre when asked.</summary>
    public static FbpOptions Options(ProjectionSet prepared, ParallelReconstructionRequest request, List<string> notes)
    {
        double center;
        if (request.Center.Equals("auto", StringComparison.OrdinalIgnoreCase))
        {
            center = RotationCenter.EstimateAuto(prepared, out string method);
            notes.Add(string.Create(CultureInfo.InvariantCulture, $"rotation centre: {center:F2} px (estimated from {method})"));
        }
        else if (!double.TryParse(request.Center, NumberStyles.Float, CultureInfo.InvariantCulture, out center))
            throw new Core.Diagnostics.UsageException($"--center: expected 'auto' or a column position in pixels (e.g. 1023.5); got '{request.Center}'.");
        return new FbpOptions
        {
            Filter = FbpFilters.Parse(request.Filter),
            Cutoff = request.Cutoff,
            CenterOfRotation = center,
            CircularMask = request.CircularMask,
            FirstSlice = request.FirstSlice,
            EndSlice = request.EndSlice,
        };
    }
}
