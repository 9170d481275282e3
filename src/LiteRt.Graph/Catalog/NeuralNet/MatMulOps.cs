using LiteRt.Format.Schema;

namespace LiteRt.Graph.Catalog;

/// <summary>FULLY_CONNECTED and BATCH_MATMUL: definitions, shape rules and float64 reference kernels.</summary>
internal static class MatMulOps
{
    public static void Register(Action<OpDefinition> add)
    {
        add(new OpDefinition
        {
            Op = BuiltinOperator.FullyConnected,
            Summary = "output[b, u] = Σ_i input[b, i] · weights[u, i] + bias[u] with weights [units, in]; the input is flattened to [-1, in] "
                + "(keep_num_dims keeps its leading dims instead); fused activation.",
            Inputs = ["input", "weights", "bias?"],
            OptionsType = BuiltinOptionsType.FullyConnectedOptions,
            InferShapes = FullyConnectedShape,
            Reference = FullyConnectedReference,
        });
        add(new OpDefinition
        {
            Op = BuiltinOperator.BatchMatmul,
            Summary = "Batched matrix product of the last two dims, lhs [..., M, K] (adj_x: [..., K, M]) times rhs [..., K, N] (adj_y: [..., N, K]), "
                + "with NumPy broadcasting of the batch dims.",
            Inputs = ["lhs", "rhs"],
            OptionsType = BuiltinOptionsType.BatchMatMulOptions,
            InferShapes = BatchMatMulShape,
            Reference = BatchMatMulReference,
        });
    }

    // ---- FULLY_CONNECTED ----

    private static void FullyConnectedShape(ShapeContext ctx)
    {
        var (keep, _) = NeuralNetAttributes.FullyConnected(ctx.Op, ctx.Node);
        var input = ctx.InputShape(0);
        var weights = ctx.InputShape(1);
        ctx.Require(weights.Length == 2, $"weights must be 2-D [units, in], got {Shapes.Format(weights)}");
        int units = weights[0], depth = weights[1];
        ConvOps.CheckBias(ctx, 2, units);
        if (keep)
        {
            ctx.Require(input.Length >= 1, "input must have at least one dim with keep_num_dims");
            if (input[^1] >= 0 && depth >= 0)
                ctx.Require(input[^1] == depth, $"input depth {input[^1]} differs from the weights' input size {depth}");
            var shape = (int[])input.Clone();
            shape[^1] = units;
            ctx.SetOutputShape(0, shape);
            return;
        }
        long count = Shapes.ElementCount(input);
        int batch = -1;
        if (count >= 0 && depth >= 0)
        {
            ctx.Require(depth > 0 && count % depth == 0, $"input {Shapes.Format(input)} does not flatten to rows of {depth}");
            batch = checked((int)(count / depth));
        }
        ctx.SetOutputShape(0, [batch, units]);
    }

    private static void FullyConnectedReference(ReferenceContext ctx)
    {
        var (_, act) = NeuralNetAttributes.FullyConnected(ctx.Op, ctx.Node);
        var input = ctx.Input(0);
        var weights = ctx.Input(1);
        double[]? bias = ctx.HasInput(2) ? ctx.Input(2).Data : null;
        var output = ctx.Output(0);
        int units = weights.Shape[0], depth = weights.Shape[1];
        int rows = depth == 0 ? output.Length / Math.Max(units, 1) : input.Length / depth;
        double[] x = input.Data, w = weights.Data, y = output.Data;
        for (int r = 0; r < rows; r++)
        for (int u = 0; u < units; u++)
        {
            double sum = bias is null ? 0 : bias[u];
            for (int i = 0; i < depth; i++) sum += x[r * depth + i] * w[u * depth + i];
            y[r * units + u] = ActivationClamp.Apply(sum, act);
        }
    }

    // ---- BATCH_MATMUL ----

    private static void BatchMatMulShape(ShapeContext ctx)
    {
        bool adjX = ctx.Op.BoolAttr("adj_x"), adjY = ctx.Op.BoolAttr("adj_y");
        var lhs = ctx.InputShape(0);
        var rhs = ctx.InputShape(1);
        ctx.Require(lhs.Length >= 2 && rhs.Length >= 2, $"operands must have rank ≥ 2, got {Shapes.Format(lhs)} and {Shapes.Format(rhs)}");
        int m = adjX ? lhs[^1] : lhs[^2], kl = adjX ? lhs[^2] : lhs[^1];
        int kr = adjY ? rhs[^1] : rhs[^2], n = adjY ? rhs[^2] : rhs[^1];
        if (kl >= 0 && kr >= 0) ctx.Require(kl == kr, $"inner dims differ: lhs {Shapes.Format(lhs)} (adj_x={adjX}), rhs {Shapes.Format(rhs)} (adj_y={adjY})");
        var batch = Shapes.Broadcast(lhs.AsSpan(0, lhs.Length - 2), rhs.AsSpan(0, rhs.Length - 2))
            ?? throw ctx.Error($"batch dims of {Shapes.Format(lhs)} and {Shapes.Format(rhs)} do not broadcast");
        ctx.SetOutputShape(0, [.. batch, m, n]);
    }

    private static void BatchMatMulReference(ReferenceContext ctx)
    {
        bool adjX = ctx.Op.BoolAttr("adj_x"), adjY = ctx.Op.BoolAttr("adj_y");
        var lhs = ctx.Input(0);
        var rhs = ctx.Input(1);
        var output = ctx.Output(0);
        int m = adjX ? lhs.Shape[^1] : lhs.Shape[^2], k = adjX ? lhs.Shape[^2] : lhs.Shape[^1];
        int n = adjY ? rhs.Shape[^2] : rhs.Shape[^1];
        var outBatch = output.Shape[..^2];
        var lOffsets = MatMulBroadcast.Offsets(lhs.Shape[..^2], outBatch, m * k);
        var rOffsets = MatMulBroadcast.Offsets(rhs.Shape[..^2], outBatch, k * n);
        double[] a = lhs.Data, b = rhs.Data, y = output.Data;
        for (int bi = 0; bi < lOffsets.Length; bi++)
        {
            long lo = lOffsets[bi], ro = rOffsets[bi];
            for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                double sum = 0;
                for (int p = 0; p < k; p++)
                {
                    double av = adjX ? a[lo + p * m + i] : a[lo + i * k + p];
                    double bv = adjY ? b[ro + j * k + p] : b[ro + p * n + j];
                    sum += av * bv;
                }
                y[((long)bi * m + i) * n + j] = sum;
            }
        }
    }
}
