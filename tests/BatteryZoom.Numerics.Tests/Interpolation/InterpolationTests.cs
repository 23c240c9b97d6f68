using BatteryZoom.Core.Random;
using BatteryZoom.Numerics.Interpolation;
using BatteryZoom.Numerics.Interpolation.Reference;
using CsCheck;

namespace BatteryZoom.Numerics.Tests.Interpolation;

public sealed class InterpolationTests
{
    // Float32 arithmetic on values in [−1, 1] against float64 formulas: a few ulps.
    private const double Tol = 2e-6;

    private static float[] Row(int n, ulong seed)
    {
        var r = new CounterRandom(seed, 3);
        var x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float)(2 * r.Uniform((ulong)i) - 1);
        return x;
    }

    [Fact]
    public void Linear_And_Cubic_MatchReference_OnRandomPositionsIncludingOutside() =>
        Gen.Select(Gen.Int[1, 300], Gen.Int[0, 700], Gen.ULong, Gen.Bool).Sample((n, m, seed, clamp) =>
        {
            var mode = clamp ? BoundaryMode.Clamp : BoundaryMode.Zero;
            var row = Row(n, seed);
            var pos = Row(m, seed + 1);
            for (int j = 0; j < m; j++) pos[j] = (pos[j] + 0.2f) * (n + 4) * 0.8f; // some below 0, some above n−1
            var lin = new float[m];
            var cub = new float[m];
            RowInterpolation.Linear(row, pos, lin, mode);
            RowInterpolation.Cubic(row, pos, cub, mode);
            for (int j = 0; j < m; j++)
            {
                if (Math.Abs(lin[j] - ReferenceInterpolation.Linear(row, pos[j], mode)) > Tol) return false;
                if (Math.Abs(cub[j] - ReferenceInterpolation.Cubic(row, pos[j], mode)) > 4 * Tol) return false;
            }
            return true;
        }, iter: 200);

    [Fact]
    public void UniformPositions_EqualExplicitPositions()
    {
        var row = Row(513, 9);
        const double start = -3.25, step = 0.731;
        var pos = new float[1000];
        for (int j = 0; j < pos.Length; j++) pos[j] = (float)(start + j * step);
        float[] a = new float[1000], b = new float[1000];
        RowInterpolation.Linear(row, start, step, a);
        RowInterpolation.Linear(row, pos, b);
        Assert.Equal(b, a);
        RowInterpolation.Cubic(row, start, step, a, BoundaryMode.Clamp);
        RowInterpolation.Cubic(row, pos, b, BoundaryMode.Clamp);
        Assert.Equal(b, a);
    }

    [Fact]
    public void Linear_IsExactForLinearFunctions_Cubic_ForQuadratics()
    {
        const int n = 64;
        var lin = new float[n];
        var quad = new float[n];
        for (int i = 0; i < n; i++) { lin[i] = 0.5f * i - 3; quad[i] = 0.01f * i * i - 0.2f * i + 1; }
        var pos = new float[200];
        for (int j = 0; j < pos.Length; j++) pos[j] = 1 + j * (n - 3f) / pos.Length; // interior, away from the edges
        var y = new float[pos.Length];
        RowInterpolation.Linear(lin, pos, y);
        for (int j = 0; j < pos.Length; j++) Assert.Equal(0.5 * pos[j] - 3, y[j], 1e-5 * 32);
        RowInterpolation.Cubic(quad, pos, y);
        for (int j = 0; j < pos.Length; j++) Assert.Equal(0.01 * pos[j] * pos[j] - 0.2 * pos[j] + 1, y[j], 1e-5 * 32);
    }

    [Fact]
    public void Interpolation_AtIntegerPositions_ReturnsSamples()
    {
        var row = Row(37, 2);
        var pos = Enumerable.Range(0, 37).Select(i => (float)i).ToArray();
        var y = new float[37];
        RowInterpolation.Linear(row, pos, y);
        Assert.Equal(row, y);
        RowInterpolation.Cubic(row, pos, y);
        for (int i = 0; i < 37; i++) Assert.Equal(row[i], y[i], 6);
    }

    [Fact]
    public void Bilinear_MatchesReference_AndIsExactForBilinearFunctions() =>
        Gen.Select(Gen.Int[1, 40], Gen.Int[1, 40], Gen.ULong, Gen.Bool).Sample((rows, cols, seed, clamp) =>
        {
            var mode = clamp ? BoundaryMode.Clamp : BoundaryMode.Zero;
            var img = Row(rows * cols, seed);
            var ys = Row(300, seed + 1);
            var xs = Row(300, seed + 2);
            for (int k = 0; k < 300; k++) { ys[k] = (ys[k] + 0.3f) * rows; xs[k] = (xs[k] + 0.3f) * cols; }
            var y = new float[300];
            ImageInterpolation.Bilinear(img, rows, cols, ys, xs, y, mode);
            for (int k = 0; k < 300; k++)
            {
                if (Math.Abs(y[k] - ReferenceInterpolation.Bilinear(img, rows, cols, ys[k], xs[k], mode)) > Tol) return false;
                if (y[k] != ImageInterpolation.Bilinear(img, rows, cols, ys[k], xs[k], mode) &&
                    Math.Abs(y[k] - ImageInterpolation.Bilinear(img, rows, cols, ys[k], xs[k], mode)) > Tol) return false;
            }
            return true;
        }, iter: 100);

    [Fact]
    public void Bilinear_ReproducesPlane()
    {
        const int rows = 20, cols = 30;
        var img = new float[rows * cols];
        for (int i = 0; i < rows; i++) for (int j = 0; j < cols; j++) img[i * cols + j] = 0.1f * i - 0.05f * j + 0.01f * i * j;
        Assert.Equal(0.1 * 3.5 - 0.05 * 7.25 + 0.01 * 3.5 * 7.25, ImageInterpolation.Bilinear(img, rows, cols, 3.5, 7.25), 5);
    }

    [Fact]
    public void BadInput_ThrowsNamingParameter()
    {
        Assert.Equal("row", Assert.Throws<ArgumentException>(() => RowInterpolation.Linear([], [1f], new float[1])).ParamName);
        Assert.Equal("output", Assert.Throws<ArgumentException>(() => RowInterpolation.Cubic([1f, 2f], [1f, 2f], new float[3])).ParamName);
        var ex = Assert.Throws<ArgumentException>(() => ImageInterpolation.Bilinear(new float[5], 2, 3, 0, 0));
        Assert.Equal("image", ex.ParamName);
        Assert.Contains("6", ex.Message);
        Assert.Equal("rows", Assert.Throws<ArgumentOutOfRangeException>(() => ImageInterpolation.Bilinear(new float[5], 0, 3, 0, 0)).ParamName);
        Assert.Equal("xs", Assert.Throws<ArgumentException>(() => ImageInterpolation.Bilinear(new float[6], 2, 3, new float[2], new float[3], new float[2])).ParamName);
    }
}
