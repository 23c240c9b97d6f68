// SPDX-License-Identifier: MIT
using BatteryZoom.Core.Data;
using BatteryZoom.Core.Geometry;
using BatteryZoom.Core.Steps;

namespace BatteryZoom.Tomography.ConeBeam;

/// <summary>Resamples projections taken with a tilted detector onto the untilted detector of the same circular orbit, so
/// that FDK (which needs u constant along a voxel column) can reconstruct them.</summary>
/// <remarks>Each pixel of the ideal detector defines a ray from the source; where that ray meets the tilted detector plane
/// the tilted projection is interpolated bilinearly (zero outside). A line integral does not depend on where the ray is
/// recorded, so this is exact up to interpolation. The mapping is the same for every angle of a circular orbit and is
/// computed once (float64).</remarks>
public static class TiltRectifier
{
    /// <summary>Rectifies <paramref name="scan"/> (tilted by <paramref name="tilt"/> relative to <paramref name="ideal"/>).</summary>
    /// <exception cref="Core.Diagnostics.IncompatibleInputException">The projections do not match the ideal geometry's counts.</exception>
    public static ProjectionSet Rectify(ProjectionSet scan, CircularConeBeam ideal, DetectorTilt tilt, RunContext? context = null)
    {
        ArgumentNullException.ThrowIfNull(scan);
        ArgumentNullException.ThrowIfNull(ideal);
        context ??= RunContext.Default;
        var det = ideal.Detector;
        ideal.CheckMatches(scan.Projections.Count, scan.Projections.Rows, scan.Projections.Columns, "tilt rectification");
        var pose = ideal.PoseAt(0);
        var tilted = ConeGeometry.Tilt(pose, tilt);
        var normal = Vec3.Cross(tilted.U, tilted.V);
        double cu = (det.Columns - 1) / 2.0, cv = (det.Rows - 1) / 2.0;
        int nc = det.Columns, nr = det.Rows;
        var map = new (int Index, float Fc, float Fr, bool Valid)[nr * nc];
        double uu = Vec3.Dot(tilted.U, tilted.U), vv = Vec3.Dot(tilted.V, tilted.V);
        for (int r = 0; r < nr; r++)
            for (int c = 0; c < nc; c++)
            {
                var p = pose.DetectorCentre + pose.U * (c - cu) + pose.V * (r - cv);
                var d = p - pose.Source;
                double t = Vec3.Dot(tilted.DetectorCentre - pose.Source, normal) / Vec3.Dot(d, normal);
                var x = pose.Source + d * t - tilted.DetectorCentre;
                double col = Vec3.Dot(x, tilted.U) / uu + cu, row = Vec3.Dot(x, tilted.V) / vv + cv;
                int c0 = (int)Math.Floor(col), r0 = (int)Math.Floor(row);
                bool valid = c0 >= 0 && r0 >= 0 && c0 + 1 < nc && r0 + 1 < nr;
                map[r * nc + c] = (valid ? r0 * nc + c0 : 0, (float)(col - c0), (float)(row - r0), valid);
            }
        var output = ImageStack<float>.Create(scan.Projections.Count, nr, nc, context.Storage);
        Parallel.For(0, scan.Projections.Count, context.ParallelOptions, () => (new float[nr * nc], new float[nr * nc]), (i, _, buffers) =>
        {
            var (src, dst) = buffers;
            scan.Projections.ReadFrame(i, src);
            for (int k = 0; k < dst.Length; k++)
            {
                var m = map[k];
                if (!m.Valid) { dst[k] = 0; continue; }
                float a = src[m.Index] + m.Fc * (src[m.Index + 1] - src[m.Index]);
                float b = src[m.Index + nc] + m.Fc * (src[m.Index + nc + 1] - src[m.Index + nc]);
                dst[k] = a + m.Fr * (b - a);
            }
            output.WriteFrame(i, dst);
            return buffers;
        }, _ => { });
        // Flats and darks were taken on the tilted detector: rectify after flat-field correction; they are not carried over.
        return new ProjectionSet(output, ideal, scan.Domain, energy: scan.Energy, provenance: scan.Provenance);
    }
}
