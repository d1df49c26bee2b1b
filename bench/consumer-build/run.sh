#!/usr/bin/env bash
# The build a consumer pays for SparkJobGen: two generated projects with the same job classes (JOBS jobs in ENVS shared
# environments, 5 typed parameters, 3 conda and 1 pip package, a channel and a Spark conf entry each), one referencing the
# packed SparkJobGen package, the other compiling only the attribute sources (no generator, analyzers or MSBuild step).
# Each round builds both, in alternating order, two ways:
#   rebuild  `dotnet build --no-restore -t:Rebuild` of a restored project;
#   clean    `dotnet build` after deleting bin/ and obj/ (restore included), the issue's "clean build".
# It prints the wall-clock times, their medians and the ratio of each kind (with each round's own ratio and a bootstrap
# interval over the rounds), then one rebuild with -p:ReportAnalyzer=true that breaks the package variant's compile down
# into analyzers and generator.
#
# The compiler runs as `dotnet build` runs it by default, in the compiler server (VBCSCompiler), whatever the environment
# says: CSC=fresh measures one csc process per build instead (UseSharedCompilation=false), which JIT-compiles the compiler,
# the generators and the analyzers in every build.
#
#   bench/consumer-build/run.sh [ROUNDS] [JOBS] [ENVS]        (defaults 5 300 30)
#   WARMUP=6 bench/consumer-build/run.sh                      rebuilds each project 6 times before measuring (default 1)
#   KINDS=rebuild bench/consumer-build/run.sh                 measures only rebuilds (or only clean builds: KINDS=clean)
#   FEED=/folder/with/nupkg VERSION=x.y.z bench/consumer-build/run.sh   reuses a packed package instead of packing one
#   WORK=/empty/folder bench/consumer-build/run.sh 0                     generates, restores and builds the two projects
#                                                                        there and keeps them (for -bl or PerformanceSummary)
# Needs GNU time at /usr/bin/time (Debian: apt-get install time) for the CPU time column.
set -euo pipefail
rounds=${1:-5}
jobs=${2:-300}
envs=${3:-30}
root=$(cd "$(dirname "$0")/../.." && pwd)
if [[ -n "${WORK:-}" ]]; then
  mkdir -p "$WORK"
  work=$(cd "$WORK" && pwd)
else
  work=$(mktemp -d "${TMPDIR:-/tmp}/sjg-consumer-bench.XXXXXX")
  trap 'rm -rf "$work"; dotnet build-server shutdown >/dev/null 2>&1 || true' EXIT
fi
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 MSBUILDDISABLENODEREUSE=1
case "${CSC:-server}" in
  server) export UseSharedCompilation=true ;;
  fresh) export UseSharedCompilation=false ;;
  *) echo "CSC must be server or fresh, not '$CSC'" >&2; exit 2 ;;
esac
kinds=${KINDS:-rebuild clean}
for kind in $kinds; do
  [[ $kind == rebuild || $kind == clean ]] || { echo "KINDS lists rebuild and/or clean, not '$kind'" >&2; exit 2; }
done

if [[ -z "${FEED:-}" ]]; then
  VERSION="0.1.0-bench$(date -u +%Y%m%d%H%M%S)"
  FEED="$work/feed"
  dotnet pack "$root/src/SparkJobGen" -c Release -o "$FEED" -p:Version="$VERSION" >/dev/null
fi
: "${VERSION:?set VERSION with FEED}"

cat > "$work/nuget.config" <<XML
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources><add key="bench" value="$FEED" /></packageSources>
  <packageSourceMapping>
    <packageSource key="bench"><package pattern="SparkJobGen" /></packageSource>
    <packageSource key="nuget.org"><package pattern="*" /></packageSource>
  </packageSourceMapping>
</configuration>
XML

generate() { # $1 folder, $2 extra csproj items
  local dir=$1
  mkdir -p "$dir/jobs"
  cat > "$dir/Bench.csproj" <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <TargetFramework>net10.0</TargetFramework>
    <Nullable>enable</Nullable>
    <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
  </PropertyGroup>
  <ItemGroup>
$2
  </ItemGroup>
</Project>
XML
  echo '[assembly: SparkJobGen.CondaChannel("conda-forge")]' > "$dir/Assembly.cs"
  for ((i = 0; i < jobs; i++)); do
    local env="env$((i % envs))"
    echo "print('job $i')" > "$dir/jobs/job_$i.py"
    cat > "$dir/Job$i.cs" <<CS
using System;
using System.Collections.Generic;
using SparkJobGen;

namespace Bench.Jobs;

public enum Mode$i { Full, Incremental }

[SparkJob("jobs/job_$i.py", Environment = "$env")]
[PythonVersion("3.11")]
[PySpark("3.5.1")]
[CondaPackage("numpy", ">=1.26,<2")]
[CondaPackage("pandas", "2.1.*")]
[CondaPackage("pyarrow", ">=14")]
[PipPackage("requests", ">=2.31")]
[SparkConf("spark.sql.shuffle.partitions", "$((100 + i))")]
public partial class Job$i
{
    [JobParameter("--input")] public required Uri Input { get; init; }
    [JobParameter("--run-date")] public required DateOnly RunDate { get; init; }
    [JobParameter("--threshold")] public double Threshold { get; init; } = 0.5;
    [JobParameter("--segment")] public IReadOnlyList<string> Segments { get; init; } = [];
    [JobParameter("--mode")] public Mode$i Mode { get; init; }
}
CS
  done
}

generate "$work/with" "    <PackageReference Include=\"SparkJobGen\" Version=\"$VERSION\" />"
generate "$work/without" "    <Compile Include=\"$root/src/SparkJobGen.Abstractions/*.cs\" Link=\"Abstractions/%(Filename)%(Extension)\" />"
for variant in with without; do
  dotnet restore "$work/$variant" >/dev/null
done
# A compiler server left by earlier builds holds their analyzer and generator assemblies and compilations: start from none.
dotnet build-server shutdown >/dev/null 2>&1 || true
# Warm-up: the disk cache and, with the compiler server, its JIT (the server re-compiles the compiler's, the generator's
# and the analyzers' hot methods during its first few builds; WARMUP=6 reaches the steady state on the machine below).
for ((w = 0; w < ${WARMUP:-1}; w++)); do
  for variant in with without; do
    dotnet build --no-restore -t:Rebuild "$work/$variant" >/dev/null
  done
done

server_ticks() { # user+sys clock ticks of the running compiler server, 0 when there is none
  local pid
  pid=$(pgrep -f 'VBCSCompiler' | head -1)
  if [[ -n $pid && -r /proc/$pid/stat ]]; then awk '{print $14 + $15}' "/proc/$pid/stat"; else echo 0; fi
}

build() { # $1 variant, $2 kind: the build command a round times
  if [[ $2 == clean ]]; then
    rm -rf "$work/$1/bin" "$work/$1/obj"
    dotnet build "$work/$1" >/dev/null
  else
    dotnet build --no-restore -t:Rebuild "$work/$1" >/dev/null
  fi
}

measure() { # prints "wall cpu": seconds elapsed, and user+sys seconds of the build, every process it waited for and the compiler server's share
  local times before after
  times=$(mktemp)
  before=$(server_ticks)
  /usr/bin/time -f "%e %U %S" -o "$times" bash -c "$(declare -f build); work='$work'; build $1 $2"
  after=$(server_ticks)
  # A server started by this build has no "before": all its ticks are this build's.
  ((after < before)) && before=0
  awk -v server="$(((after - before)))" -v hz="$(getconf CLK_TCK)" '{printf "%s %.2f\n", $1, $2 + $3 + server / hz}' "$times"
  rm -f "$times"
}

if ((rounds == 0)); then
  echo "projects kept in $work/with and $work/without"
  exit 0
fi

declare -A times cpu
for ((r = 1; r <= rounds; r++)); do
  if ((r % 2)); then order="with without"; else order="without with"; fi
  for kind in $kinds; do
    for variant in $order; do
      read -r t c < <(measure "$variant" "$kind")
      times[$kind.$variant]+="$t "
      cpu[$kind.$variant]+="$c "
      echo "round $r $kind $variant ${t}s, cpu ${c}s (load $(cut -d' ' -f1 /proc/loadavg))"
    done
  done
done

median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
echo
echo "commit $(git -C "$root" rev-parse --short HEAD), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), dotnet $(dotnet --version)"
echo "jobs $jobs, environments $envs, rounds $rounds, compiler: ${CSC:-server}"
for kind in $kinds; do
  # shellcheck disable=SC2086
  mw=$(median ${times[$kind.with]})
  # shellcheck disable=SC2086
  mo=$(median ${times[$kind.without]})
  echo
  echo "$kind: median with SparkJobGen ${mw}s (${times[$kind.with]% }), without ${mo}s (${times[$kind.without]% })"
  echo "$kind: ratio $(echo "scale=2; $mw / $mo" | bc)"
  # Each round built both projects back to back, so a round's own ratio cancels the drift of the machine's speed between
  # rounds; resampling whole rounds (bootstrap, fixed seed) gives how far the ratio of medians moves with the rounds drawn.
  python3 - "$kind" "${times[$kind.with]}" "${times[$kind.without]}" <<'PY'
import random, statistics, sys
kind = sys.argv[1]
w = [float(x) for x in sys.argv[2].split()]
o = [float(x) for x in sys.argv[3].split()]
rounds = list(zip(w, o))
random.seed(1)
boot = sorted(statistics.median(a for a, _ in s) / statistics.median(b for _, b in s)
              for s in ([random.choice(rounds) for _ in rounds] for _ in range(10000)))
print("%s: per-round ratios: median %.2f (%s)" % (kind, statistics.median(a / b for a, b in rounds), " ".join("%.2f" % (a / b) for a, b in rounds)))
print("%s: ratio of medians, 90%% bootstrap interval over rounds: %.2f-%.2f" % (kind, boot[len(boot) // 20], boot[len(boot) * 19 // 20]))
PY
  # CPU time counts the compiler either way: a fresh csc is a child of the build, and a compiler server's user+sys ticks are
  # read from /proc before and after each build. It is steadier than wall time on a busy machine.
  # shellcheck disable=SC2086
  cw=$(median ${cpu[$kind.with]})
  # shellcheck disable=SC2086
  co=$(median ${cpu[$kind.without]})
  echo "$kind: median cpu (user+sys) with ${cw}s, without ${co}s, ratio $(echo "scale=2; $cw / $co" | bc)"
done
echo
generated=$(dotnet build --no-restore -t:Rebuild "$work/with" -p:EmitCompilerGeneratedFiles=true -p:CompilerGeneratedFilesOutputPath="$work/generated" >/dev/null; cat $(find "$work/generated" -name '*.cs') | wc -l)
echo "generated C# lines: $generated"
echo
echo "analyzer and generator time in one rebuild with SparkJobGen (-p:ReportAnalyzer=true):"
dotnet build --no-restore -t:Rebuild "$work/with" -p:ReportAnalyzer=true -v:d 2>&1 \
  | grep -E "Total (analyzer|generator) execution time|SparkJobGen\.Generators\.(Diagnostics\.)?[A-Za-z]+ *$|^ +[0-9.]+ +[0-9]+ +SparkJobGen" | sed 's/^ *//' | sort -u | head -20
