namespace LiteRt.Lm.Tokenization;

/// <summary>
/// The GPT-2 byte-to-character table used by byte-level BPE: printable Latin-1 bytes map to themselves, the other
/// 68 bytes (controls, space, soft hyphen, …) to U+0100 and up, in byte order.
/// </summary>
internal static class ByteLevelAlphabet
{
    public static readonly char[] ByteToChar = BuildByteToChar();

    /// <summary>Char → byte, or -1 for chars outside the alphabet (indexable by char up to U+0143).</summary>
    private static readonly short[] CharToByteTable = BuildCharToByte();

    public static int CharToByte(char c) => c < CharToByteTable.Length ? CharToByteTable[c] : -1;

    private static char[] BuildByteToChar()
    {
        var map = new char[256];
        int next = 256;
        for (int b = 0; b < 256; b++)
        {
            bool printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            map[b] = printable ? (char)b : (char)next++;
        }
        return map;
    }

    private static short[] BuildCharToByte()
    {
        var table = new short[256 + 68];
        Array.Fill(table, (short)-1);
        for (int b = 0; b < 256; b++) table[ByteToChar[b]] = (short)b;
        return table;
    }
}
