namespace SparkJobGen.Packing.Archives;

/// <summary>
/// Combines CRC-32 (the gzip/zip polynomial) values of adjacent byte ranges: the CRC of <c>A + B</c> from CRC(A),
/// CRC(B) and the length of B, by multiplying CRC(A) by x^(8·len(B)) modulo the polynomial. Lets blocks be
/// checksummed in parallel and the stream's CRC be assembled in order.
/// </summary>
internal static class Crc32Combine
{
    /// <summary>The reflected CRC-32 polynomial.</summary>
    private const uint Polynomial = 0xEDB88320;

    /// <summary>x^(2^k) modulo the polynomial, for k = 0..31, in reflected bit order.</summary>
    private static readonly uint[] PowersOfTwo = BuildPowers();

    /// <summary>Returns the CRC-32 of the concatenation of two ranges.</summary>
    /// <param name="first">CRC-32 of the first range.</param>
    /// <param name="second">CRC-32 of the second range.</param>
    /// <param name="secondLength">Length in bytes of the second range.</param>
    /// <returns>CRC-32 of both ranges, in order.</returns>
    public static uint Combine(uint first, uint second, long secondLength) =>
        Multiply(PowerOfX(secondLength, 3), first) ^ second;

    /// <summary>Multiplies two polynomials modulo the CRC polynomial (reflected: bit 31 is x^0).</summary>
    private static uint Multiply(uint a, uint b)
    {
        var product = 0u;
        for (var m = 1u << 31; m != 0; m >>= 1)
        {
            if ((a & m) != 0)
            {
                product ^= b;
            }

            b = (b & 1) != 0 ? (b >> 1) ^ Polynomial : b >> 1;
        }

        return product;
    }

    /// <summary>x^(n·2^k) modulo the polynomial.</summary>
    private static uint PowerOfX(long n, int k)
    {
        var result = 1u << 31; // x^0
        while (n != 0)
        {
            if ((n & 1) != 0)
            {
                result = Multiply(PowersOfTwo[k & 31], result);
            }

            n >>= 1;
            k++;
        }

        return result;
    }

    private static uint[] BuildPowers()
    {
        var powers = new uint[32];
        var p = 1u << 30; // x^1
        powers[0] = p;
        for (var k = 1; k < 32; k++)
        {
            p = Multiply(p, p);
            powers[k] = p;
        }

        return powers;
    }
}
