#!/usr/bin/env bash
# One device call: train tagger runs side by side on one GPU (each a `fashionrec train` process with its
# own DataLoader workers; one EfficientNet run at 224x168 leaves most of an H100/H200 idle) on the full
# catalogue, and send back what a CPU machine needs to finish: each run folder (weights, JSON, results.csv,
# curves, test report) as a tarball in 15 MB parts, each run's log, and the machine with its GPU load.
# Prepare device/ here first with scripts/gpu-prepare.sh.
#
#   RUNS     one or two "name:train options" entries separated by ";", run at once (default: each shipped
#            member trained a second cycle from its weights, 7 DataLoader workers each on the 16-core
#            machine; a fresh run needs its ImageNet backbone, MODELS="efficientnet-lite0" at gpu-prepare.sh)
#   MINUTES  training budget per run, validation included (default 7); cut to what DEADLINE leaves
#   DEADLINE seconds after the start by which training stops, so the runs are packed in time (default 550)
#   DATA     a catalogue folder instead of device/'s tarball
#   OUT      where results go (the device tool sets it; default runs/gpu-out)
#   PYTHON   the interpreter with torch (default python3)
#
# The runs' epoch cap and patience are high on purpose: the budget anneals the learning rate by the clock,
# so every run ends its schedule at the deadline whatever speed the machine gives it.
# Back here: bash scripts/gpu-finish.sh FILES_DIR   (docs/tagger.md, "Training on a GPU")
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
out=${OUT:-runs/gpu-out}
python=${PYTHON:-python3}
mkdir -p "$out"
out=$(cd "$out" && pwd)
work=$(mktemp -d /tmp/fashionrec-gpu.XXXXXX)
# By default a second learning-rate cycle for each member of the shipped ensemble (no ImageNet weights needed):
# the 224x168 one at a third of the peak rate, the 128x96 one (3 CPU stages of 4-5 epochs) at the profile's.
runs=${RUNS:-"gpu-lite0-c2:--profile gpu --init shipped --lr 3e-4 --seed 1 --epochs 60 --patience 60 --workers 7;\
gpu-lite0s-c2:--profile gpu --init shipped --input-size 128x96 --seed 2 --epochs 120 --patience 120 --workers 7"}
# Checked before anything is unpacked. The device tool returns at most 8 files: each run sends a log and its
# checkpoint in one or two 15 MB parts (a Lite0 or Lite2 run: two), so two runs and machine.txt fill it.
names=() run_opts=()
IFS=';' read -ra entries <<< "${runs//$'\n'/;}"
for entry in "${entries[@]}"; do
    [[ -z ${entry//[[:space:]]/} ]] && continue
    name=${entry%%:*}
    name=${name#"${name%%[![:space:]]*}"}; name=${name%"${name##*[![:space:]]}"}   # trimmed
    if [[ ! $name =~ ^[A-Za-z0-9._-]+$ || $entry != *:* ]]; then
        echo "RUNS entry '$entry': write NAME:TRAIN OPTIONS, NAME in letters, digits, '.', '_' and '-'" >&2
        exit 2
    fi
    for seen in "${names[@]}"; do
        [[ $seen == "$name" ]] && { echo "RUNS names $name twice: give each run its own name" >&2; exit 2; }
    done
    names+=("$name")
    run_opts+=("${entry#*:}")
done
if (( ${#names[@]} == 0 || ${#names[@]} > 2 )); then
    echo "RUNS holds ${#names[@]} runs: give one or two (what more would send back does not fit the device" \
         "tool's 8 files and 64 MiB)" >&2
    exit 2
fi

if compgen -G "device/wheels/*.whl" >/dev/null; then
    "$python" -m pip install -q --no-index --no-deps --no-compile --target "$work/site" device/wheels/*.whl
    export PYTHONPATH=$root/src:$work/site${PYTHONPATH:+:$PYTHONPATH}
else
    export PYTHONPATH=$root/src${PYTHONPATH:+:$PYTHONPATH}
fi
if [[ -d device/site ]]; then
    # gpu-prepare.sh's pure-Python rapidfuzz; no .pyc files written into the carried folder.
    export PYTHONPATH=$PYTHONPATH:$root/device/site RAPIDFUZZ_IMPLEMENTATION=python PYTHONDONTWRITEBYTECODE=1
fi
if [[ -d device/pretrained ]]; then
    # gpu-prepare.sh gzips the backbones to fit the carry; the models read plain .pt files.
    mkdir -p "$work/pretrained"
    cp device/pretrained/*.pt "$work/pretrained/" 2>/dev/null || true
    for packed in device/pretrained/*.pt.gz; do
        [[ -e $packed ]] && gunzip -c "$packed" > "$work/pretrained/$(basename "${packed%.gz}")"
    done
    export FASHIONREC_PRETRAINED=$work/pretrained
fi
data=${DATA:-}
if [[ -z $data ]]; then
    [[ -e device/fashion-product-images-small.tar.gz ]] || {
        echo "device/fashion-product-images-small.tar.gz is missing: run scripts/gpu-prepare.sh here and carry" \
             "device/ (or set DATA)" >&2; exit 2; }
    tar xzf device/fashion-product-images-small.tar.gz -C "$work"
    data=$work/fashion-product-images-small
fi
{
    date -u
    nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader 2>/dev/null || echo "no nvidia-smi"
    "$python" -c "import torch; print('torch', torch.__version__, 'cuda', torch.cuda.is_available())"
    nproc
} | tee "$out/machine.txt"
# The GPU's load every 20 s, to say afterwards whether the runs were limited by the GPU or by the CPUs.
nvidia-smi --query-gpu=timestamp,utilization.gpu,memory.used --format=csv,noheader -l 20 \
    >> "$out/machine.txt" 2>/dev/null &
monitor=$!

# From here a failure must not lose what was trained: each run's best checkpoint (written after every epoch)
# is packed whatever ends the run, and a deadline inside the device call's 600 s leaves time to pack it.
deadline=${DEADLINE:-550}       # seconds after this script started
left=$(( deadline - SECONDS ))
# About two minutes of a run are not training: catalogue check, decoding, the test and calibration.
budget=$(awk -v m="${MINUTES:-7}" -v l="$left" 'BEGIN { b = (l - 120) / 60; if (b > m) b = m; printf "%.2f", b }')
if awk -v b="$budget" 'BEGIN { exit !(b < 0.5) }'; then
    echo "only ${left}s left before the deadline (DEADLINE=$deadline): too little to train; nothing started" \
        | tee -a "$out/machine.txt"
    kill "$monitor" 2>/dev/null || true
    exit 1
fi
pids=()
for i in "${!names[@]}"; do
    name=${names[$i]}
    read -ra opts <<< "${run_opts[$i]}"
    # tqdm redraws with carriage returns; keep the per-epoch lines, unbuffered so a kill loses none. The
    # status is the trainer's own (timeout's 124 at the deadline), whatever the filters after it return.
    ( set +e +o pipefail
      PYTHONUNBUFFERED=1 timeout --signal=INT --kill-after=15 "$left" \
        "$python" -m fashionrec.cli train "$data" "${opts[@]}" --max-minutes "$budget" --out "$work/runs/$name" 2>&1 \
        | stdbuf -oL tr '\r' '\n' | grep --line-buffered -v '%|' | stdbuf -oL sed "s/^/[$name] /" \
        | tee -a "$out/$name.log"
      rc=${PIPESTATUS[0]}
      echo "[$name] exit status $rc$( (( rc == 124 )) && echo ': stopped at the deadline')" | tee -a "$out/$name.log"
    ) &
    pids+=($!)
done
wait "${pids[@]}" || true
kill "$monitor" 2>/dev/null || true

status=0
for name in "${names[@]}"; do
    grep -q "exit status 0$" "$out/$name.log" || status=1
    if [[ -e $work/runs/$name/weights/best.safetensors ]]; then
        # The optimizer state and the last epoch's weights stay behind: only the best checkpoint is used.
        tar czf - -C "$work/runs" --exclude state.pt --exclude 'last.*' "$name" \
            | split -b 15m -d - "$out/$name.tgz.part-" || status=1
    fi
done
ls -l "$out"
exit $status
