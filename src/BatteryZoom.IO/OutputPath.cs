using BatteryZoom.Core.Diagnostics;

namespace BatteryZoom.IO;

/// <summary>Checks an output path before any work starts (the CLI calls this for every output).</summary>
public static class OutputPath
{
    /// <summary>Refuses an output that exists (unless <paramref name="overwrite"/>) or that is one of <paramref name="inputs"/>.</summary>
    /// <remarks>Paths are compared after <see cref="Path.GetFullPath(string)"/> and symbolic-link resolution, so "./a.h5" and
    /// "a.h5" are the same file. An input equal to the output is refused even with <paramref name="overwrite"/>: the
    /// input would be destroyed while it is still being read.</remarks>
    /// <exception cref="UsageException">The output is an input, or exists and <paramref name="overwrite"/> is false.</exception>
    public static void Check(string output, bool overwrite, IEnumerable<string> inputs)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(output);
        ArgumentNullException.ThrowIfNull(inputs);
        string target = Normalize(output);
        foreach (var input in inputs)
        {
            if (string.IsNullOrWhiteSpace(input)) continue;
            if (string.Equals(Normalize(input), target, StringComparison.Ordinal))
                throw new UsageException($"output '{output}' is also an input; write to a different path.");
        }
        if (!overwrite && (File.Exists(target) || Directory.Exists(target)))
            throw new UsageException($"output '{output}' already exists; pass --overwrite to replace it.");
    }

    /// <summary>Checks one input/output pair.</summary>
    /// <exception cref="UsageException">See <see cref="Check(string, bool, IEnumerable{string})"/>.</exception>
    public static void Check(string output, bool overwrite, string input) => Check(output, overwrite, [input]);

    private static string Normalize(string path)
    {
        string full = Path.GetFullPath(path).TrimEnd(Path.DirectorySeparatorChar);
        try
        {
            FileSystemInfo info = Directory.Exists(full) ? new DirectoryInfo(full) : new FileInfo(full);
            if (info.Exists && info.LinkTarget is not null && info.ResolveLinkTarget(returnFinalTarget: true) is { } target)
                return Path.GetFullPath(target.FullName).TrimEnd(Path.DirectorySeparatorChar);
        }
        catch (IOException) { }
        return full;
    }
}
