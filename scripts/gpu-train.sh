#!/usr/bin/env bash
# One device call: train the GPU recipe (`--profile gpu`: EfficientNet-Lite0 from ImageNet, 224x168, bf16,
# channels_last, photos decoded once into memory) on the full catalogue, and send back what a CPU machine
# needs to finish: each run folder (weights, JSON, results.csv, curves, test report) as a tarball in
# 15 MB parts, and the log. Prepare device/ here first with scripts/gpu-prepare.sh.
#
#   MINUTES  training budget per run, validation included (default 6: one run, with its decoding and test,
#            fits a 10-minute device call; two seeds fit at MINUTES=3.5); cut to what DEADLINE leaves
#   DEADLINE seconds after the start by which training stops, so the runs are packed in time (default 570)
#   SEEDS    one run per seed, one after the other (default "0")
#   PROFILE  train profile (default gpu; "tiny" tries the script on a CPU in a minute)
#   DATA     a catalogue folder instead of device/'s tarball
#   OUT      where results go (the device tool sets it; default runs/gpu-out)
#   PYTHON   the interpreter with torch (default python3)
#
# Back here: cat OUT/gpu-s0.tgz.part-* | tar xzf - -C runs/   (README "Training on a GPU")
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
out=${OUT:-runs/gpu-out}
python=${PYTHON:-python3}
mkdir -p "$out"
out=$(cd "$out" && pwd)
work=$(mktemp -d /tmp/fashionrec-gpu.XXXXXX)

if compgen -G "device/wheels/*.whl" >/dev/null; then
    "$python" -m pip install -q --no-index --no-deps --no-compile --target "$work/site" device/wheels/*.whl
    export PYTHONPATH=$root/src:$work/site${PYTHONPATH:+:$PYTHONPATH}
else
    export PYTHONPATH=$root/src${PYTHONPATH:+:$PYTHONPATH}
fi
data=${DATA:-}
if [[ -z $data ]]; then
    tar xzf device/fashion-product-images-small.tar.gz -C "$work"
    data=$work/fashion-product-images-small
fi
{
    date -u
    nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader 2>/dev/null || echo "no nvidia-smi"
    "$python" -c "import torch; print('torch', torch.__version__, 'cuda', torch.cuda.is_available())"
} | tee "$out/machine.txt"

# From here a failure must not lose what was trained: each run's best checkpoint (written after every epoch)
# is packed whatever ends the run, and a deadline inside the device call's 600 s leaves time to pack it.
deadline=${DEADLINE:-570}       # seconds after this script started
status=0
for seed in ${SEEDS:-0}; do
    name=gpu-s$seed
    left=$(( deadline - SECONDS ))
    # About two minutes of each run are not training: catalogue check, decoding, the test and calibration.
    budget=$(awk -v m="${MINUTES:-6}" -v l="$left" 'BEGIN { b = (l - 120) / 60; if (b > m) b = m; printf "%.2f", b }')
    if awk -v b="$budget" 'BEGIN { exit !(b < 0.5) }'; then
        echo "seed $seed: only ${left}s left before the deadline; not started" | tee -a "$out/train.log"
        status=1
        continue
    fi
    rc=0
    # tqdm redraws with carriage returns; keep the per-epoch lines, unbuffered so a kill loses none.
    PYTHONUNBUFFERED=1 timeout --signal=INT --kill-after=20 "$left" \
        "$python" -m fashionrec.cli train "$data" --profile "${PROFILE:-gpu}" --seed "$seed" \
        --max-minutes "$budget" --out "$work/runs/$name" 2>&1 \
        | stdbuf -oL tr '\r' '\n' | grep --line-buffered -v '%|' | tee -a "$out/train.log" || rc=$?
    if (( rc != 0 )); then
        echo "seed $seed: training ended with status $rc (124: stopped at the deadline)" | tee -a "$out/train.log"
        status=1
    fi
    if [[ -e $work/runs/$name/weights/best.safetensors ]]; then
        # The optimizer state and the last epoch's weights stay behind: only the best checkpoint is used.
        tar czf - -C "$work/runs" --exclude state.pt --exclude 'last.*' "$name" \
            | split -b 15m -d - "$out/$name.tgz.part-"
    fi
done
ls -l "$out"
exit $status
