using BatteryZoom.Core.Random;
using BatteryZoom.Simulation.Particles;

namespace BatteryZoom.Spectroscopy.Tests;

internal static class TestData
{
    /// <summary>shared/data/xanes beside the repository (walks up from the test assembly), or null.</summary>
    public static string? XanesDir()
    {
        var d = new DirectoryInfo(AppContext.BaseDirectory);
        while (d is not null)
        {
            string p = Path.Combine(d.FullName, "shared", "data", "xanes");
            if (Directory.Exists(p)) return p;
            d = d.Parent;
        }
        return null;
    }

    public static string RequireFile(params string[] parts)
    {
        string? dir = XanesDir();
        Assert.SkipWhen(dir is null, "shared/data/xanes not found beside the repository");
        string path = Path.Combine([dir!, .. parts]);
        Assert.SkipUnless(File.Exists(path), $"{path} is missing");
        return path;
    }

    /// <summary>Model spectrum on the TXM grid with Gaussian noise (fraction of the step).</summary>
    public static double[] Spectrum(NiKEdgeModel model, double[] e, double soc, double noise, ulong seed)
    {
        var rng = new CounterRandom(seed, 11);
        var mu = new double[e.Length];
        for (int i = 0; i < e.Length; i++) mu[i] = model.Mu(e[i], soc) + noise * model.Step * rng.Normal((ulong)i);
        return mu;
    }
}
