namespace LiteRt.Graph.Catalog;

/// <summary>Small helpers shared by the data-movement shape functions and reference kernels.</summary>
internal static class DataMovementHelpers
{
    /// <summary>Constant integer input converted to int (shape/axis/perm lists), or a model error.</summary>
    public static int[] ConstantInt32s(ShapeContext ctx, int input, string what)
    {
        if (IsEmptyList(ctx, input)) return [];
        var values = ctx.ConstantInts(input, what);
        var r = new int[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            if (values[i] < int.MinValue || values[i] > int.MaxValue)
                throw ctx.Error($"{what} value {values[i]} does not fit in 32 bits");
            r[i] = (int)values[i];
        }
        return r;
    }

    /// <summary>
    /// An input holding no elements (e.g. an empty axis list): its values are known without data, although a
    /// zero-length buffer does not make a tensor constant.
    /// </summary>
    public static bool IsEmptyList(ShapeContext ctx, int input) =>
        ctx.InputTensor(input) is { } t && Shapes.ElementCount(t.Shape) == 0;

    /// <summary>Like <see cref="ConstantInt32s"/>, false when the input is computed at run time.</summary>
    public static bool TryConstantInt32s(ShapeContext ctx, int input, string what, out int[] values)
    {
        values = [];
        if (!IsEmptyList(ctx, input) && !ctx.TryGetConstantInts(input, out _)) return false;
        values = ConstantInt32s(ctx, input, what);
        return true;
    }

    /// <summary>A single axis held in a constant tensor with exactly one element (scalar or [1]).</summary>
    public static int ConstantScalarAxis(ShapeContext ctx, int input, string what)
    {
        var v = ConstantInt32s(ctx, input, what);
        if (v.Length != 1) throw ctx.Error($"{what} must hold exactly one value, got {v.Length}");
        return v[0];
    }

    /// <summary>Normalises an axis in [-rank, rank) or throws a model error naming it.</summary>
    public static int NormalizeAxis(ShapeContext ctx, int axis, int rank, string what = "axis")
    {
        int a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank) throw ctx.Error($"{what} {axis} is out of range for rank {rank}");
        return a;
    }

    /// <summary>Integer values of a reference tensor (constant shape/axis inputs).</summary>
    public static int[] Ints(RefTensor t)
    {
        var r = new int[t.Data.Length];
        for (int i = 0; i < r.Length; i++) r[i] = checked((int)t.Data[i]);
        return r;
    }

    /// <summary>Product of dims[from..to), -1 if any is unknown.</summary>
    public static long Product(ReadOnlySpan<int> dims, int from, int to)
    {
        long n = 1;
        for (int i = from; i < to; i++)
        {
            if (dims[i] < 0) return -1;
            n *= dims[i];
        }
        return n;
    }

    /// <summary>Sum of two dims where -1 (unknown) is absorbing.</summary>
    public static int AddDims(int a, int b) => a < 0 || b < 0 ? -1 : checked(a + b);

    /// <summary>Two dims agree when equal or when either is unknown.</summary>
    public static bool Compatible(int a, int b) => a == b || a < 0 || b < 0;

    /// <summary>Applies a fused activation (NONE, RELU, RELU_N1_TO_1, RELU6) to real values.</summary>
    public static void ApplyActivation(Span<double> values, Format.Schema.ActivationFunctionType act)
    {
        switch (act)
        {
            case Format.Schema.ActivationFunctionType.None: return;
            case Format.Schema.ActivationFunctionType.Relu:
                for (int i = 0; i < values.Length; i++) values[i] = Math.Max(values[i], 0);
                return;
            case Format.Schema.ActivationFunctionType.ReluN1To1:
                for (int i = 0; i < values.Length; i++) values[i] = Math.Clamp(values[i], -1, 1);
                return;
            case Format.Schema.ActivationFunctionType.Relu6:
                for (int i = 0; i < values.Length; i++) values[i] = Math.Clamp(values[i], 0, 6);
                return;
            default: throw new NotSupportedException($"fused activation {act} is not supported here");
        }
    }

    public static bool IsSupportedActivation(Format.Schema.ActivationFunctionType act) =>
        act is Format.Schema.ActivationFunctionType.None or Format.Schema.ActivationFunctionType.Relu
            or Format.Schema.ActivationFunctionType.ReluN1To1 or Format.Schema.ActivationFunctionType.Relu6;
}
