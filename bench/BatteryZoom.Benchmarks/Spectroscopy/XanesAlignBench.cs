using System.Diagnostics;
using BatteryZoom.Spectroscopy.EnergyAlignment;

namespace BatteryZoom.Benchmarks.Spectroscopy;

/// <summary>One-core cost of the alignment across energies: <see cref="ImageAligner.Estimate"/> on an image pair (coarse scale
/// search over 0.93–1.07 in 0.005 steps = 29 phase correlations, then the Gauss–Newton refinement) and <see cref="ImageAligner.Warp"/>
/// of one projection. Images: a soft-edged particle with grains, 3 % noise, shifted by (2.3, −1.7) px and scaled by 1.03.</summary>
public static class XanesAlignBench
{
    public static void Run()
    {
        foreach (int n in new[] { 64, 128, 256, 512 })
        {
            var truth = new SimilarityTransform(2.3, -1.7, 1.03);
            var reference = Render(n, SimilarityTransform.Identity, 1, 0.03, 1);
            var moving = Render(n, truth, 0.6, 0.03, 2);
            SimilarityTransform est = default;
            double estimate = Time(() => est = ImageAligner.Estimate(reference, moving, n, n), n <= 128 ? 5 : 2);
            estimate = Time(() => est = ImageAligner.Estimate(reference, moving, n, n), n <= 128 ? 5 : 2);
            var output = new float[n * n];
            double warp = Time(() => ImageAligner.Warp(moving, n, n, est, output), 20);
            Console.WriteLine($"align {n}×{n} (1 core): estimate {estimate * 1e3:F1} ms per energy pair, warp {warp * 1e3:F2} ms per projection; " +
                $"error dx {est.ShiftX - truth.ShiftX:+0.000;-0.000} px, dy {est.ShiftY - truth.ShiftY:+0.000;-0.000} px, scale {(est.Scale - truth.Scale) * 100:+0.000;-0.000} %");
        }
    }

    private static double Time(Action a, int reps)
    {
        a();
        var sw = Stopwatch.StartNew();
        for (int i = 0; i < reps; i++) a();
        return sw.Elapsed.TotalSeconds / reps;
    }

    private static float[] Render(int n, SimilarityTransform t, double contrast, double noise, int seed)
    {
        var rng = new Random(seed);
        var img = new float[n * n];
        double c = (n - 1) / 2.0, r = 0.32 * n;
        for (int y = 0; y < n; y++)
            for (int x = 0; x < n; x++)
            {
                double px = (x - c - t.ShiftX) / t.Scale + c, py = (y - c - t.ShiftY) / t.Scale + c;
                double v = Dome(px, py, c, c, r) + contrast * 0.6 * Dome(px, py, c - 0.3 * r, c - 0.2 * r, 0.3 * r) - 0.4 * Dome(px, py, c + 0.4 * r, c + 0.3 * r, 0.2 * r);
                double u1 = 1 - rng.NextDouble(), u2 = rng.NextDouble();
                img[y * n + x] = (float)(v + noise * r * Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
            }
        return img;
    }

    private static double Dome(double x, double y, double cx, double cy, double r)
    {
        double d = Math.Sqrt((x - cx) * (x - cx) + (y - cy) * (y - cy));
        return 0.5 * (1 - Math.Tanh((d - r) / 1.2)) * Math.Sqrt(Math.Max(0, 1 - d * d / (1.69 * r * r))) * r;
    }
}
