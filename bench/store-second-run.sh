#!/usr/bin/env bash
# Time to spark-submit through an environment store, as a user meets it: the first submission uploads the archive, every
# later one of the unchanged environment finds it in the store (0 bytes uploaded) and goes straight to spark-submit, and a
# changed environment is uploaded once, then found again. Every run is its own process of the tool, with --json, whose
# `store` field says what the store did (the script stops when a run does not do what its case expects); "to spark-submit" is
# from fork to the moment a stand-in spark-submit (it only records the time and exits 0) is started. Stores: S3 (s3rver
# behind tests/servers/s3-verifier.js, both on 127.0.0.1; needs `npm ci` in tests/servers) and a folder (file://). Cases:
#   run-large  `sparkjobgen run lint-templates` of a job project generated here whose environment has ~45k files:
#              thirteen real pip distributions and their dependencies (cfn-lint, moto, awscli, jedi, pygments,
#              prompt-toolkit, sympy, libcst, trio, aws-xray-sdk, openapi-spec-validator, flask, graphql-core: 71
#              distributions, as wheels rebuilt from this machine's installed copies by bench/wheels-from-installed.py,
#              since there is no package index here) and a small package of the job's own (sjg-bench-rules). The tool
#              creates the environment (--tool venv, pip with --no-index --find-links), packs it standalone, verifies it
#              and uploads it on the first run (YARN cluster mode); later runs reuse all three. The same job in YARN
#              client mode then finds it too. Then the job's own package goes from 1.0 to 1.1 (the project is rebuilt):
#              the changed environment is created, packed and uploaded once, then found again.
#   run        `sparkjobgen run summarize-customers` of samples/CustomerScoring (environment `reporting`, Python only);
#   submit     `sparkjobgen submit … --archive <archive>` of a --system-site-packages venv over the Python on PATH, packed once.
#
#   CASES="run-large run submit" bench/store-second-run.sh TOOL [ROUNDS]
#
# TOOL: the native tool (`dotnet publish src/SparkJobGen.Cli -f net10.0 -r linux-x64 -c Release -o DIR`, then
# DIR/SparkJobGen.Cli) or `dotnet …/SparkJobGen.Cli.dll`.
set -euo pipefail
tool=${1:?tool command}
rounds=${2:-5}
cases=${CASES:-run-large run submit}
root=$(cd "$(dirname "$0")/.." && pwd)
scratch=$(mktemp -d)
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; rm -rf "$scratch"; }
trap cleanup EXIT
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 MSBUILDDISABLENODEREUSE=1

now() { date +%s%N; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
ms() { awk -v n="$1" 'BEGIN {printf "%.0f", n / 1e6}'; }
load() { cut -d' ' -f1-3 /proc/loadavg; }

# The stand-in spark-submit. The preflight's `spark-submit --version` starts it too; the last start is the submission.
mkdir -p "$scratch/spark/bin"
printf '#!/bin/sh\ndate +%%s%%N > "%s/reached"\nexit 0\n' "$scratch" > "$scratch/spark/bin/spark-submit"
chmod +x "$scratch/spark/bin/spark-submit"

# s3rver and the signature-checking front.
servers="$root/tests/servers"
: > "$scratch/s3rver.out"
: > "$scratch/verifier.out"
node --openssl-legacy-provider "$servers/node_modules/s3rver/bin/s3rver.js" -d "$scratch/s3" -a 127.0.0.1 -p 0 -s --no-vhost-buckets --configure-bucket envs > "$scratch/s3rver.out" 2>&1 &
pids+=($!)
until grep -q 'listening on' "$scratch/s3rver.out"; do kill -0 "${pids[-1]}" 2>/dev/null || { cat "$scratch/s3rver.out" >&2; exit 1; }; sleep 0.1; done
s3port=$(sed -nE 's/.*listening on 127\.0\.0\.1:([0-9]+).*/\1/p' "$scratch/s3rver.out")
node "$servers/s3-verifier.js" "$s3port" S3RVER S3RVER > "$scratch/verifier.out" 2>&1 &
pids+=($!)
until grep -q 'listening on' "$scratch/verifier.out"; do kill -0 "${pids[-1]}" 2>/dev/null || { cat "$scratch/verifier.out" >&2; exit 1; }; sleep 0.1; done
vport=$(sed -nE 's/.*listening on 127\.0\.0\.1:([0-9]+).*/\1/p' "$scratch/verifier.out")
export AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER AWS_REGION=us-east-1 AWS_ENDPOINT_URL_S3="http://127.0.0.1:$vport"
export SPARKJOBGEN_CACHE="$scratch/cache" CI=1
mkdir -p "$scratch/folder-store"
common=(--master yarn --deploy-mode cluster --spark-submit "$scratch/spark/bin/spark-submit")

echo "tool: $tool"
echo "commit: $(git -C "$root" rev-parse --short HEAD)$(git -C "$root" diff --quiet HEAD || echo ' (with local changes)')"
echo "machine: $(nproc) cores, $(sed -nE 's/^model name\s*:\s*//p' /proc/cpuinfo | head -1)"
echo "load average before: $(load)"

# One timed invocation with --json. Prints "<ns to spark-submit> <store outcome> <bytes uploaded> <environment reused>
# <archive reused> <archive path>" ("-" where the document has no such field).
timed() {
  rm -f "$scratch/reached"
  local start
  start=$(now)
  $tool "$@" --json > "$scratch/out.json" 2> "$scratch/err.txt" || { cat "$scratch/out.json" "$scratch/err.txt" >&2; exit 1; }
  local reached
  reached=$(cat "$scratch/reached")
  python3 - "$scratch/out.json" "$(( reached - start ))" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
store = doc.get("store") or {}
flag = lambda value: "-" if value is None else str(value).lower()
print(sys.argv[2], store.get("outcome", "-"), store.get("bytesUploaded", "-"), flag((doc.get("environment") or {}).get("reused")),
      flag(doc.get("archiveReused")), doc.get("archive") or "-")
PY
}

# bench_case LABEL STORE FIRST_OUTCOME ARGS...: one first run that must end with FIRST_OUTCOME (uploaded), then ROUNDS
# later runs that must be hits with 0 bytes uploaded (and, for run, a reused environment and archive).
bench_case() {
  local label=$1 store=$2 expect=$3
  shift 3
  local first hits=() line fields
  first=$(timed "$@" --store "$store")
  read -r -a fields <<< "$first"
  [ "${fields[1]}" = "$expect" ] || { echo "$label: the first run's store outcome is ${fields[1]}, not $expect" >&2; exit 1; }
  line="$label: first ($expect, ${fields[2]} bytes; environment reused ${fields[3]}, archive reused ${fields[4]}) $(ms "${fields[0]}") ms; later (0 bytes uploaded)"
  for _ in $(seq 1 "$rounds"); do
    local result
    result=$(timed "$@" --store "$store")
    read -r -a fields <<< "$result"
    [ "${fields[1]}" = hit ] && [ "${fields[2]}" = 0 ] || { echo "$label: a later run was not a hit with 0 bytes uploaded: ${fields[*]}" >&2; exit 1; }
    [ "${fields[3]}" != false ] && [ "${fields[4]}" != false ] || { echo "$label: a later run created or packed again: ${fields[*]}" >&2; exit 1; }
    hits+=("${fields[0]}")
    line+=" $(ms "${fields[0]}")"
  done
  echo "$line ms; median $(ms "$(printf '%s\n' "${hits[@]}" | median)") ms; load $(load)"
  last_archive=${fields[5]}
}

# The pip requirements of run-large's job: tools a cloud-template checking job could use (71 distributions with their
# dependencies), at the versions installed on the machine the wheels are rebuilt from.
large_roots=(cfn-lint==1.51.0 moto==5.2.1 awscli==1.45.11 jedi==0.20.0 pygments==2.20.0 prompt-toolkit==3.0.52 sympy==1.14.0
  libcst==1.0.1 trio==0.22.2 aws-xray-sdk==2.15.0 openapi-spec-validator==0.9.0 flask==3.1.3 graphql-core==3.2.8)

# The generated job project of run-large, built against this checkout (as samples/ are). $1: the rules package's version.
job_project() {
  local dir="$scratch/job"
  mkdir -p "$dir/jobs"
  printf '<Project><Import Project="%s/samples/Directory.Build.props" /></Project>\n' "$root" > "$dir/Directory.Build.props"
  printf '<Project><Import Project="%s/samples/Directory.Build.targets" /></Project>\n' "$root" > "$dir/Directory.Build.targets"
  cat > "$dir/CloudLint.csproj" <<'XML'
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <TargetFramework>net10.0</TargetFramework>
    <Nullable>enable</Nullable>
    <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
  </PropertyGroup>
</Project>
XML
  printf 'import argparse, awscli, cfnlint, moto, sjg_bench_rules\n' > "$dir/jobs/lint_templates.py"
  cat > "$dir/Jobs.cs" <<CS
using SparkJobGen;

[assembly: PythonVersion("3.11")]

namespace CloudLint;

[SparkJob("jobs/lint_templates.py", Name = "lint-templates", Environment = "cloudtools")]
$(for root in "${large_roots[@]}"; do printf '[PipPackage("%s", "==%s")]\n' "${root%%==*}" "${root#*==}"; done)
[PipPackage("sjg-bench-rules", "==$1")]
public partial class LintTemplates
{
    [JobParameter("--templates")] public string Templates { get; init; } = "s3a://templates/";
}
CS
  dotnet build "$dir" -v q -nologo > "$scratch/build.out" 2>&1 || { cat "$scratch/build.out" >&2; exit 1; }
  job_assembly=$(dotnet msbuild "$dir/CloudLint.csproj" -getProperty:TargetPath -nologo)
}

# The job's own small package, one wheel per version.
rules_wheel() {
  python3 - "$scratch/wheels" "$1" <<'PY'
import base64, hashlib, sys, zipfile
out, version = sys.argv[1], sys.argv[2]
info = f"sjg_bench_rules-{version}.dist-info"
files = {
    "sjg_bench_rules/__init__.py": f'"""Lint rules of the job."""\nVERSION = "{version}"\n',
    f"{info}/METADATA": f"Metadata-Version: 2.1\nName: sjg-bench-rules\nVersion: {version}\n",
    f"{info}/WHEEL": "Wheel-Version: 1.0\nGenerator: store-second-run.sh\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
    f"{info}/top_level.txt": "sjg_bench_rules\n",
}
record = [f"{name},sha256={base64.urlsafe_b64encode(hashlib.sha256(text.encode()).digest()).rstrip(b'=').decode()},{len(text.encode())}" for name, text in files.items()]
files[f"{info}/RECORD"] = "\n".join(record + [f"{info}/RECORD,,"]) + "\n"
with zipfile.ZipFile(f"{out}/sjg_bench_rules-{version}-py3-none-any.whl", "w") as wheel:
    for name, text in files.items():
        wheel.writestr(name, text)
PY
}

for case in $cases; do
  case $case in
    run-large)
      python3 "$root/bench/wheels-from-installed.py" "$scratch/wheels" "${large_roots[@]%%==*}" | tail -1 | sed 's/^/wheels rebuilt from installed distributions, /'
      rules_wheel 1.0
      rules_wheel 1.1
      job_project 1.0
      large=(run lint-templates --assembly "$job_assembly" "${common[@]}" --tool venv --pip-arg=--no-index "--pip-arg=--find-links=$scratch/wheels")
      bench_case "run-large 1.0, S3" "s3a://envs/large/" uploaded "${large[@]}"
      echo "run-large environment: $(tar -tzf "$last_archive" | wc -l) entries, $(stat -c %s "$last_archive") bytes packed"
      bench_case "run-large 1.0, folder" "file://$scratch/folder-store/" uploaded "${large[@]}"
      # YARN client mode: the driver runs here with the environment's interpreter, and the preflight compares its Python with
      # the packed one (read from the archive once, then cached with it).
      client=(run lint-templates --assembly "$job_assembly" --master yarn --deploy-mode client --spark-submit "$scratch/spark/bin/spark-submit" --tool venv --pip-arg=--no-index "--pip-arg=--find-links=$scratch/wheels")
      bench_case "run-large 1.0, client mode, S3" "s3a://envs/large/" hit "${client[@]}"
      job_project 1.1
      bench_case "run-large 1.1 (changed), S3" "s3a://envs/large/" uploaded "${large[@]}"
      echo "run-large changed environment: $(tar -tzf "$last_archive" | wc -l) entries, $(stat -c %s "$last_archive") bytes packed"
      bench_case "run-large 1.1 (changed), folder" "file://$scratch/folder-store/" uploaded "${large[@]}"
      objects=$($tool store ls s3a://envs/large/ --json 2> /dev/null | python3 -c 'import json, sys; print(len(json.load(sys.stdin)["archives"]))')
      [ "$objects" = 2 ] || { echo "the S3 store holds $objects archives, not 2 (one per environment version)" >&2; exit 1; }
      ;;
    run)
      dotnet build "$root/samples/CustomerScoring" -v q -nologo > /dev/null
      # --assembly, not --project: with --project the tool asks `dotnet msbuild -getProperty:TargetPath` where the assembly
      # is, a process of its own (1.5 s here) that is not part of shipping.
      sample=$(dotnet msbuild "$root/samples/CustomerScoring/CustomerScoring.csproj" -getProperty:TargetPath -nologo)
      small=(run summarize-customers --assembly "$sample" "${common[@]}" --tool venv)
      bench_case "run, S3" "s3a://envs/run/" uploaded "${small[@]}"
      bench_case "run, folder" "file://$scratch/folder-store/" uploaded "${small[@]}"
      ;;
    submit)
      [ -n "${sample:-}" ] || { dotnet build "$root/samples/CustomerScoring" -v q -nologo > /dev/null; sample=$(dotnet msbuild "$root/samples/CustomerScoring/CustomerScoring.csproj" -getProperty:TargetPath -nologo); }
      python3 -m venv --system-site-packages --without-pip "$scratch/venv-system"
      $tool pack -p "$scratch/venv-system" -o "$scratch/venv-system.tar.gz" -q -j 2 --compress-level 4 > /dev/null
      echo "submit archive: $(tar -tzf "$scratch/venv-system.tar.gz" | wc -l) entries, $(stat -c %s "$scratch/venv-system.tar.gz") bytes packed"
      archived=(submit summarize-customers --assembly "$sample" "${common[@]}" --archive "$scratch/venv-system.tar.gz")
      bench_case "submit, S3" "s3a://envs/submit/" uploaded "${archived[@]}"
      bench_case "submit, folder" "file://$scratch/folder-store/" uploaded "${archived[@]}"
      ;;
    *) echo "unknown case '$case' (run-large, run, submit)" >&2; exit 2 ;;
  esac
done
echo "load average after: $(load)"
