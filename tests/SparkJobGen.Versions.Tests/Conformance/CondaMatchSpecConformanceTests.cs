// Conformance vectors ported as data from conda/conda, file tests/models/test_match_spec.py
// (test_match_1, test_canonical_string_forms, test_version_wildcard_serialization, test_exact_values,
// test_build_number_and_filename, test_openssl_match, test_bracket_matches, test_simple, test_pip_style,
// test_invalid_match_spec, test_matchspec_errors, test_parse_spec_str_no_brackets, test_parse_spec_str_with_brackets,
// test_star_name, test_parse_equal_equal, test_parse_hard, test_parse_errors, test_parse_channel_subdir,
// test_parse_build_number_brackets, test_version_with_parentheses (xfail in conda, supported here), test_build_glob_merge's matches,
// test_invalid_package_name_rejected, test_valid_package_names, test_bad_brackets, test_catch_invalid_regexes,
// test_invalid_version_reports_spec, test_no_triple_equals_roundtrip, test_double_equals_version_consistency,
// test_parse_spec_str_with_precompiled_regex, test_bracket_version_without_equals_v3, test_parse_ecosystem_corpus).
// Only the vectors are taken; the assertions are our own.
using System;
using SparkJobGen.Versions;
using SparkJobGen.Versions.Conda;

namespace SparkJobGen.Versions.Tests.Conformance;

/// <summary>conda MatchSpec vectors.</summary>
public sealed class CondaMatchSpecConformanceTests
{
    /// <summary>test_match_1, matched against numpy-1.7.1-py27_0.</summary>
    [Theory]
    [InlineData("numpy 1.7*", true)]
    [InlineData("numpy 1.7.1", true)]
    [InlineData("numpy 1.7", false)]
    [InlineData("numpy 1.5*", false)]
    [InlineData("numpy >=1.5", true)]
    [InlineData("numpy >=1.5,<2", true)]
    [InlineData("numpy >=1.8,<1.9", false)]
    [InlineData("numpy >1.5,<2,!=1.7.1", false)]
    [InlineData("numpy >1.8,<2|==1.7", false)]
    [InlineData("numpy >1.8,<2|>=1.7.1", true)]
    [InlineData("numpy >=1.8|1.7*", true)]
    [InlineData("numpy ==1.7", false)]
    [InlineData("numpy >=1.5,>1.6", true)]
    [InlineData("numpy ==1.7.1", true)]
    [InlineData("numpy ==1.7.1.0", true)]
    [InlineData("numpy==1.7.1.0.0", true)]
    [InlineData("numpy >=1,*.7.*", true)]
    [InlineData("numpy *.7.*,>=1", true)]
    [InlineData("numpy >=1,*.8.*", false)]
    [InlineData("numpy >=2,*.7.*", false)]
    [InlineData("numpy 1.6*|1.7*", true)]
    [InlineData("numpy 1.6*|1.8*", false)]
    [InlineData("numpy 1.6.2|1.7*", true)]
    [InlineData("numpy 1.6.2|1.7.1", true)]
    [InlineData("numpy 1.6.2|1.7.0", false)]
    [InlineData("numpy 1.7.1 py27_0", true)]
    [InlineData("numpy 1.7.1 py26_0", false)]
    [InlineData("numpy >1.7.1a", true)]
    [InlineData("python", false)]
    public void Matches_numpy_1_7_1_py27_0(string spec, bool expected) =>
        Assert.Equal(expected, CondaMatchSpec.Parse(spec).IsSatisfiedBy("numpy", CondaVersion.Parse("1.7.1"), "py27_0", 0));

    [Theory]
    // test_match_1 (PEP 440 and non-PEP 440 mixes)
    [InlineData("numpy >=1.0.1", "numpy", "1.0.1a", "0", false)]
    [InlineData("numpy >=1.0.1.vc11", "numpy", "1.0.1a.vc11", "0", false)]
    [InlineData("numpy >=1.0.1*.vc11", "numpy", "1.0.1a.vc11", "0", true)]
    [InlineData("numpy <1.0.1", "numpy", "1.0.1.vc11", "0", true)]
    [InlineData("numpy <1.0.1", "numpy", "1.0.1a.vc11", "0", true)]
    [InlineData("numpy >=1.0.1.vc11", "numpy", "1.0.1a", "0", false)]
    [InlineData("numpy >=1.0.1a", "numpy", "1.0.1z", "0", true)]
    [InlineData("numpy >=1.0.1a py27*", "numpy", "1.0.1z", "py27_1", true)]
    [InlineData("blas * openblas_0", "blas", "1.0", "openblas_0", true)]
    // test_openssl_match
    [InlineData("openssl>=1.0.1_", "openssl", "1.0.1_", "4", true)]
    [InlineData("openssl>=1.0.1", "openssl", "1.0.1_", "4", false)]
    // test_bracket_matches (numpy 1.11.0 py34_7)
    [InlineData("numpy<2", "numpy", "1.11.0", "py34_7", true)]
    [InlineData("numpy[version=<2]", "numpy", "1.11.0", "py34_7", true)]
    [InlineData("numpy>2", "numpy", "1.11.0", "py34_7", false)]
    [InlineData("numpy[version='>2']", "numpy", "1.11.0", "py34_7", false)]
    [InlineData("numpy[build_number='7']", "numpy", "1.11.0", "py34_7", true)]
    [InlineData("numpy[build_number='<8']", "numpy", "1.11.0", "py34_7", true)]
    [InlineData("numpy[build_number='>7']", "numpy", "1.11.0", "py34_7", false)]
    [InlineData("numpy[build_number='>=7']", "numpy", "1.11.0", "py34_7", true)]
    [InlineData("numpy ~=1.10", "numpy", "1.11.0", "py34_7", true)]
    [InlineData("numpy~=1.10", "numpy", "1.11.0", "py34_7", true)]
    // test_build_glob_merge (single-spec matches; red = red_habc123_3, blue = blue_hdef1234_3)
    [InlineData("my_pkg=1.17.*", "my_pkg", "1.17.3", "red_habc123_3", true)]
    [InlineData("my_pkg=1.17.*", "my_pkg", "1.17.3", "blue_hdef1234_3", true)]
    [InlineData("my_pkg=1.17.*=red_*", "my_pkg", "1.17.3", "red_habc123_3", true)]
    [InlineData("my_pkg=1.17.*=red_*", "my_pkg", "1.17.3", "blue_hdef1234_3", false)]
    [InlineData("my_pkg=1.17.*=blue_*", "my_pkg", "1.17.3", "red_habc123_3", false)]
    [InlineData("my_pkg=1.17.*=blue_*", "my_pkg", "1.17.3", "blue_hdef1234_3", true)]
    [InlineData("my_pkg=1.17.*=blue_hdef1234_*", "my_pkg", "1.17.3", "red_habc123_3", false)]
    [InlineData("my_pkg=1.17.*=blue_hdef1234_*", "my_pkg", "1.17.3", "blue_hdef1234_3", true)]
    [InlineData("my_pkg=1.17.*=red_habc123_3", "my_pkg", "1.17.3", "red_habc123_3", true)]
    [InlineData("my_pkg=1.17.*=red_habc123_3", "my_pkg", "1.17.3", "blue_hdef1234_3", false)]
    [InlineData("my_pkg=1.17.*=*red*", "my_pkg", "1.17.3", "red_habc123_3", true)]
    [InlineData("my_pkg=1.17.*=*red*", "my_pkg", "1.17.3", "blue_hdef1234_3", false)]
    [InlineData("my_pkg=1.17.*=*_2", "my_pkg", "1.17.3", "red_habc123_3", false)]
    [InlineData("my_pkg=1.17.*=*_3", "my_pkg", "1.17.3", "red_habc123_3", true)]
    [InlineData("my_pkg=1.17.*=*_3", "my_pkg", "1.17.3", "blue_hdef1234_3", true)]
    [InlineData("my_pkg=1.17.*=*_habc123_3", "my_pkg", "1.17.3", "red_habc123_3", true)]
    [InlineData("my_pkg=1.17.*=*_habc123_3", "my_pkg", "1.17.3", "blue_hdef1234_3", false)]
    public void Matches_record(string spec, string name, string version, string build, bool expected)
    {
        long? buildNumber = long.TryParse(build.AsSpan(build.LastIndexOf('_') + 1), out var bn) ? bn : null;
        Assert.Equal(expected, CondaMatchSpec.Parse(spec).IsSatisfiedBy(name, version, build, buildNumber));
    }

    [Theory]
    // test_canonical_string_forms
    [InlineData("numpy", "numpy")]
    [InlineData("numpy=1.7", "numpy=1.7")]
    [InlineData("numpy 1.7*", "numpy=1.7")]
    [InlineData("numpy 1.7.*", "numpy=1.7")]
    [InlineData("numpy[version='1.7*']", "numpy=1.7")]
    [InlineData("numpy[version='1.7.*']", "numpy=1.7")]
    [InlineData("numpy[version=1.7.*]", "numpy=1.7")]
    [InlineData("numpy==1.7", "numpy==1.7")]
    [InlineData("numpy[version='1.7']", "numpy==1.7")]
    [InlineData("numpy[version=1.7]", "numpy==1.7")]
    [InlineData("numpy 1.7", "numpy==1.7")]
    [InlineData("numpy[version='1.7|1.8']", "numpy[version='1.7|1.8']")]
    [InlineData("numpy[version=\"1.7,1.8\"]", "numpy[version='1.7,1.8']")]
    [InlineData("numpy >1.7", "numpy[version='>1.7']")]
    [InlineData("numpy>=1.7", "numpy[version='>=1.7']")]
    [InlineData("numpy=1.7=py3*_2", "numpy==1.7[build=py3*_2]")]
    [InlineData("numpy=1.7.*=py3*_2", "numpy=1.7[build=py3*_2]")]
    [InlineData("defaults::numpy", "defaults::numpy")]
    [InlineData("numpy[channel=defaults]", "defaults::numpy")]
    [InlineData("conda-forge::numpy", "conda-forge::numpy")]
    [InlineData("numpy[channel=conda-forge]", "conda-forge::numpy")]
    [InlineData("numpy[channel=defaults,subdir=osx-64]", "defaults/osx-64::numpy")]
    [InlineData("defaults/win-32::numpy", "defaults/win-32::numpy")]
    [InlineData("conda-forge/linux-64::numpy", "conda-forge/linux-64::numpy")]
    [InlineData("numpy[channel=conda-forge,subdir=noarch]", "conda-forge/noarch::numpy")]
    [InlineData("numpy[subdir=win-32]", "numpy[subdir=win-32]")]
    [InlineData("*/win-32::numpy", "numpy[subdir=win-32]")]
    [InlineData("*/win-32::numpy[subdir=\"osx-64\"]", "numpy[subdir=osx-64]")]
    [InlineData("numpy=1.10=py38_0", "numpy==1.10=py38_0")]
    [InlineData("numpy==1.10=py38_0", "numpy==1.10=py38_0")]
    [InlineData("numpy[version=1.10 build=py38_0]", "numpy==1.10=py38_0")]
    [InlineData("numpy!=1.10", "numpy!=1.10")]
    [InlineData("numpy !=1.10", "numpy!=1.10")]
    [InlineData("numpy!=1.10 py38_0", "numpy[version='!=1.10',build=py38_0]")]
    [InlineData("numpy !=1.10 py38_0", "numpy[version='!=1.10',build=py38_0]")]
    [InlineData("numpy!=1.10=py38_0", "numpy[version='!=1.10',build=py38_0]")]
    [InlineData("numpy !=1.10=py38_0", "numpy[version='!=1.10',build=py38_0]")]
    [InlineData("numpy >1.7,!=1.10 py38_0", "numpy[version='>1.7,!=1.10',build=py38_0]")]
    [InlineData("numpy!=1.10.*", "numpy!=1.10.*")]
    [InlineData("numpy!=1.10,!=1.11", "numpy[version='!=1.10,!=1.11']")]
    [InlineData("numpy=1.10.*,!=1.10.2", "numpy[version='=1.10.*,!=1.10.2']")]
    [InlineData("numpy ~=1.10.1", "numpy~=1.10.1")]
    [InlineData("numpy~=1.10.1", "numpy~=1.10.1")]
    [InlineData("numpy ~=1.10.1 py38_0", "numpy[version='~=1.10.1',build=py38_0]")]
    [InlineData("openssl=1.1.1_", "openssl=1.1.1_")]
    [InlineData("openssl>=1.1.1_,!=1.1.1c", "openssl[version='>=1.1.1_,!=1.1.1c']")]
    [InlineData("pkgs/main::*", "pkgs/main::*")]
    [InlineData("defaults::*", "defaults::*")]
    // test_version_wildcard_serialization
    [InlineData("name[version=*,build=*py27*]", "name[build=*py27*]")]
    [InlineData("name[version=*]", "name")]
    [InlineData("conda-forge::name[version=*]", "conda-forge::name")]
    [InlineData("name[version=1.2.*,build=*py27*]", "name=1.2[build=*py27*]")]
    [InlineData("name[version=1.*]", "name=1")]
    [InlineData("name[version=*,build_number=3]", "name[build_number=3]")]
    // test_simple
    [InlineData("python", "python")]
    [InlineData("python=2.6", "python=2.6")]
    [InlineData("python=2.6*", "python=2.6")]
    [InlineData("ipython=0.13.2", "ipython=0.13.2")]
    [InlineData("ipython=0.13.0", "ipython=0.13.0")]
    [InlineData("ipython==0.13.0", "ipython==0.13.0")]
    [InlineData("foo=1.3.0=3", "foo==1.3.0=3")]
    // test_pip_style
    [InlineData("foo>=1.3", "foo[version='>=1.3']")]
    [InlineData("zope.int>=1.3,<3.0", "zope.int[version='>=1.3,<3.0']")]
    [InlineData("numpy >=1.9", "numpy[version='>=1.9']")]
    public void Canonical_string(string spec, string expected) => Assert.Equal(expected, CondaMatchSpec.Parse(spec).ToString());

    /// <summary>
    /// _parse_spec_str cases: channel, subdir, name, version text and build. Differences from conda, by design:
    /// a channel or build of <c>*</c> is reported as null (matches everything), and a version of <c>*</c> as no version.
    /// </summary>
    [Theory]
    [InlineData("numpy", null, null, "numpy", null, null)]
    [InlineData("numpy=", null, null, "numpy", null, null)]
    [InlineData("defaults::numpy", "defaults", null, "numpy", null, null)]
    [InlineData("defaults::numpy=1.8", "defaults", null, "numpy", "1.8*", null)]
    [InlineData("defaults::numpy =1.8", "defaults", null, "numpy", "1.8*", null)]
    [InlineData("defaults::numpy=1.8=py27_0", "defaults", null, "numpy", "1.8", "py27_0")]
    [InlineData("defaults::numpy 1.8 py27_0", "defaults", null, "numpy", "1.8", "py27_0")]
    [InlineData("defaults::numpy[channel=anaconda]", "anaconda", null, "numpy", null, null)]
    [InlineData("defaults::numpy 1.8 py27_0[channel=anaconda]", "anaconda", null, "numpy", "1.8", "py27_0")]
    [InlineData("defaults::numpy=1.8=py27_0 [channel=anaconda,version=1.9, build=3]", "anaconda", null, "numpy", "1.9", "3")]
    [InlineData("defaults::numpy=1.8=py27_0 [channel='anaconda',version=\">=1.8,<2|1.9\", build='3']", "anaconda", null, "numpy", ">=1.8,<2|1.9", "3")]
    [InlineData("tensorflow[name=pytorch]", null, null, "tensorflow", null, null)]
    [InlineData("defaults::numpy=1.8=py27_0 [name=\"pytorch\" channel='anaconda',version=\">=1.8,<2|1.9\", build='3']", "anaconda", null, "numpy", ">=1.8,<2|1.9", "3")]
    [InlineData("* 2.7.4", null, null, "*", "2.7.4", null)]
    [InlineData("* >=1.3 2", null, null, "*", ">=1.3", "2")]
    [InlineData("numpy==1.7", null, null, "numpy", "1.7", null)]
    [InlineData("numpy ==1.7", null, null, "numpy", "1.7", null)]
    [InlineData("numpy=1.7", null, null, "numpy", "1.7*", null)]
    [InlineData("numpy =1.7", null, null, "numpy", "1.7*", null)]
    [InlineData("numpy !=1.7", null, null, "numpy", "!=1.7", null)]
    [InlineData("numpy~=1.7.1", null, null, "numpy", "~=1.7.1", null)]
    [InlineData("numpy>1.8,<2|==1.7", null, null, "numpy", ">1.8,<2|==1.7", null)]
    [InlineData("numpy >1.8,<2|==1.7,!=1.9,~=1.7.1 py34_0", null, null, "numpy", ">1.8,<2|==1.7,!=1.9,~=1.7.1", "py34_0")]
    [InlineData("*>1.8,<2|==1.7", null, null, "*", ">1.8,<2|==1.7", null)]
    [InlineData("* >1.8,<2|==1.7", null, null, "*", ">1.8,<2|==1.7", null)]
    [InlineData("* 1 *", null, null, "*", "1", null)]
    [InlineData("* * openblas_0", null, null, "*", null, "openblas_0")]
    [InlineData("* * *", null, null, "*", null, null)]
    [InlineData("* *", null, null, "*", null, null)]
    [InlineData("conda-forge::foo>=1.0", "conda-forge", null, "foo", ">=1.0", null)]
    [InlineData("conda-forge/linux-32::foo>=1.0", "conda-forge", "linux-32", "foo", ">=1.0", null)]
    [InlineData("*/linux-32::foo>=1.0", null, "linux-32", "foo", ">=1.0", null)]
    // test_version_with_parentheses (xfail in conda; supported here)
    [InlineData("foo (>=1,<2)|>3", null, null, "foo", "(>=1,<2)|>3", null)]
    [InlineData("* >=3,(<4|<5)", null, null, "*", ">=3,(<4|<5)", null)]
    [InlineData("numpy >=1.8,(<2|>=1.7.1)", null, null, "numpy", ">=1.8,(<2|>=1.7.1)", null)]
    [InlineData("python (>=3.8,<3.10)|(>=3.11,<3.13)", null, null, "python", "(>=3.8,<3.10)|(>=3.11,<3.13)", null)]
    // the brief's examples
    [InlineData("numpy 1.11.*", null, null, "numpy", "1.11.*", null)]
    [InlineData("numpy 1.11 py27_0", null, null, "numpy", "1.11", "py27_0")]
    [InlineData("python=3.11", null, null, "python", "3.11*", null)]
    [InlineData("python=3.11=h12345_0", null, null, "python", "3.11", "h12345_0")]
    [InlineData("pandas>=2,<3|1.5.*", null, null, "pandas", ">=2,<3|1.5.*", null)]
    [InlineData("numpy[version='>=1.2',build=py*]", null, null, "numpy", ">=1.2", "py*")]
    [InlineData("NumPy  >=1.2  # comment", null, null, "numpy", ">=1.2", null)]
    public void Parses_parts(string spec, string? channel, string? subdir, string name, string? version, string? build)
    {
        var m = CondaMatchSpec.Parse(spec);
        Assert.Equal(channel, m.Channel);
        Assert.Equal(subdir, m.Subdir);
        Assert.Equal(name, m.Name);
        Assert.Equal(version, m.Version?.Text);
        Assert.Equal(build, m.Build);
    }

    [Theory]
    [InlineData("python[build_number=3]", "3")]
    [InlineData("python[build_number='>3']", ">3")]
    [InlineData("python[build_number='>=3']", ">=3")]
    [InlineData("python[build_number='<3']", "<3")]
    [InlineData("python[build_number='<=3']", "<=3")]
    public void Parses_build_number(string spec, string expected) =>
        Assert.Equal(expected, CondaMatchSpec.Parse(spec).BuildNumber!.Text);

    [Theory]
    // test_exact_values, test_build_number_and_filename
    [InlineData("numpy=1.7", false, null)]
    [InlineData("numpy==1.7", true, null)]
    [InlineData("numpy[version=1.7]", true, null)]
    [InlineData("numpy=1.7=py3*_2", true, "py3*_2")]
    [InlineData("numpy=1.7.*=py37_2", false, "py37_2")]
    [InlineData("zlib 1.2.7 0", true, "0")]
    public void Exact_versions(string spec, bool exact, string? build)
    {
        var m = CondaMatchSpec.Parse(spec);
        Assert.Equal(exact, m.Version!.IsExact);
        Assert.Equal(build, m.Build);
    }

    [Theory]
    // test_invalid_match_spec, test_parse_errors, test_matchspec_errors
    [InlineData("!xyz 1.3", 0)]
    [InlineData("blas [optional", 5)]
    [InlineData("blas [test=]", 6)]
    [InlineData("blas[invalid=\"1\"]", 5)]
    // our own: positioned errors inside the version, the brackets and the name
    [InlineData("numpy >=1.2,<", 12)]
    [InlineData("numpy >=1..2", 10)]
    [InlineData("numpy[version='>=1.2'", 5)]
    [InlineData("numpy[md5=abc]", 6)]
    [InlineData("num$py", 3)]
    [InlineData("numpy[version='>=1.2' build=py*]x", 32)]
    [InlineData("https://example.org/linux-64/numpy-1.0-0.tar.bz2", 0)]
    public void Invalid_match_specs(string spec, int position)
    {
        Assert.False(CondaMatchSpec.TryParse(spec, out _, out var error));
        Assert.NotNull(error);
        Assert.Equal(position, error!.Position);
        Assert.InRange(error.Position + error.Length, error.Position, spec.Length);
    }

    /// <summary>test_parse_ecosystem_corpus: specs seen in rattler, conda-libmamba-solver and conda's own tests all parse.</summary>
    [Theory]
    [InlineData("blas *.* mkl")]
    [InlineData("foo=1.0=py27_0")]
    [InlineData("foo==1.0=py27_0")]
    [InlineData("python 3.8.* *_cpython")]
    [InlineData("pytorch=*=cuda*")]
    [InlineData("x264 >=1!164.3095,<1!165")]
    [InlineData("conda-forge::foo[version=1.0.*]")]
    [InlineData("conda-forge::foo[version=1.0.*, build_number=\">6\"]")]
    [InlineData("python ==2.7.*.*|>=3.6")]
    [InlineData("python=3.9")]
    [InlineData("python=*")]
    [InlineData("conda-forge/linux-32::python[version=3.9, subdir=linux-64]")]
    [InlineData("conda-forge/linux-32::python ==3.9[subdir=linux-64, build_number=\"0\"]")]
    [InlineData("python ==3.9[channel=conda-forge]")]
    [InlineData("python ==3.9[channel=conda-forge/linux-64]")]
    [InlineData("rust ~=1.2.3")]
    [InlineData("numpy>=2.*.*")]
    [InlineData("bird_tool_utils_python =0.*,>=0.4.1")]
    [InlineData("* >=1.0")]
    [InlineData("tensorflow 2.6.*")]
    [InlineData("tensorflow 2.6.0.*")]
    [InlineData("mamba[build=*py310_1]")]
    [InlineData("mamba[build=*py310*]")]
    [InlineData("mamba * [build=*py310*]")]
    [InlineData("foo >=1.0 py37_0")]
    [InlineData("foo >=1.0 py37*")]
    [InlineData("foo 1.0.* py38*")]
    [InlineData("foo * py37_1")]
    [InlineData("foo ==1.0")]
    [InlineData("foo >=2.0")]
    [InlineData("foo >=1.0")]
    [InlineData("activate_deactivate_package=*=*0")]
    [InlineData("numpy=*=*py38*")]
    [InlineData("conda-forge::libblas=*=*openblas")]
    [InlineData("ca-certificates=*=*_0")]
    [InlineData("python ==3.7.3")]
    [InlineData("pandas ==1.2.5 py37h295c915_0")]
    [InlineData("scipy ==1.7.3 py37hf2a6cf1_0")]
    [InlineData("ca-certificates =2022.9.24")]
    [InlineData("ca-certificates >=2022.9.24")]
    [InlineData("ca-certificates >2022.9.24")]
    [InlineData("ca-certificates<2022.9.24,>2020")]
    [InlineData("ca-certificates<=2022.9.24,>2020")]
    [InlineData("ca-certificates !=2022.9.24,>2020")]
    [InlineData("ca-certificates[build='*_0']")]
    [InlineData("ca-certificates[version='>=2022.9.24']")]
    [InlineData("pytorch::pytorch=1.12")]
    public void Ecosystem_corpus_parses(string spec)
    {
        Assert.True(CondaMatchSpec.TryParse(spec, out var m, out var error), spec + ": " + error);
        // The canonical text parses again to the same text once normalized.
        var again = CondaMatchSpec.Parse(m!.ToString());
        Assert.Equal(again.ToString(), CondaMatchSpec.Parse(again.ToString()).ToString());
    }

    [Theory]
    // test_invalid_package_name_rejected
    [InlineData("'package'")]
    [InlineData("\"package\"")]
    [InlineData("pack@ge")]
    [InlineData("pkg..name")]
    [InlineData("pkg--name")]
    [InlineData(".pkg")]
    [InlineData("-pkg")]
    // test_bad_brackets (including the two conda marks xfail only for their message)
    [InlineData("package[build")]
    [InlineData("package[build=")]
    [InlineData("package[build=]")]
    [InlineData("package[build=value, build=again]")]
    [InlineData("package[build]")]
    [InlineData("package[build=0]{something else}")]
    [InlineData("package[build=0]{something-else}")]
    [InlineData("package[build=0][version=2]")]
    // test_catch_invalid_regexes
    [InlineData("*/lin(ux-65::f/o>=>1y")]
    [InlineData("^(aaaa$")]
    // test_invalid_version_reports_spec
    [InlineData("pkg 4.2.2<6.0.0")]
    [InlineData("pkg>=0.10.0,<1.0.0<py312|>=0.13.0,<1.0.0>=py312")]
    public void Rejects(string spec)
    {
        Assert.False(CondaMatchSpec.TryParse(spec, out _, out var error), spec);
        Assert.InRange(error!.Position, 0, spec.Length);
        Assert.InRange(error.Position + error.Length, error.Position, spec.Length);
    }

    [Theory]
    // test_valid_package_names
    [InlineData("numpy")]
    [InlineData("my-package")]
    [InlineData("my_package")]
    [InlineData("my.package")]
    [InlineData("r-base")]
    [InlineData("python-dateutil")]
    [InlineData("_openmp_mutex")]
    [InlineData("_pkg")]
    [InlineData("__glibc")]
    [InlineData("__unix")]
    public void Accepts_cep26_names(string spec) => Assert.Equal(spec, CondaMatchSpec.Parse(spec).Name);

    [Theory]
    // test_parse_spec_str_with_precompiled_regex
    [InlineData("numpy", "numpy", null)]
    [InlineData("numpy>=1.20", "numpy", ">=1.20")]
    [InlineData("numpy 1.20 py39_0", "numpy", "1.20")]
    [InlineData("conda-forge::numpy>=1.20", "numpy", ">=1.20")]
    [InlineData("numpy[version='>=1.20']", "numpy", ">=1.20")]
    // test_bracket_version_without_equals_v3 (deprecated spelling, still accepted)
    [InlineData("numpy[version<2]", "numpy", "<2")]
    public void Name_and_version(string spec, string name, string? version)
    {
        var m = CondaMatchSpec.Parse(spec);
        Assert.Equal(name, m.Name);
        Assert.Equal(version, m.Version?.ToString());
    }

    [Theory]
    // test_no_triple_equals_roundtrip, test_double_equals_version_consistency
    [InlineData("numpy[version=\"=2\"]", "numpy=2")]
    [InlineData("numpy=2", "numpy=2")]
    [InlineData("awscli==2.15.37", "awscli==2.15.37")]
    [InlineData("awscli==2.15.37=wghq", "awscli==2.15.37=wghq")]
    public void Canonical_equals_forms(string spec, string expected) => Assert.Equal(expected, CondaMatchSpec.Parse(spec).ToString());

    [Fact]
    public void Bracket_version_without_equals_matches()
    {
        // test_bracket_version_without_equals_v3: numpy 1.11.0 py34_7 matches numpy[version<2].
        Assert.True(CondaMatchSpec.Parse("numpy[version<2]").IsSatisfiedBy("numpy", "1.11.0", "py34_7", 7));
        Assert.True(CondaMatchSpec.Parse("numpy[version='=2']").Version!.Equals(CondaMatchSpec.Parse("numpy=2").Version));
    }
}
