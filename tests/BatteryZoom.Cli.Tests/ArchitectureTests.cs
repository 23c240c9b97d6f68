using System.Reflection;

namespace BatteryZoom.Cli.Tests;

public class ArchitectureTests
{
    // GUIDE §1: Core <- Numerics <- domain projects <- Battery; IO depends only on Core; Cli depends on the rest.
    // Each entry lists the BatteryZoom assemblies a project may reference.
    private static readonly Dictionary<string, string[]> Allowed = new()
    {
        ["BatteryZoom.Core"] = [],
        ["BatteryZoom.Numerics"] = ["BatteryZoom.Core"],
        ["BatteryZoom.IO"] = ["BatteryZoom.Core"],
        ["BatteryZoom.Simulation"] = ["BatteryZoom.Core", "BatteryZoom.Numerics", "BatteryZoom.Tomography", "BatteryZoom.Phase"],
        ["BatteryZoom.Tomography"] = ["BatteryZoom.Core", "BatteryZoom.Numerics"],
        ["BatteryZoom.Segmentation"] = ["BatteryZoom.Core", "BatteryZoom.Numerics"],
        ["BatteryZoom.Spectroscopy"] = ["BatteryZoom.Core", "BatteryZoom.Numerics", "BatteryZoom.Tomography"],
        ["BatteryZoom.Phase"] = ["BatteryZoom.Core", "BatteryZoom.Numerics", "BatteryZoom.Tomography"],
    };

    [Fact]
    public void ProjectReferences_PointOneWay()
    {
        var cli = typeof(BzoomApp).Assembly;
        var seen = new HashSet<string>();
        var queue = new Queue<Assembly>([cli]);
        var problems = new List<string>();
        while (queue.Count > 0)
        {
            var assembly = queue.Dequeue();
            string name = assembly.GetName().Name!;
            if (!seen.Add(name)) continue;
            var ours = assembly.GetReferencedAssemblies().Where(r => r.Name!.StartsWith("BatteryZoom.", StringComparison.Ordinal)).ToList();
            if (Allowed.TryGetValue(name, out var allowed))
                problems.AddRange(ours.Where(r => !allowed.Contains(r.Name)).Select(r => $"{name} must not reference {r.Name}"));
            foreach (var r in ours) queue.Enqueue(Assembly.Load(r));
        }
        Assert.Contains("BatteryZoom.Core", seen);
        Assert.Empty(problems);
    }
}
