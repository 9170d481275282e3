using LiteRt.Compiler.Ir;
using LiteRt.Format.Schema;
using LiteRt.Graph;

namespace LiteRt.Compiler.Passes;

/// <summary>
/// Folds a per-output-channel constant MUL / DIV / ADD / SUB that follows a CONV_2D, DEPTHWISE_CONV_2D,
/// FULLY_CONNECTED or TRANSPOSE_CONV into its weights and bias: BatchNormalization after a convolution (lowered to
/// MUL + ADD by channel) disappears, and MatMul + Add becomes one FULLY_CONNECTED with a bias.
/// </summary>
public sealed class FoldAffineIntoWeights : IGraphPass
{
    public string Name => "fold-affine-into-weights";

    public bool Run(ModelGraph graph)
    {
        bool any = false;
        while (Step(graph)) any = true;
        return any;
    }

    private static bool Step(ModelGraph graph)
    {
        var sg = graph.Main;
        var b = new IrBuilder(graph, sg);
        var index = new GraphIndex(sg);
        foreach (var p in sg.Operations)
        {
            if (p.Op is not (BuiltinOperator.Conv2d or BuiltinOperator.DepthwiseConv2d or BuiltinOperator.FullyConnected or BuiltinOperator.TransposeConv)) continue;
            if (p.FusedActivation != ActivationFunctionType.None) continue;
            int y = p.Outputs[0];
            if (b.Type(y) != TensorType.Float32 || index.IsGraphOutput(y) || index.Consumers(y).Count != 1) continue;
            var c = index.Consumers(y)[0];
            if (c.Op is not (BuiltinOperator.Mul or BuiltinOperator.Div or BuiltinOperator.Add or BuiltinOperator.Sub)) continue;
            int other = c.Inputs[0] == y ? c.Inputs[1] : c.Inputs[1] == y ? c.Inputs[0] : -1;
            if (other < 0 || c.Inputs[0] == c.Inputs[1] || !b.IsConst(other) || b.Type(other) != TensorType.Float32) continue;
            if (c.Op is BuiltinOperator.Sub or BuiltinOperator.Div && c.Inputs[0] != y) continue;
            int weightsIn = p.Op == BuiltinOperator.TransposeConv ? 1 : 1;
            int biasIn = p.Op == BuiltinOperator.TransposeConv ? 3 : 2;
            int w = p.Inputs[weightsIn];
            if (!b.IsConst(w) || b.Type(w) != TensorType.Float32 || b.T(w).IsQuantized) continue;
            int bias = p.HasInput(biasIn) ? p.Inputs[biasIn] : -1;
            if (bias >= 0 && (!b.IsConst(bias) || b.Type(bias) != TensorType.Float32)) continue;
            var wd = b.Dims(w);
            int channels = p.Op == BuiltinOperator.DepthwiseConv2d ? wd[3] : wd[0];
            // The constant must be one value per output channel (last axis), or one value.
            var od = b.Dims(other);
            if (od.Length > b.Rank(y)) continue;
            if (od.Take(Math.Max(od.Length - 1, 0)).Any(d => d != 1)) continue;
            if (od.Length > 0 && od[^1] != 1 && od[^1] != channels) continue;
            var cv = b.Values(other);
            var perChannel = new double[channels];
            for (int i = 0; i < channels; i++) perChannel[i] = cv[cv.Length == 1 ? 0 : i];

            var wv = ConstantData.Floats(b.T(w));
            var bv = bias >= 0 ? ConstantData.Floats(b.T(bias)) : new float[channels];
            switch (c.Op)
            {
                case BuiltinOperator.Mul:
                case BuiltinOperator.Div:
                    for (int i = 0; i < channels; i++)
                    {
                        double s = c.Op == BuiltinOperator.Mul ? perChannel[i] : 1 / perChannel[i];
                        bv[i] = (float)(bv[i] * s);
                        ScaleChannel(p.Op, wv, wd, i, s);
                    }
                    break;
                default:
                    for (int i = 0; i < channels; i++) bv[i] = (float)(bv[i] + (c.Op == BuiltinOperator.Add ? perChannel[i] : -perChannel[i]));
                    break;
            }
            var inputs = (int[])p.Inputs.Clone();
            if (c.Op is BuiltinOperator.Mul or BuiltinOperator.Div)
                inputs[weightsIn] = b.ConstRaw(b.T(w).Name, TensorType.Float32, b.T(w).Shape, ConstantData.Bytes(wv));
            int newBias = b.ConstRaw(bias >= 0 ? b.T(bias).Name : b.T(y).Name + "/bias", TensorType.Float32, [channels], ConstantData.Bytes(bv));
            if (inputs.Length <= biasIn) Array.Resize(ref inputs, biasIn + 1);
            inputs[biasIn] = newBias;
            p.Inputs = inputs;
            // The producer takes over the consumer's output (and its fused activation).
            var act = c.FusedActivation;
            p.Outputs = [c.Outputs[0]];
            if (act != ActivationFunctionType.None) p.Options!.Set("fused_activation_function", act);
            sg.Operations.Remove(c);
            return true;
        }
        return false;
    }

    /// <summary>Multiplies the weights of output channel <paramref name="channel"/> by <paramref name="s"/>.</summary>
    private static void ScaleChannel(BuiltinOperator op, float[] w, int[] dims, int channel, double s)
    {
        if (op == BuiltinOperator.DepthwiseConv2d)
        {
            int c = dims[3];
            for (int i = channel; i < w.Length; i += c) w[i] = (float)(w[i] * s);
            return;
        }
        // CONV_2D [O, H, W, I], FULLY_CONNECTED [O, I], TRANSPOSE_CONV [O, H, W, I]: channel-major.
        int per = w.Length / dims[0];
        for (int i = channel * per; i < (channel + 1) * per; i++) w[i] = (float)(w[i] * s);
    }
}
