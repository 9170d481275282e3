using LiteRt.Format.Schema;
using LiteRt.Graph;
using LiteRt.Graph.TfLite;

namespace LiteRt.Samples.ModelMaker;

/// <summary>
/// The models the samples compile through &lt;LiteRtModel&gt;, built in code with the IR so that the repository
/// contains no third-party model files. Deterministic: the same code writes the same bytes (a test checks that the
/// committed files are exactly what this writes).
/// </summary>
public static class SampleModels
{
    /// <summary>File name → builder, for every model a sample commits.</summary>
    public static IReadOnlyDictionary<string, Func<ModelGraph>> All { get; } = new Dictionary<string, Func<ModelGraph>>
    {
        ["edges.tflite"] = () => EdgeDetector(24, 48),
    };

    public static byte[] Serialize(ModelGraph graph) => TfLiteModel.Serialize(graph);

    /// <summary>
    /// An edge detector: CONV_2D with two Sobel filters → ABS → SUM over channels, on a one-channel image
    /// (input <c>image</c> float32 [1,h,w,1], output <c>edges</c> float32 [1,h,w,1]).
    /// </summary>
    public static ModelGraph EdgeDetector(int h, int w)
    {
        var g = new ModelGraph { Description = "LiteRt.Build QuickStart edge detector" };
        var sg = new Subgraph { Name = "main" };
        g.Subgraphs.Add(sg);

        int image = sg.AddTensor(new Tensor("image", TensorType.Float32, [1, h, w, 1]));
        // Filters [out=2, 3, 3, in=1]: Sobel x and Sobel y.
        float[] sobel = [-1, 0, 1, -2, 0, 2, -1, 0, 1, /**/ -1, -2, -1, 0, 0, 0, 1, 2, 1];
        int filters = sg.AddTensor(new Tensor("sobel", TensorType.Float32, [2, 3, 3, 1]) { Buffer = g.AddBuffer(Bytes(sobel)) });
        int bias = sg.AddTensor(new Tensor("bias", TensorType.Float32, [2]) { Buffer = g.AddBuffer(Bytes([0f, 0f])) });
        int gradients = sg.AddTensor(new Tensor("gradients", TensorType.Float32, [1, h, w, 2]));
        int magnitudes = sg.AddTensor(new Tensor("magnitudes", TensorType.Float32, [1, h, w, 2]));
        int axis = sg.AddTensor(new Tensor("channel_axis", TensorType.Int32, [1]) { Buffer = g.AddBuffer(BitConverter.GetBytes(3)) });
        int edges = sg.AddTensor(new Tensor("edges", TensorType.Float32, [1, h, w, 1]));

        var conv = OptionsTable.Create(BuiltinOptionsType.Conv2DOptions)
            .Set("padding", Padding.Same).Set("stride_w", 1).Set("stride_h", 1);
        sg.Operations.Add(new Operation(BuiltinOperator.Conv2d, [image, filters, bias], [gradients], conv));
        sg.Operations.Add(new Operation(BuiltinOperator.Abs, [gradients], [magnitudes]));
        sg.Operations.Add(new Operation(BuiltinOperator.Sum, [magnitudes, axis], [edges],
            OptionsTable.Create(BuiltinOptionsType.ReducerOptions).Set("keep_dims", true)));
        sg.Inputs.Add(image);
        sg.Outputs.Add(edges);

        var sig = new Signature(Signature.DefaultKey, 0);
        sig.Inputs.Add(new SignatureTensor("image", image));
        sig.Outputs.Add(new SignatureTensor("edges", edges));
        g.Signatures.Add(sig);
        return g;
    }

    private static byte[] Bytes(float[] values)
    {
        var b = new byte[values.Length * 4];
        Buffer.BlockCopy(values, 0, b, 0, b.Length);
        return b;
    }
}
