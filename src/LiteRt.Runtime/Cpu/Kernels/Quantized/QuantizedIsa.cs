using System.Runtime.Intrinsics.X86;

namespace LiteRt.Runtime.Cpu.Kernels.Quantized;

/// <summary>Instruction sets the quantized micro-kernels of this family can use.</summary>
public enum QuantizedIsa
{
    /// <summary>Plain C# loops (any CPU).</summary>
    Portable,
    /// <summary>AVX2: 16-bit multiply-add pairs (vpmaddwd) into int32 lanes, 256-bit.</summary>
    Avx2,
    /// <summary>AVX-VNNI: 8-bit dot products (vpdpbusd) into int32 lanes, 256-bit.</summary>
    AvxVnni,
    /// <summary>AVX-512 BW: vpmaddwd on 512-bit vectors.</summary>
    Avx512,
}

/// <summary>
/// The instruction set the quantized kernels use, chosen once per process from what the CPU has (the best of
/// AVX-512 BW, AVX-VNNI, AVX2, portable). <c>LITERT_QUANT_ISA=portable|avx2|avxvnni|avx512</c> lowers the choice
/// (tests use it to run every path the machine supports); a request the CPU cannot honour falls back to the best
/// available. Kernels read <see cref="Current"/> in Prepare, so a loaded model keeps its choice.
/// </summary>
public static class QuantizedIsaSelection
{
    public static QuantizedIsa Best { get; } = Detect();

    public static QuantizedIsa Current { get; set; } = FromEnvironment();

    public static bool IsSupported(QuantizedIsa isa) => isa switch
    {
        QuantizedIsa.Portable => true,
        QuantizedIsa.Avx2 => Avx2.IsSupported,
        QuantizedIsa.AvxVnni => Avx2.IsSupported && AvxVnni.IsSupported,
        _ => Avx512BW.IsSupported,
    };

    private static QuantizedIsa Detect() =>
        Avx512BW.IsSupported ? QuantizedIsa.Avx512 : IsSupported(QuantizedIsa.AvxVnni) ? QuantizedIsa.AvxVnni : Avx2.IsSupported ? QuantizedIsa.Avx2 : QuantizedIsa.Portable;

    private static QuantizedIsa FromEnvironment()
    {
        var wanted = Environment.GetEnvironmentVariable("LITERT_QUANT_ISA")?.Trim().ToLowerInvariant() switch
        {
            "portable" => QuantizedIsa.Portable,
            "avx2" => QuantizedIsa.Avx2,
            "avxvnni" or "vnni" => QuantizedIsa.AvxVnni,
            "avx512" => QuantizedIsa.Avx512,
            _ => Best,
        };
        return IsSupported(wanted) ? wanted : Best;
    }
}
