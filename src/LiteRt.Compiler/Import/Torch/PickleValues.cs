namespace LiteRt.Compiler.Import.Torch;

// The few Python values a tensor state-dict pickle builds. Nothing here can run code: they are plain data.

/// <summary>A global the allow-list accepted (module and name), used only as a marker for REDUCE and storages.</summary>
internal sealed record PyGlobal(string Module, string Name)
{
    public override string ToString() => $"{Module}.{Name}";
}

internal sealed record PyTuple(object?[] Items);

/// <summary>A dict (also OrderedDict): insertion order kept, as torch.save relies on.</summary>
internal sealed class PyDict
{
    public List<KeyValuePair<object, object?>> Items { get; } = [];
}

/// <summary>A persistent-id storage reference: ('storage', torch.XStorage, key, location, numel).</summary>
internal sealed record StorageRef(string StorageType, string Key, long Numel);

/// <summary>torch._utils._rebuild_tensor_v2(storage, offset, size, stride, …): a view into a storage.</summary>
internal sealed record TensorRef(StorageRef Storage, long Offset, long[] Size, long[] Stride);

/// <summary>The Python <c>None</c> (a dict value or tuple element may be None; C# null marks "absent").</summary>
internal sealed class PyNone
{
    public static readonly PyNone Value = new();
    private PyNone() { }
}
