using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace SparkJobGen.Versions.Conda
{
    /// <summary>A build-number constraint from <c>[build_number=...]</c>: a number, or an operator and a number.</summary>
    public sealed class CondaBuildNumberSpec
    {
        private CondaBuildNumberSpec(CondaOperator op, long value, string text)
        {
            Operator = op;
            Value = value;
            Text = text;
        }

        /// <summary>One of Equal, NotEqual, Less, LessOrEqual, Greater, GreaterOrEqual.</summary>
        public CondaOperator Operator { get; }

        /// <summary>The number compared with.</summary>
        public long Value { get; }

        /// <summary>The constraint as written, e.g. <c>3</c> or <c>&gt;=3</c>.</summary>
        public string Text { get; }

        /// <summary>Parses <paramref name="text"/>[<paramref name="start"/>, <paramref name="start"/>+<paramref name="length"/>).</summary>
        public static bool TryParse(string text, int start, int length, out CondaBuildNumberSpec? spec, out VersionSyntaxError? error)
        {
            spec = null;
            error = null;
            int i = start, n = start + length;
            while (i < n && char.IsWhiteSpace(text[i])) i++;
            while (n > i && char.IsWhiteSpace(text[n - 1])) n--;
            string t = text.Substring(i, n - i);
            CondaOperator op = CondaOperator.Equal;
            int opLen = 0;
            if (t.StartsWith("==", StringComparison.Ordinal)) { opLen = 2; }
            else if (t.StartsWith("!=", StringComparison.Ordinal)) { op = CondaOperator.NotEqual; opLen = 2; }
            else if (t.StartsWith("<=", StringComparison.Ordinal)) { op = CondaOperator.LessOrEqual; opLen = 2; }
            else if (t.StartsWith(">=", StringComparison.Ordinal)) { op = CondaOperator.GreaterOrEqual; opLen = 2; }
            else if (t.StartsWith("<", StringComparison.Ordinal)) { op = CondaOperator.Less; opLen = 1; }
            else if (t.StartsWith(">", StringComparison.Ordinal)) { op = CondaOperator.Greater; opLen = 1; }
            string digits = t.Substring(opLen);
            if (digits.Length == 0 || !long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out long value))
            {
                error = new VersionSyntaxError("A build number must be a whole number, optionally after ==, !=, <, <=, > or >= (e.g. build_number='>=3').", i, n - i);
                return false;
            }
            spec = new CondaBuildNumberSpec(op, value, t);
            return true;
        }

        /// <summary>Whether <paramref name="buildNumber"/> satisfies the constraint.</summary>
        public bool IsSatisfiedBy(long buildNumber) => Operator switch
        {
            CondaOperator.NotEqual => buildNumber != Value,
            CondaOperator.Less => buildNumber < Value,
            CondaOperator.LessOrEqual => buildNumber <= Value,
            CondaOperator.Greater => buildNumber > Value,
            CondaOperator.GreaterOrEqual => buildNumber >= Value,
            _ => buildNumber == Value,
        };

        /// <inheritdoc />
        public override string ToString() => Text;
    }

    /// <summary>
    /// A conda MatchSpec: <c>[channel[/subdir]::]name[ version[ build]]</c> or <c>name[=version[=build]]</c>, with an
    /// optional trailing bracket section <c>[version='...', build=..., channel=..., subdir=..., build_number=...]</c>.
    /// </summary>
    /// <remarks>
    /// <list type="bullet">
    /// <item><c>numpy 1.11</c> and <c>numpy==1.11</c> are exact (<c>1.11</c> and <c>1.11.0</c>, not <c>1.11.1</c>).</item>
    /// <item><c>numpy=1.11</c> is fuzzy: a prefix match, as <c>1.11.*</c>.</item>
    /// <item><c>numpy=1.11=py27_0</c>: with a build string, a single <c>=</c> before the version is exact again (conda's rule).</item>
    /// <item>The version is a <see cref="CondaVersionSpec"/>: <c>pandas&gt;=2,&lt;3|1.5.*</c>, <c>numpy &gt;=1.8,(&lt;2|&gt;=1.7.1)</c>.</item>
    /// <item>The build string and the name are globs with <c>*</c>; names compare case-insensitively. Names without
    /// <c>*</c> must follow CEP 26 (<c>pkg..name</c>, <c>-pkg</c> and <c>pack@ge</c> are errors).</item>
    /// <item>Only one bracket section; a key given twice is an error. A bracketed version gets the same <c>=</c>/<c>==</c>
    /// translation as an unbracketed one without a build (<c>[version='=2']</c> is <c>2*</c>).</item>
    /// <item>Not supported, each with a positioned error: package file URLs and paths, regular-expression builds,
    /// bracket keys other than name, version, build, channel, subdir and build_number, and the <c>(optional)</c> suffix.</item>
    /// </list>
    /// </remarks>
    public sealed class CondaMatchSpec
    {
        private static readonly HashSet<string> KnownSubdirs = new HashSet<string>(StringComparer.Ordinal)
        {
            "noarch", "emscripten-wasm32", "wasi-wasm32", "freebsd-64",
            "linux-32", "linux-64", "linux-aarch64", "linux-armv6l", "linux-armv7l", "linux-ppc64", "linux-ppc64le", "linux-riscv64", "linux-s390x",
            "osx-64", "osx-arm64", "win-32", "win-64", "win-arm64", "zos-z",
        };

        private static readonly char[] QuotedChars = { '>', '<', '$', '^', '|', ',' };

        private CondaMatchSpec(string text, string? channel, string? subdir, string name, CondaVersionSpec? version, string? build, CondaBuildNumberSpec? buildNumber)
        {
            Text = text;
            Channel = channel;
            Subdir = subdir;
            Name = name;
            Version = version;
            Build = build;
            BuildNumber = buildNumber;
        }

        /// <summary>The text the spec was parsed from.</summary>
        public string Text { get; }

        /// <summary>The channel as written (<c>conda-forge</c>, <c>pkgs/main</c>, a URL), or null for any channel.</summary>
        public string? Channel { get; }

        /// <summary>The platform subdirectory (<c>linux-64</c>, <c>noarch</c>, ...), or null for any.</summary>
        public string? Subdir { get; }

        /// <summary>The lower-case package name; may be a glob (<c>*</c>, <c>py*</c>).</summary>
        public string Name { get; }

        /// <summary>The version constraint, or null when any version matches.</summary>
        public CondaVersionSpec? Version { get; }

        /// <summary>The build-string constraint (exact, or a glob with <c>*</c>), or null.</summary>
        public string? Build { get; }

        /// <summary>The build-number constraint, or null.</summary>
        public CondaBuildNumberSpec? BuildNumber { get; }

        /// <summary>Parses a MatchSpec or throws <see cref="FormatException"/>.</summary>
        public static CondaMatchSpec Parse(string text)
        {
            if (TryParse(text, out var spec, out var error)) return spec!;
            throw new FormatException(error!.ToString());
        }

        /// <summary>Parses a MatchSpec; on failure returns false and an error whose span lies inside <paramref name="text"/>.</summary>
        public static bool TryParse(string text, out CondaMatchSpec? spec, out VersionSyntaxError? error)
        {
            spec = null;
            error = null;
            if (text == null) { error = new VersionSyntaxError("MatchSpec is null.", 0, 0); return false; }
            int start = 0, end = text.Length;
            int hash = text.IndexOf('#');
            if (hash >= 0) end = hash;
            Trim(text, ref start, ref end);
            if (start == end) { error = new VersionSyntaxError("MatchSpec is empty; expected a package name such as 'numpy'.", 0, text.Length); return false; }

            string body = text.Substring(start, end - start);
            if (body.EndsWith(".tar.bz2", StringComparison.OrdinalIgnoreCase) || body.EndsWith(".conda", StringComparison.OrdinalIgnoreCase))
            {
                error = new VersionSyntaxError("Package file URLs and paths are not supported here; write name, version and build instead (numpy==1.26.4=py311h_0).", start, end - start);
                return false;
            }

            // Bracket section: the last '[' when the spec ends with ']'.
            string? bChannel = null, bSubdir = null, bName = null, bBuild = null;
            CondaVersionSpec? bVersion = null;
            CondaBuildNumberSpec? bBuildNumber = null;
            bool hasBVersion = false;
            if (text[end - 1] == ']')
            {
                int open = text.LastIndexOf('[', end - 1, end - start);
                if (open < 0) { error = new VersionSyntaxError("Unmatched ']' in MatchSpec.", end - 1, 1); return false; }
                if (!ParseBrackets(text, open + 1, end - 1, ref bChannel, ref bSubdir, ref bName, ref bBuild, ref bVersion, ref hasBVersion, ref bBuildNumber, out error)) return false;
                end = open;
                Trim(text, ref start, ref end);
            }
            else
            {
                int open = text.IndexOf('[', start, end - start);
                int close = open < 0 ? -1 : text.LastIndexOf(']', end - 1, end - open);
                if (close > open) { error = new VersionSyntaxError("Unexpected text after the bracket section; the [...] part must come last.", close + 1, end - close - 1); return false; }
                if (open >= 0) { error = new VersionSyntaxError("Missing ']' for this '['.", open, 1); return false; }
            }
            if (start == end) { error = new VersionSyntaxError("Expected a package name before '['.", start, 0); return false; }
            for (int k = start; k < end; k++)
            {
                if (text[k] == '[' || text[k] == ']')
                {
                    error = new VersionSyntaxError("Only one [...] section is allowed, and it must come last.", k, 1);
                    return false;
                }
            }

            // Channel and subdir: everything before the last "::".
            string? channel = null, subdir = null;
            int colons = text.LastIndexOf("::", end - 1, end - start, StringComparison.Ordinal);
            if (colons >= 0)
            {
                string ch = text.Substring(start, colons - start).Trim();
                if (ch.Length == 0) { error = new VersionSyntaxError("Expected a channel before '::'.", colons, 2); return false; }
                SplitChannel(ch, out channel, out subdir);
                start = colons + 2;
                Trim(text, ref start, ref end);
                if (start == end) { error = new VersionSyntaxError("Expected a package name after '::'.", colons, 2); return false; }
            }

            // Name: up to the first space or operator character.
            int nameEnd = start;
            while (nameEnd < end && " =<>!~\t".IndexOf(text[nameEnd]) < 0) nameEnd++;
            if (nameEnd == start) { error = new VersionSyntaxError("Expected a package name at the start of the MatchSpec.", start, 1); return false; }
            error = CheckName(text, start, nameEnd);
            if (error != null) return false;
            string name = text.Substring(start, nameEnd - start).ToLowerInvariant();

            // Version and build.
            CondaVersionSpec? version = null;
            string? build = null;
            int rest = nameEnd, restEnd = end;
            bool bareEquals = end - nameEnd == 1 && text[nameEnd] == '='; // conda reads "numpy=" as "numpy"
            Trim(text, ref rest, ref restEnd);
            if (rest < restEnd && !bareEquals && !ParseVersionAndBuild(text, rest, restEnd, out version, out build, out error)) return false;

            if (bChannel != null)
            {
                SplitChannel(bChannel, out channel, out var channelSubdir);
                if (channelSubdir != null) subdir = channelSubdir;
            }
            if (bSubdir != null) subdir = bSubdir;
            if (bName != null && name == "*") name = bName.ToLowerInvariant();
            if (hasBVersion) version = bVersion;
            if (bBuild != null) build = bBuild;
            if (version != null && version.MatchesAll) version = null;
            if (build == "*") build = null;
            spec = new CondaMatchSpec(text, channel, subdir, name, version, build, bBuildNumber);
            return true;
        }

        // A channel's last path segment is its subdir when it names a known platform; "*" is any channel.
        private static void SplitChannel(string text, out string? channel, out string? subdir)
        {
            subdir = null;
            int slash = text.LastIndexOf('/');
            if (slash >= 0 && KnownSubdirs.Contains(text.Substring(slash + 1)))
            {
                subdir = text.Substring(slash + 1);
                text = text.Substring(0, slash);
            }
            channel = text == "*" || text.Length == 0 ? null : text;
        }

        // CEP 26 package names, lower-cased: [a-z0-9] or a single '_' first (or "__" for virtual packages such as __glibc),
        // then runs of [a-z0-9] joined by single '.', '-' or '_'. Globs (with '*') are not checked further.
        private static VersionSyntaxError? CheckName(string text, int start, int end)
        {
            for (int k = start; k < end; k++)
            {
                char c = char.ToLowerInvariant(text[k]);
                if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.' || c == '*'))
                    return new VersionSyntaxError("Invalid character '" + text[k] + "' in package name; names use letters, digits, '_', '-', '.' (and '*' as a glob).", k, 1);
            }
            string name = text.Substring(start, end - start).ToLowerInvariant();
            if (name.IndexOf('*') >= 0) return null;
            int i;
            if (name.StartsWith("__", StringComparison.Ordinal))
            {
                if (name.Length < 3 || !IsAlnum(name[2])) return BadName(start, end, name);
                i = 3;
            }
            else if (IsAlnum(name[0]) || (name[0] == '_' && (name.Length == 1 || name[1] != '_'))) i = 1;
            else return BadName(start, end, name);
            if (i < name.Length && IsNameSeparator(name[i])) i++;
            while (i < name.Length)
            {
                if (!IsAlnum(name[i])) return BadName(start, end, name);
                while (i < name.Length && IsAlnum(name[i])) i++;
                if (i < name.Length) i++; // a single separator
            }
            return null;
        }

        private static VersionSyntaxError BadName(int start, int end, string name) =>
            new VersionSyntaxError("Invalid package name '" + name + "': it must start with a letter, a digit or one '_', and '.', '-', '_' cannot repeat.", start, end - start);

        private static bool IsAlnum(char c) => (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');

        private static bool IsNameSeparator(char c) => c == '.' || c == '-' || c == '_';

        private static void Trim(string s, ref int start, ref int end)
        {
            while (start < end && char.IsWhiteSpace(s[start])) start++;
            while (end > start && char.IsWhiteSpace(s[end - 1])) end--;
        }

        // conda's _parse_version_plus_build: the build is the text after the leftmost space or '=' that does not
        // follow an operator character, when that text contains none of "-=,|<>~". Then "=1.2" becomes "1.2*",
        // "==1.2" (no build) becomes "1.2", and "=1.2=build" becomes "1.2".
        private static bool ParseVersionAndBuild(string s, int a, int b, out CondaVersionSpec? version, out string? build, out VersionSyntaxError? error)
        {
            version = null;
            build = null;
            error = null;
            int split = -1;
            for (int p = a + 1; p < b; p++)
            {
                char c = s[p];
                if (c != ' ' && c != '=') continue;
                if ("=!|,<>~".IndexOf(s[p - 1]) >= 0) continue;
                if (p + 1 >= b) continue;
                bool ok = true;
                for (int k = p + 1; k < b; k++) if ("-=,|<>~".IndexOf(s[k]) >= 0) { ok = false; break; }
                if (ok) { split = p; break; }
            }
            int vEnd = b;
            if (split >= 0)
            {
                int bs = split + 1, be = b;
                Trim(s, ref bs, ref be);
                for (int k = bs; k < be; k++)
                {
                    if (char.IsWhiteSpace(s[k])) { error = new VersionSyntaxError("Unexpected text after the build string.", k, be - k); return false; }
                    if (s[k] == '^' || s[k] == '$' || s[k] == '[' || s[k] == ']' || s[k] == '(' || s[k] == ')')
                    {
                        error = new VersionSyntaxError("Invalid character '" + s[k] + "' in build string; regular expressions are not supported, use '*' globs.", k, 1);
                        return false;
                    }
                }
                build = s.Substring(bs, be - bs);
                vEnd = split;
                Trim(s, ref a, ref vEnd);
            }

            // Remove spaces, remembering where each kept character came from.
            var sb = new StringBuilder();
            var map = new List<int>();
            for (int k = a; k < vEnd; k++)
            {
                if (char.IsWhiteSpace(s[k])) continue;
                sb.Append(s[k]);
                map.Add(k);
            }
            return ParseSanitized(sb.ToString(), map, build, out version, out error);
        }

        // conda's _sanitize_version_str, then the version spec. "==1.2" (no build) is "1.2"; "=1.2" is "1.2*" without a
        // build and "1.2" with one; anything holding '=', ',' or '|' after the leading '='s is left as written.
        // map[k] is the position in the original text of v[k].
        private static bool ParseSanitized(string v, List<int> map, string? build, out CondaVersionSpec? version, out VersionSyntaxError? error)
        {
            version = null;
            error = null;
            if (v.Length == 0) return true;
            string translated = v;
            int skip = 0;
            if (v[0] == '=' && v != "=" && v != "==")
            {
                string w = v.TrimStart('=');
                if (v.StartsWith("==", StringComparison.Ordinal) && build == null) { translated = w; skip = v.Length - w.Length; }
                else if (w.IndexOf('=') < 0 && w.IndexOf(',') < 0 && w.IndexOf('|') < 0)
                {
                    skip = v.Length - w.Length;
                    translated = build == null && !w.EndsWith("*", StringComparison.Ordinal) ? w + "*" : w;
                }
            }
            if (translated.Length == 0) { error = new VersionSyntaxError("Expected a version after '" + v + "'.", map[0], map[map.Count - 1] - map[0] + 1); return false; }
            if (!CondaVersionSpec.TryParse(translated, out version, out var e))
            {
                // Map the error span back into the original text.
                int from = Math.Min(e!.Position + skip, map.Count - 1);
                int to = Math.Min(e.Position + skip + Math.Max(e.Length, 1) - 1, map.Count - 1);
                error = new VersionSyntaxError(e.Message, map[from], e.Length == 0 ? 0 : map[to] - map[from] + 1);
                return false;
            }
            return true;
        }

        private static bool ParseBrackets(string s, int a, int b, ref string? channel, ref string? subdir, ref string? name, ref string? build,
            ref CondaVersionSpec? version, ref bool hasVersion, ref CondaBuildNumberSpec? buildNumber, out VersionSyntaxError? error)
        {
            error = null;
            int i = a;
            var seen = new HashSet<string>(StringComparer.Ordinal);
            while (true)
            {
                while (i < b && (s[i] == ',' || char.IsWhiteSpace(s[i]))) i++;
                if (i >= b)
                {
                    if (seen.Count == 0) { error = new VersionSyntaxError("Empty [...] section; write key=value pairs such as [build=py311*].", a - 1, b - a + 2); return false; }
                    return true;
                }
                int ks = i;
                while (i < b && ((s[i] < 128 && char.IsLetterOrDigit(s[i])) || s[i] == '_' || s[i] == '-')) i++;
                if (i == ks) { error = new VersionSyntaxError("Expected a key such as version= or build= in the brackets.", i, 1); return false; }
                string key = s.Substring(ks, i - ks);
                if (!seen.Add(key)) { error = new VersionSyntaxError("The key '" + key + "' is given twice in the brackets.", ks, i - ks); return false; }
                bool operatorValue = key == "version" && i < b && "<>!~".IndexOf(s[i]) >= 0; // conda's deprecated numpy[version<2]
                if (!operatorValue && (i >= b || s[i] != '='))
                {
                    error = new VersionSyntaxError("Expected '=' after '" + key + "' (write " + key + "='...').", i, i < b ? 1 : 0);
                    return false;
                }
                if (!operatorValue) i++;
                int vs, ve;
                if (!operatorValue && i < b && (s[i] == '\'' || s[i] == '"'))
                {
                    char q = s[i];
                    int close = s.IndexOf(q, i + 1, b - i - 1);
                    if (close < 0) { error = new VersionSyntaxError("Missing closing " + q + " for this value.", i, 1); return false; }
                    vs = i + 1;
                    ve = close;
                    i = close + 1;
                }
                else
                {
                    vs = i;
                    while (i < b && s[i] != ',' && !char.IsWhiteSpace(s[i])) i++;
                    ve = i;
                }
                if (vs == ve) { error = new VersionSyntaxError("Empty value for '" + key + "'.", ks, i - ks); return false; }
                string value = s.Substring(vs, ve - vs).Trim();
                switch (key)
                {
                    case "version":
                    {
                        int ts = vs, te = ve;
                        Trim(s, ref ts, ref te);
                        var map = new List<int>();
                        for (int k = ts; k < te; k++) map.Add(k);
                        if (!ParseSanitized(s.Substring(ts, te - ts), map, null, out version, out error)) return false;
                        hasVersion = true;
                        break;
                    }
                    case "build":
                        if (value.IndexOf('^') >= 0 || value.IndexOf('$') >= 0)
                        {
                            error = new VersionSyntaxError("Regular-expression build strings are not supported; use '*' globs.", vs, ve - vs);
                            return false;
                        }
                        build = value;
                        break;
                    case "channel": channel = value; break;
                    case "subdir": subdir = value; break;
                    case "name": name = value; break;
                    case "build_number":
                        if (!CondaBuildNumberSpec.TryParse(s, vs, ve - vs, out buildNumber, out error)) return false;
                        break;
                    case "md5":
                    case "sha256":
                    case "fn":
                    case "url":
                    case "license":
                    case "license_family":
                    case "track_features":
                    case "features":
                    case "target":
                    case "optional":
                        error = new VersionSyntaxError("The MatchSpec key '" + key + "' is not supported here; use name, version, build, channel, subdir or build_number.", ks, ve - ks);
                        return false;
                    default:
                        error = new VersionSyntaxError("Unknown MatchSpec key '" + key + "'; use name, version, build, channel, subdir or build_number.", ks, i - ks);
                        return false;
                }
                if (i < b && s[i] != ',' && !char.IsWhiteSpace(s[i]))
                {
                    error = new VersionSyntaxError("Expected ',' between bracket entries.", i, 1);
                    return false;
                }
            }
        }

        /// <summary>
        /// Whether a package with this name, version and build satisfies the spec. The channel and subdir are not
        /// checked (a record's channel is not known here). A build or build-number constraint fails when the value is null.
        /// </summary>
        public bool IsSatisfiedBy(string name, CondaVersion version, string? build = null, long? buildNumber = null)
        {
            if (name == null) throw new ArgumentNullException(nameof(name));
            if (version == null) throw new ArgumentNullException(nameof(version));
            if (!Glob.IsMatch(Name, name, ignoreCase: true)) return false;
            if (Version != null && !Version.IsSatisfiedBy(version)) return false;
            if (Build != null && (build == null || !Glob.IsMatch(Build, build, ignoreCase: false))) return false;
            if (BuildNumber != null && (buildNumber == null || !BuildNumber.IsSatisfiedBy(buildNumber.Value))) return false;
            return true;
        }

        /// <summary>As <see cref="IsSatisfiedBy(string, CondaVersion, string?, long?)"/>; false when <paramref name="version"/> is not a valid conda version.</summary>
        public bool IsSatisfiedBy(string name, string version, string? build = null, long? buildNumber = null) =>
            CondaVersion.TryParse(version, out var v, out _) && IsSatisfiedBy(name, v!, build, buildNumber);

        /// <summary>
        /// The canonical form, as conda's <c>str(MatchSpec)</c>: <c>conda-forge/linux-64::numpy==1.7=py38_0</c>,
        /// <c>numpy=1.7</c> for prefix matches, <c>numpy[version='&gt;=1.7,&lt;2',build=py3*]</c> otherwise.
        /// </summary>
        public override string ToString()
        {
            var sb = new StringBuilder();
            var brackets = new List<string>();
            bool exactChannel = Channel != null && Channel.IndexOf('*') < 0;
            if (exactChannel) sb.Append(Channel);
            else if (Channel != null) brackets.Add("channel=" + Channel);
            if (Subdir != null)
            {
                if (exactChannel) sb.Append('/').Append(Subdir);
                else brackets.Add("subdir=" + Subdir);
            }
            if (sb.Length > 0) sb.Append("::");
            sb.Append(Name);
            bool versionExact = false;
            if (Version != null)
            {
                string v = Version.ToString();
                if (v.IndexOfAny(QuotedChars) >= 0) brackets.Add("version='" + v + "'");
                else if (v.StartsWith("!=", StringComparison.Ordinal) || v.StartsWith("~=", StringComparison.Ordinal))
                {
                    if (Build != null) brackets.Add("version='" + v + "'");
                    else sb.Append(v);
                }
                else if (v.EndsWith(".*", StringComparison.Ordinal)) sb.Append('=').Append(v, 0, v.Length - 2);
                else if (v.EndsWith("*", StringComparison.Ordinal)) sb.Append('=').Append(v, 0, v.Length - 1);
                else if (v.StartsWith("==", StringComparison.Ordinal)) { sb.Append(v); versionExact = true; }
                else if (v.StartsWith("=", StringComparison.Ordinal)) sb.Append(v);
                else { sb.Append("==").Append(v); versionExact = true; }
            }
            if (Build != null)
            {
                if (Build.IndexOfAny(QuotedChars) >= 0) brackets.Add("build='" + Build + "'");
                else if (Build.IndexOf('*') >= 0) brackets.Add("build=" + Build);
                else if (versionExact) sb.Append('=').Append(Build);
                else brackets.Add("build=" + Build);
            }
            if (BuildNumber != null) brackets.Add("build_number=" + BuildNumber.Text);
            if (brackets.Count > 0) sb.Append('[').Append(string.Join(",", brackets)).Append(']');
            return sb.ToString();
        }
    }
}
