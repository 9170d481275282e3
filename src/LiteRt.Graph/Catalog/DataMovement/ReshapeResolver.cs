namespace LiteRt.Graph.Catalog;

/// <summary>
/// TFLite's RESHAPE target-shape rule: one -1 is inferred from the element count (0-sized inputs handled as
/// TFLite does: the inferred dim is 0 when the input is empty and the other dims are not), every other dim is
/// taken literally (0 means 0), and the element counts must agree.
/// </summary>
public static class ReshapeResolver
{
    /// <summary>
    /// The output shape for <paramref name="target"/> given the input shape. Unknown input dims (-1) leave an
    /// inferred dim unknown. Throws <see cref="ArgumentException"/> with the reason when the shapes do not fit.
    /// </summary>
    public static int[] Resolve(ReadOnlySpan<int> target, ReadOnlySpan<int> input)
    {
        bool inputKnown = Shapes.IsKnown(input);
        long inCount = 1, nonZeroIn = 1;
        if (inputKnown)
            foreach (int d in input)
            {
                inCount = checked(inCount * d);
                if (d != 0) nonZeroIn = checked(nonZeroIn * d);
            }

        var result = target.ToArray();
        int stretch = -1;
        long outCount = 1, nonZeroOut = 1;
        for (int i = 0; i < result.Length; i++)
        {
            int v = result[i];
            if (v == -1)
            {
                if (stretch >= 0) throw new ArgumentException($"new shape {Shapes.Format(target)} has more than one -1");
                stretch = i;
                continue;
            }
            if (v < -1) throw new ArgumentException($"new shape {Shapes.Format(target)} has a negative dimension");
            if (v != 0) nonZeroOut = checked(nonZeroOut * v);
            outCount = checked(outCount * v);
        }

        if (!inputKnown)
            return result; // the inferred dim (if any) stays -1

        if (stretch >= 0)
        {
            if (inCount == 0 && outCount != 0) result[stretch] = 0;
            else
            {
                if (nonZeroIn % nonZeroOut != 0)
                    throw new ArgumentException($"cannot reshape {Shapes.Format(input)} ({inCount} elements) to {Shapes.Format(target)}");
                result[stretch] = checked((int)(nonZeroIn / nonZeroOut));
            }
            outCount = checked(outCount * result[stretch]);
        }
        if (outCount != inCount)
            throw new ArgumentException($"cannot reshape {Shapes.Format(input)} ({inCount} elements) to {Shapes.Format(target)} ({outCount} elements)");
        return result;
    }
}
