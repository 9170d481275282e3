using LiteRt.Compiler.Import.Onnx;
using LiteRt.Format.Schema;
using LiteRt.Graph;
using LiteRt.Graph.TfLite;
using LiteRt.Runtime;

namespace LiteRt.Compiler.Tests.Onnx;

/// <summary>The importer's contract: signatures with ONNX names, dynamic dims, options, and an LRT error for every unsupported case.</summary>
public sealed class OnnxImporterTests : IDisposable
{
    private const int Float = OnnxDataType.Float, Int64 = OnnxDataType.Int64;
    private readonly string _dir = Directory.CreateTempSubdirectory("onnx-importer").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    private string In(string name) => Path.Combine(_dir, name);

    private static LiteRtCompileException ConvertFails(byte[] model, ConvertOptions? options = null) =>
        Assert.Throws<LiteRtCompileException>(() => ModelConverter.ConvertOnnx(model, options, "test.onnx"));

    /// <summary>y = relu(conv(x, w)) with a symbolic batch.</summary>
    private static OnnxModelBuilder ConvModel(object? batch = null) => new OnnxModelBuilder()
        .Input("image", Float, batch ?? "N", 2, 5, 5)
        .FloatInitializer("w", [3, 2, 3, 3], Enumerable.Range(0, 54).Select(i => (float)Math.Sin(i)).ToArray())
        .Node("Conv", ["image", "w"], ["c"], "conv1", attributes: ("pads", new long[] { 1, 1, 1, 1 }))
        .Node("Relu", ["c"], ["features"], "relu1")
        .Output("features", Float, batch ?? "N", 3, 5, 5);

    [Fact]
    public void Signature_keeps_the_onnx_names_the_nchw_input_and_the_dynamic_batch()
    {
        var g = ModelConverter.ConvertOnnx(ConvModel().Build());
        var sig = Assert.Single(g.Signatures);
        Assert.Equal("image", Assert.Single(sig.Inputs).Name);
        Assert.Equal("features", Assert.Single(sig.Outputs).Name);
        var input = g.Main.Tensors[sig.Inputs[0].TensorIndex];
        Assert.Equal([-1, 2, 5, 5], input.Dims);
        // Conv + Relu: one CONV_2D with a fused RELU between the two layout transposes.
        Assert.Equal([BuiltinOperator.Transpose, BuiltinOperator.Conv2d, BuiltinOperator.Transpose], g.Main.Operations.Select(o => o.Op));
        Assert.Equal(ActivationFunctionType.Relu, g.Main.Operations[1].FusedActivation);

        // The dynamic batch runs at any size, in our runtime and after a .tflite round trip.
        var bytes = TfLiteModel.Serialize(g);
        using var model = CompiledModel.FromBytes(bytes);
        var runner = model.DefaultSignature;
        runner.ResizeInput("image", [3, 2, 5, 5]);
        runner.Input("image").AsSpan<float>().Fill(1);
        runner.Run();
        Assert.Equal([3, 3, 5, 5], runner.Output("features").Shape);
    }

    [Fact]
    public void Input_shapes_fix_dynamic_dims_and_are_checked()
    {
        var g = ModelConverter.ConvertOnnx(ConvModel().Build(), new ConvertOptions { InputShapes = ConvertOptions.ParseInputShapes("image:4x2x5x5") });
        Assert.Equal([4, 2, 5, 5], g.Main.Tensors[g.Signatures[0].Inputs[0].TensorIndex].Dims);
        Assert.Equal(ErrorCodes.BadOption, ConvertFails(ConvModel().Build(), new ConvertOptions { InputShapes = ConvertOptions.ParseInputShapes("picture:1x2x5x5") }).Code);
        Assert.Equal(ErrorCodes.BadOption, ConvertFails(ConvModel().Build(), new ConvertOptions { InputShapes = ConvertOptions.ParseInputShapes("image:1x3x5x5") }).Code);
        Assert.Equal(ErrorCodes.BadOption, ConvertFails(ConvModel().Build(), new ConvertOptions { InputShapes = ConvertOptions.ParseInputShapes("image:1x2x5") }).Code);
    }

    [Theory]
    [InlineData("input:1x3x224x224", "input", new[] { 1, 3, 224, 224 })]
    [InlineData(" ids : 2X16 ", "ids", new[] { 2, 16 })]
    [InlineData("x:?x10", "x", new[] { -1, 10 })]
    [InlineData("a.b:1:5", "a.b:1", new[] { 5 })]
    public void Input_shapes_parse(string text, string name, int[] dims)
    {
        var d = ConvertOptions.ParseInputShapes(text);
        Assert.Equal(dims, d[name.Trim()]);
    }

    [Theory]
    [InlineData("input")]
    [InlineData("input:1xAx3")]
    [InlineData("input:1x2,input:1x2")]
    public void Malformed_input_shapes_are_lrt1010(string text) =>
        Assert.Equal(ErrorCodes.BadOption, Assert.Throws<LiteRtCompileException>(() => ConvertOptions.ParseInputShapes(text)).Code);

    [Fact]
    public void An_unsupported_op_is_lrt1001_naming_the_op_node_and_opset()
    {
        var m = new OnnxModelBuilder { Opset = 17 }.Input("x", Float, 2, 3)
            .Node("Relu", ["x"], ["r"], "first")
            .Node("NonMaxSuppression", ["r", "r"], ["y"], "nms_7")
            .Output("y", Int64, 1, 3).Build();
        var e = ConvertFails(m);
        Assert.Equal(ErrorCodes.UnsupportedOp, e.Code);
        Assert.Contains("NonMaxSuppression", e.Message);
        Assert.Contains("'nms_7'", e.Message);
        Assert.Contains("opset 17", e.Message);
        Assert.Contains("error LRT1001", e.Message);
    }

    [Fact]
    public void A_custom_domain_op_is_lrt1001()
    {
        var m = new OnnxModelBuilder().Input("x", Float, 2).Node("Gelu", ["x"], ["y"], "g", "com.microsoft").Output("y", Float, 2).Build();
        var e = ConvertFails(m);
        Assert.Equal(ErrorCodes.UnsupportedOp, e.Code);
        Assert.Contains("com.microsoft.Gelu", e.Message);
    }

    [Theory]
    [InlineData(new byte[] { 0x0A, 0xFF, 0xFF })]          // field 1 with a length past the end
    [InlineData(new byte[] { 0x3A, 0x02, 0x0B, 0x00 })]    // graph with a group wire type
    [InlineData(new byte[] { 0x08, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01 })] // varint too long
    public void Malformed_protobuf_is_lrt1002(byte[] bytes)
    {
        var e = ConvertFails(bytes);
        Assert.Equal(ErrorCodes.BadProtobuf, e.Code);
    }

    [Fact]
    public void A_truncated_model_file_is_lrt1002_naming_the_file()
    {
        var bytes = ConvModel().Build();
        string path = In("truncated.onnx");
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        var e = Assert.Throws<LiteRtCompileException>(() => ModelConverter.Convert(path));
        Assert.Equal(ErrorCodes.BadProtobuf, e.Code);
        Assert.Contains("truncated.onnx", e.Message);
    }

    [Fact]
    public void External_data_is_read_next_to_the_model_and_missing_data_is_lrt1003()
    {
        var weights = new float[] { 1, -2, 3, -4, 5, -6 };
        var data = new byte[16].Concat(weights.SelectMany(BitConverter.GetBytes)).ToArray();
        File.WriteAllBytes(In("weights.bin"), data);
        OnnxModelBuilder Model(string location, long length) => new OnnxModelBuilder().Input("x", Float, 1, 3)
            .ExternalInitializer("w", [3, 2], location, 16, length)
            .Node("MatMul", ["x", "w"], ["y"], "mm").Output("y", Float, 1, 2);
        var g = ModelConverter.Convert(Model("weights.bin", 24).Save(In("model.onnx")));
        using var model = CompiledModel.FromGraph(g);
        var runner = model.DefaultSignature;
        runner.Input("x").Write<float>([1, 1, 1]);
        runner.Run();
        Assert.Equal([9, -12], runner.Output("y").ToArray<float>()); // columns of [[1,-2],[3,-4],[5,-6]] summed

        var missing = Assert.Throws<LiteRtCompileException>(() => ModelConverter.Convert(Model("nowhere.bin", 24).Save(In("m2.onnx"))));
        Assert.Equal(ErrorCodes.MissingExternalData, missing.Code);
        Assert.Contains("nowhere.bin", missing.Message);
        var shortFile = Assert.Throws<LiteRtCompileException>(() => ModelConverter.Convert(Model("weights.bin", 400).Save(In("m3.onnx"))));
        Assert.Equal(ErrorCodes.MissingExternalData, shortFile.Code);
        var escape = Assert.Throws<LiteRtCompileException>(() => ModelConverter.Convert(Model("../weights.bin", 24).Save(In("m4.onnx"))));
        Assert.Equal(ErrorCodes.MissingExternalData, escape.Code);
    }

    [Fact]
    public void A_string_input_is_lrt1004()
    {
        var m = new OnnxModelBuilder().Input("s", OnnxDataType.String, 3).Node("Identity", ["s"], ["y"]).Output("y", OnnxDataType.String, 3).Build();
        Assert.Equal(ErrorCodes.UnsupportedDataType, ConvertFails(m).Code);
    }

    [Fact]
    public void A_shape_computed_at_run_time_is_lrt1005_naming_the_graph_input()
    {
        var m = new OnnxModelBuilder().Input("x", Float, 2, 3).Input("target", Int64, 2)
            .Node("Abs", ["target"], ["t2"]).Node("Reshape", ["x", "t2"], ["y"], "reshape_1")
            .Output("y", Float, 3, 2).Build();
        var e = ConvertFails(m);
        Assert.Equal(ErrorCodes.NeedsConstant, e.Code);
        Assert.Contains("'target'", e.Message);
        Assert.Contains("reshape_1", e.Message);
        // Bound to a value, it converts (the input leaves the signature).
        var bound = new ConvertOptions
        {
            ConstantInputs = new Dictionary<string, ConstantInput> { ["target"] = new(TensorType.Int64, [2], new long[] { 3, 2 }.SelectMany(BitConverter.GetBytes).ToArray()) },
        };
        var g = ModelConverter.ConvertOnnx(m, bound);
        Assert.Equal(["x"], g.Signatures[0].Inputs.Select(i => i.Name));
        Assert.Equal([3, 2], g.Main.Tensors[g.Signatures[0].Outputs[0].TensorIndex].Dims);
    }

    [Fact]
    public void Shape_arithmetic_on_a_dynamic_dim_is_lrt1009_and_input_shapes_fix_it()
    {
        var m = new OnnxModelBuilder().Input("x", Float, "batch", 6)
            .Node("Shape", ["x"], ["s"], "shape")
            .Int64Initializer("twice", [2], [2, 1])
            .Int64Initializer("half", [2], [1, 2])
            .Node("Mul", ["s", "twice"], ["s1"])
            .Node("Div", ["s1", "half"], ["s2"])
            .Node("Reshape", ["x", "s2"], ["y"])
            .Output("y", Float, "batch2", 3).Build();
        var e = ConvertFails(m);
        Assert.Equal(ErrorCodes.DynamicShape, e.Code);
        Assert.Contains("--input-shapes", e.Message);
        var g = ModelConverter.ConvertOnnx(m, new ConvertOptions { InputShapes = ConvertOptions.ParseInputShapes("x:4x6") });
        Assert.Equal([8, 3], g.Main.Tensors[g.Signatures[0].Outputs[0].TensorIndex].Dims);
    }

    [Fact]
    public void An_opset_beyond_21_is_lrt1008()
    {
        var m = new OnnxModelBuilder { Opset = 99 }.Input("x", Float, 2).Node("Relu", ["x"], ["y"]).Output("y", Float, 2).Build();
        Assert.Equal(ErrorCodes.UnsupportedOpset, ConvertFails(m).Code);
    }

    [Fact]
    public void An_unknown_value_is_lrt1007()
    {
        var m = new OnnxModelBuilder().Input("x", Float, 2).Node("Add", ["x", "ghost"], ["y"], "add").Output("y", Float, 2).Build();
        var e = ConvertFails(m);
        Assert.Equal(ErrorCodes.InvalidGraph, e.Code);
        Assert.Contains("ghost", e.Message);
    }

    [Fact]
    public void An_unsupported_attribute_value_is_lrt1006()
    {
        var m = new OnnxModelBuilder().Input("x", Float, 1, 1, 4, 4)
            .Node("Resize", ["x", "", "", "sizes"], ["y"], "resize", attributes: ("mode", "bicubic_plus"))
            .Int64Initializer("sizes", [4], [1, 1, 8, 8])
            .Output("y", Float, 1, 1, 8, 8).Build();
        Assert.Equal(ErrorCodes.UnsupportedAttribute, ConvertFails(m).Code);
    }

    [Fact]
    public void Graph_outputs_that_are_inputs_or_constants_get_their_own_tensor()
    {
        var m = new OnnxModelBuilder().Input("x", Float, 2)
            .FloatInitializer("c", [2], [1, 2])
            .Node("Identity", ["x"], ["same"]).Node("Identity", ["c"], ["constant"])
            .Output("same", Float, 2).Output("constant", Float, 2).Build();
        var g = ModelConverter.ConvertOnnx(m);
        using var model = CompiledModel.FromGraph(g);
        var runner = model.DefaultSignature;
        runner.Input("x").Write<float>([5, 6]);
        runner.Run();
        Assert.Equal([5, 6], runner.Output("same").ToArray<float>());
        Assert.Equal([1, 2], runner.Output("constant").ToArray<float>());
    }
}
