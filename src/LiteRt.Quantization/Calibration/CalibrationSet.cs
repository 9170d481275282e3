using LiteRt.Format.Schema;
using LiteRt.Graph;
using LiteRt.Graph.IO;

namespace LiteRt.Quantization;

/// <summary>One model input as the calibration API describes it: signature name, element type and dims (-1 = dynamic).</summary>
public sealed record CalibrationInput(string Name, TensorType Type, int[] Dims);

/// <summary>Supplies calibration samples from code: each sample maps every signature input name to an array.</summary>
public interface ICalibrationDataProvider
{
    IEnumerable<IReadOnlyDictionary<string, NpyArray>> GetSamples(IReadOnlyList<CalibrationInput> inputs);
}

/// <summary>
/// Representative inputs for calibration (activation ranges of static schemes) and evaluation (fidelity). Build one
/// from .npy files (<see cref="FromNpy"/>), a folder of images (<see cref="FromImages"/>), an
/// <see cref="ICalibrationDataProvider"/> (<see cref="FromProvider"/>) or arrays (<see cref="FromSamples"/>).
/// Inputs are matched to the model when quantizing: an empty set or a sample that does not fit is an error naming
/// the input and the shape.
/// </summary>
public sealed class CalibrationSet
{
    private readonly List<IReadOnlyDictionary<string, NpyArray>>? _samples;
    private readonly Func<IReadOnlyList<CalibrationInput>, IEnumerable<IReadOnlyDictionary<string, NpyArray>>>? _factory;

    private CalibrationSet(List<IReadOnlyDictionary<string, NpyArray>>? samples,
        Func<IReadOnlyList<CalibrationInput>, IEnumerable<IReadOnlyDictionary<string, NpyArray>>>? factory, string description)
    {
        _samples = samples;
        _factory = factory;
        Description = description;
    }

    /// <summary>Where the samples come from (for reports).</summary>
    public string Description { get; }

    public static CalibrationSet FromSamples(IEnumerable<IReadOnlyDictionary<string, NpyArray>> samples, string description = "samples") =>
        new(samples.ToList(), null, description);

    public static CalibrationSet FromProvider(ICalibrationDataProvider provider) =>
        new(null, provider.GetSamples, provider.GetType().Name);

    /// <summary>
    /// .npy data per input: <paramref name="pathsByInput"/> maps an input name (or "" for the only input) to a .npy
    /// file or a folder of .npy files. A file holding several samples stacks them on a leading axis (rank + 1), or,
    /// for an input with batch 1 or a dynamic batch, along its batch axis.
    /// </summary>
    public static CalibrationSet FromNpy(IReadOnlyDictionary<string, string> pathsByInput)
    {
        var arrays = new Dictionary<string, List<NpyArray>>(StringComparer.Ordinal);
        foreach (var (name, path) in pathsByInput)
        {
            var files = Directory.Exists(path)
                ? Directory.GetFiles(path, "*.npy").OrderBy(f => f, StringComparer.Ordinal).ToList()
                : File.Exists(path) ? [path]
                : throw new LiteRtQuantizationException(QuantizationCodes.CalibrationRead, $"calibration data '{path}'{(name.Length > 0 ? $" for input '{name}'" : "")} does not exist");
            var list = new List<NpyArray>();
            foreach (var f in files)
            {
                try { list.Add(NpyArray.Read(f)); }
                catch (Exception e) when (e is InvalidDataException or IOException or ArgumentException)
                {
                    throw new LiteRtQuantizationException(QuantizationCodes.CalibrationRead, $"cannot read calibration file '{f}': {e.Message}", e);
                }
            }
            arrays[name] = list;
        }
        string description = string.Join(", ", pathsByInput.Select(p => p.Key.Length > 0 ? $"{p.Key}={p.Value}" : p.Value));
        return new CalibrationSet(null, inputs => SplitNpy(arrays, inputs), ".npy: " + description);
    }

    /// <summary>A folder of images (PNG, BMP, PPM/PGM, JPEG baseline) with a declared preprocessing, for a single image input.</summary>
    public static CalibrationSet FromImages(string folder, ImagePreprocessing preprocessing) =>
        new(null, inputs => ImageCalibration.Load(folder, preprocessing, inputs), $"images in {folder} ({preprocessing})");

    /// <summary>
    /// Calibration data named the way <c>litert quantize --calibration</c> and <c>litert compile --calibration</c> take
    /// it: each entry a <c>.npy</c> file or a folder of them for the only input, <c>NAME=PATH</c> for a named input, or
    /// a folder of images (read with <paramref name="images"/>, default <see cref="ImagePreprocessing.Default"/>).
    /// Several plain <c>.npy</c> files for the only input are samples of that input. Null when there are no entries.
    /// </summary>
    public static CalibrationSet? FromPaths(IEnumerable<string> entries, ImagePreprocessing? images = null)
    {
        var byInput = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            int eq = entry.IndexOf('=');
            string name = eq > 0 && !File.Exists(entry) && !Directory.Exists(entry) ? entry[..eq] : "";
            string path = name.Length > 0 ? entry[(eq + 1)..] : entry;
            if (!File.Exists(path) && !Directory.Exists(path))
                throw new LiteRtQuantizationException(QuantizationCodes.CalibrationRead, $"calibration data not found: {Path.GetFullPath(path)}");
            if (!byInput.TryGetValue(name, out var list)) byInput[name] = list = [];
            list.Add(path);
        }
        if (byInput.Count == 0) return null;
        if (byInput.Count == 1 && byInput.TryGetValue("", out var only) && only.Count == 1 && Directory.Exists(only[0]) && IsImageFolder(only[0]))
            return FromImages(only[0], images ?? ImagePreprocessing.Default);
        if (images is not null)
            throw new LiteRtQuantizationException(QuantizationCodes.CalibrationRead, "image preprocessing was given but the calibration data is not a folder of images");
        foreach (var (name, list) in byInput)
            if (list.Count > 1 && list.Any(Directory.Exists))
                throw new LiteRtQuantizationException(QuantizationCodes.CalibrationRead,
                    $"calibration data for {(name.Length > 0 ? $"input '{name}'" : "the input")} is given twice; give one folder or several .npy files");
        var arrays = new Dictionary<string, List<NpyArray>>(StringComparer.Ordinal);
        foreach (var (name, list) in byInput)
        {
            var files = list.Count == 1 && Directory.Exists(list[0])
                ? Directory.GetFiles(list[0], "*.npy").OrderBy(f => f, StringComparer.Ordinal).ToList() : list;
            arrays[name] = files.Select(ReadNpy).ToList();
        }
        string description = ".npy: " + string.Join(", ", byInput.Select(p => (p.Key.Length > 0 ? p.Key + "=" : "") + string.Join("+", p.Value)));
        return new CalibrationSet(null, inputs => SplitNpy(arrays, inputs), description);
    }

    private static NpyArray ReadNpy(string f)
    {
        try { return NpyArray.Read(f); }
        catch (Exception e) when (e is InvalidDataException or IOException or ArgumentException)
        {
            throw new LiteRtQuantizationException(QuantizationCodes.CalibrationRead, $"cannot read calibration file '{f}': {e.Message}", e);
        }
    }

    private static bool IsImageFolder(string dir)
    {
        var files = Directory.GetFiles(dir);
        return !files.Any(f => f.EndsWith(".npy", StringComparison.OrdinalIgnoreCase))
            && files.Any(f => Path.GetExtension(f).ToLowerInvariant() is ".png" or ".jpg" or ".jpeg" or ".bmp" or ".ppm" or ".pgm" or ".pnm");
    }

    /// <summary>The samples for a model's inputs, checked: every input present, element type and shape compatible.</summary>
    public IReadOnlyList<IReadOnlyDictionary<string, NpyArray>> Resolve(IReadOnlyList<CalibrationInput> inputs)
    {
        var samples = (_samples ?? _factory!(inputs)).ToList();
        if (samples.Count == 0)
            throw new LiteRtQuantizationException(QuantizationCodes.EmptyCalibration,
                $"the calibration set ({Description}) has no samples for input '{inputs[0].Name}' {Format(inputs[0])}");
        for (int s = 0; s < samples.Count; s++)
        {
            var sample = samples[s];
            foreach (var name in sample.Keys)
                if (inputs.All(i => i.Name != name))
                    throw new LiteRtQuantizationException(QuantizationCodes.CalibrationInputName,
                        $"calibration sample {s} names input '{name}', which the model does not have (inputs: {string.Join(", ", inputs.Select(i => $"'{i.Name}' {Format(i)}"))})");
            foreach (var input in inputs)
            {
                if (!sample.TryGetValue(input.Name, out var a))
                    throw new LiteRtQuantizationException(QuantizationCodes.CalibrationInputName,
                        $"calibration sample {s} has no data for input '{input.Name}' {Format(input)}");
                Check(input, a, $"calibration sample {s}");
            }
        }
        return samples;
    }

    internal static void Check(CalibrationInput input, NpyArray a, string where)
    {
        // Float data fits float inputs and quantized ones (it is quantized on the way in); integer data fits integer inputs.
        bool typeOk = a.Type == input.Type
            || (a.Type.IsFloat() && (input.Type.IsFloat() || input.Type is TensorType.Int8 or TensorType.Uint8 or TensorType.Int16))
            || (a.Type.IsInteger() && input.Type.IsInteger());
        if (!typeOk)
            throw new LiteRtQuantizationException(QuantizationCodes.CalibrationMismatch,
                $"{where}: input '{input.Name}' is {input.Type.Name()} {Format(input)}, the data is {a.Type.Name()} {Shapes.Format(a.Shape)}");
        bool shapeOk = a.Shape.Length == input.Dims.Length;
        for (int d = 0; shapeOk && d < a.Shape.Length; d++) shapeOk = input.Dims[d] < 0 || input.Dims[d] == a.Shape[d];
        if (!shapeOk)
            throw new LiteRtQuantizationException(QuantizationCodes.CalibrationMismatch,
                $"{where}: input '{input.Name}' expects shape {Format(input)}, the data has shape {Shapes.Format(a.Shape)}");
        if (Shapes.ElementCount(a.Shape) == 0)
            throw new LiteRtQuantizationException(QuantizationCodes.EmptyCalibration,
                $"{where}: the data for input '{input.Name}' {Format(input)} is empty ({Shapes.Format(a.Shape)})");
    }

    internal static string Format(CalibrationInput i) => i.Type.Name() + Shapes.Format(i.Dims);

    private static IEnumerable<IReadOnlyDictionary<string, NpyArray>> SplitNpy(Dictionary<string, List<NpyArray>> arrays, IReadOnlyList<CalibrationInput> inputs)
    {
        var perInput = new Dictionary<string, List<NpyArray>>(StringComparer.Ordinal);
        foreach (var (key, list) in arrays)
        {
            CalibrationInput input;
            if (key.Length == 0)
            {
                if (inputs.Count != 1)
                    throw new LiteRtQuantizationException(QuantizationCodes.CalibrationInputName,
                        $"the model has {inputs.Count} inputs ({string.Join(", ", inputs.Select(i => $"'{i.Name}' {Format(i)}"))}); give calibration data per input as NAME=PATH");
                input = inputs[0];
            }
            else input = inputs.FirstOrDefault(i => i.Name == key)
                ?? throw new LiteRtQuantizationException(QuantizationCodes.CalibrationInputName,
                    $"calibration data is given for input '{key}', which the model does not have (inputs: {string.Join(", ", inputs.Select(i => $"'{i.Name}' {Format(i)}"))})");
            var samples = new List<NpyArray>();
            foreach (var a in list) samples.AddRange(Split(a, input));
            if (samples.Count == 0)
                throw new LiteRtQuantizationException(QuantizationCodes.EmptyCalibration, $"no calibration samples for input '{input.Name}' {Format(input)} (no .npy files)");
            perInput[input.Name] = samples;
        }
        foreach (var input in inputs)
            if (!perInput.ContainsKey(input.Name))
                throw new LiteRtQuantizationException(QuantizationCodes.CalibrationInputName, $"no calibration data for input '{input.Name}' {Format(input)}");
        int count = perInput.Values.First().Count;
        foreach (var (name, list) in perInput)
            if (list.Count != count)
                throw new LiteRtQuantizationException(QuantizationCodes.CalibrationMismatch,
                    $"input '{name}' has {list.Count} calibration samples, input '{perInput.Keys.First()}' has {count}");
        for (int s = 0; s < count; s++)
            yield return perInput.ToDictionary(p => p.Key, p => p.Value[s], StringComparer.Ordinal);
    }

    /// <summary>Splits a stacked array into samples of the input's shape (see <see cref="FromNpy"/>).</summary>
    internal static IEnumerable<NpyArray> Split(NpyArray a, CalibrationInput input)
    {
        int rank = input.Dims.Length;
        if (a.Shape.Length == rank + 1)
        {
            int[] shape = a.Shape[1..];
            return Slices(a, a.Shape[0], shape);
        }
        if (a.Shape.Length == rank && rank > 0 && input.Dims[0] is 1 && a.Shape[0] > 1)
        {
            int[] shape = [1, .. a.Shape[1..]];
            return Slices(a, a.Shape[0], shape);
        }
        return [a];
    }

    private static IEnumerable<NpyArray> Slices(NpyArray a, int count, int[] shape)
    {
        int bytes = checked((int)a.Type.ByteCount(Shapes.ElementCount(shape)));
        for (int i = 0; i < count; i++) yield return new NpyArray(a.Type, shape, a.Data.AsSpan(i * bytes, bytes).ToArray());
    }
}
