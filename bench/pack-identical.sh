#!/bin/bash
# Packs environments with a sparkjobgen tool in every format (and a few options), and, given a reference folder made the
# same way by another build, compares each result byte for byte (cmp; a no-archive folder by names, kinds, modes, sizes,
# file mtimes, link targets and contents). For reshaping the packer without changing its archives:
#
#   bench/pack-identical.sh OLD_TOOL /tmp/ref  ""      venv=/path/to/venv conda=/path/to/prefix   # make the reference
#   bench/pack-identical.sh NEW_TOOL /tmp/new  /tmp/ref venv=/path/to/venv conda=/path/to/prefix  # compare; exit 1 on a difference
#
# ONLY="tar.gz zip" limits the variants. Threads are fixed (-j 2) and the cache is off (--no-cache, in OUT/cache).
set -u
if [[ $# -lt 4 ]]; then echo "usage: $0 TOOL OUT REF|\"\" NAME=PREFIX..." >&2; exit 2; fi
TOOL=$1; OUT=$2; REF=$3; shift 3
export SPARKJOBGEN_CACHE=$OUT/cache
mkdir -p "$OUT"
VARIANTS=("tar.gz" "tar.bz2" "tar.zst" "zip" "tar" "dir:--format no-archive" "zipsym.zip:--zip-symlinks" "dest.tar.gz:-d /opt/envs/x"
  "root.tar.gz:--arcroot env --compress-level 6" "l1.tar.gz:--compress-level 1" "j1.tar.gz:-j 1")
listing() { (cd "$1" && find . -printf '%P %y %m %s %l %T@\n' | sed -E '/^\.sparkjobgen-no-archive |^[^ ]* [dl] /s/ [0-9.]+$//' | sort); }
fail=0
for pair in "$@"; do
  env=${pair%%=*}; prefix=${pair#*=}
  for spec in "${VARIANTS[@]}"; do
    name=${spec%%:*}; extra=""; [[ $spec == *:* ]] && extra=${spec#*:}
    [[ -n ${ONLY:-} && " $ONLY " != *" $name "* ]] && continue
    threads="-j 2"; [[ $extra == *"-j "* ]] && threads=""
    out=$OUT/$env.$name
    rm -rf "$out"
    # shellcheck disable=SC2086 # extra and threads are word lists
    if ! "$TOOL" pack -p "$prefix" -o "$out" $extra $threads --no-cache -f -q > "$out.log" 2>&1; then
      echo "PACK FAILED $env.$name: $(cat "$out.log")"; fail=1; continue
    fi
    if [[ -z $REF ]]; then echo "made $out"; continue; fi
    # The thread count never changes the bytes: -j 1 is compared with the -j 2 archive.
    ref=$REF/$env.$name; [[ $name == j1.tar.gz ]] && ref=$REF/$env.tar.gz
    if [[ -d $out ]]; then
      if diff <(listing "$ref") <(listing "$out") > /dev/null && diff -r --no-dereference "$ref" "$out" > /dev/null; then echo "same $env.$name"; else echo "DIFFER $env.$name"; fail=1; fi
    elif cmp -s "$ref" "$out"; then echo "same $env.$name ($(stat -c %s "$out") bytes)"
    else echo "DIFFER $env.$name"; fail=1; fi
  done
done
exit $fail
