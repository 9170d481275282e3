using System.Numerics;
using LiteRt.Format.Schema;
using LiteRt.Runtime.Execution;

namespace LiteRt.Runtime.Cpu.Kernels;

/// <summary>
/// Registers the elementwise family. Kernel ids are <c>cpu.&lt;op&gt;.&lt;variant&gt;</c> with variants f32, i32, i64
/// (plain numbers) and u8, i8, i16 (per-tensor quantized).
/// </summary>
internal static unsafe partial class ElementwiseKernels
{
    public static void Register(Action<CpuKernel> add)
    {
        // Binary arithmetic, float and integer.
        Binary<float, AddOp<float>>(add, BuiltinOperator.Add, TensorType.Float32);
        Binary<int, AddOp<int>>(add, BuiltinOperator.Add, TensorType.Int32);
        Binary<long, AddOp<long>>(add, BuiltinOperator.Add, TensorType.Int64);
        Binary<float, SubOp<float>>(add, BuiltinOperator.Sub, TensorType.Float32);
        Binary<int, SubOp<int>>(add, BuiltinOperator.Sub, TensorType.Int32);
        Binary<long, SubOp<long>>(add, BuiltinOperator.Sub, TensorType.Int64);
        Binary<float, MulOp<float>>(add, BuiltinOperator.Mul, TensorType.Float32);
        Binary<int, MulOp<int>>(add, BuiltinOperator.Mul, TensorType.Int32);
        Binary<long, MulOp<long>>(add, BuiltinOperator.Mul, TensorType.Int64);
        Binary<float, DivOp>(add, BuiltinOperator.Div, TensorType.Float32);
        Binary<float, SquaredDifferenceOp<float>>(add, BuiltinOperator.SquaredDifference, TensorType.Float32);
        Binary<int, SquaredDifferenceOp<int>>(add, BuiltinOperator.SquaredDifference, TensorType.Int32);
        Binary<float, MaximumOp<float>>(add, BuiltinOperator.Maximum, TensorType.Float32);
        Binary<int, MaximumOp<int>>(add, BuiltinOperator.Maximum, TensorType.Int32);
        Binary<long, MaximumOp<long>>(add, BuiltinOperator.Maximum, TensorType.Int64);
        Binary<float, MinimumOp<float>>(add, BuiltinOperator.Minimum, TensorType.Float32);
        Binary<int, MinimumOp<int>>(add, BuiltinOperator.Minimum, TensorType.Int32);
        Binary<long, MinimumOp<long>>(add, BuiltinOperator.Minimum, TensorType.Int64);
        Binary<float, PowOp>(add, BuiltinOperator.Pow, TensorType.Float32);
        Binary<float, PreluOp>(add, BuiltinOperator.Prelu, TensorType.Float32);

        // Binary arithmetic, quantized.
        Quantized<QuantizedAddSub<Plus>>(add, BuiltinOperator.Add, int16: true);
        Quantized<QuantizedAddSub<Minus>>(add, BuiltinOperator.Sub, int16: true);
        Quantized<QuantizedMul>(add, BuiltinOperator.Mul, int16: true);
        Quantized<QuantizedMaxMin<TakeMax>>(add, BuiltinOperator.Maximum, int16: true);
        Quantized<QuantizedMaxMin<TakeMin>>(add, BuiltinOperator.Minimum, int16: true);
        Quantized<QuantizedSquaredDifference>(add, BuiltinOperator.SquaredDifference, int16: false);
        Quantized<QuantizedPrelu>(add, BuiltinOperator.Prelu, int16: true);

        // Unary, float.
        Unary<float, ReluOp>(add, BuiltinOperator.Relu, TensorType.Float32);
        Unary<float, Relu6Op>(add, BuiltinOperator.Relu6, TensorType.Float32);
        Unary<float, ReluN1To1Op>(add, BuiltinOperator.ReluN1To1, TensorType.Float32);
        Unary<float, LeakyReluOp>(add, BuiltinOperator.LeakyRelu, TensorType.Float32);
        Unary<float, LogisticOp>(add, BuiltinOperator.Logistic, TensorType.Float32);
        Unary<float, TanhOp>(add, BuiltinOperator.Tanh, TensorType.Float32);
        Unary<float, HardSwishOp>(add, BuiltinOperator.HardSwish, TensorType.Float32);
        Unary<float, GeluOp>(add, BuiltinOperator.Gelu, TensorType.Float32);
        Unary<float, ExpOp>(add, BuiltinOperator.Exp, TensorType.Float32);
        Unary<float, LogOp>(add, BuiltinOperator.Log, TensorType.Float32);
        Unary<float, SqrtOp>(add, BuiltinOperator.Sqrt, TensorType.Float32);
        Unary<float, RsqrtOp>(add, BuiltinOperator.Rsqrt, TensorType.Float32);
        Unary<float, AbsOp<float>>(add, BuiltinOperator.Abs, TensorType.Float32);
        Unary<int, AbsOp<int>>(add, BuiltinOperator.Abs, TensorType.Int32);
        Unary<long, AbsOp<long>>(add, BuiltinOperator.Abs, TensorType.Int64);
        Unary<float, NegOp<float>>(add, BuiltinOperator.Neg, TensorType.Float32);
        Unary<int, NegOp<int>>(add, BuiltinOperator.Neg, TensorType.Int32);
        Unary<long, NegOp<long>>(add, BuiltinOperator.Neg, TensorType.Int64);

        // Unary, quantized: lookup tables from the reference math.
        foreach (var op in (ReadOnlySpan<BuiltinOperator>)[
                     BuiltinOperator.Relu, BuiltinOperator.Relu6, BuiltinOperator.ReluN1To1, BuiltinOperator.LeakyRelu,
                     BuiltinOperator.Logistic, BuiltinOperator.Tanh, BuiltinOperator.HardSwish, BuiltinOperator.Gelu,
                     BuiltinOperator.Exp, BuiltinOperator.Log, BuiltinOperator.Sqrt, BuiltinOperator.Rsqrt,
                     BuiltinOperator.Abs, BuiltinOperator.Neg])
        {
            add(new CpuKernel(Id(op, "u8"), op, n => AllOfType(n, TensorType.Uint8), &LookupTableKernel<byte>.Prepare, &LookupTableKernel<byte>.Eval, typeof(LookupTableKernel<byte>)));
            add(new CpuKernel(Id(op, "i8"), op, n => AllOfType(n, TensorType.Int8), &LookupTableKernel<sbyte>.Prepare, &LookupTableKernel<sbyte>.Eval, typeof(LookupTableKernel<sbyte>)));
            add(new CpuKernel(Id(op, "i16"), op, n => AllOfType(n, TensorType.Int16), &LookupTableKernel<short>.Prepare, &LookupTableKernel<short>.Eval, typeof(LookupTableKernel<short>)));
        }

        // Conversions.
        add(new CpuKernel("cpu.cast", BuiltinOperator.Cast,
            n => CastKernel.Supports(n.Input(0).Type) && CastKernel.Supports(n.Output(0).Type), &CastKernel.Prepare, &CastKernel.Eval, typeof(CastKernel)));
        add(new CpuKernel("cpu.quantize.f32", BuiltinOperator.Quantize,
            n => n.Input(0).Type == TensorType.Float32 && QuantizeKernel.IsQuantizedStorage(n.Output(0).Type), &QuantizeKernel.Prepare, &QuantizeKernel.Eval, typeof(QuantizeKernel)));
        add(new CpuKernel("cpu.quantize.requantize", BuiltinOperator.Quantize,
            n => QuantizeKernel.IsQuantizedStorage(n.Input(0).Type) && QuantizeKernel.IsQuantizedStorage(n.Output(0).Type), &QuantizeKernel.Prepare, &QuantizeKernel.Eval, typeof(QuantizeKernel)));
        add(new CpuKernel("cpu.dequantize.quantized", BuiltinOperator.Dequantize,
            n => n.Input(0).Type is TensorType.Uint8 or TensorType.Int8 or TensorType.Int16 or TensorType.Int32 && n.Output(0).Type == TensorType.Float32,
            &DequantizeKernel.Prepare, &DequantizeKernel.Eval, typeof(DequantizeKernel)));
        add(new CpuKernel("cpu.dequantize.f16", BuiltinOperator.Dequantize,
            n => n.Input(0).Type == TensorType.Float16 && n.Output(0).Type == TensorType.Float32, &DequantizeKernel.Prepare, &DequantizeKernel.Eval, typeof(DequantizeKernel)));
    }

    private static string Id(BuiltinOperator op, string variant) => $"cpu.{op.Name().ToLowerInvariant()}.{variant}";

    private static string Variant(TensorType type) => type switch
    {
        TensorType.Float32 => "f32",
        TensorType.Int32 => "i32",
        TensorType.Int64 => "i64",
        TensorType.Uint8 => "u8",
        TensorType.Int8 => "i8",
        TensorType.Int16 => "i16",
        _ => type.Name().ToLowerInvariant(),
    };

    /// <summary>Every present input and every output has storage type <paramref name="type"/>.</summary>
    private static bool AllOfType(PreparedNode n, TensorType type)
    {
        foreach (var t in n.Inputs)
            if (t is not null && t.Type != type) return false;
        foreach (var t in n.Outputs)
            if (t.Type != type) return false;
        return true;
    }

    private static void Binary<T, TOp>(Action<CpuKernel> add, BuiltinOperator op, TensorType type)
        where T : unmanaged, INumber<T>, IMinMaxValue<T>
        where TOp : struct, IBinaryArithmetic<T> =>
        add(new CpuKernel(Id(op, Variant(type)), op, n => AllOfType(n, type),
            &BinaryArithmeticKernel<T, TOp>.Prepare, &BinaryArithmeticKernel<T, TOp>.Eval, typeof(BinaryArithmeticKernel<T, TOp>)));

    private static void Unary<T, TOp>(Action<CpuKernel> add, BuiltinOperator op, TensorType type)
        where T : unmanaged
        where TOp : struct, IUnaryOp<T> =>
        add(new CpuKernel(Id(op, Variant(type)), op, n => AllOfType(n, type), &UnaryKernel<T, TOp>.Prepare, &UnaryKernel<T, TOp>.Eval, typeof(UnaryKernel<T, TOp>)));

    private static void Quantized<TOp>(Action<CpuKernel> add, BuiltinOperator op, bool int16) where TOp : struct, IQuantizedBinaryOp
    {
        add(new CpuKernel(Id(op, "u8"), op, n => AllOfType(n, TensorType.Uint8), &QuantizedBinaryKernel<byte, TOp>.Prepare, &QuantizedBinaryKernel<byte, TOp>.Eval, typeof(QuantizedBinaryKernel<byte, TOp>)));
        add(new CpuKernel(Id(op, "i8"), op, n => AllOfType(n, TensorType.Int8), &QuantizedBinaryKernel<sbyte, TOp>.Prepare, &QuantizedBinaryKernel<sbyte, TOp>.Eval, typeof(QuantizedBinaryKernel<sbyte, TOp>)));
        if (int16)
            add(new CpuKernel(Id(op, "i16"), op, n => AllOfType(n, TensorType.Int16), &QuantizedBinaryKernel<short, TOp>.Prepare, &QuantizedBinaryKernel<short, TOp>.Eval, typeof(QuantizedBinaryKernel<short, TOp>)));
    }
}
