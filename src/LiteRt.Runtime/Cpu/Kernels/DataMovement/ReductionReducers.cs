using System.Numerics;

namespace LiteRt.Runtime.Cpu.Kernels.DataMovement;

/// <summary>Sums float32 runs into float64 accumulators.</summary>
internal unsafe struct FloatSumReducer(double* acc) : IRunReducer<float>
{
    public readonly void Fold(float* run, int length, long outOffset)
    {
        double s = 0;
        for (int j = 0; j < length; j++) s += run[j];
        acc[outOffset] += s;
    }

    public readonly void Spread(float* run, int length, long outOffset)
    {
        double* a = acc + outOffset;
        for (int j = 0; j < length; j++) a[j] += run[j];
    }
}

/// <summary>Sums integer runs into int64 accumulators.</summary>
internal unsafe struct IntegerSumReducer<T>(long* acc) : IRunReducer<T> where T : unmanaged, IBinaryInteger<T>
{
    public readonly void Fold(T* run, int length, long outOffset)
    {
        long s = 0;
        for (int j = 0; j < length; j++) s += long.CreateTruncating(run[j]);
        acc[outOffset] += s;
    }

    public readonly void Spread(T* run, int length, long outOffset)
    {
        long* a = acc + outOffset;
        for (int j = 0; j < length; j++) a[j] += long.CreateTruncating(run[j]);
    }
}

/// <summary>Running maximum straight into the output (NaN never replaces the current value, as in LiteRT).</summary>
internal unsafe struct MaxReducer<T>(T* output) : IRunReducer<T> where T : unmanaged, INumber<T>
{
    public readonly void Fold(T* run, int length, long outOffset)
    {
        T m = output[outOffset];
        for (int j = 0; j < length; j++)
            if (run[j] > m) m = run[j];
        output[outOffset] = m;
    }

    public readonly void Spread(T* run, int length, long outOffset)
    {
        T* o = output + outOffset;
        for (int j = 0; j < length; j++)
            if (run[j] > o[j]) o[j] = run[j];
    }
}
