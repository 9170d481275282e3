using System.Numerics;
using LiteRt.Format.Schema;
using LiteRt.Graph;
using LiteRt.Runtime.Cpu.Kernels.Extra;
using LiteRt.Runtime.Execution;

namespace LiteRt.Runtime.Cpu.Kernels;

/// <summary>
/// CPU kernels of the Extra family (ops added for model import): registered after the other families, so for an op
/// those already serve (DIV, CAST) these only add types they leave out.
/// </summary>
internal static unsafe class ExtraKernels
{
    private const TensorType F32 = TensorType.Float32, I32 = TensorType.Int32, I64 = TensorType.Int64, B = TensorType.Bool;

    public static void Register(Action<CpuKernel> add)
    {
        Unary<float, FloorOp>(add, BuiltinOperator.Floor, F32);
        Unary<float, CeilOp>(add, BuiltinOperator.Ceil, F32);
        Unary<float, RoundOp>(add, BuiltinOperator.Round, F32);
        Unary<float, SinOp>(add, BuiltinOperator.Sin, F32);
        Unary<float, CosOp>(add, BuiltinOperator.Cos, F32);
        Unary<float, SquareOp>(add, BuiltinOperator.Square, F32);
        Unary<float, EluOp>(add, BuiltinOperator.Elu, F32);
        Unary<float, SignOp<float>>(add, BuiltinOperator.Sign, F32);
        Unary<int, SignOp<int>>(add, BuiltinOperator.Sign, I32);
        Unary<long, SignOp<long>>(add, BuiltinOperator.Sign, I64);
        add(new CpuKernel("cpu.logical_not.bool", BuiltinOperator.LogicalNot, n => All(n, B), &LogicalNotKernel.Prepare, &LogicalNotKernel.Eval, typeof(LogicalNotKernel)));

        Binary<float, FloorDivOp<float>>(add, BuiltinOperator.FloorDiv, F32);
        Binary<int, FloorDivOp<int>>(add, BuiltinOperator.FloorDiv, I32);
        Binary<long, FloorDivOp<long>>(add, BuiltinOperator.FloorDiv, I64);
        Binary<float, FloorModOp<float>>(add, BuiltinOperator.FloorMod, F32);
        Binary<int, FloorModOp<int>>(add, BuiltinOperator.FloorMod, I32);
        Binary<long, FloorModOp<long>>(add, BuiltinOperator.FloorMod, I64);
        Binary<int, TruncDivOp<int>>(add, BuiltinOperator.Div, I32);
        Binary<long, TruncDivOp<long>>(add, BuiltinOperator.Div, I64);
        Binary<float, Atan2Op>(add, BuiltinOperator.Atan2, F32);
        Binary<int, RightShiftOp<int>>(add, BuiltinOperator.RightShift, I32);
        Binary<long, RightShiftOp<long>>(add, BuiltinOperator.RightShift, I64);
        Binary<byte, RightShiftOp<byte>>(add, BuiltinOperator.RightShift, TensorType.Uint8);
        Binary<ushort, RightShiftOp<ushort>>(add, BuiltinOperator.RightShift, TensorType.Uint16);
        Binary<uint, RightShiftOp<uint>>(add, BuiltinOperator.RightShift, TensorType.Uint32);

        // float64 arithmetic (models exported in double precision whose values exceed float32's range).
        const TensorType F64 = TensorType.Float64;
        Binary64<AddOp<double>>(add, BuiltinOperator.Add);
        Binary64<SubOp<double>>(add, BuiltinOperator.Sub);
        Binary64<MulOp<double>>(add, BuiltinOperator.Mul);
        Binary64<FloatDivOp<double>>(add, BuiltinOperator.Div);
        Binary64<MaximumOp<double>>(add, BuiltinOperator.Maximum);
        Binary64<MinimumOp<double>>(add, BuiltinOperator.Minimum);
        Unary<double, NegOp<double>>(add, BuiltinOperator.Neg, F64);
        Unary<double, AbsOp<double>>(add, BuiltinOperator.Abs, F64);

        Comparisons<float>(add, F32);
        Comparisons<int>(add, I32);
        Comparisons<long>(add, I64);
        Compare<byte, EqualP<byte>>(add, BuiltinOperator.Equal, B);
        Compare<byte, NotEqualP<byte>>(add, BuiltinOperator.NotEqual, B);
        Compare<byte, AndP>(add, BuiltinOperator.LogicalAnd, B);
        Compare<byte, OrP>(add, BuiltinOperator.LogicalOr, B);
        add(new CpuKernel("cpu.select_v2.any", BuiltinOperator.SelectV2, n => n.Input(0).Type == B && Sized(n.Output(0).Type),
            &SelectV2Kernel.Prepare, &SelectV2Kernel.Eval, typeof(SelectV2Kernel)));

        foreach (var op in new[] { BuiltinOperator.ReduceMin, BuiltinOperator.ReduceProd })
            foreach (var t in new[] { F32, I32, I64 })
                add(new CpuKernel(Id(op, t), op, n => n.Input(0).Type == t, &ReduceMinProdKernel.Prepare, &ReduceMinProdKernel.Eval, typeof(ReduceMinProdKernel)));
        foreach (var t in new[] { F32, I32, I64 })
        {
            add(new CpuKernel(Id(BuiltinOperator.ArgMin, t), BuiltinOperator.ArgMin, n => n.Input(0).Type == t && n.Output(0).Type is I32 or I64,
                &ArgMinKernel.Prepare, &ArgMinKernel.Eval, typeof(ArgMinKernel)));
            add(new CpuKernel(Id(BuiltinOperator.ScatterNd, t), BuiltinOperator.ScatterNd, n => n.Input(1).Type == t, &ScatterNdKernel.Prepare, &ScatterNdKernel.Eval, typeof(ScatterNdKernel)));
            add(new CpuKernel(Id(BuiltinOperator.Cumsum, t), BuiltinOperator.Cumsum, n => n.Input(0).Type == t, &CumsumKernel.Prepare, &CumsumKernel.Eval, typeof(CumsumKernel)));
            add(new CpuKernel(Id(BuiltinOperator.TopkV2, t), BuiltinOperator.TopkV2, n => n.Input(0).Type == t, &TopKKernel.Prepare, &TopKKernel.Eval, typeof(TopKKernel)));
        }
        foreach (var op in new[] { BuiltinOperator.Tile, BuiltinOperator.BroadcastTo, BuiltinOperator.ReverseV2, BuiltinOperator.SpaceToDepth, BuiltinOperator.DepthToSpace })
            add(new CpuKernel($"cpu.{op.Name().ToLowerInvariant()}.any", op, n => Sized(n.Input(0).Type), &IndexMapKernel.Prepare, &IndexMapKernel.Eval, typeof(IndexMapKernel)));
        add(new CpuKernel("cpu.gather_nd.any", BuiltinOperator.GatherNd, n => Sized(n.Input(0).Type) && n.Input(1).Type is I32 or I64,
            &GatherNdKernel.Prepare, &GatherNdKernel.Eval, typeof(GatherNdKernel)));
        add(new CpuKernel("cpu.one_hot.any", BuiltinOperator.OneHot, n => n.Input(0).Type is I32 or I64 && Sized(n.Output(0).Type),
            &OneHotKernel.Prepare, &OneHotKernel.Eval, typeof(OneHotKernel)));

        add(new CpuKernel("cpu.local_response_normalization.f32", BuiltinOperator.LocalResponseNormalization, n => n.Input(0).Type == F32,
            &LrnKernel.Prepare, &LrnKernel.Eval, typeof(LrnKernel)));
        add(new CpuKernel("cpu.conv_3d.f32", BuiltinOperator.Conv3d, n => n.Input(0).Type == F32 && n.Input(1).Type == F32,
            &Conv3DKernel.Prepare, &Conv3DKernel.Eval, typeof(Conv3DKernel)));
        add(new CpuKernel("cpu.cast.wide", BuiltinOperator.Cast, n => WideCastKernel.Supports(n.Input(0).Type) && WideCastKernel.Supports(n.Output(0).Type),
            &WideCastKernel.Prepare, &WideCastKernel.Eval, typeof(WideCastKernel)));
    }

    private static string Id(BuiltinOperator op, TensorType t) => $"cpu.{op.Name().ToLowerInvariant()}.{Variant(t)}";

    private static string Variant(TensorType t) => t switch
    {
        F32 => "f32",
        I32 => "i32",
        I64 => "i64",
        TensorType.Float64 => "f64",
        TensorType.Uint8 => "u8",
        TensorType.Uint16 => "u16",
        TensorType.Uint32 => "u32",
        B => "bool",
        _ => t.Name().ToLowerInvariant(),
    };

    private static bool Sized(TensorType t) => t.BitsPerElement() is 8 or 16 or 32 or 64 && t != TensorType.String;

    private static bool All(PreparedNode n, TensorType t)
    {
        foreach (var x in n.Inputs)
            if (x is not null && x.Type != t) return false;
        foreach (var x in n.Outputs)
            if (x.Type != t) return false;
        return true;
    }

    private static void Unary<T, TOp>(Action<CpuKernel> add, BuiltinOperator op, TensorType t)
        where T : unmanaged
        where TOp : struct, IUnaryOp<T> =>
        add(new CpuKernel(Id(op, t), op, n => All(n, t), &UnaryKernel<T, TOp>.Prepare, &UnaryKernel<T, TOp>.Eval, typeof(UnaryKernel<T, TOp>)));

    private static void Binary<T, TOp>(Action<CpuKernel> add, BuiltinOperator op, TensorType t)
        where T : unmanaged, INumber<T>, IMinMaxValue<T>
        where TOp : struct, IBinaryArithmetic<T> =>
        add(new CpuKernel(Id(op, t), op, n => All(n, t) && n.Inputs.All(i => i is null || i.Quantization is null),
            &BinaryArithmeticKernel<T, TOp>.Prepare, &BinaryArithmeticKernel<T, TOp>.Eval, typeof(BinaryArithmeticKernel<T, TOp>)));

    private static void Binary64<TOp>(Action<CpuKernel> add, BuiltinOperator op) where TOp : struct, IBinaryArithmetic<double> =>
        add(new CpuKernel(Id(op, TensorType.Float64), op, n => All(n, TensorType.Float64),
            &Float64BinaryKernel<TOp>.Prepare, &Float64BinaryKernel<TOp>.Eval, typeof(Float64BinaryKernel<TOp>)));

    private static void Compare<T, TPred>(Action<CpuKernel> add, BuiltinOperator op, TensorType t)
        where T : unmanaged
        where TPred : struct, IPredicate<T> =>
        add(new CpuKernel(Id(op, t), op, n => n.Input(0).Type == t && n.Input(1).Type == t && n.Output(0).Type == B,
            &ComparisonKernel<T, TPred>.Prepare, &ComparisonKernel<T, TPred>.Eval, typeof(ComparisonKernel<T, TPred>)));

    private static void Comparisons<T>(Action<CpuKernel> add, TensorType t) where T : unmanaged, INumber<T>
    {
        Compare<T, EqualP<T>>(add, BuiltinOperator.Equal, t);
        Compare<T, NotEqualP<T>>(add, BuiltinOperator.NotEqual, t);
        Compare<T, LessP<T>>(add, BuiltinOperator.Less, t);
        Compare<T, LessEqualP<T>>(add, BuiltinOperator.LessEqual, t);
        Compare<T, GreaterP<T>>(add, BuiltinOperator.Greater, t);
        Compare<T, GreaterEqualP<T>>(add, BuiltinOperator.GreaterEqual, t);
    }
}
