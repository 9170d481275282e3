using System.Buffers.Binary;
using System.Text;

namespace LiteRt.Compiler.Import.Torch;

/// <summary>
/// Reads the pickle of a torch.save state dict without executing anything. Python's pickle runs arbitrary callables
/// (GLOBAL + REDUCE), which is how hostile checkpoints run code; this reader interprets only the opcodes a state dict
/// uses and resolves GLOBAL against a fixed allow-list — any other global (os.system, builtins.eval, posix.system…)
/// throws LRT1104 naming it the moment it is read, before any further opcode. REDUCE "calls" only the allow-listed
/// names, each implemented here as data construction (a dict, a tensor view).
/// </summary>
internal sealed class RestrictedUnpickler
{
    private static readonly HashSet<string> Storages =
    [
        "FloatStorage", "HalfStorage", "BFloat16Storage", "DoubleStorage", "LongStorage", "IntStorage", "ShortStorage",
        "CharStorage", "ByteStorage", "BoolStorage",
    ];

    private static readonly HashSet<string> Callables =
    [
        "collections.OrderedDict", "torch._utils._rebuild_tensor_v2", "torch._utils._rebuild_parameter",
    ];

    private readonly byte[] _data;
    private readonly string _file;
    private int _pos;
    private readonly List<object?> _stack = [];
    private readonly List<int> _marks = [];
    private readonly Dictionary<long, object?> _memo = [];

    private RestrictedUnpickler(byte[] data, string file)
    {
        _data = data;
        _file = file;
    }

    /// <summary>Whether a global is on the allow-list (exposed for tests and messages).</summary>
    public static bool IsAllowed(string module, string name) =>
        Callables.Contains(module + "." + name) || (module == "torch" && Storages.Contains(name));

    public static object? Load(byte[] data, string file) => new RestrictedUnpickler(data, file).Run();

    private LiteRtCompileException Bad(string why) => new(ErrorCodes.BadCheckpoint, $"pickle byte {_pos}: {why}", file: _file);

    private object? Run()
    {
        while (true)
        {
            if (_pos >= _data.Length) throw Bad("ends without STOP");
            byte op = _data[_pos++];
            switch (op)
            {
                case 0x80: _pos++; break;                                   // PROTO n
                case 0x95: Take(8); break;                                  // FRAME len (no-op for us)
                case (byte)'.': return _stack.Count == 1 ? _stack[0] : throw Bad($"STOP with {_stack.Count} values on the stack");
                case (byte)'}': Push(new PyDict()); break;                 // EMPTY_DICT
                case (byte)']': Push(new List<object?>()); break;          // EMPTY_LIST
                case (byte)')': Push(new PyTuple([])); break;              // EMPTY_TUPLE
                case (byte)'N': Push(PyNone.Value); break;
                case 0x88: Push(true); break;                               // NEWTRUE
                case 0x89: Push(false); break;                              // NEWFALSE
                case (byte)'(': _marks.Add(_stack.Count); break;           // MARK
                case (byte)'K': Push((long)Take(1)[0]); break;             // BININT1
                case (byte)'M': Push((long)BinaryPrimitives.ReadUInt16LittleEndian(Take(2))); break;
                case (byte)'J': Push((long)BinaryPrimitives.ReadInt32LittleEndian(Take(4))); break;
                case 0x8a: Push(Long(Take(Take(1)[0]))); break;             // LONG1
                case (byte)'G': Push(BinaryPrimitives.ReadDoubleBigEndian(Take(8))); break; // BINFLOAT
                case (byte)'X': Push(Utf8(BinaryPrimitives.ReadUInt32LittleEndian(Take(4)))); break; // BINUNICODE
                case 0x8c: Push(Utf8(Take(1)[0])); break;                   // SHORT_BINUNICODE
                case (byte)'q': _memo[Take(1)[0]] = Peek(); break;          // BINPUT
                case (byte)'r': _memo[BinaryPrimitives.ReadUInt32LittleEndian(Take(4))] = Peek(); break; // LONG_BINPUT
                case 0x94: _memo[_memo.Count] = Peek(); break;              // MEMOIZE
                case (byte)'h': Push(Memo(Take(1)[0])); break;              // BINGET
                case (byte)'j': Push(Memo(BinaryPrimitives.ReadUInt32LittleEndian(Take(4)))); break; // LONG_BINGET
                case 0x85: Push(new PyTuple([Pop()])); break;               // TUPLE1
                case 0x86: { var b = Pop(); var a = Pop(); Push(new PyTuple([a, b])); break; }
                case 0x87: { var c = Pop(); var b = Pop(); var a = Pop(); Push(new PyTuple([a, b, c])); break; }
                case (byte)'t': Push(new PyTuple([.. PopMark()])); break;  // TUPLE
                case (byte)'a': { var v = Pop(); AsList(Peek()).Add(v); break; }          // APPEND
                case (byte)'e': { var items = PopMark(); AsList(Peek()).AddRange(items); break; } // APPENDS
                case (byte)'s': { var v = Pop(); var k = Pop(); AsDict(Peek()).Items.Add(new(Key(k), v)); break; } // SETITEM
                case (byte)'u':                                               // SETITEMS
                {
                    var items = PopMark();
                    if (items.Count % 2 != 0) throw Bad("SETITEMS with an odd number of values");
                    var d = AsDict(Peek());
                    for (int i = 0; i < items.Count; i += 2) d.Items.Add(new(Key(items[i]), items[i + 1]));
                    break;
                }
                case (byte)'c':                                               // GLOBAL "module\nname\n"
                {
                    string module = Line(), name = Line();
                    Push(Global(module, name));
                    break;
                }
                case 0x93:                                                    // STACK_GLOBAL
                {
                    var name = Pop() as string ?? throw Bad("STACK_GLOBAL needs string names");
                    var module = Pop() as string ?? throw Bad("STACK_GLOBAL needs string names");
                    Push(Global(module, name));
                    break;
                }
                case (byte)'Q':                                               // BINPERSID
                    Push(PersistentLoad(Pop()));
                    break;
                case (byte)'R':                                               // REDUCE
                {
                    var args = Pop() as PyTuple ?? throw Bad("REDUCE arguments are not a tuple");
                    var f = Pop() as PyGlobal ?? throw Bad("REDUCE of something that is not a global");
                    Push(Reduce(f, args.Items));
                    break;
                }
                case (byte)'b':                                               // BUILD: state for OrderedDict metadata; ignored
                    Pop();
                    if (Peek() is not (PyDict or TensorRef)) throw Bad("BUILD on an unexpected object");
                    break;
                default:
                    throw Bad($"opcode 0x{op:x2} is not used by tensor state dicts and is refused");
            }
        }
    }

    private PyGlobal Global(string module, string name)
    {
        // The refusal happens here, as the global is read: nothing has been built from it, nothing can run.
        if (!IsAllowed(module, name))
            throw new LiteRtCompileException(ErrorCodes.RefusedPickleGlobal,
                $"the pickle asks for the global '{module}.{name}', which a tensor state dict never needs; refused (nothing was executed)", file: _file);
        return new PyGlobal(module, name);
    }

    private object Reduce(PyGlobal f, object?[] a)
    {
        switch (f.ToString())
        {
            case "collections.OrderedDict":
                if (a.Length != 0) throw Bad("OrderedDict(...) with arguments");
                return new PyDict();
            case "torch._utils._rebuild_tensor_v2":
            {
                if (a.Length < 4 || a[0] is not StorageRef s || a[1] is not long offset || a[2] is not PyTuple size || a[3] is not PyTuple stride)
                    throw Bad("_rebuild_tensor_v2 expects (storage, offset, size, stride, …)");
                return new TensorRef(s, offset, Longs(size), Longs(stride));
            }
            case "torch._utils._rebuild_parameter":
                return a.Length >= 1 && a[0] is TensorRef t ? t : throw Bad("_rebuild_parameter expects a tensor");
            default:
                throw Bad($"'{f}' cannot be called");
        }
    }

    private StorageRef PersistentLoad(object? pid)
    {
        if (pid is not PyTuple { Items: [string tag, PyGlobal type, string key, string, long numel] } || tag != "storage")
            throw Bad("persistent id is not ('storage', type, key, location, numel)");
        if (type.Module != "torch" || !Storages.Contains(type.Name)) throw Bad($"'{type}' is not a storage type");
        return new StorageRef(type.Name, key, numel);
    }

    private long[] Longs(PyTuple t)
    {
        var r = new long[t.Items.Length];
        for (int i = 0; i < r.Length; i++) r[i] = t.Items[i] as long? ?? throw Bad("tensor size/stride holds a non-integer");
        return r;
    }

    private object Key(object? k) => k ?? throw Bad("dict key is missing");

    private PyDict AsDict(object? o) => o as PyDict ?? throw Bad("SETITEM(S) target is not a dict");
    private List<object?> AsList(object? o) => o as List<object?> ?? throw Bad("APPEND(S) target is not a list");

    private object? Memo(long key) => _memo.TryGetValue(key, out var v) ? v : throw Bad($"memo key {key} was never stored");

    private ReadOnlySpan<byte> Take(long n)
    {
        if (n < 0 || n > _data.Length - _pos) throw Bad($"needs {n} more bytes; the pickle ends first");
        var s = new ReadOnlySpan<byte>(_data, _pos, (int)n);
        _pos += (int)n;
        return s;
    }

    private string Utf8(long n) => Encoding.UTF8.GetString(Take(n));

    private string Line()
    {
        int end = Array.IndexOf(_data, (byte)'\n', _pos);
        if (end < 0) throw Bad("GLOBAL without a newline");
        string s = Encoding.UTF8.GetString(_data, _pos, end - _pos);
        _pos = end + 1;
        return s;
    }

    private long Long(ReadOnlySpan<byte> b)
    {
        if (b.Length > 8) throw Bad("integer wider than 64 bits");
        long v = 0;
        for (int i = b.Length - 1; i >= 0; i--) v = (v << 8) | b[i];
        if (b.Length is > 0 and < 8 && (b[^1] & 0x80) != 0) v -= 1L << (8 * b.Length); // two's complement
        return v;
    }

    private void Push(object? o) => _stack.Add(o);

    private object? Pop()
    {
        if (_stack.Count == 0 || (_marks.Count > 0 && _stack.Count <= _marks[^1])) throw Bad("stack underflow");
        var o = _stack[^1];
        _stack.RemoveAt(_stack.Count - 1);
        return o;
    }

    private object? Peek() => _stack.Count > 0 ? _stack[^1] : throw Bad("stack underflow");

    private List<object?> PopMark()
    {
        if (_marks.Count == 0) throw Bad("no MARK");
        int m = _marks[^1];
        _marks.RemoveAt(_marks.Count - 1);
        var items = _stack.GetRange(m, _stack.Count - m);
        _stack.RemoveRange(m, _stack.Count - m);
        return items;
    }
}
