using BatteryZoom.Core.Data;
using BatteryZoom.Core.Geometry;
using BatteryZoom.Core.Units;

namespace BatteryZoom.Core.Tests.Data;

public class ImageStackTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void FramesRoundTrip_InMemoryAndOnDisk(bool inMemory)
    {
        using var stack = ImageStack<float>.Create(5, 3, 4, inMemory ? StorageOptions.InMemory : StorageOptions.OnDisk());
        Assert.Equal(inMemory, stack.IsInMemory);
        for (int i = 0; i < 5; i++) stack.WriteFrame(i, Enumerable.Range(0, 12).Select(v => (float)(i * 100 + v)).ToArray());
        var frame = new float[12];
        stack.ReadFrame(3, frame);
        Assert.Equal(300f, frame[0]);
        Assert.Equal(311f, frame[11]);
        var row = new float[4];
        stack.ReadRow(4, 2, row);
        Assert.Equal(new float[] { 408, 409, 410, 411 }, row);
        var slab = new float[24];
        stack.ReadFrames(1, 2, slab);
        Assert.Equal(100f, slab[0]);
        Assert.Equal(211f, slab[23]);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void WriteRows_ReplacesOnlyThoseRows_InMemoryAndOnDisk(bool inMemory)
    {
        using var stack = ImageStack<float>.Create(3, 4, 2, inMemory ? StorageOptions.InMemory : StorageOptions.OnDisk());
        for (int i = 0; i < 3; i++) stack.WriteFrame(i, Enumerable.Repeat((float)i, 8).ToArray());
        stack.WriteRows(1, 1, 2, [10, 11, 12, 13, 99]);   // a longer source is fine: 2 rows × 2 columns are used
        var frame = new float[8];
        stack.ReadFrame(1, frame);
        Assert.Equal(new float[] { 1, 1, 10, 11, 12, 13, 1, 1 }, frame);
        stack.ReadFrame(2, frame);
        Assert.Equal(Enumerable.Repeat(2f, 8), frame);
        Assert.Throws<ArgumentOutOfRangeException>(() => stack.WriteRows(0, 3, 2, new float[4]));
        Assert.Throws<ArgumentException>(() => stack.WriteRows(0, 0, 2, new float[3]));
    }

    [Fact]
    public void Create_LargeFrames_AreZeroEvenWhenTheHeapRecyclesMemory()
    {
        // Frames ≥ 256 KiB have their pages populated in one madvise call (FrameAllocator); they must still read as zero
        // after the GC hands back memory that held other data.
        for (int round = 0; round < 3; round++)
        {
            using (var dirty = ImageStack<float>.Create(8, 256, 512, StorageOptions.InMemory))
                for (int i = 0; i < 8; i++) dirty.GetFrame(i).Fill(float.NaN);
            GC.Collect();
            using var clean = ImageStack<float>.Create(8, 256, 512, StorageOptions.InMemory);
            for (int i = 0; i < 8; i++) Assert.True(clean.GetFrame(i).IndexOfAnyExcept(0f) < 0, $"frame {i} of round {round} is not zero");
        }
    }

    [Fact]
    public void Create_ChoosesScratchFile_WhenOverBudget()
    {
        // 4 frames × 64 KiB exceed a 128 KiB budget.
        using var stack = ImageStack<float>.Create(4, 128, 128, new StorageOptions(MemorySize.FromMebibytes(0.125)));
        Assert.False(stack.IsInMemory);
        Assert.Throws<InvalidOperationException>(() => stack.GetFrame(0));
    }

    [Fact]
    public void ShortBuffer_Throws_WithSizes()
    {
        using var stack = ImageStack<float>.Create(2, 3, 4, StorageOptions.InMemory);
        var e = Assert.Throws<ArgumentException>(() => stack.ReadFrame(0, new float[5]));
        Assert.Contains("holds 5", e.Message);
        Assert.Contains("3×4", e.Message);
    }

    [Fact]
    public void OutOfRangeFrame_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => ImageStack<ushort>.Create(2, 2, 2).ReadFrame(2, new ushort[4]));

    [Fact]
    public void FileBackedVolume_SeveralTimesItsBudget_RoundTripsSliceBySlice()
    {
        // 32 slices of 256² float32 = 8 MiB against a 1 MiB budget: the store must be a scratch file.
        var grid = VoxelGrid.Centered(new GridSize(256, 256, 32), Length.FromMicrometers(1));
        var storage = new StorageOptions(MemorySize.FromMebibytes(1));
        using var volume = Volume<float>.Create(grid, Quantity.LinearAttenuation, storage);
        Assert.False(volume.Slices.IsInMemory);
        var slice = new float[256 * 256];
        for (int z = 0; z < 32; z++)
        {
            for (int i = 0; i < slice.Length; i++) slice[i] = z * 1e6f + i;
            volume.WriteSlice(z, slice);
        }
        for (int z = 31; z >= 0; z--)
        {
            volume.ReadSlice(z, slice);
            Assert.Equal(z * 1e6f, slice[0]);
            Assert.Equal(z * 1e6f + 65535, slice[65535]);
        }
    }
}
