using LiteRt.Format.Schema;

namespace LiteRt.Runtime.Tests.Kernels.NeuralNet;

/// <summary>
/// Options tables for the NeuralNet tests: <see cref="OptionsTable.Create(BuiltinOptionsType)"/> when the schema
/// descriptors are available, otherwise a local descriptor with the schema's field names and defaults.
/// </summary>
internal static class NeuralNetTestOptions
{
    public static OptionsTable Create(BuiltinOptionsType type, params (string Name, object Value)[] values)
    {
        OptionsTable table;
        try { table = OptionsTable.Create(type); }
        catch (NotImplementedException) { table = new OptionsTable(Fallback(type)); }
        foreach (var (name, value) in values) table.Set(name, value);
        return table;
    }

    private static readonly Dictionary<BuiltinOptionsType, OptionsTableDescriptor> Descriptors = [];

    private static OptionsTableDescriptor Fallback(BuiltinOptionsType type)
    {
        lock (Descriptors)
        {
            if (Descriptors.TryGetValue(type, out var d)) return d;
            const OptionFieldKind I8 = OptionFieldKind.Int8, I32 = OptionFieldKind.Int32, B = OptionFieldKind.Bool, F = OptionFieldKind.Float32;
            OptionFieldDescriptor[] fields = type switch
            {
                BuiltinOptionsType.Conv2DOptions =>
                [
                    new("padding", 0, I8, 0, typeof(Padding)), new("stride_w", 1, I32), new("stride_h", 2, I32),
                    new("fused_activation_function", 3, I8, 0, typeof(ActivationFunctionType)),
                    new("dilation_w_factor", 4, I32, 1), new("dilation_h_factor", 5, I32, 1), new("quantized_bias_type", 6, I8, 0, typeof(TensorType)),
                ],
                BuiltinOptionsType.DepthwiseConv2DOptions =>
                [
                    new("padding", 0, I8, 0, typeof(Padding)), new("stride_w", 1, I32), new("stride_h", 2, I32), new("depth_multiplier", 3, I32),
                    new("fused_activation_function", 4, I8, 0, typeof(ActivationFunctionType)),
                    new("dilation_w_factor", 5, I32, 1), new("dilation_h_factor", 6, I32, 1),
                ],
                BuiltinOptionsType.TransposeConvOptions =>
                [
                    new("padding", 0, I8, 0, typeof(Padding)), new("stride_w", 1, I32), new("stride_h", 2, I32),
                    new("fused_activation_function", 3, I8, 0, typeof(ActivationFunctionType)), new("quantized_bias_type", 4, I8, 0, typeof(TensorType)),
                ],
                BuiltinOptionsType.Pool2DOptions =>
                [
                    new("padding", 0, I8, 0, typeof(Padding)), new("stride_w", 1, I32), new("stride_h", 2, I32),
                    new("filter_width", 3, I32), new("filter_height", 4, I32), new("fused_activation_function", 5, I8, 0, typeof(ActivationFunctionType)),
                ],
                BuiltinOptionsType.FullyConnectedOptions =>
                [
                    new("fused_activation_function", 0, I8, 0, typeof(ActivationFunctionType)), new("weights_format", 1, I8),
                    new("keep_num_dims", 2, B), new("asymmetric_quantize_inputs", 3, B), new("quantized_bias_type", 4, I8, 0, typeof(TensorType)),
                ],
                BuiltinOptionsType.SoftmaxOptions => [new("beta", 0, F)],
                BuiltinOptionsType.LogSoftmaxOptions => [],
                BuiltinOptionsType.L2NormOptions => [new("fused_activation_function", 0, I8, 0, typeof(ActivationFunctionType))],
                BuiltinOptionsType.ResizeBilinearOptions =>
                [
                    new("new_height", 0, I32), new("new_width", 1, I32), new("align_corners", 2, B), new("half_pixel_centers", 3, B),
                ],
                BuiltinOptionsType.ResizeNearestNeighborOptions => [new("align_corners", 0, B), new("half_pixel_centers", 1, B)],
                BuiltinOptionsType.BatchMatMulOptions => [new("adj_x", 0, B), new("adj_y", 1, B), new("asymmetric_quantize_inputs", 2, B)],
                _ => throw new NotSupportedException(type.ToString()),
            };
            return Descriptors[type] = new OptionsTableDescriptor(type.ToString(), false, (byte)type, fields);
        }
    }
}
