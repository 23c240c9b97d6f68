using BatteryZoom.Core.Diagnostics;
using BatteryZoom.Core.Steps;
using BatteryZoom.IO.Raw;
using BatteryZoom.IO.Tests.Hdf5;

namespace BatteryZoom.IO.Tests;

public class OutputTests
{
    [Fact]
    public void ExistingOutput_IsRefusedWithoutOverwrite()
    {
        using var dir = new TempDir();
        string path = dir.File("out.h5");
        File.WriteAllText(path, "old");
        var ex = Assert.Throws<UsageException>(() => OutputPath.Check(path, overwrite: false, []));
        Assert.Equal($"output '{path}' already exists; pass --overwrite to replace it.", ex.Message);
        OutputPath.Check(path, overwrite: true, []);
        using var volume = Hdf5VolumeTests.PatternVolume(2, 2, 2);
        Assert.Throws<UsageException>(() => VolumeFile.Write(path, volume));
        Assert.Equal("old", File.ReadAllText(path));
        VolumeFile.Write(path, volume, new VolumeWriteOptions { Overwrite = true });
        Assert.NotEqual("old", File.ReadAllText(path));
    }

    [Fact]
    public void InputAsOutput_IsRefusedEvenWithOverwrite()
    {
        using var dir = new TempDir();
        string path = dir.File("in.tif");
        File.WriteAllText(path, "x");
        string sameFile = Path.Combine(dir.Path, ".", "in.tif");
        var ex = Assert.Throws<UsageException>(() => OutputPath.Check(sameFile, overwrite: true, ["a.h5", path]));
        Assert.Equal($"output '{sameFile}' is also an input; write to a different path.", ex.Message);
        var ex2 = Assert.Throws<UsageException>(() => FileConverter.Convert(path, path, new ConvertOptions { Overwrite = true }));
        Assert.Contains("is also an input", ex2.Message);
    }

    [Fact]
    public void SymlinkToInput_IsTheSameFile()
    {
        using var dir = new TempDir();
        string path = dir.File("in.raw");
        File.WriteAllText(path, "x");
        string link = dir.File("link.raw");
        File.CreateSymbolicLink(link, path);
        Assert.Throws<UsageException>(() => OutputPath.Check(link, overwrite: true, [path]));
    }

    [Fact]
    public void WriterDisposedBeforeComplete_LeavesNothing()
    {
        using var dir = new TempDir();
        string path = dir.File("partial.raw");
        using (var w = new RawWriter(path, 3, 2, 2, ElementType.Float32))
        {
            w.WriteFrame<float>(new float[4]);
            Assert.Single(Directory.GetFiles(dir.Path));   // the .partial-<guid> file
            Assert.Contains(".partial-", Directory.GetFiles(dir.Path)[0]);
        }
        Assert.Empty(Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void Complete_BeforeAllFrames_Throws()
    {
        using var dir = new TempDir();
        using var w = new RawWriter(dir.File("a.raw"), 2, 1, 1, ElementType.Float32);
        w.WriteFrame<float>([1f]);
        var ex = Assert.Throws<InvalidOperationException>(w.Complete);
        Assert.Contains("1 of 2 frames written", ex.Message);
    }

    [Theory]
    [InlineData("v.h5")]
    [InlineData("v.tif")]
    [InlineData("folder/")]
    [InlineData("v.edf")]
    [InlineData("v.raw")]
    public void CancelledWrite_LeavesNothing(string name)
    {
        using var dir = new TempDir();
        using var volume = Hdf5VolumeTests.PatternVolume(6, 3, 3);
        using var cts = new CancellationTokenSource();
        var context = new RunContext { Cancellation = cts.Token, Progress = new SyncProgress(p => { if (p.Done == 2) cts.Cancel(); }) };
        Assert.ThrowsAny<OperationCanceledException>(() => VolumeFile.Write(dir.File(name), volume, context: context));
        Assert.Empty(Directory.GetFileSystemEntries(dir.Path));
    }

    [Fact]
    public void AtomicFileWriter_ExceptionDeletesTemp()
    {
        using var dir = new TempDir();
        string path = dir.File("x.bin");
        Assert.Throws<InvalidDataException>(() => AtomicFileWriter.Write(path, false, temp =>
        {
            File.WriteAllText(temp, "half");
            throw new InvalidDataException("boom");
        }, TestContext.Current.CancellationToken));
        Assert.Empty(Directory.GetFileSystemEntries(dir.Path));
        AtomicFileWriter.Write(path, false, temp => File.WriteAllText(temp, "done"), TestContext.Current.CancellationToken);
        Assert.Equal("done", File.ReadAllText(path));
    }
}
