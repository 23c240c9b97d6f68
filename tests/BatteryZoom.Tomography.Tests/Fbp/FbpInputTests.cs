using BatteryZoom.Core.Data;
using BatteryZoom.Core.Diagnostics;
using BatteryZoom.Core.Geometry;
using BatteryZoom.Core.Units;
using BatteryZoom.Tomography.Fbp;

namespace BatteryZoom.Tomography.Tests.Fbp;

public class FbpInputTests
{
    [Fact]
    public void AngleCountDifferentFromProjections_IsRejected()
    {
        var stack = ImageStack<float>.Create(10, 1, 16, StorageOptions.InMemory);
        var e = Assert.Throws<IncompatibleInputException>(() => new ProjectionSet(stack, TestScans.Geometry(16, 12), IntensityDomain.LineIntegral));
        Assert.Contains("12 angles but the data have 10 projections", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CentreOutsideDetector_IsRejected()
    {
        var e = Assert.Throws<IncompatibleInputException>(() => FbpPlan.Create(TestScans.Geometry(16, 4), new FbpOptions { CenterOfRotation = 20 }));
        Assert.Contains("rotation centre 20 px lies outside the detector (columns 0..15)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EmptySliceRange_IsRejected()
    {
        using var scan = TestScans.Scan(TestScans.SheppLogan(16), TestScans.Geometry(16, 4, rows: 4));
        var e = Assert.Throws<UsageException>(() => Reconstruct.Fbp(scan, new FbpOptions { FirstSlice = 2, EndSlice = 2 }));
        Assert.Contains("slice range [2, 2) is empty", e.Message, StringComparison.Ordinal);
        var e2 = Assert.Throws<UsageException>(() => Reconstruct.Fbp(scan, new FbpOptions { FirstSlice = 2, EndSlice = 9 }));
        Assert.Contains("outside the detector rows 0..3", e2.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NaNInData_IsReportedWithItsPosition()
    {
        using var scan = TestScans.Scan(TestScans.SheppLogan(16), TestScans.Geometry(16, 4, rows: 2));
        scan.Projections.GetFrame(3)[16 + 5] = float.NaN;
        var e = Assert.Throws<IncompatibleInputException>(() => Reconstruct.Fbp(scan));
        Assert.Contains("projection 3, row 1, column 5 holds NaN", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RawCounts_AreRejected()
    {
        var stack = ImageStack<float>.Create(4, 1, 16, StorageOptions.InMemory);
        using var scan = new ProjectionSet(stack, TestScans.Geometry(16, 4), IntensityDomain.Raw);
        var e = Assert.Throws<IncompatibleInputException>(() => Reconstruct.Fbp(scan));
        Assert.Contains("preprocess.flatfield", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TinyMemoryBudget_NamesTheMinimum()
    {
        using var scan = TestScans.Scan(TestScans.SheppLogan(64), TestScans.Geometry(64, 8, rows: 2));
        var e = Assert.Throws<IncompatibleInputException>(() => Reconstruct.Fbp(scan, new FbpOptions { MemoryBudget = new MemorySize(10_000) }));
        Assert.Contains("memory budget", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SlabStreaming_UnderABudget_MatchesWholeVolume()
    {
        // 40 rows in slabs of 16 with angles filtered in chunks: same slices as one pass; provenance and units set.
        const int n = 32, rows = 40, na = 60;
        var phantom = Simulation.Phantoms.SheppLogan.Create3D(TestScans.Pixel * 14);
        var g = TestScans.Geometry(n, na, rows: rows);
        using var scan = TestScans.Scan(phantom, g);
        using var whole = Reconstruct.Fbp(scan, new FbpOptions { FirstSlice = 4, EndSlice = 37 });
        Assert.Equal(Quantity.LinearAttenuation, whole.Quantity);
        Assert.Equal(Reconstruct.FbpStepId, whole.Provenance.Entries[^1].Step);
        long budget = 4L * 16 * (2 * n * n + 20 * (n + 3)) + 2 * 8 * n + 64 * 64 + 4096;
        var options = new FbpOptions { FirstSlice = 4, EndSlice = 37, MemoryBudget = new MemorySize(budget) };
        var reconstructor = FbpReconstructor.Create(scan, options, new Core.Steps.RunContext { MaxDegreeOfParallelism = 1 });
        Assert.True(reconstructor.AngleChunk < na, $"angle chunk {reconstructor.AngleChunk}");
        var seen = new List<int>();
        reconstructor.Run(new Core.Steps.RunContext(), (z0, slab) =>
        {
            seen.Add(z0);
            for (int z = 0; z < slab.Nz; z++)
            {
                var expected = whole.GetSlice(z0 + z);
                var actual = slab.GetSlice(z);
                for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], actual[i], 1e-4);
            }
        });
        Assert.Equal([0, 16, 32], seen);
        // Slice 20 (z = row 20 − 19.5 px) matches a 2D reconstruction of that sinogram.
        var slice = TestScans.Fbp(TestScans.Sinogram(scan, 20), TestScans.Geometry(n, na));
        var fromVolume = whole.GetSlice(16);
        for (int i = 0; i < slice.Length; i++) Assert.Equal(slice[i], fromVolume[i], 1e-4);
    }
}
