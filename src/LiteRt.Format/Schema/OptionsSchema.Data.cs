namespace LiteRt.Format.Schema;

// The builtin options tables of the .tflite schema in our compact notation, one table per line, in union order
// (the line's position under its header is the union tag). Each field is `name:kind[:Enum][=default]`, listed in
// declaration order, which is its FlatBuffers field id (deprecated fields keep their slot). Kinds: bool, i8, u8,
// i16, u16, i32, u32, i64, u64, f32, f64, str, and [kind] for vectors. Defaults are given only when non-zero; enum
// defaults are numeric. Option tables contain no unions or sub-tables.
public static partial class OptionsSchema
{
    private const string Text = """
        [BuiltinOptions]
        Conv2DOptions padding:i8:Padding stride_w:i32 stride_h:i32 fused_activation_function:i8:ActivationFunctionType dilation_w_factor:i32=1 dilation_h_factor:i32=1 quantized_bias_type:i8:TensorType
        DepthwiseConv2DOptions padding:i8:Padding stride_w:i32 stride_h:i32 depth_multiplier:i32 fused_activation_function:i8:ActivationFunctionType dilation_w_factor:i32=1 dilation_h_factor:i32=1
        ConcatEmbeddingsOptions num_channels:i32 num_columns_per_channel:[i32] embedding_dim_per_channel:[i32]
        LSHProjectionOptions type:i8:LshProjectionType
        Pool2DOptions padding:i8:Padding stride_w:i32 stride_h:i32 filter_width:i32 filter_height:i32 fused_activation_function:i8:ActivationFunctionType
        SVDFOptions rank:i32 fused_activation_function:i8:ActivationFunctionType asymmetric_quantize_inputs:bool
        RNNOptions fused_activation_function:i8:ActivationFunctionType asymmetric_quantize_inputs:bool
        FullyConnectedOptions fused_activation_function:i8:ActivationFunctionType weights_format:i8:FullyConnectedOptionsWeightsFormat keep_num_dims:bool asymmetric_quantize_inputs:bool quantized_bias_type:i8:TensorType
        SoftmaxOptions beta:f32
        ConcatenationOptions axis:i32 fused_activation_function:i8:ActivationFunctionType
        AddOptions fused_activation_function:i8:ActivationFunctionType pot_scale_int16:bool=1
        L2NormOptions fused_activation_function:i8:ActivationFunctionType
        LocalResponseNormalizationOptions radius:i32 bias:f32 alpha:f32 beta:f32
        LSTMOptions fused_activation_function:i8:ActivationFunctionType cell_clip:f32 proj_clip:f32 kernel_type:i8:LstmKernelType asymmetric_quantize_inputs:bool
        ResizeBilinearOptions new_height:i32 new_width:i32 align_corners:bool half_pixel_centers:bool
        CallOptions subgraph:u32
        ReshapeOptions new_shape:[i32]
        SkipGramOptions ngram_size:i32 max_skip_size:i32 include_all_ngrams:bool
        SpaceToDepthOptions block_size:i32
        EmbeddingLookupSparseOptions combiner:i8:CombinerType
        MulOptions fused_activation_function:i8:ActivationFunctionType
        PadOptions
        GatherOptions axis:i32 batch_dims:i32
        BatchToSpaceNDOptions
        SpaceToBatchNDOptions
        TransposeOptions
        ReducerOptions keep_dims:bool
        SubOptions fused_activation_function:i8:ActivationFunctionType pot_scale_int16:bool=1
        DivOptions fused_activation_function:i8:ActivationFunctionType
        SqueezeOptions squeeze_dims:[i32]
        SequenceRNNOptions time_major:bool fused_activation_function:i8:ActivationFunctionType asymmetric_quantize_inputs:bool
        StridedSliceOptions begin_mask:i32 end_mask:i32 ellipsis_mask:i32 new_axis_mask:i32 shrink_axis_mask:i32 offset:bool
        ExpOptions
        TopKV2Options
        SplitOptions num_splits:i32
        LogSoftmaxOptions
        CastOptions in_data_type:i8:TensorType out_data_type:i8:TensorType
        DequantizeOptions
        MaximumMinimumOptions
        ArgMaxOptions output_type:i8:TensorType
        LessOptions
        NegOptions
        PadV2Options
        GreaterOptions
        GreaterEqualOptions
        LessEqualOptions
        SelectOptions
        SliceOptions
        TransposeConvOptions padding:i8:Padding stride_w:i32 stride_h:i32 fused_activation_function:i8:ActivationFunctionType quantized_bias_type:i8:TensorType
        SparseToDenseOptions validate_indices:bool
        TileOptions
        ExpandDimsOptions
        EqualOptions
        NotEqualOptions
        ShapeOptions out_type:i8:TensorType
        PowOptions
        ArgMinOptions output_type:i8:TensorType
        FakeQuantOptions min:f32 max:f32 num_bits:i32 narrow_range:bool
        PackOptions values_count:i32 axis:i32
        LogicalOrOptions
        OneHotOptions axis:i32
        LogicalAndOptions
        LogicalNotOptions
        UnpackOptions num:i32 axis:i32
        FloorDivOptions
        SquareOptions
        ZerosLikeOptions
        FillOptions
        BidirectionalSequenceLSTMOptions fused_activation_function:i8:ActivationFunctionType cell_clip:f32 proj_clip:f32 merge_outputs:bool time_major:bool=1 asymmetric_quantize_inputs:bool
        BidirectionalSequenceRNNOptions time_major:bool fused_activation_function:i8:ActivationFunctionType merge_outputs:bool asymmetric_quantize_inputs:bool
        UnidirectionalSequenceLSTMOptions fused_activation_function:i8:ActivationFunctionType cell_clip:f32 proj_clip:f32 time_major:bool asymmetric_quantize_inputs:bool diagonal_recurrent_tensors:bool
        FloorModOptions
        RangeOptions
        ResizeNearestNeighborOptions align_corners:bool half_pixel_centers:bool
        LeakyReluOptions alpha:f32
        SquaredDifferenceOptions
        MirrorPadOptions mode:i8:MirrorPadMode
        AbsOptions
        SplitVOptions num_splits:i32
        UniqueOptions idx_out_type:i8:TensorType=2
        ReverseV2Options
        AddNOptions
        GatherNdOptions
        CosOptions
        WhereOptions
        RankOptions
        ReverseSequenceOptions seq_dim:i32 batch_dim:i32
        MatrixDiagOptions
        QuantizeOptions
        MatrixSetDiagOptions
        HardSwishOptions
        IfOptions then_subgraph_index:i32 else_subgraph_index:i32
        WhileOptions cond_subgraph_index:i32 body_subgraph_index:i32
        DepthToSpaceOptions block_size:i32
        NonMaxSuppressionV4Options
        NonMaxSuppressionV5Options
        ScatterNdOptions
        SelectV2Options
        DensifyOptions
        SegmentSumOptions
        BatchMatMulOptions adj_x:bool adj_y:bool asymmetric_quantize_inputs:bool
        CumsumOptions exclusive:bool reverse:bool
        CallOnceOptions init_subgraph_index:i32
        BroadcastToOptions
        Rfft2dOptions
        Conv3DOptions padding:i8:Padding stride_d:i32 stride_w:i32 stride_h:i32 fused_activation_function:i8:ActivationFunctionType dilation_d_factor:i32=1 dilation_w_factor:i32=1 dilation_h_factor:i32=1
        HashtableOptions table_id:i32 key_dtype:i8:TensorType value_dtype:i8:TensorType
        HashtableFindOptions
        HashtableImportOptions
        HashtableSizeOptions
        VarHandleOptions container:str shared_name:str
        ReadVariableOptions
        AssignVariableOptions
        RandomOptions seed:i64 seed2:i64
        BucketizeOptions boundaries:[f32]
        GeluOptions approximate:bool
        DynamicUpdateSliceOptions
        UnsortedSegmentProdOptions
        UnsortedSegmentMaxOptions
        UnsortedSegmentMinOptions
        UnsortedSegmentSumOptions
        ATan2Options
        SignOptions
        BitcastOptions
        BitwiseXorOptions
        RightShiftOptions
        [BuiltinOptions2]
        StablehloConcatenateOptions dimension:i64
        StablehloBroadcastInDimOptions broadcast_dimensions:[i64]
        StablehloSliceOptions start_indices:[i64] limit_indices:[i64] strides:[i64]
        StablehloConvolutionOptions window_strides:[i64] padding:[i64] lhs_dilation:[i64] rhs_dilation:[i64] window_reversal:[bool] input_batch_dimension:i64 input_feature_dimension:i64 input_spatial_dimensions:[i64] kernel_input_feature_dimension:i64 kernel_output_feature_dimension:i64 kernel_spatial_dimensions:[i64] output_batch_dimension:i64 output_feature_dimension:i64 output_spatial_dimensions:[i64] feature_group_count:i64 batch_group_count:i64 precision_config:[u32]:StablehloPrecisionConfig
        StablehloCustomCallOptions call_target_name:str has_side_effect:bool backend_config:str api_version:i32 called_computations:[i32] custom_attributes:[u8]
        StablehloReduceOptions dimensions:[i64] body_subgraph_index:i32
        StablehloScatterOptions indices_are_sorted:bool update_window_dims:[i64] inserted_window_dims:[i64] scatter_dims_to_operand_dims:[i64] index_vector_dim:i64 unique_indices:bool update_computation_subgraph_index:i32
        StablehloCompareOptions comparison_direction:u32:StablehloComparisonDirection compare_type:u32:StablehloComparisonType
        StablehloDynamicSliceOptions slice_sizes:[i64]
        StablehloPadOptions edge_padding_low:[i64] edge_padding_high:[i64] interior_padding:[i64]
        StablehloIotaOptions iota_dimension:i64
        StablehloDotGeneralOptions lhs_batching_dimensions:[i64] rhs_batching_dimensions:[i64] lhs_contracting_dimensions:[i64] rhs_contracting_dimensions:[i64] precision_config:[u32]:StablehloPrecisionConfig
        StablehloReduceWindowOptions window_dimensions:[i64] window_strides:[i64] base_dilations:[i64] window_dilations:[i64] padding:[i64] body_subgraph_index:i32
        StablehloSortOptions dimension:i64 is_stable:bool comparator_subgraph_index:i32
        StablehloWhileOptions cond_subgraph_index:i32 body_subgraph_index:i32
        StablehloGatherOptions offset_dims:[i64] collapsed_slice_dims:[i64] start_index_map:[i64] index_vector_dim:i64 slice_sizes:[i64] indices_are_sorted:bool
        StablehloTransposeOptions permutation:[i64]
        DilateOptions
        StablehloRngBitGeneratorOptions algorithm:i8:RngAlgorithm
        ReduceWindowOptions reduce_function:i32:ReduceWindowFunction
        StableHLOCompositeOptions name:str decomposition_subgraph_index:i32 composite_attributes:[u8] composite_attributes_format:i8:CustomOptionsFormat version:i32
        StablehloShiftLeftOptions
        StablehloCaseOptions branch_subgraph_indices:[i32]
        """;
}
