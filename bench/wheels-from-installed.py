#!/usr/bin/env python3
"""Rebuilds wheels of installed distributions and their dependencies, for benchmarks on a machine without a package index.

    python3 bench/wheels-from-installed.py OUTDIR NAME [NAME ...]

Each distribution in the requirement closure of NAME... (markers evaluated for this interpreter, extras not followed) is
written to OUTDIR as a wheel made from the files its installed RECORD lists: the same module files, data and dist-info
metadata pip installed from the original wheel, with the original WHEEL tags. Left out: compiled bytecode (pip compiles it
again on install), files outside the install folder (console scripts, which pip regenerates from entry_points.txt), and the
installer's own records (INSTALLER, REQUESTED, direct_url.json). RECORD is rewritten with each file's SHA-256 and size.
Prints one line per wheel and a total.
"""

import base64
import hashlib
import os
import sys
import zipfile
from importlib import metadata

from pip._vendor.packaging.requirements import Requirement
from pip._vendor.packaging.utils import canonicalize_name

INSTALLER_FILES = {"RECORD", "INSTALLER", "REQUESTED", "direct_url.json"}


def closure(roots):
    found = {}
    pending = list(roots)
    while pending:
        name = pending.pop()
        key = canonicalize_name(name)
        if key in found:
            continue
        dist = metadata.distribution(name)
        found[key] = dist
        for text in dist.requires or []:
            requirement = Requirement(text)
            if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
                pending.append(requirement.name)
    return found


def record_hash(data):
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def rebuild(dist, outdir):
    files = dist.files
    if not files:
        raise SystemExit(f"{dist.metadata['Name']} has no RECORD, so its files are unknown")
    info = next(str(f).split("/")[0] for f in files if str(f).split("/")[0].endswith(".dist-info"))
    tags = [line.split(":", 1)[1].strip().split("-") for line in dist.read_text("WHEEL").splitlines() if line.startswith("Tag:")]
    # A wheel tagged py2-none-any and py3-none-any is named with the compressed tag set py2.py3-none-any.
    tag = "-".join(".".join(dict.fromkeys(part[i] for part in tags)) for i in range(3))
    stem = info[: -len(".dist-info")]
    path = os.path.join(outdir, f"{stem}-{tag}.whl")
    records = []
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as wheel:
        for file in sorted(files, key=str):
            name = str(file)
            top = name.split("/")[0]
            if name.startswith("..") or "__pycache__/" in name or name.endswith(".pyc"):
                continue
            if top == info and name.split("/", 1)[1] in INSTALLER_FILES:
                continue
            data = file.locate().read_bytes()
            wheel.writestr(name, data)
            records.append(f"{name},{record_hash(data)},{len(data)}")
        records.append(f"{info}/RECORD,,")
        wheel.writestr(f"{info}/RECORD", "\n".join(records) + "\n")
    return path, len(records) - 1


def main():
    outdir, roots = sys.argv[1], sys.argv[2:]
    os.makedirs(outdir, exist_ok=True)
    total = 0
    for key, dist in sorted(closure(roots).items()):
        path, count = rebuild(dist, outdir)
        total += count
        print(f"{os.path.basename(path)}: {count} files")
    print(f"total: {total} files")


if __name__ == "__main__":
    main()
