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
    public void Create_LargeStacks_AreZeroEvenWhenTheHeapRecyclesMemory()
    {
        // 40 frames of 512 KiB (20 MiB) are carved from huge-page blocks (FrameBlock); they must still read as zero after
        // the GC hands back memory that held other data.
        for (int round = 0; round < 3; round++)
        {
            using (var dirty = ImageStack<float>.Create(40, 256, 512, StorageOptions.InMemory))
                for (int i = 0; i < 40; i++) dirty.GetFrame(i).Fill(float.NaN);
            GC.Collect();
            using var clean = ImageStack<float>.Create(40, 256, 512, StorageOptions.InMemory);
            for (int i = 0; i < 40; i++) Assert.True(clean.GetFrame(i).IndexOfAnyExcept(0f) < 0, $"frame {i} of round {round} is not zero");
        }
    }

    [Fact]
    public unsafe void Create_LargeStack_FramesAreDisjointAndTheFirstIsHugePageAligned()
    {
        // 33 frames of 1 MiB: one 33 MiB block. Every frame written with its own value must read back unchanged, so the
        // carving neither overlaps nor skips; the first frame starts on a 2 MiB boundary (the block is pinned, so the
        // address is stable).
        using var stack = ImageStack<int>.Create(33, 512, 512, StorageOptions.InMemory);
        for (int i = 0; i < 33; i++) stack.GetFrame(i).Fill(i + 1);
        var frame = new int[512 * 512];
        for (int i = 0; i < 33; i++)
        {
            stack.ReadFrame(i, frame);
            Assert.True(frame.AsSpan().IndexOfAnyExcept(i + 1) < 0, $"frame {i} was overwritten");
        }
        fixed (int* first = stack.GetFrame(0)) Assert.Equal(0L, (long)first % (1 << 21));
        fixed (int* second = stack.GetFrame(1)) Assert.Equal(1L << 20, (long)second % (1 << 21));
    }

    [Theory]
    [InlineData(1000, 512 * 512, 256)]     // 1 MiB int frames: a 256 MiB block holds 256
    [InlineData(10, 512 * 512, 10)]        // fewer frames than a block holds: one block
    [InlineData(3, 200_000_000, 1)]        // 800 MB frames: one frame per block
    public void FramesPerBlock_RespectsCountBytesAndArrayLength(int count, int frameLength, int expected)
    {
        int got = FrameBlock<int>.FramesPerBlock(count, frameLength);
        Assert.Equal(expected, got);
        Assert.True((long)got * frameLength <= Array.MaxLength, "a block must fit one array");
    }

    [Fact]
    public unsafe void HugePageArray_LargeIsZeroAndReportsAnAlignedOffset_SmallIsPlain()
    {
        var large = HugePageArray.Allocate<float>(3 << 20, out int offset);   // 12 MiB
        Assert.Equal(3 << 20, large.Length);
        Assert.True(large.AsSpan().IndexOfAnyExcept(0f) < 0);
        Assert.InRange(offset, 0, (1 << 21) / sizeof(float) - 1);
        fixed (float* p = &large[offset]) Assert.Equal(0L, (long)p % (1 << 21));
        var small = HugePageArray.Allocate<byte>(100, out int smallOffset);
        Assert.Equal(100, small.Length);
        Assert.Equal(0, smallOffset);
        Assert.Throws<ArgumentOutOfRangeException>(() => HugePageArray.Allocate<int>(-1));
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
