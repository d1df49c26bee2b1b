using SparkJobGen.Submission;

namespace SparkJobGen.Tests.Submission;

public sealed class SecretRedactorTests
{
    [Theory]
    [InlineData("spark.ssl.keyStorePassword=abc123def", "spark.ssl.keyStorePassword=***")]
    [InlineData("--conf spark.authenticate.secret=s3cr3t-value other", "--conf spark.authenticate.secret=*** other")]
    [InlineData("spark.hadoop.fs.s3a.access.key=AKIAXXXX spark.hadoop.fs.s3a.secret.key=abcd/efgh", "spark.hadoop.fs.s3a.access.key=*** spark.hadoop.fs.s3a.secret.key=***")]
    [InlineData("{\"spark.x.token\":\"tok-1\"}", "{\"spark.x.token\":\"***\"}")]
    [InlineData("Authorization: Bearer eyJhbGciOi.x.y", "Authorization: Bearer ***")]
    [InlineData("spark.executor.memory=4g spark.pyspark.python=./environment/bin/python", "spark.executor.memory=4g spark.pyspark.python=./environment/bin/python")]
    public void Masks_secret_looking_assignments_and_keeps_ordinary_ones(string input, string expected) =>
        Assert.Equal(expected, new SecretRedactor().Redact(input));

    [Fact]
    public void A_secret_looking_flag_as_a_json_value_leaves_the_next_key_alone_and_still_masks_an_argv_value()
    {
        var redactor = new SecretRedactor();

        // An object: the string after "--token" is the next key (a ':' follows it), not the flag's value.
        const string parameters = "{\"parameters\":[{\"flag\":\"--token\",\"typeName\":\"string?\"},{\"flag\":\"--password\", \"typeName\" : \"string\"}]}";
        Assert.Equal(parameters, redactor.Redact(parameters));

        // An array: the string after "--token" is its value, whole.
        Assert.Equal("{\"arguments\":[\"--token\",\"***\",\"--input\",\"x\"]}", redactor.Redact("{\"arguments\":[\"--token\",\"tok-12345\",\"--input\",\"x\"]}"));
        Assert.Equal("--password ***", redactor.Redact("--password S3CR3T"));
    }

    [Fact]
    public void Learns_secrets_from_spark_arguments_and_masks_them_anywhere()
    {
        var redactor = new SecretRedactor().AddFromSparkArguments(
            ["--master", "yarn", "--keytab", "/etc/keytabs/etl.keytab", "--principal", "etl@EXAMPLE.COM", "--conf", "spark.ssl.trustStorePassword=tr-pass-9", "job.py", "--pw", "x"]);

        Assert.Equal("loaded *** and *** ok", redactor.Redact("loaded /etc/keytabs/etl.keytab and tr-pass-9 ok"));
        Assert.Equal(
            ["--master", "yarn", "--keytab", "***", "--principal", "etl@EXAMPLE.COM", "--conf", "spark.ssl.trustStorePassword=***", "job.py", "--pw", "x"],
            redactor.RedactArguments(["--master", "yarn", "--keytab", "/etc/keytabs/etl.keytab", "--principal", "etl@EXAMPLE.COM", "--conf", "spark.ssl.trustStorePassword=tr-pass-9", "job.py", "--pw", "x"]));
    }

    [Fact]
    public void Longer_secret_containing_a_shorter_one_is_masked_whole()
    {
        var redactor = new SecretRedactor(["abcdef", "abcdef-ghijkl"]);
        Assert.Equal("x *** y", redactor.Redact("x abcdef-ghijkl y"));
    }

    [Fact]
    public void Very_short_values_are_not_treated_as_secrets()
    {
        Assert.Equal("a b", new SecretRedactor(["a", ""]).Redact("a b"));
    }
}
