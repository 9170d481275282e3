using LiteRt.Compiler.Ir;
using LiteRt.Format.Schema;
using LiteRt.Graph;
using LiteRt.Graph.Catalog;

namespace LiteRt.Compiler.Passes;

/// <summary>
/// Folds RELU / RELU6 / RELU_N1_TO_1 into the fused_activation_function of the op that produces its input
/// (CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED, ADD, SUB, MUL, DIV, pools, CONV_3D) when nothing else reads
/// that op's result: Conv + BatchNorm + ReLU6 becomes a single CONV_2D.
/// </summary>
public sealed class FuseActivation : IGraphPass
{
    public string Name => "fuse-activation";

    private static readonly HashSet<BuiltinOperator> Producers =
    [
        BuiltinOperator.Conv2d, BuiltinOperator.DepthwiseConv2d, BuiltinOperator.FullyConnected, BuiltinOperator.Add,
        BuiltinOperator.Sub, BuiltinOperator.Mul, BuiltinOperator.Div, BuiltinOperator.AveragePool2d, BuiltinOperator.MaxPool2d,
        BuiltinOperator.Conv3d,
    ];

    public bool Run(ModelGraph graph)
    {
        var sg = graph.Main;
        bool any = false;
        var index = new GraphIndex(sg);
        foreach (var a in sg.Operations.ToList())
        {
            var act = a.Op switch
            {
                BuiltinOperator.Relu => ActivationFunctionType.Relu,
                BuiltinOperator.Relu6 => ActivationFunctionType.Relu6,
                BuiltinOperator.ReluN1To1 => ActivationFunctionType.ReluN1To1,
                _ => ActivationFunctionType.None,
            };
            if (act == ActivationFunctionType.None) continue;
            int x = a.Inputs[0];
            if (index.Producer(x) is not { } p || !Producers.Contains(p.Op) || p.Outputs.Length != 1) continue;
            if (!index.OnlyUsedBy(x, a) || p.FusedActivation != ActivationFunctionType.None) continue;
            if (sg.Tensors[x].Type != TensorType.Float32) continue;
            p.Options ??= OptionsTable.Create(OpCatalog.Get(p.Op).OptionsType);
            p.Options.Set("fused_activation_function", act);
            p.Outputs = [a.Outputs[0]];
            sg.Operations.Remove(a);
            index = new GraphIndex(sg);
            any = true;
        }
        return any;
    }
}
