// QuickStart: build a small model in code with the IR, save it as .tflite, load it back with the runtime and run it.
// The model is an edge detector: CONV_2D with two Sobel filters → ABS → SUM over channels. It runs on a drawn
// image (a ring) and prints the edge map as text.
using LiteRt.Format.Schema;
using LiteRt.Graph;
using LiteRt.Graph.TfLite;
using LiteRt.Runtime;

const int H = 24, W = 48;
string path = Path.Combine(Path.GetTempPath(), "litert-quickstart-edges.tflite");

var graph = EdgeDetector.Build(H, W);
using (var file = File.Create(path)) TfLiteModel.Save(graph, file);
Console.WriteLine($"wrote {path} ({new FileInfo(path).Length} bytes)");

using var model = CompiledModel.Load(path);
var sig = model.DefaultSignature;
Console.WriteLine($"signature '{sig.Key}': {string.Join(", ", sig.Inputs)} -> {string.Join(", ", sig.Outputs)}");

// Draw a ring: 1 inside the annulus, 0 elsewhere.
var image = sig.Input("image").AsSpan<float>();
for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++)
    {
        double dx = (x - W / 2.0) / 2.0, dy = y - H / 2.0, r = Math.Sqrt(dx * dx + dy * dy);
        image[y * W + x] = r is > 5 and < 9 ? 1f : 0f;
    }

sig.Run();

var edges = sig.Output("edges").AsSpan<float>();
const string shades = " .:-=+*#%@";
float max = 0;
foreach (float e in edges) max = Math.Max(max, e);
for (int y = 0; y < H; y++)
{
    var line = new char[W];
    for (int x = 0; x < W; x++) line[x] = shades[(int)Math.Round(edges[y * W + x] / max * (shades.Length - 1))];
    Console.WriteLine(new string(line));
}
foreach (var (node, kernel) in sig.Placement) Console.WriteLine($"  {node} ran on {kernel}");

static class EdgeDetector
{
    public static ModelGraph Build(int h, int w)
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
