#!/usr/bin/env bash
# Time to spark-submit through an environment store, as a user meets it: the first submission uploads the archive, every
# later one of the unchanged environment finds it in the store (0 bytes uploaded) and goes straight to spark-submit.
# Every run is its own process of the tool; "to spark-submit" is from fork to the moment a stand-in spark-submit (it only
# records the time and exits 0) is started. Stores: S3 (s3rver behind tests/servers/s3-verifier.js, both on 127.0.0.1; needs
# `npm ci` in tests/servers) and a folder (file://). Two cases:
#   run    `sparkjobgen run summarize-customers` of samples/CustomerScoring (environment `reporting`, Python only:
#          created with venv, packed standalone, verified), YARN cluster mode;
#   submit `sparkjobgen submit … --archive <46k-file environment>.tar.gz`: a --system-site-packages venv over the Python on
#          PATH (46,274 entries with pyenv 3.11.7), packed once with the tool.
#
#   bench/store-second-run.sh TOOL [ROUNDS]
#
# TOOL: the native tool (`dotnet publish src/SparkJobGen.Cli -c Release -r linux-x64`, then
# artifacts/publish/SparkJobGen.Cli/release_linux-x64/SparkJobGen.Cli) or `dotnet …/SparkJobGen.Cli.dll`.
set -euo pipefail
tool=${1:?tool command}
rounds=${2:-5}
root=$(cd "$(dirname "$0")/.." && pwd)
scratch=$(mktemp -d)
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; rm -rf "$scratch"; }
trap cleanup EXIT

now() { date +%s%N; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
ms() { awk -v n="$1" 'BEGIN {printf "%.0f", n / 1e6}'; }

# The stand-in spark-submit.
mkdir -p "$scratch/spark/bin"
printf '#!/bin/sh\ndate +%%s%%N > "%s/reached"\nexit 0\n' "$scratch" > "$scratch/spark/bin/spark-submit"
chmod +x "$scratch/spark/bin/spark-submit"

# s3rver and the signature-checking front.
servers="$root/tests/servers"
node --openssl-legacy-provider "$servers/node_modules/s3rver/bin/s3rver.js" -d "$scratch/s3" -a 127.0.0.1 -p 0 -s --no-vhost-buckets --configure-bucket envs > "$scratch/s3rver.out" 2>&1 &
pids+=($!)
until grep -q 'listening on' "$scratch/s3rver.out"; do sleep 0.1; done
s3port=$(sed -nE 's/.*listening on 127\.0\.0\.1:([0-9]+).*/\1/p' "$scratch/s3rver.out")
node "$servers/s3-verifier.js" "$s3port" S3RVER S3RVER > "$scratch/verifier.out" 2>&1 &
pids+=($!)
until grep -q 'listening on' "$scratch/verifier.out"; do sleep 0.1; done
vport=$(sed -nE 's/.*listening on 127\.0\.0\.1:([0-9]+).*/\1/p' "$scratch/verifier.out")
export AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER AWS_REGION=us-east-1 AWS_ENDPOINT_URL_S3="http://127.0.0.1:$vport"
export SPARKJOBGEN_CACHE="$scratch/cache" CI=1
mkdir -p "$scratch/folder-store"

# The 46k-file environment and its archive.
python3 -m venv --system-site-packages --without-pip "$scratch/venv-system"
$tool pack -p "$scratch/venv-system" -o "$scratch/venv-system.tar.gz" -q -j 2 --compress-level 4 > /dev/null
entries=$(tar -tzf "$scratch/venv-system.tar.gz" | wc -l)
echo "tool: $tool"
echo "46k environment: $entries entries, $(stat -c %s "$scratch/venv-system.tar.gz") bytes packed"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"

dotnet build "$root/samples/CustomerScoring" -v q -nologo > /dev/null
# --assembly, not --project: with --project the tool asks `dotnet msbuild -getProperty:TargetPath` where the assembly is,
# a process of its own (1.5 s here) that is not part of shipping.
assembly=$(dotnet msbuild "$root/samples/CustomerScoring/CustomerScoring.csproj" -getProperty:TargetPath -nologo)
common=(--master yarn --deploy-mode cluster --spark-submit "$scratch/spark/bin/spark-submit")

# One timed invocation: prints "<ms to spark-submit> <outcome>".
timed() {
  rm -f "$scratch/reached"
  local start out
  start=$(now)
  out=$($tool "$@" 2>&1) || { echo "$out" >&2; exit 1; }
  local reached
  reached=$(cat "$scratch/reached")
  local outcome=upload
  grep -q '==> store: hit ' <<< "$out" && outcome=hit
  grep -q '0 bytes uploaded' <<< "$out" || [ "$outcome" = upload ] || { echo "a hit that uploaded bytes:" >&2; echo "$out" >&2; exit 1; }
  echo "$(( reached - start )) $outcome"
}

bench_case() {
  local label=$1 store=$2
  shift 2
  local first hits=() line
  first=$(timed "$@" --store "$store")
  [ "${first#* }" = upload ] || { echo "$label: the first run did not upload" >&2; exit 1; }
  line="$label: first (uploads) $(ms "${first% *}") ms; later (0 bytes uploaded)"
  for _ in $(seq 1 "$rounds"); do
    local r
    r=$(timed "$@" --store "$store")
    [ "${r#* }" = hit ] || { echo "$label: a later run was not a hit" >&2; exit 1; }
    hits+=("${r% *}")
    line+=" $(ms "${r% *}")"
  done
  echo "$line ms; median $(ms "$(printf '%s\n' "${hits[@]}" | median)") ms"
}

run_args=(run summarize-customers --assembly "$assembly" "${common[@]}" --tool venv)
submit_args=(submit summarize-customers --assembly "$assembly" "${common[@]}" --archive "$scratch/venv-system.tar.gz")
bench_case "run, S3" "s3a://envs/run/" "${run_args[@]}"
bench_case "run, folder" "file://$scratch/folder-store/" "${run_args[@]}"
bench_case "submit 46k archive, S3" "s3a://envs/46k/" "${submit_args[@]}"
bench_case "submit 46k archive, folder" "file://$scratch/folder-store/" "${submit_args[@]}"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
