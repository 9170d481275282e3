// QuickStart: a model as a build input. QuickStart.csproj lists Models/edges.tflite as a <LiteRtModel>; the build
// compiles it (`litert compile`: the .tflite plus a manifest with a CPU plan) and the source generator writes the
// typed class EdgeDetector, whose kernel table and memory plan were fixed at build time. The model is an edge
// detector (CONV_2D with two Sobel filters → ABS → SUM over channels), written by samples/ModelMaker.
using LiteRt.Samples.QuickStart;

using var model = EdgeDetector.Create();      // loads EdgeDetector.tflite from the app folder with the build-time plan
var inputs = model.CreateInputs();

// Draw a ring into the input image (float32 [1,24,48,1]): 1 inside the annulus, 0 elsewhere.
const int H = 24, W = 48;
var image = inputs.Image.Span;
for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++)
    {
        double dx = (x - W / 2.0) / 2.0, dy = y - H / 2.0, r = Math.Sqrt(dx * dx + dy * dy);
        image[y * W + x] = r is > 5 and < 9 ? 1f : 0f;
    }

var outputs = model.Run(inputs);              // allocates nothing
var edges = outputs.Edges.Span;               // float32 [1,24,48,1]

const string shades = " .:-=+*#%@";
float max = 0;
int edgePixels = 0;
foreach (float e in edges)
{
    max = Math.Max(max, e);
    if (e > 0) edgePixels++;
}
for (int y = 0; y < H; y++)
{
    var line = new char[W];
    for (int x = 0; x < W; x++) line[x] = shades[(int)Math.Round(edges[y * W + x] / max * (shades.Length - 1))];
    Console.WriteLine(new string(line));
}
Console.WriteLine($"{edgePixels} edge pixels, strongest edge {max}");
Console.WriteLine(model.Placement);
