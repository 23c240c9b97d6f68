using BatteryZoom.Core.Data;
using BatteryZoom.Core.Diagnostics;
using BatteryZoom.Core.Steps;
using BatteryZoom.Segmentation.Labelling;
using BatteryZoom.Segmentation.Tests.Infrastructure;

namespace BatteryZoom.Segmentation.Tests.Labelling;

public sealed class ConnectedComponentsTests
{
    public static TheoryData<Connectivity, int> Cases => new()
    {
        { Connectivity.Faces6, 1 }, { Connectivity.Edges18, 2 }, { Connectivity.Vertices26, 3 },
    };

    [Theory, Trait("Category", "fast"), Trait("Category", "peer")]
    [MemberData(nameof(Cases))]
    public void Label_MatchesScipyExactly(Connectivity connectivity, int scipyRank)
    {
        Peer.RequireAvailable();
        using var dir = new TempDir();
        // Speckle gives many objects joined only through edges or corners, which is where the connectivities differ.
        using var mask = TestVolumes.Speckle(TestVolumes.Grid(37, 29, 23), 0.3, seed: 7);
        using var labels = ConnectedComponents.Label(mask, connectivity);
        Npy.Write(dir["mask.npy"], mask);
        Peer.Run($$"""
            import numpy as np, scipy.ndimage as ndi
            m = np.load('mask.npy')
            l, n = ndi.label(m, structure=ndi.generate_binary_structure(3, {{scipyRank}}))
            np.save('ref.npy', l.astype(np.uint32))
            """, dir.Path);
        var (reference, _) = Npy.Read<uint>(dir["ref.npy"]);
        var ours = TestVolumes.Flatten(labels.Labels);
        Assert.Equal(reference.Max(), labels.Count);
        Assert.Equal(reference, ours);   // identical, numbering included (raster order of first voxel)
    }

    [Theory, Trait("Category", "fast"), Trait("Category", "peer")]
    [InlineData(64, 0.3)]     // exactly one 64-voxel block per row: runs end at the block edge
    [InlineData(130, 0.3)]    // two blocks and a 2-voxel scalar tail
    [InlineData(200, 0.85)]   // dense: most runs cross block boundaries (the carry between blocks)
    public void Label_WideRows_BothPolarities_MatchScipyExactly(int width, double fraction)
    {
        // Rows of 64 voxels or more take the vector run extraction; the Speckle case above (37 wide) only the scalar tail.
        // foregroundIsZero (hole filling's polarity) must give SciPy's labels of the complement.
        Peer.RequireAvailable();
        using var dir = new TempDir();
        using var mask = TestVolumes.Speckle(TestVolumes.Grid(width, 9, 5), fraction, seed: 11);
        using var labels = ConnectedComponents.Label(mask, Connectivity.Vertices26);
        using var complement = ConnectedComponents.LabelCore(mask, Connectivity.Faces6, foregroundIsZero: true, uint.MaxValue,
            RunContext.Default, StorageOptions.InMemory);
        Npy.Write(dir["mask.npy"], mask);
        Peer.Run("""
            import numpy as np, scipy.ndimage as ndi
            m = np.load('mask.npy')
            np.save('ref.npy', ndi.label(m, structure=np.ones((3, 3, 3)))[0].astype(np.uint32))
            np.save('refc.npy', ndi.label(m == 0)[0].astype(np.uint32))
            """, dir.Path);
        Assert.Equal(Npy.Read<uint>(dir["ref.npy"]).Data, TestVolumes.Flatten(labels.Labels));
        Assert.Equal(Npy.Read<uint>(dir["refc.npy"]).Data, TestVolumes.Flatten(complement.Labels));
    }

    [Fact, Trait("Category", "fast")]
    public void Label_FileBackedStorage_GivesSameLabels()
    {
        var grid = TestVolumes.Grid(40, 33, 21);
        using var inMem = TestVolumes.Balls(grid, 30, 2, 5, seed: 3);
        using var onDisk = TestVolumes.Balls(grid, 30, 2, 5, seed: 3, StorageOptions.OnDisk());
        using var a = ConnectedComponents.Label(inMem, Connectivity.Vertices26);
        using var b = ConnectedComponents.Label(onDisk, Connectivity.Vertices26, new RunContext { Storage = StorageOptions.OnDisk() });
        Assert.False(b.Labels.Slices.IsInMemory);
        Assert.Equal(a.Count, b.Count);
        Assert.Equal(TestVolumes.Flatten(a.Labels), TestVolumes.Flatten(b.Labels));
    }

    [Fact, Trait("Category", "fast")]
    public void Label_ConnectivityDefinitions()
    {
        // Two voxels touching by a corner: one object under 26, two under 18 and 6; touching by an edge: one under 18.
        var grid = TestVolumes.Grid(3, 3, 3);
        using var corner = TestVolumes.Make<byte>(grid, (x, y, z) => (x, y, z) is (0, 0, 0) or (1, 1, 1) ? (byte)1 : (byte)0);
        using var edge = TestVolumes.Make<byte>(grid, (x, y, z) => (x, y, z) is (0, 0, 0) or (1, 1, 0) ? (byte)1 : (byte)0);
        Assert.Equal(1u, ConnectedComponents.Label(corner, Connectivity.Vertices26).Count);
        Assert.Equal(2u, ConnectedComponents.Label(corner, Connectivity.Edges18).Count);
        Assert.Equal(1u, ConnectedComponents.Label(edge, Connectivity.Edges18).Count);
        Assert.Equal(2u, ConnectedComponents.Label(edge, Connectivity.Faces6).Count);
    }

    [Fact, Trait("Category", "fast")]
    public void Label_NoForeground_Throws()
    {
        using var empty = TestVolumes.Make<byte>(TestVolumes.Grid(8, 8, 8), (_, _, _) => 0);
        var e = Assert.Throws<IncompatibleInputException>(() => ConnectedComponents.Label(empty, Connectivity.Faces6));
        Assert.Contains("no foreground", e.Message);
    }

    [Fact, Trait("Category", "fast")]
    public void Label_MoreObjectsThanTheLabelTypeHolds_Throws()
    {
        using var mask = TestVolumes.Speckle(TestVolumes.Grid(16, 16, 4), 0.2, seed: 1);
        var e = Assert.Throws<IncompatibleInputException>(() =>
            ConnectedComponents.LabelCore(mask, Connectivity.Faces6, false, maxLabel: 5, RunContext.Default, StorageOptions.InMemory));
        Assert.Contains("more objects", e.Message);
    }

    [Fact, Trait("Category", "fast")]
    public void Label_InvalidConnectivity_Throws()
    {
        using var mask = TestVolumes.Speckle(TestVolumes.Grid(4, 4, 4), 0.5, seed: 1);
        Assert.Throws<ArgumentOutOfRangeException>(() => ConnectedComponents.Label(mask, (Connectivity)4));
    }

    [Fact, Trait("Category", "fast")]
    public void Label_Cancelled_Throws()
    {
        using var mask = TestVolumes.Speckle(TestVolumes.Grid(8, 8, 8), 0.5, seed: 1);
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => ConnectedComponents.Label(mask, Connectivity.Faces6, new RunContext { Cancellation = cts.Token }));
    }
}
