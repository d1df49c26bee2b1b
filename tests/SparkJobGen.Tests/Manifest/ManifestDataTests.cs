using System.Text;
using SparkJobGen.Manifest;

namespace SparkJobGen.Tests.Manifest;

/// <summary>
/// <c>GeneratedSparkJobAttribute.Data</c>, as its documentation defines it (each list: count and <c>;</c>, then each element as
/// its UTF-16 length, <c>:</c> and the text), written here from that text alone and read by <see cref="ManifestData"/>.
/// </summary>
public sealed class ManifestDataTests
{
    private const string Alphabet = "ab09;:,|=<>* \n\u00fc\u4f5c";

    [Fact]
    public void Random_lists_round_trip_exactly()
    {
        var random = new Random(20261206);
        for (var round = 0; round < 2_000; round++)
        {
            var lists = RandomLists(random);
            var decoded = ManifestData.Decode(Encode(lists), "job", "Jobs.dll");
            Assert.Equal(lists, decoded);
        }
    }

    [Fact]
    public void Text_outside_the_basic_plane_counts_in_utf16_code_units()
    {
        string[][] lists = [["\U0001D11E"], [], ["a", "\U0001F600x"], [], [], []];
        Assert.Equal("1;2:\U0001D11E0;2;1:a3:\U0001F600x0;0;0;", Encode(lists));
        Assert.Equal(lists, ManifestData.Decode(Encode(lists), "job", "Jobs.dll"));
    }

    /// <summary>Damaged data (cut, grown, a byte changed) is either still well formed or an InvalidDataException that says to rebuild; never another exception.</summary>
    [Fact]
    public void Damaged_data_is_a_clear_error_and_never_another_exception()
    {
        var random = new Random(7);
        var rejected = 0;
        for (var round = 0; round < 5_000; round++)
        {
            var data = Encode(RandomLists(random));
            var damaged = (round % 3) switch
            {
                0 => data.Substring(0, random.Next(data.Length)),
                1 => data.Insert(random.Next(data.Length + 1), Alphabet[random.Next(Alphabet.Length)].ToString()),
                _ => data.Length == 0 ? "x" : data.Remove(random.Next(data.Length), 1),
            };
            try
            {
                ManifestData.Decode(damaged, "job", "Jobs.dll");
            }
            catch (InvalidDataException error)
            {
                Assert.Contains("'Jobs.dll' records the data of job 'job' in an unknown shape; rebuild it", error.Message, StringComparison.Ordinal);
                rejected++;
            }
        }

        Assert.True(rejected > 4_000, $"only {rejected} of 5,000 damaged texts were rejected");
        Assert.Throws<InvalidDataException>(() => ManifestData.Decode("", "job", "Jobs.dll"));
        Assert.Throws<InvalidDataException>(() => ManifestData.Decode("0;0;0;0;0;x", "job", "Jobs.dll"));
        Assert.Throws<InvalidDataException>(() => ManifestData.Decode("99999999999;", "job", "Jobs.dll"));
        Assert.Throws<InvalidDataException>(() => ManifestData.Decode("1;5:ab0;0;0;0;", "job", "Jobs.dll"));
    }

    private static string[][] RandomLists(Random random)
    {
        var lists = new string[ManifestData.ListCount][];
        for (var l = 0; l < lists.Length; l++)
        {
            lists[l] = new string[random.Next(4)];
            for (var i = 0; i < lists[l].Length; i++)
            {
                var text = new StringBuilder();
                for (var c = random.Next(12); c > 0; c--)
                {
                    text.Append(Alphabet[random.Next(Alphabet.Length)]);
                }

                lists[l][i] = text.ToString();
            }
        }

        return lists;
    }

    private static string Encode(string[][] lists)
    {
        var text = new StringBuilder();
        foreach (var list in lists)
        {
            text.Append(list.Length).Append(';');
            foreach (var item in list)
            {
                text.Append(item.Length).Append(':').Append(item);
            }
        }

        return text.ToString();
    }
}
