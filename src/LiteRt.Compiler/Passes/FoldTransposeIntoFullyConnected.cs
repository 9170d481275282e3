using LiteRt.Compiler.Ir;
using LiteRt.Format.Schema;
using LiteRt.Graph;

namespace LiteRt.Compiler.Passes;

/// <summary>
/// FULLY_CONNECTED(RESHAPE(TRANSPOSE(x, p)) → [N, K]) with constant weights reads x's elements in a fixed
/// permuted order; permuting the weights' input columns instead removes the TRANSPOSE: the NCHW flatten before a
/// classifier (VGG, AlexNet) becomes a plain flatten of the NHWC tensor.
/// </summary>
public sealed class FoldTransposeIntoFullyConnected : IGraphPass
{
    public string Name => "fold-transpose-into-fully-connected";

    public bool Run(ModelGraph graph)
    {
        var sg = graph.Main;
        var b = new IrBuilder(graph, sg);
        bool any = false;
        var index = new GraphIndex(sg);
        foreach (var fc in sg.Operations.ToList())
        {
            if (fc.Op != BuiltinOperator.FullyConnected || fc.BoolAttr("keep_num_dims")) continue;
            int w = fc.Inputs[1];
            if (!b.IsConst(w) || b.Type(w) != TensorType.Float32 || b.T(w).IsQuantized) continue;
            if (index.Producer(fc.Inputs[0]) is not { Op: BuiltinOperator.Reshape } reshape || !index.OnlyUsedBy(reshape.Outputs[0], fc)) continue;
            if (index.Producer(reshape.Inputs[0]) is not { Op: BuiltinOperator.Transpose } tr || TransposeSinking.PermOf(b, tr) is not { } p) continue;
            if (!index.OnlyUsedBy(tr.Outputs[0], reshape) || p[0] != 0) continue;
            int x = tr.Inputs[0];
            var xd = b.Dims(x);
            var rd = b.Dims(reshape.Outputs[0]);
            if (!Shapes.IsKnown(xd[1..]) || rd.Length != 2) continue;
            long k = Shapes.ElementCount(xd[1..]);
            var wd = b.Dims(w);
            if (wd[1] != k || rd[1] != k) continue;
            // Column j' of the new weights (x's flat order) is column j of the old (the transposed flat order).
            var td = p.Select(i => xd[i]).ToArray(); // transposed dims
            var tStrides = Shapes.Strides(td[1..]);
            var inner = xd[1..];
            var map = new long[k];
            var idx = new int[inner.Length];
            for (long jx = 0; jx < k; jx++)
            {
                // x index (1..) → transposed position: transposed dim i holds x dim p[i].
                long jt = 0;
                for (int i = 1; i < p.Length; i++) jt += idx[p[i] - 1] * tStrides[i - 1];
                map[jx] = jt;
                for (int a = inner.Length - 1; a >= 0; a--)
                {
                    if (++idx[a] < inner[a]) break;
                    idx[a] = 0;
                }
            }
            var wv = ConstantData.Floats(b.T(w));
            int units = wd[0];
            var nw = new float[wv.Length];
            for (int u = 0; u < units; u++)
                for (long jx = 0; jx < k; jx++) nw[u * k + jx] = wv[u * k + map[jx]];
            var inputs = (int[])fc.Inputs.Clone();
            inputs[1] = b.ConstRaw(b.T(w).Name, TensorType.Float32, wd, ConstantData.Bytes(nw));
            fc.Inputs = inputs;
            reshape.Inputs = [x, b.Int32s(b.T(reshape.Outputs[0]).Name + "/shape", [rd[0] < 0 ? -1 : rd[0], (int)k])];
            index = new GraphIndex(sg);
            any = true;
        }
        if (any) GraphEditing.RemoveDeadOperations(sg);
        return any;
    }
}
