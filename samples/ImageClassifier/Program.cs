// ImageClassifier: an ONNX model as a build input. ImageClassifier.csproj lists Models/shapes.onnx as a
// <LiteRtModel>; the build converts it to LiteRT (litert compile → LiteRt.Compiler's ONNX importer), plans it, and
// the source generator writes ShapeClassifier. The network is a small CNN trained by Training/train_shapes.py on
// images of five shapes it draws itself. Usage: ImageClassifier [image.png|image.ppm]  (default: Images/ring.png).
using LiteRt.Samples.ImageClassifier;

string folder = AppContext.BaseDirectory;
string path = args.Length > 0 ? args[0] : Path.Combine(folder, "Images", "ring.png");
var labels = File.ReadAllLines(Path.Combine(folder, "Models", "labels.txt")).Where(l => l.Length > 0).ToArray();

using var model = ShapeClassifier.Create();
var inputs = model.CreateInputs();
// The converted model keeps the ONNX input: float32 [1, 3, 32, 32] (NCHW), RGB in [0, 1].
RgbImage.Load(path).ToChwFloats(32, 32).CopyTo(inputs.Image.Span);
var outputs = model.Run(inputs);

var logits = outputs.Logits.Span;
var exp = new double[logits.Length];
double max = double.NegativeInfinity, sum = 0;
foreach (float v in logits) max = Math.Max(max, v);
for (int i = 0; i < exp.Length; i++) sum += exp[i] = Math.Exp(logits[i] - max);
Console.WriteLine($"{Path.GetFileName(path)}:");
foreach (int i in Enumerable.Range(0, exp.Length).OrderByDescending(i => exp[i]).Take(3))
    Console.WriteLine($"  {labels[i],-9} {exp[i] / sum,7:P1}");
