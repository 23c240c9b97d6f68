using System.Runtime.InteropServices;

namespace BatteryZoom.Benchmarks.Fft;

/// <summary>
/// Minimal P/Invoke binding to FFTW 3 single precision (Debian libfftw3-single3, GPL). Benchmarks only: it must never
/// be referenced from src/.
/// </summary>
internal static unsafe partial class Fftw
{
    private const string Lib = "libfftw3f.so.3";
    public const uint Measure = 0;
    public const uint Estimate = 1u << 6;
    public const int ForwardSign = -1;
    public const int BackwardSign = 1;

    [LibraryImport(Lib, EntryPoint = "fftwf_malloc")] public static partial void* Malloc(nuint bytes);
    [LibraryImport(Lib, EntryPoint = "fftwf_free")] public static partial void Free(void* p);
    [LibraryImport(Lib, EntryPoint = "fftwf_execute")] public static partial void Execute(nint plan);
    [LibraryImport(Lib, EntryPoint = "fftwf_destroy_plan")] public static partial void DestroyPlan(nint plan);
    [LibraryImport(Lib, EntryPoint = "fftwf_plan_dft_2d")] public static partial nint PlanDft2D(int n0, int n1, float* input, float* output, int sign, uint flags);
    [LibraryImport(Lib, EntryPoint = "fftwf_plan_dft_1d")] public static partial nint PlanDft1D(int n, float* input, float* output, int sign, uint flags);

    [LibraryImport(Lib, EntryPoint = "fftwf_plan_many_dft_r2c")]
    public static partial nint PlanManyR2C(int rank, int* n, int howmany, float* input, int* inembed, int istride, int idist,
        float* output, int* onembed, int ostride, int odist, uint flags);

    [LibraryImport(Lib, EntryPoint = "fftwf_plan_many_dft_c2r")]
    public static partial nint PlanManyC2R(int rank, int* n, int howmany, float* input, int* inembed, int istride, int idist,
        float* output, int* onembed, int ostride, int odist, uint flags);

    [LibraryImport(Lib, EntryPoint = "fftwf_plan_dft_r2c_2d")] public static partial nint PlanR2C2D(int n0, int n1, float* input, float* output, uint flags);

    public static bool Available()
    {
        try { return NativeLibrary.TryLoad(Lib, out _); }
        catch (DllNotFoundException) { return false; }
    }

    /// <summary>An aligned native float buffer.</summary>
    public sealed class Buffer : IDisposable
    {
        public Buffer(long floats) { Length = floats; Pointer = (float*)Malloc((nuint)(floats * sizeof(float))); }
        public float* Pointer { get; private set; }
        public long Length { get; }
        public Span<float> Span => new(Pointer, checked((int)Length));
        public void Dispose() { if (Pointer != null) { Free(Pointer); Pointer = null; } }
    }
}
