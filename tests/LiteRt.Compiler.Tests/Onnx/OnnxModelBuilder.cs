using System.Text;

namespace LiteRt.Compiler.Tests.Onnx;

/// <summary>Writes small ONNX ModelProto files for tests (protobuf wire format with onnx.proto's field numbers).</summary>
public sealed class OnnxModelBuilder
{
    private readonly List<byte[]> _nodes = [];
    private readonly List<byte[]> _initializers = [];
    private readonly List<byte[]> _inputs = [];
    private readonly List<byte[]> _outputs = [];

    public int Opset { get; set; } = 13;
    public string OpsetDomain { get; set; } = "";

    /// <summary>A graph input; dims: a number, or null for a symbolic dim.</summary>
    public OnnxModelBuilder Input(string name, int elemType, params object?[] dims)
    {
        _inputs.Add(ValueInfo(name, elemType, dims));
        return this;
    }

    public OnnxModelBuilder Output(string name, int elemType, params object?[] dims)
    {
        _outputs.Add(ValueInfo(name, elemType, dims));
        return this;
    }

    public OnnxModelBuilder FloatInitializer(string name, long[] dims, float[] values)
    {
        var w = new Writer();
        foreach (var d in dims) w.Varint(1, (ulong)d);
        w.Varint(2, 1);
        w.Bytes(8, Encoding.UTF8.GetBytes(name));
        w.Bytes(9, values.SelectMany(BitConverter.GetBytes).ToArray());
        _initializers.Add(w.ToArray());
        return this;
    }

    public OnnxModelBuilder Int64Initializer(string name, long[] dims, long[] values)
    {
        var w = new Writer();
        foreach (var d in dims) w.Varint(1, (ulong)d);
        w.Varint(2, 7);
        w.Bytes(8, Encoding.UTF8.GetBytes(name));
        w.Bytes(9, values.SelectMany(BitConverter.GetBytes).ToArray());
        _initializers.Add(w.ToArray());
        return this;
    }

    /// <summary>A float initializer whose data lives in an external file (location, offset, length).</summary>
    public OnnxModelBuilder ExternalInitializer(string name, long[] dims, string location, long offset, long length)
    {
        var w = new Writer();
        foreach (var d in dims) w.Varint(1, (ulong)d);
        w.Varint(2, 1);
        w.Bytes(8, Encoding.UTF8.GetBytes(name));
        foreach (var (k, v) in new[] { ("location", location), ("offset", offset.ToString()), ("length", length.ToString()) })
        {
            var e = new Writer();
            e.Bytes(1, Encoding.UTF8.GetBytes(k));
            e.Bytes(2, Encoding.UTF8.GetBytes(v));
            w.Bytes(13, e.ToArray());
        }
        w.Varint(14, 1);
        _initializers.Add(w.ToArray());
        return this;
    }

    /// <summary>A node; attributes as (name, value) with long, float, string, long[] or float[] values.</summary>
    public OnnxModelBuilder Node(string opType, string[] inputs, string[] outputs, string name = "", string domain = "", params (string Name, object Value)[] attributes)
    {
        var w = new Writer();
        foreach (var i in inputs) w.Bytes(1, Encoding.UTF8.GetBytes(i));
        foreach (var o in outputs) w.Bytes(2, Encoding.UTF8.GetBytes(o));
        if (name.Length > 0) w.Bytes(3, Encoding.UTF8.GetBytes(name));
        w.Bytes(4, Encoding.UTF8.GetBytes(opType));
        if (domain.Length > 0) w.Bytes(7, Encoding.UTF8.GetBytes(domain));
        foreach (var (an, av) in attributes)
        {
            var a = new Writer();
            a.Bytes(1, Encoding.UTF8.GetBytes(an));
            switch (av)
            {
                case long l: a.Varint(3, (ulong)l); a.Varint(20, 2); break;
                case int i: a.Varint(3, (ulong)(long)i); a.Varint(20, 2); break;
                case float f: a.Fixed32(2, BitConverter.SingleToUInt32Bits(f)); a.Varint(20, 1); break;
                case string s: a.Bytes(4, Encoding.UTF8.GetBytes(s)); a.Varint(20, 3); break;
                case long[] ls: foreach (var l in ls) a.Varint(8, (ulong)l); a.Varint(20, 7); break;
                case float[] fs: foreach (var f in fs) a.Fixed32(7, BitConverter.SingleToUInt32Bits(f)); a.Varint(20, 6); break;
                default: throw new ArgumentException($"attribute type {av.GetType()}");
            }
            w.Bytes(5, a.ToArray());
        }
        _nodes.Add(w.ToArray());
        return this;
    }

    public byte[] Build()
    {
        var g = new Writer();
        foreach (var n in _nodes) g.Bytes(1, n);
        g.Bytes(2, "test"u8.ToArray());
        foreach (var i in _initializers) g.Bytes(5, i);
        foreach (var i in _inputs) g.Bytes(11, i);
        foreach (var o in _outputs) g.Bytes(12, o);
        var m = new Writer();
        m.Varint(1, 8);
        m.Bytes(2, "LiteRt.Build tests"u8.ToArray());
        m.Bytes(7, g.ToArray());
        var op = new Writer();
        op.Bytes(1, Encoding.UTF8.GetBytes(OpsetDomain));
        op.Varint(2, (ulong)Opset);
        m.Bytes(8, op.ToArray());
        return m.ToArray();
    }

    public string Save(string path)
    {
        File.WriteAllBytes(path, Build());
        return path;
    }

    private static byte[] ValueInfo(string name, int elemType, object?[] dims)
    {
        var shape = new Writer();
        foreach (var d in dims)
        {
            var dim = new Writer();
            if (d is int v) dim.Varint(1, (ulong)v);
            else if (d is string p) dim.Bytes(2, Encoding.UTF8.GetBytes(p));
            shape.Bytes(1, dim.ToArray());
        }
        var tensor = new Writer();
        tensor.Varint(1, (ulong)elemType);
        tensor.Bytes(2, shape.ToArray());
        var type = new Writer();
        type.Bytes(1, tensor.ToArray());
        var vi = new Writer();
        vi.Bytes(1, Encoding.UTF8.GetBytes(name));
        vi.Bytes(2, type.ToArray());
        return vi.ToArray();
    }

    private sealed class Writer
    {
        private readonly MemoryStream _s = new();

        public void Varint(int field, ulong v)
        {
            Raw(((ulong)field << 3) | 0);
            Raw(v);
        }

        public void Fixed32(int field, uint v)
        {
            Raw(((ulong)field << 3) | 5);
            _s.Write(BitConverter.GetBytes(v));
        }

        public void Bytes(int field, byte[] b)
        {
            Raw(((ulong)field << 3) | 2);
            Raw((ulong)b.Length);
            _s.Write(b);
        }

        private void Raw(ulong v)
        {
            while (v >= 0x80)
            {
                _s.WriteByte((byte)(v | 0x80));
                v >>= 7;
            }
            _s.WriteByte((byte)v);
        }

        public byte[] ToArray() => _s.ToArray();
    }
}
