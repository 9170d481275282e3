using LiteRt.Format.Schema;

namespace LiteRt.Quantization.Tests;

public class RecipeTests
{
    [Fact]
    public void Every_preset_loads_and_round_trips_through_json()
    {
        foreach (var name in QuantizationRecipe.PresetNames)
        {
            var r = QuantizationRecipe.Preset(name);
            Assert.NotEmpty(r.Rules);
            var back = QuantizationRecipe.Parse(r.ToJson());
            Assert.Equal(r.Rules.Count, back.Rules.Count);
            for (int i = 0; i < r.Rules.Count; i++)
            {
                Assert.Equal(r.Rules[i].Scheme, back.Rules[i].Scheme);
                Assert.Equal(r.Rules[i].Ops, back.Rules[i].Ops);
                Assert.Equal(r.Rules[i].BlockSize, back.Rules[i].BlockSize);
                Assert.Equal(r.Rules[i].MinWeightElements, back.Rules[i].MinWeightElements);
            }
        }
        Assert.Equal(64, QuantizationRecipe.Preset("blockwise_int4_b64").Rules[0].BlockSize);
        Assert.Equal(QuantizationScheme.StaticInt16x8, QuantizationRecipe.Preset("static_int16x8").PrimaryScheme);
    }

    [Fact]
    public void Later_rules_override_earlier_ones_by_op_and_regex_and_unmatched_ops_stay_float()
    {
        var r = QuantizationRecipe.Parse("""
        {
          "name": "mixed",
          "base": "dynamic_int8",
          "rules": [
            { "ops": ["FULLY_CONNECTED"], "scheme": "blockwise_int4", "block_size": 64 },
            { "regex": "head/", "scheme": "float" },
            { "ops": "CONV_2D", "regex": "^stem", "scheme": "fp16" }
          ]
        }
        """);
        Assert.Equal(QuantizationScheme.BlockwiseInt4, r.Resolve(BuiltinOperator.FullyConnected, "body/dense")!.Scheme);
        Assert.Equal(64, r.Resolve(BuiltinOperator.FullyConnected, "body/dense")!.BlockSize);
        Assert.Equal(QuantizationScheme.Float, r.Resolve(BuiltinOperator.FullyConnected, "model/head/dense")!.Scheme);
        Assert.Equal(QuantizationScheme.Float16, r.Resolve(BuiltinOperator.Conv2d, "stem/conv")!.Scheme);
        Assert.Equal(QuantizationScheme.DynamicInt8, r.Resolve(BuiltinOperator.Conv2d, "body/stem/conv")!.Scheme);
        Assert.Null(r.Resolve(BuiltinOperator.Add, "body/add"));
    }

    [Theory]
    [InlineData("{\"rules\": [{\"scheme\": \"int3\"}]}", "unknown scheme")]
    [InlineData("{\"rules\": [{\"scheme\": \"dynamic_int8\", \"opz\": []}]}", "unknown key 'opz'")]
    [InlineData("{\"rules\": [{\"ops\": [\"FULLY_CONECTED\"], \"scheme\": \"fp16\"}]}", "unknown op 'FULLY_CONECTED'")]
    [InlineData("{\"rules\": [{\"regex\": \"(\", \"scheme\": \"fp16\"}]}", "invalid regex")]
    [InlineData("{\"rules\": [{\"scheme\": \"blockwise_int4\", \"block_size\": 48}]}", "block size 48")]
    [InlineData("{\"rules\": [{\"ops\": [\"*\"]}]}", "needs a 'scheme'")]
    [InlineData("{\"io\": \"int4\"}", "'io'")]
    [InlineData("[1, 2", "invalid JSON")]
    public void Invalid_recipes_are_LRT2010_errors_that_say_why(string json, string expected)
    {
        var e = Assert.Throws<LiteRtQuantizationException>(() => QuantizationRecipe.Parse(json));
        Assert.Equal(QuantizationCodes.InvalidRecipe, e.Code);
        Assert.Contains(expected, e.Message);
        Assert.StartsWith("LRT2010", e.Message);
    }

    [Fact]
    public void Unknown_preset_names_the_presets()
    {
        var e = Assert.Throws<LiteRtQuantizationException>(() => QuantizationRecipe.Load("dynamic_int9"));
        Assert.Contains("dynamic_int8", e.Message);
    }

    [Fact]
    public void Ai_edge_quantizer_recipes_are_read()
    {
        var r = QuantizationRecipe.Parse("""
        [
          {"regex": ".*", "operation": "*", "algorithm_key": "min_max_uniform_quantize",
           "op_config": {"weight_tensor_config": {"num_bits": 8, "symmetric": true, "granularity": "CHANNELWISE", "dtype": "INT"},
                         "compute_precision": "INTEGER", "explicit_dequantize": false}},
          {"regex": ".*dense.*", "operation": "FULLY_CONNECTED", "algorithm_key": "min_max_uniform_quantize",
           "op_config": {"weight_tensor_config": {"num_bits": 4, "symmetric": true, "granularity": "BLOCKWISE_64", "dtype": "INT"},
                         "compute_precision": "INTEGER"}},
          {"regex": ".*conv.*", "operation": "CONV_2D", "algorithm_key": "min_max_uniform_quantize",
           "op_config": {"activation_tensor_config": {"num_bits": 8, "symmetric": false, "granularity": "TENSORWISE"},
                         "weight_tensor_config": {"num_bits": 8, "symmetric": true, "granularity": "CHANNELWISE"}, "compute_precision": "INTEGER"}},
          {"regex": ".*logits.*", "operation": "*", "algorithm_key": "no_quantize"},
          {"regex": ".*emb.*", "operation": "EMBEDDING_LOOKUP", "algorithm_key": "float_casting",
           "op_config": {"weight_tensor_config": {"num_bits": 16, "dtype": "FLOAT"}, "compute_precision": "FLOAT", "explicit_dequantize": true}}
        ]
        """, "aeq");
        Assert.Equal(QuantizationScheme.DynamicInt8, r.Resolve(BuiltinOperator.DepthwiseConv2d, "x")!.Scheme);
        Assert.Equal(QuantizationScheme.BlockwiseInt4, r.Resolve(BuiltinOperator.FullyConnected, "model/dense_2")!.Scheme);
        Assert.Equal(64, r.Resolve(BuiltinOperator.FullyConnected, "model/dense_2")!.BlockSize);
        Assert.Equal(QuantizationScheme.StaticInt8, r.Resolve(BuiltinOperator.Conv2d, "block/conv1")!.Scheme);
        Assert.Equal(QuantizationScheme.Float, r.Resolve(BuiltinOperator.FullyConnected, "logits")!.Scheme);
        Assert.Equal(QuantizationScheme.Float16, r.Resolve(BuiltinOperator.EmbeddingLookup, "emb")!.Scheme);
    }

    [Fact]
    public void Auto_section_and_quantized_io_are_read()
    {
        var r = QuantizationRecipe.Parse("{\"base\": \"static_int8\", \"io\": \"quantized\", \"auto\": {\"target\": \"cosine>=0.999\", \"max_float_layers\": 3}}");
        Assert.True(r.QuantizedIo);
        Assert.Equal(3, r.Auto!.MaxFloatLayers);
        Assert.Equal(FidelityMetric.Cosine, r.Auto.Target.Conditions[0].Metric);
        Assert.Contains("\"target\": \"cosine>=0.999\"", r.ToJson());
    }
}

public class FidelityThresholdTests
{
    [Theory]
    [InlineData("cosine>=0.995", FidelityMetric.Cosine, ">=", 0.995)]
    [InlineData(" snr >= 30 ", FidelityMetric.Snr, ">=", 30)]
    [InlineData("top1>=98%", FidelityMetric.Top1, ">=", 0.98)]
    [InlineData("mse<1e-4", FidelityMetric.Mse, "<", 1e-4)]
    [InlineData("max_abs=<0.5", FidelityMetric.MaxAbs, "<=", 0.5)]
    public void Parses_conditions(string text, FidelityMetric metric, string op, double value)
    {
        var t = FidelityThreshold.Parse(text);
        Assert.Single(t.Conditions);
        Assert.Equal(metric, t.Conditions[0].Metric);
        Assert.Equal(op, t.Conditions[0].Operator);
        Assert.Equal(value, t.Conditions[0].Value, 12);
    }

    [Fact]
    public void Several_conditions_and_round_trip()
    {
        var t = FidelityThreshold.Parse("cosine>=0.99, top1>=0.98 and kl<0.01");
        Assert.Equal(3, t.Conditions.Count);
        Assert.Equal(t.ToString(), FidelityThreshold.Parse(t.ToString()).ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("cosine")]
    [InlineData("cosin>=0.9")]
    [InlineData("cosine>=abc")]
    public void Invalid_thresholds_are_LRT2020(string text)
    {
        var e = Assert.Throws<LiteRtQuantizationException>(() => FidelityThreshold.Parse(text));
        Assert.Equal(QuantizationCodes.InvalidThreshold, e.Code);
        Assert.False(FidelityThreshold.TryParse(text, out _));
    }

    [Fact]
    public void Check_names_the_failing_output_and_the_worst_layers()
    {
        var report = new FidelityReport();
        report.Outputs.Add(new TensorFidelity { Name = "logits", Cosine = 0.98, Snr = 15, Mse = 0.1, MaxAbs = 1, Top1 = 0.9 });
        report.Layers.Add(new TensorFidelity { Name = "conv1", Cosine = 0.999, Snr = 30 } );
        report.Layers.Add(new TensorFidelity { Name = "conv7", Cosine = 0.95, Snr = 12 });
        report.Layers.Add(new TensorFidelity { Name = "fc", Cosine = 0.97, Snr = 14 });
        foreach (var l in report.Layers) { l.Scheme = "static_int8"; l.Op = "CONV_2D"; }
        var check = FidelityThreshold.Parse("cosine>=0.995").Check(report, worstLayers: 2);
        Assert.False(check.Passed);
        Assert.StartsWith("LRT2021", check.Message);
        Assert.Contains("output 'logits' cosine 0.980000", check.Message);
        Assert.Equal(["conv7", "fc"], check.WorstLayers.Select(l => l.Name));
        Assert.True(FidelityThreshold.Parse("cosine>=0.97, top1>=0.9").IsMet(report));
    }
}
