using BatteryZoom.Numerics.Fft;

namespace BatteryZoom.Spectroscopy.EnergyAlignment;

/// <summary>Sub-pixel shift and isotropic scale between two images of one sample at two energies, robust to the change of
/// contrast across an absorption edge.</summary>
/// <remarks>
/// <para>Both images are turned into edge maps — the gradient magnitude of a Gaussian-smoothed copy (σ =
/// <see cref="AlignmentOptions.SmoothingSigma"/>) — which keep the particle outline and crack edges at every energy while the
/// absorption (and its sign of contrast between grains) changes across the edge. The edge maps are made mean-free and
/// Tukey-windowed.</para>
/// <para>Coarse stage: for each scale s on a grid over [MinScale, MaxScale], the other edge map is resampled by s about the
/// centre and phase-correlated with the reference (cross-power spectrum normalised to unit modulus and low-passed by a Gaussian
/// of σ_f = 0.25 cycle/px); the peak height measures the match and its position the shift. The best s (parabola through the
/// three best heights) and its shift start the refinement.</para>
/// <para>Refinement: Gauss–Newton on <c>Σ_p w(p) [a·M(q(p)) + b − R(p)]²</c> over (ShiftX, ShiftY, Scale, a, b), with M and R the
/// two edge maps, q the <see cref="SimilarityTransform"/>, w the window, a and b a gain and offset that absorb the edge-map
/// contrast change; M and its gradient are resampled by separable Keys cubic convolution (a = −½); after two plain passes the
/// residuals are weighted by Tukey's biweight (cut-off 4.685 × 1.4826 × median |residual|), which discounts grain boundaries
/// whose contrast changed. docs/algorithms/xanes.md gives the validation.</para>
/// </remarks>
public static class ImageAligner
{
    /// <summary>Estimates where reference pixels lie in <paramref name="moving"/>.</summary>
    /// <param name="reference">Reference image [row, column].</param>
    /// <param name="moving">Image to align, same shape.</param>
    /// <param name="rows">Rows.</param>
    /// <param name="columns">Columns.</param>
    /// <param name="options">Options (search range, smoothing, window).</param>
    /// <param name="fixedScale">A known scale (only the shift is estimated); null = estimate it.</param>
    /// <exception cref="ArgumentException">Shapes disagree or an image is smaller than 16 × 16.</exception>
    public static SimilarityTransform Estimate(ReadOnlySpan<float> reference, ReadOnlySpan<float> moving, int rows, int columns,
        AlignmentOptions? options = null, double? fixedScale = null)
    {
        options ??= new AlignmentOptions();
        options.Validate();
        var r = EdgeMap(reference, rows, columns, options.SmoothingSigma);
        var m = EdgeMap(moving, rows, columns, options.SmoothingSigma);
        return EstimateEdgeMaps(r, m, rows, columns, options, fixedScale);
    }

    /// <summary>Same as <see cref="Estimate"/> on edge maps already made by <see cref="EdgeMap"/>.</summary>
    internal static SimilarityTransform EstimateEdgeMaps(float[] r, float[] m, int rows, int columns, AlignmentOptions options, double? fixedScale)
    {
        if (rows < 16 || columns < 16) throw new ArgumentException($"images must be at least 16 × 16 pixels; got {rows} × {columns}.");
        var window = Window(rows, columns, options.Taper);
        var coarse = Coarse(r, m, rows, columns, window, options, fixedScale);
        return Refine(r, m, rows, columns, window, coarse, options.RefinementIterations, fixedScale is null);
    }

    /// <summary>Resamples <paramref name="moving"/> onto the reference grid: <c>output(p) = moving(q(p))</c>, Keys cubic convolution,
    /// edge values repeated outside.</summary>
    /// <exception cref="ArgumentException">A buffer is too short.</exception>
    public static void Warp(ReadOnlySpan<float> moving, int rows, int columns, SimilarityTransform transform, Span<float> output)
    {
        int n = rows * columns;
        if (moving.Length < n || output.Length < n) throw new ArgumentException($"images must hold {rows} × {columns} = {n} values.");
        new Resampler(rows, columns, transform).Apply(moving, output);
    }

    /// <summary>Separable Keys cubic resampling at q = s·(p − c) + c + t: q_x depends on the column only and q_y on the row only, so
    /// the 4 × 4 kernel factorises into a pass along rows and a pass along columns (8 taps per pixel, weights computed once).</summary>
    internal sealed class Resampler
    {
        private readonly int _rows, _columns;
        private readonly int[] _ix, _iy;
        private readonly float[] _wx, _wy;
        private readonly float[] _tmp;

        public Resampler(int rows, int columns, SimilarityTransform t)
        {
            (_rows, _columns) = (rows, columns);
            double cx = (columns - 1) / 2.0, cy = (rows - 1) / 2.0;
            (_ix, _wx) = Taps(columns, x => t.Scale * (x - cx) + cx + t.ShiftX);
            (_iy, _wy) = Taps(rows, y => t.Scale * (y - cy) + cy + t.ShiftY);
            _tmp = new float[rows * columns];
            FirstX = First(columns, x => t.Scale * (x - cx) + cx + t.ShiftX, out LastX);
            FirstY = First(rows, y => t.Scale * (y - cy) + cy + t.ShiftY, out LastY);
        }

        /// <summary>Output columns [FirstX, LastX] (and rows [FirstY, LastY]) sample inside [1, n − 2] of the input.</summary>
        public readonly int FirstX, LastX, FirstY, LastY;

        private static int First(int n, Func<int, double> q, out int last)
        {
            int first = n; last = -1;
            for (int i = 0; i < n; i++)
            {
                double v = q(i);
                if (v >= 1 && v <= n - 2) { first = Math.Min(first, i); last = Math.Max(last, i); }
            }
            return first;
        }

        private static (int[] Index, float[] Weight) Taps(int n, Func<int, double> q)
        {
            var idx = new int[4 * n];
            var w = new float[4 * n];
            Span<double> k = stackalloc double[4];
            for (int i = 0; i < n; i++)
            {
                double v = q(i);
                int i0 = (int)Math.Floor(v);
                Weights(v - i0, k);
                for (int j = 0; j < 4; j++) { idx[4 * i + j] = Math.Clamp(i0 - 1 + j, 0, n - 1); w[4 * i + j] = (float)k[j]; }
            }
            return (idx, w);
        }

        public void Apply(ReadOnlySpan<float> input, Span<float> output)
        {
            int rows = _rows, cols = _columns;
            // Along x: tmp[y, x] = Σ_j wx · input[y, ix].
            for (int y = 0; y < rows; y++)
            {
                var src = input.Slice(y * cols, cols);
                var dst = _tmp.AsSpan(y * cols, cols);
                for (int x = 0; x < cols; x++)
                {
                    int b = 4 * x;
                    dst[x] = _wx[b] * src[_ix[b]] + _wx[b + 1] * src[_ix[b + 1]] + _wx[b + 2] * src[_ix[b + 2]] + _wx[b + 3] * src[_ix[b + 3]];
                }
            }
            // Along y.
            for (int y = 0; y < rows; y++)
            {
                int b = 4 * y;
                var r0 = _tmp.AsSpan(_iy[b] * cols, cols); var r1 = _tmp.AsSpan(_iy[b + 1] * cols, cols);
                var r2 = _tmp.AsSpan(_iy[b + 2] * cols, cols); var r3 = _tmp.AsSpan(_iy[b + 3] * cols, cols);
                float w0 = _wy[b], w1 = _wy[b + 1], w2 = _wy[b + 2], w3 = _wy[b + 3];
                var dst = output.Slice(y * cols, cols);
                for (int x = 0; x < cols; x++) dst[x] = w0 * r0[x] + w1 * r1[x] + w2 * r2[x] + w3 * r3[x];
            }
        }
    }

    /// <summary>Gradient magnitude of the image smoothed by a Gaussian of σ pixels (central differences, edges repeated).</summary>
    public static float[] EdgeMap(ReadOnlySpan<float> image, int rows, int columns, double sigma)
    {
        int n = rows * columns;
        if (image.Length < n) throw new ArgumentException($"image holds {image.Length} values; {rows} × {columns} = {n} needed.", nameof(image));
        var s = image[..n].ToArray();
        foreach (var v in s)
            if (!float.IsFinite(v)) throw new ArgumentException("image holds NaN or infinity; alignment needs finite values.", nameof(image));
        if (sigma > 0) GaussianBlur(s, rows, columns, sigma);
        var g = new float[n];
        for (int y = 0; y < rows; y++)
        {
            int ym = Math.Max(y - 1, 0), yp = Math.Min(y + 1, rows - 1);
            for (int x = 0; x < columns; x++)
            {
                int xm = Math.Max(x - 1, 0), xp = Math.Min(x + 1, columns - 1);
                float gx = 0.5f * (s[y * columns + xp] - s[y * columns + xm]);
                float gy = 0.5f * (s[yp * columns + x] - s[ym * columns + x]);
                g[y * columns + x] = MathF.Sqrt(gx * gx + gy * gy);
            }
        }
        return g;
    }

    // ---- coarse stage: scale search with phase correlation ----

    private static SimilarityTransform Coarse(float[] r, float[] m, int rows, int columns, float[] window, AlignmentOptions o, double? fixedScale)
    {
        int pr = FftSize.NextFast(rows), pc = FftSize.NextFast(columns);
        var fr = Spectrum(r, rows, columns, window, pr, pc);
        double maxShift = o.MaxShift ?? Math.Min(rows, columns) / 4.0;
        var lowPass = LowPass(pr, pc, 0.25);
        double[] scales;
        if (fixedScale is { } fs) scales = [fs];
        else
        {
            int k = (int)Math.Round((o.MaxScale - o.MinScale) / o.ScaleStep);
            scales = [.. Enumerable.Range(0, k + 1).Select(i => o.MinScale + i * (o.MaxScale - o.MinScale) / Math.Max(k, 1))];
        }
        var heights = new double[scales.Length];
        var shifts = new (double X, double Y)[scales.Length];
        var warped = new float[rows * columns];
        for (int i = 0; i < scales.Length; i++)
        {
            Warp(m, rows, columns, new SimilarityTransform(0, 0, scales[i]), warped);
            var fm = Spectrum(warped, rows, columns, window, pr, pc);
            (heights[i], var dx, var dy) = Correlate(fr, fm, pr, pc, lowPass, maxShift / scales[i]);
            shifts[i] = (scales[i] * dx, scales[i] * dy);
        }
        int best = 0;
        for (int i = 1; i < heights.Length; i++) if (heights[i] > heights[best]) best = i;
        double scale = scales[best];
        if (best > 0 && best < scales.Length - 1)
        {
            double d = Vertex(heights[best - 1], heights[best], heights[best + 1]);
            scale += d * (scales[best + 1] - scales[best]);
        }
        return new SimilarityTransform(shifts[best].X, shifts[best].Y, scale);
    }

    private static ComplexF[] Spectrum(float[] image, int rows, int columns, float[] window, int pr, int pc)
    {
        double sw = 0, sv = 0;
        for (int i = 0; i < image.Length; i++) { sw += window[i]; sv += window[i] * image[i]; }
        float mean = (float)(sv / sw);
        var c = new ComplexF[pr * pc];
        for (int y = 0; y < rows; y++)
            for (int x = 0; x < columns; x++)
                c[y * pc + x] = new ComplexF(window[y * columns + x] * (image[y * columns + x] - mean), 0);
        FourierTransform.Forward2D(c, c, pr, pc);
        return c;
    }

    private static float[] LowPass(int pr, int pc, double sigmaCycles)
    {
        var w = new float[pr * pc];
        for (int y = 0; y < pr; y++)
        {
            double fy = (y <= pr / 2 ? y : y - pr) / (double)pr;
            for (int x = 0; x < pc; x++)
            {
                double fx = (x <= pc / 2 ? x : x - pc) / (double)pc;
                w[y * pc + x] = (float)Math.Exp(-(fx * fx + fy * fy) / (2 * sigmaCycles * sigmaCycles));
            }
        }
        return w;
    }

    /// <summary>Phase correlation: peak height (1 for identical images) and the shift t' with reference(p) ≈ other(p + t').</summary>
    private static (double Height, double Dx, double Dy) Correlate(ComplexF[] fr, ComplexF[] fm, int pr, int pc, float[] lowPass, double maxShift)
    {
        var x = new ComplexF[fr.Length];
        double wsum = 0;
        for (int i = 0; i < x.Length; i++)
        {
            var p = fr[i] * fm[i].Conjugate();
            float mag = p.Magnitude;
            x[i] = mag > 0 ? p * (lowPass[i] / mag) : ComplexF.Zero;
            wsum += lowPass[i];
        }
        FourierTransform.Inverse2D(x, x, pr, pc);
        // Peak within ±maxShift (the correlation of p with p + t' peaks at −t').
        int lim = (int)Math.Ceiling(maxShift);
        double best = double.NegativeInfinity; int by = 0, bx = 0;
        for (int dy = -Math.Min(lim, pr / 2 - 1); dy <= Math.Min(lim, pr / 2 - 1); dy++)
            for (int dx = -Math.Min(lim, pc / 2 - 1); dx <= Math.Min(lim, pc / 2 - 1); dx++)
            {
                double v = x[Wrap(dy, pr) * pc + Wrap(dx, pc)].Real;
                if (v > best) { best = v; by = dy; bx = dx; }
            }
        double At(int dy, int dx) => x[Wrap(dy, pr) * pc + Wrap(dx, pc)].Real;
        double sx = Vertex(At(by, bx - 1), best, At(by, bx + 1));
        double sy = Vertex(At(by - 1, bx), best, At(by + 1, bx));
        double norm = wsum / ((double)pr * pc);
        return (best / norm, -(bx + sx), -(by + sy));
    }

    private static int Wrap(int i, int n) => ((i % n) + n) % n;

    /// <summary>Offset in (−½, ½) of the vertex of the parabola through (−1, a), (0, b), (1, c).</summary>
    private static double Vertex(double a, double b, double c)
    {
        double den = a - 2 * b + c;
        if (!(den < 0)) return 0;
        return Math.Clamp(0.5 * (a - c) / den, -0.5, 0.5);
    }

    // ---- refinement: Gauss–Newton on (tx, ty, s, gain, offset) ----

    /// <summary>Tukey-biweight reweighting after the first passes (test hook).</summary>
    internal static bool Robust { get; set; } = true;

    private static SimilarityTransform Refine(float[] r, float[] m, int rows, int columns, float[] window, SimilarityTransform start, int iterations, bool estimateScale)
    {
        var gx = new float[m.Length];
        var gy = new float[m.Length];
        for (int y = 0; y < rows; y++)
            for (int x = 0; x < columns; x++)
            {
                int i = y * columns + x;
                gx[i] = x > 0 && x < columns - 1 ? 0.5f * (m[i + 1] - m[i - 1]) : 0;
                gy[i] = y > 0 && y < rows - 1 ? 0.5f * (m[i + columns] - m[i - columns]) : 0;
            }
        double cx = (columns - 1) / 2.0, cy = (rows - 1) / 2.0;
        double tx = start.ShiftX, ty = start.ShiftY, s = start.Scale;
        // Gain and offset from windowed moments.
        (double a, double b) = GainOffset(r, m, rows, columns, window, tx, ty, s);
        int np = estimateScale ? 5 : 4;
        var h = new double[np, np];
        var g = new double[np];
        var j = new double[np];
        int n = rows * columns;
        var mv = new float[n];
        var mxv = new float[n];
        var myv = new float[n];
        var residuals = new List<float>(n);
        double cutoff = double.PositiveInfinity;     // Tukey biweight cut-off; ∞ = plain least squares for the first passes
        for (int it = 0; it < iterations; it++)
        {
            Array.Clear(h); Array.Clear(g);
            residuals.Clear();
            var resampler = new Resampler(rows, columns, new SimilarityTransform(tx, ty, s));
            resampler.Apply(m, mv); resampler.Apply(gx, mxv); resampler.Apply(gy, myv);
            int y0 = Math.Max(2, resampler.FirstY), y1 = Math.Min(rows - 3, resampler.LastY);
            int x0 = Math.Max(2, resampler.FirstX), x1 = Math.Min(columns - 3, resampler.LastX);
            for (int y = y0; y <= y1; y++)
            {
                for (int x = x0; x <= x1; x++)
                {
                    int i = y * columns + x;
                    double w = window[i];
                    if (w <= 0) continue;
                    double mval = mv[i], mx = mxv[i], my = myv[i];
                    double res = a * mval + b - r[i];
                    residuals.Add((float)Math.Abs(res));
                    if (Robust && double.IsFinite(cutoff))
                    {
                        double u = res / cutoff;
                        if (u * u >= 1) continue;
                        w *= (1 - u * u) * (1 - u * u);
                    }
                    int k = 0;
                    j[k++] = a * mx; j[k++] = a * my;
                    if (estimateScale) j[k++] = a * (mx * (x - cx) + my * (y - cy));
                    j[k++] = mval; j[k] = 1;
                    for (int p = 0; p < np; p++)
                    {
                        double wj = w * j[p];
                        g[p] += wj * res;
                        for (int q = p; q < np; q++) h[p, q] += wj * j[q];
                    }
                }
            }
            for (int p = 0; p < np; p++) for (int q = 0; q < p; q++) h[p, q] = h[q, p];
            if (it >= 2 && residuals.Count > 0)
            {
                residuals.Sort();
                cutoff = 4.685 * 1.4826 * residuals[residuals.Count / 2];
            }
            var d = Solve(h, g);
            if (d is null) break;
            int c = 0;
            tx -= d[c++]; ty -= d[c++];
            if (estimateScale) s -= d[c++];
            a -= d[c++]; b -= d[c];
            if (Math.Abs(d[0]) < 1e-4 && Math.Abs(d[1]) < 1e-4 && (!estimateScale || Math.Abs(d[2]) < 1e-6) && it >= 3) break;
        }
        return new SimilarityTransform(tx, ty, s);
    }

    private static (double A, double B) GainOffset(float[] r, float[] m, int rows, int columns, float[] window, double tx, double ty, double s)
    {
        var warped = new float[m.Length];
        Warp(m, rows, columns, new SimilarityTransform(tx, ty, s), warped);
        double sw = 0, mr = 0, mm = 0;
        for (int i = 0; i < r.Length; i++) { sw += window[i]; mr += window[i] * r[i]; mm += window[i] * warped[i]; }
        mr /= sw; mm /= sw;
        double vr = 0, vm = 0;
        for (int i = 0; i < r.Length; i++) { vr += window[i] * (r[i] - mr) * (r[i] - mr); vm += window[i] * (warped[i] - mm) * (warped[i] - mm); }
        double a = vm > 0 ? Math.Sqrt(vr / vm) : 1;
        return (a, mr - a * mm);
    }

    private static double[]? Solve(double[,] a, double[] b)
    {
        int n = b.Length;
        var m = new double[n, n + 1];
        for (int i = 0; i < n; i++) { for (int j = 0; j < n; j++) m[i, j] = a[i, j]; m[i, n] = b[i]; }
        for (int c = 0; c < n; c++)
        {
            int p = c;
            for (int i = c + 1; i < n; i++) if (Math.Abs(m[i, c]) > Math.Abs(m[p, c])) p = i;
            if (!(Math.Abs(m[p, c]) > 1e-300)) return null;
            if (p != c) for (int j = 0; j <= n; j++) (m[c, j], m[p, j]) = (m[p, j], m[c, j]);
            for (int i = c + 1; i < n; i++)
            {
                double f = m[i, c] / m[c, c];
                for (int j = c; j <= n; j++) m[i, j] -= f * m[c, j];
            }
        }
        var x = new double[n];
        for (int i = n - 1; i >= 0; i--)
        {
            double s = m[i, n];
            for (int j = i + 1; j < n; j++) s -= m[i, j] * x[j];
            x[i] = s / m[i, i];
        }
        return x.All(double.IsFinite) ? x : null;
    }

    // ---- helpers ----

    private static float[] Window(int rows, int columns, double taper)
    {
        var wy = Tukey(rows, taper);
        var wx = Tukey(columns, taper);
        var w = new float[rows * columns];
        for (int y = 0; y < rows; y++) for (int x = 0; x < columns; x++) w[y * columns + x] = (float)(wy[y] * wx[x]);
        return w;
    }

    private static double[] Tukey(int n, double alpha)
    {
        var w = new double[n];
        double edge = alpha * (n - 1) / 2;
        for (int i = 0; i < n; i++)
        {
            double d = Math.Min(i, n - 1 - i);
            w[i] = edge <= 0 || d >= edge ? 1 : 0.5 * (1 - Math.Cos(Math.PI * d / edge));
        }
        return w;
    }

    internal static void KeysWeights(double t, Span<double> w) => Weights(t, w);

    private static void Weights(double t, Span<double> w)
    {
        const double A = -0.5;
        double t1 = t + 1, t2 = t, t3 = 1 - t, t4 = 2 - t;
        w[0] = ((A * t1 - 5 * A) * t1 + 8 * A) * t1 - 4 * A;
        w[1] = ((A + 2) * t2 - (A + 3)) * t2 * t2 + 1;
        w[2] = ((A + 2) * t3 - (A + 3)) * t3 * t3 + 1;
        w[3] = ((A * t4 - 5 * A) * t4 + 8 * A) * t4 - 4 * A;
    }

    private static void GaussianBlur(float[] img, int rows, int columns, double sigma)
    {
        int radius = Math.Max(1, (int)Math.Ceiling(3 * sigma));
        var k = new double[2 * radius + 1];
        double ks = 0;
        for (int i = -radius; i <= radius; i++) { k[i + radius] = Math.Exp(-i * i / (2 * sigma * sigma)); ks += k[i + radius]; }
        for (int i = 0; i < k.Length; i++) k[i] /= ks;
        var tmp = new float[img.Length];
        for (int y = 0; y < rows; y++)
            for (int x = 0; x < columns; x++)
            {
                double s = 0;
                for (int i = -radius; i <= radius; i++) s += k[i + radius] * img[y * columns + Math.Clamp(x + i, 0, columns - 1)];
                tmp[y * columns + x] = (float)s;
            }
        for (int y = 0; y < rows; y++)
            for (int x = 0; x < columns; x++)
            {
                double s = 0;
                for (int i = -radius; i <= radius; i++) s += k[i + radius] * tmp[Math.Clamp(y + i, 0, rows - 1) * columns + x];
                img[y * columns + x] = (float)s;
            }
    }
}
