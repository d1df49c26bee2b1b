#!/usr/bin/env bash
# Peak RSS of the tool's full pack (`pack -j 2 --no-cache`) on environments that grow in entries, not bytes: the rows of
# docs/packing.md (Memory). Each environment is made once in SCRATCH from this machine's Python installation, with hard
# links, so it costs little disk:
#   venv-system     a --system-site-packages venv over the installation (what PackBench makes)
#   conda-env       the same installation as a conda prefix (CondaLayout.cs; made by PackBench --pipeline-only)
#   venv-copies     a venv with 20 hard-linked copies of the standard library in site-packages (~1.09 million entries)
#   conda-copies    conda-env plus the same 20 copies, one conda-meta record each (~1.1 million entries)
#   venv-wide       a venv with one folder of a million empty files
#
#   bench/pack-memory.sh TOOL SCRATCH [CASE...]
set -euo pipefail
tool=${1:?tool}
scratch=$(mkdir -p "${2:?scratch}" && cd "$2" && pwd)
shift 2
cases=("$@")
[ ${#cases[@]} -gt 0 ] || cases=(venv-system conda-env venv-copies conda-copies venv-wide)
base=$(python3 -c 'import sys; print(sys.base_prefix)')
stdlib=$(ls -d "$base"/lib/python3.* | head -1)
pyver=$(basename "$stdlib")

make_case() {
  local name=$1 dir="$scratch/$1"
  [ -d "$dir" ] && return 0
  case $name in
    venv-system) python3 -m venv --system-site-packages --without-pip "$dir.partial" ;;
    conda-env) echo "conda-env: make it with: dotnet run -c Release --project bench/SparkJobGen.PackBench -- --pipeline-only --repeat 1 --scratch $scratch" >&2; return 1 ;;
    venv-copies)
      python3 -m venv --without-pip "$dir.partial"
      for i in $(seq 1 20); do cp -al "$stdlib" "$dir.partial/lib/$pyver/site-packages/stdlib_copy_$i"; done ;;
    conda-copies)
      [ -d "$scratch/conda-env" ] || { make_case conda-env; }
      cp -al "$scratch/conda-env" "$dir.partial"
      for i in $(seq 1 20); do
        cp -al "$stdlib" "$dir.partial/lib/$pyver/site-packages/stdlib_copy_$i"
        python3 - "$dir.partial" "lib/$pyver/site-packages/stdlib_copy_$i" "$i" <<'PY'
import json, os, sys
prefix, top, i = sys.argv[1], sys.argv[2], sys.argv[3]
files, paths = [], []
for root, dirs, names in os.walk(os.path.join(prefix, top)):
    dirs.sort()
    for n in sorted(names):
        full = os.path.join(root, n)
        rel = os.path.relpath(full, prefix)
        files.append(rel)
        kind = "softlink" if os.path.islink(full) else "hardlink"
        paths.append({"_path": rel, "path_type": kind, "size_in_bytes": os.lstat(full).st_size})
dist = f"stdlib-copy-{i}-1.0-h{i}_0"
record = {"name": f"stdlib-copy-{i}", "version": "1.0", "build": f"h{i}_0", "build_number": 0,
          "channel": "https://conda.anaconda.org/conda-forge/linux-64",
          "url": f"https://conda.anaconda.org/conda-forge/linux-64/{dist}.conda",
          "extracted_package_dir": f"/opt/conda/pkgs/{dist}", "package_tarball_full_path": f"/opt/conda/pkgs/{dist}.conda",
          "link": {"source": f"/opt/conda/pkgs/{dist}", "type": 1},
          "files": files, "paths_data": {"paths_version": 1, "paths": paths}}
with open(os.path.join(prefix, "conda-meta", dist + ".json"), "w") as f:
    json.dump(record, f, indent=2)
PY
      done ;;
    venv-wide)
      python3 -m venv --without-pip "$dir.partial"
      mkdir -p "$dir.partial/share/wide"
      (cd "$dir.partial/share/wide" && seq -f 'f%07.0f' 1 1000000 | xargs touch) ;;
  esac
  mv "$dir.partial" "$dir"
}

echo "tool: $tool; machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "| environment | entries | format | peak RSS (MB) | wall (s) |"
echo "|---|---:|---|---:|---:|"
for name in "${cases[@]}"; do
  make_case "$name"
  formats=(tar.gz)
  case $name in venv-system|venv-copies) formats+=(zip) ;; esac
  for format in "${formats[@]}"; do
    out="$scratch/out.$format"
    rm -f "$out"
    /usr/bin/time -f '%e %M' -o "$scratch/time" "$tool" pack -p "$scratch/$name" -o "$out" -j 2 --compress-level 4 --no-cache -f -q --json > "$scratch/pack.json" 2> "$scratch/pack.err" \
      || { cat "$scratch/pack.err" >&2; exit 1; }
    read -r wall rss < <(tail -1 "$scratch/time")
    entries=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["files"])' "$scratch/pack.json")
    echo "| $name | $entries | $format | $((rss / 1024)) | $wall |"
    rm -f "$out"
  done
done
