using LiteRt.Format.Schema;

namespace LiteRt.Graph.Catalog;

/// <summary>Computes output shapes from input shapes, constant inputs and attributes.</summary>
public delegate void ShapeFunction(ShapeContext ctx);

/// <summary>Computes outputs in float64 over real (dequantized) values: the semantics oracle for every kernel.</summary>
public delegate void ReferenceKernel(ReferenceContext ctx);

/// <summary>What the catalog knows about one op: its inputs, attributes, semantics, shape rule and reference kernel.</summary>
public sealed class OpDefinition
{
    public required BuiltinOperator Op { get; init; }

    /// <summary>Semantics in a sentence or two (shown by tools and docs).</summary>
    public required string Summary { get; init; }

    /// <summary>Input names in order; a trailing '?' marks an optional input (e.g. <c>bias?</c>).</summary>
    public required string[] Inputs { get; init; }

    /// <summary>Output names in order; <c>outputs...</c> means a variable count.</summary>
    public string[] Outputs { get; init; } = ["output"];

    /// <summary>The builtin options table that carries its attributes (None when it has none).</summary>
    public BuiltinOptionsType OptionsType { get; init; }

    public required ShapeFunction InferShapes { get; init; }
    public required ReferenceKernel Reference { get; init; }

    public string Name => Op.Name();

    public int MinInputs => Inputs.Count(i => !i.EndsWith('?') && !i.EndsWith("..."));
    public override string ToString() => Name;
}
