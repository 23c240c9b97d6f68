using BatteryZoom.Tomography.Fbp;

namespace BatteryZoom.Tomography.Tests.Fbp;

public class RowFilterTests
{
    [Theory]
    [InlineData(FbpPadding.Zero, FbpFilter.RamLak, 100, 256)]
    [InlineData(FbpPadding.Edge, FbpFilter.Hann, 97, 200)]
    [InlineData(FbpPadding.SmoothExtrapolation, FbpFilter.SheppLogan, 64, 192)]
    public void FftFilter_MatchesDirectConvolution(FbpPadding mode, FbpFilter filter, int n, int m)
    {
        var padding = new RowPadding(n, m, mode);
        var direct = new DirectRowFilter(padding, FbpFilters.SpatialKernel(filter, 0.9, m));
        var fft = new FftRowFilter(padding, FbpFilters.Response(filter, 0.9, m));
        var rng = new Core.Random.CounterRandom(9);
        var row = Enumerable.Range(0, n).Select(i => (float)(1 + Math.Sin(i / 7.0) + 0.1 * rng.Normal((ulong)i))).ToArray();
        var a = new float[n]; var b = new float[n];
        direct.Filter(row, a, 0.5f);
        fft.Filter(row, b, 0.5f);
        for (int i = 0; i < n; i++) Assert.Equal(a[i], b[i], 1e-4);
    }
}
