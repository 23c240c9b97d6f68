using BatteryZoom.Core.Data;
using BatteryZoom.Core.Geometry;
using BatteryZoom.Core.Random;
using BatteryZoom.Core.Steps;
using BatteryZoom.Core.Units;
using BatteryZoom.IO.Hdf5;
using BatteryZoom.IO.Tiff;

namespace BatteryZoom.IO.Tests;

[CollectionDefinition("memory", DisableParallelization = true)]
public sealed class MemoryCollection;

/// <summary>A volume of ~300 MiB (float32) round-trips through HDF5 and TIFF under a 64 MiB budget while the live managed heap
/// stays below the budget: everything streams one slice at a time.</summary>
[Collection("memory")]
public class BoundedMemoryTests
{
    private const int Nz = 300, Ny = 512, Nx = 512;                       // 300 MiB of float32
    private static readonly MemorySize Budget = MemorySize.FromMebibytes(64);
    private static readonly CounterRandom Generator = new(20240611);

    private static void Fill(int z, Span<float> slice)
    {
        ulong first = (ulong)z * Ny * Nx;
        for (int i = 0; i < slice.Length; i++) slice[i] = (float)Generator.Uniform(first + (ulong)i);
    }

    private static void Verify(int z, ReadOnlySpan<float> slice)
    {
        ulong first = (ulong)z * Ny * Nx;
        for (int i = 0; i < slice.Length; i++)
            if (slice[i] != (float)Generator.Uniform(first + (ulong)i)) Assert.Fail($"slice {z}, element {i}: {slice[i]}");
    }

    /// <summary>Samples the live managed heap (after a full collection) every few frames.</summary>
    private sealed class HeapSampler : IProgress<StepProgress>
    {
        private readonly long _baseline = GC.GetTotalMemory(forceFullCollection: true);
        public long PeakGrowth { get; private set; }
        public void Sample() => PeakGrowth = Math.Max(PeakGrowth, GC.GetTotalMemory(forceFullCollection: true) - _baseline);
        public void Report(StepProgress value) { if (value.Done % 25 == 0) Sample(); }
    }

    [Fact]
    public void Hdf5_VolumeLargerThanBudget_RoundTripsInBoundedMemory()
    {
        using var dir = new TempDir();
        var storage = new StorageOptions(Budget, dir.Path);
        var grid = VoxelGrid.Centered(new GridSize(Nx, Ny, Nz), Length.FromMicrometers(1));
        string path = dir.File("big.h5");
        var slice = new float[Nx * Ny];
        using (var volume = Volume<float>.Create(grid, Quantity.LinearAttenuation, storage))
        {
            Assert.False(volume.Slices.IsInMemory);
            for (int z = 0; z < Nz; z++) { Fill(z, slice); volume.WriteSlice(z, slice); }
            var sampler = new HeapSampler();
            VolumeFile.Write(path, volume, context: new RunContext { Storage = storage, Progress = sampler });
            sampler.Sample();
            Assert.True(sampler.PeakGrowth < Budget.Bytes, $"writing grew the live heap by {sampler.PeakGrowth >> 20} MiB (budget {Budget})");
        }
        Assert.InRange(new FileInfo(path).Length, 300L << 20, 310L << 20);
        var readSampler = new HeapSampler();
        using var back = VolumeFile.Read(path, context: new RunContext { Storage = storage, Progress = readSampler });
        readSampler.Sample();
        Assert.True(readSampler.PeakGrowth < Budget.Bytes, $"reading grew the live heap by {readSampler.PeakGrowth >> 20} MiB (budget {Budget})");
        Assert.False(back.Slices.IsInMemory);
        Assert.Equal(grid, back.Grid);
        for (int z = 0; z < Nz; z++) { back.ReadSlice(z, slice); Verify(z, slice); }
    }

    [Fact]
    public void Tiff_StackLargerThanBudget_RoundTripsInBoundedMemory()
    {
        using var dir = new TempDir();
        string path = dir.File("big.tif");
        var slice = new float[Nx * Ny];
        var sampler = new HeapSampler();
        using (var writer = new TiffStackWriter(path, Nz, Ny, Nx))
        {
            for (int z = 0; z < Nz; z++)
            {
                Fill(z, slice);
                writer.WriteFrame<float>(slice);
                if (z % 25 == 0) sampler.Sample();
            }
            writer.Complete();
        }
        sampler.Sample();
        Assert.True(sampler.PeakGrowth < Budget.Bytes, $"writing grew the live heap by {sampler.PeakGrowth >> 20} MiB (budget {Budget})");
        var readSampler = new HeapSampler();
        using var reader = new TiffStackReader(path);
        using var stack = reader.ReadStack<float>(context: new RunContext { Storage = new StorageOptions(Budget, dir.Path), Progress = readSampler });
        readSampler.Sample();
        Assert.True(readSampler.PeakGrowth < Budget.Bytes, $"reading grew the live heap by {readSampler.PeakGrowth >> 20} MiB (budget {Budget})");
        Assert.False(stack.IsInMemory);
        for (int z = 0; z < Nz; z++) { stack.ReadFrame(z, slice); Verify(z, slice); }
    }
}
