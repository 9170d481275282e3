namespace LiteRt.Lm.Bundle;

/// <summary>What a <c>.litertlm</c> section holds (LiteRT-LM's <c>AnySectionDataType</c>, a ubyte in the header).</summary>
public enum SectionDataType : byte
{
    None = 0,
    GenericBinaryData = 1,
    Deprecated = 2,
    /// <summary>A .tflite model (item <c>model_type</c>, e.g. <c>tf_lite_prefill_decode</c>).</summary>
    TFLiteModel = 3,
    /// <summary>A serialized SentencePiece model.</summary>
    SentencePieceTokenizer = 4,
    /// <summary>An <see cref="LlmMetadata"/> protobuf.</summary>
    LlmMetadataProto = 5,
    /// <summary>A Hugging Face <c>tokenizer.json</c>: u64 uncompressed size, then a zlib stream.</summary>
    HFTokenizerZlib = 6,
    TFLiteWeights = 7,
    ExecutorMetadataProto = 8,
}

/// <summary>Fixed facts of the container layout (LiteRT-LM <c>schema/core</c>).</summary>
public static class LitertLmFormat
{
    /// <summary>Bytes 0..7 of every file.</summary>
    public const string Magic = "LITERTLM";

    /// <summary>The version this writer stamps (LiteRT-LM's LITERTLM_*_VERSION); readers require the same major.</summary>
    public const uint MajorVersion = 1, MinorVersion = 9, PatchVersion = 0;

    /// <summary>Sections start on multiples of this; the header must fit in the first block (LiteRT-LM's loader maps only it).</summary>
    public const int BlockSize = 16 * 1024;

    /// <summary>Where the u64 header end offset and the FlatBuffer header are.</summary>
    public const int HeaderEndFieldOffset = 24, HeaderBeginOffset = 32;

    /// <summary>Section item key naming a TFLite section's role (LiteRT-LM: missing means prefill/decode).</summary>
    public const string ModelTypeKey = "model_type";

    /// <summary>The decoder's role: one model with <c>prefill_N</c> and <c>decode</c> signatures.</summary>
    public const string PrefillDecodeModelType = "tf_lite_prefill_decode";

    public static string Name(this SectionDataType type) => type switch
    {
        SectionDataType.None => "NONE",
        SectionDataType.GenericBinaryData => "GenericBinaryData",
        SectionDataType.Deprecated => "Deprecated",
        SectionDataType.TFLiteModel => "TFLiteModel",
        SectionDataType.SentencePieceTokenizer => "SP_Tokenizer",
        SectionDataType.LlmMetadataProto => "LlmMetadataProto",
        SectionDataType.HFTokenizerZlib => "HF_Tokenizer_Zlib",
        SectionDataType.TFLiteWeights => "TFLiteWeights",
        SectionDataType.ExecutorMetadataProto => "ExecutorMetadataProto",
        _ => $"unknown({(byte)type})",
    };
}
