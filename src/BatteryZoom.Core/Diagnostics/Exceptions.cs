namespace BatteryZoom.Core.Diagnostics;

/// <summary>Base of BatteryZoom's domain errors: a message for the user and the CLI exit code it maps to.</summary>
/// <remarks>Exit codes: 2 usage or recipe, 3 data, 4 backend (GUIDE §6).</remarks>
public abstract class BatteryZoomException : Exception
{
    /// <summary>Creates the exception.</summary>
    protected BatteryZoomException(string message, Exception? inner = null) : base(message, inner) { }
    /// <summary>Process exit code the CLI uses for this error.</summary>
    public abstract int ExitCode { get; }
}

/// <summary>Input data that cannot be used together or with the requested step (shapes, counts, geometry, values).</summary>
public sealed class IncompatibleInputException : BatteryZoomException
{
    /// <summary>Creates the exception with a message naming what was expected and what was found.</summary>
    public IncompatibleInputException(string message, Exception? inner = null) : base(message, inner) { }
    /// <inheritdoc/>
    public override int ExitCode => 3;
}

/// <summary>A file that is missing, truncated, corrupt or not of the expected layout.</summary>
public sealed class DataFormatException : BatteryZoomException
{
    /// <summary>Creates the exception: "<paramref name="path"/>: expected <paramref name="expected"/>; found <paramref name="found"/>".</summary>
    public DataFormatException(string path, string expected, string found, Exception? inner = null)
        : base($"{path}: expected {expected}; found {found}.", inner)
        => (Path, Expected, Found) = (path, expected, found);
    /// <summary>The file (and dataset path, where relevant).</summary>
    public string Path { get; }
    /// <summary>What the reader expected.</summary>
    public string Expected { get; }
    /// <summary>What it found.</summary>
    public string Found { get; }
    /// <inheritdoc/>
    public override int ExitCode => 3;
}

/// <summary>A command line or recipe that asks for something invalid (unknown option value, existing output, …).</summary>
public sealed class UsageException : BatteryZoomException
{
    /// <summary>Creates the exception.</summary>
    public UsageException(string message, Exception? inner = null) : base(message, inner) { }
    /// <inheritdoc/>
    public override int ExitCode => 2;
}

/// <summary>A requested compute backend (e.g. a GPU) is not available; never silently replaced.</summary>
public sealed class BackendUnavailableException : BatteryZoomException
{
    /// <summary>Creates the exception.</summary>
    public BackendUnavailableException(string message, Exception? inner = null) : base(message, inner) { }
    /// <inheritdoc/>
    public override int ExitCode => 4;
}
