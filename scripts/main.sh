#!/usr/bin/env bash
# Set up (idempotent) and run the pipeline on the catalogue at $FASHIONREC_DATA
# (default ../shared/datasets/fashion-product-images-small). Outputs go to runs/.
set -euo pipefail
# Chromium is for the browser tests only (scripts/test.sh installs it): not needed to serve.
export FASHIONREC_SKIP_CHROMIUM="${FASHIONREC_SKIP_CHROMIUM:-1}"
# shellcheck source=scripts/setup.sh
. "$(dirname "${BASH_SOURCE[0]}")/setup.sh"

DATA="$FASHIONREC_DATA"
echo "== data check: $DATA"
fashionrec data check "$DATA" --json runs/data_check.json

echo "== eda"
fashionrec eda "$DATA" --out runs/eda

# ---- tagger: the shipped model, or train one when asked (FASHIONREC_TRAIN=1) or when none ships ------
# Named explicitly even when shipped: the index check then compares the index with the model that will serve.
MODEL_ARGS=(--model src/fashionrec/assets/model/tagger.safetensors)
if [ "${FASHIONREC_TRAIN:-0}" = 1 ] || [ ! -f src/fashionrec/assets/model/tagger.safetensors ]; then
    # A model trained on another catalogue is kept aside, not served with this one's index.
    if [ -f runs/train/cpu/weights/best.json ] && ! python -c '
import json, sys
from pathlib import Path
trained_on = json.loads(Path(sys.argv[1]).read_text()).get("data") or ""
sys.exit(Path(trained_on).resolve() != Path(sys.argv[2]).resolve())' runs/train/cpu/weights/best.json "$DATA"; then
        aside="runs/train/cpu.$(date +%Y%m%d-%H%M%S)"
        echo "== runs/train/cpu was trained on another catalogue (or its best.json cannot be read): moved to $aside"
        mv runs/train/cpu "$aside"
    fi
    if [ ! -f runs/train/cpu/weights/best.safetensors ]; then
        echo "== train (profile cpu, about 30 minutes on 2 cores)"
        fashionrec train "$DATA" --profile cpu --out runs/train/cpu
    fi
    MODEL_ARGS=(--model runs/train/cpu/weights/best.safetensors)
    echo "== model: runs/train/cpu"
else
    echo "== model: shipped (src/fashionrec/assets/model/MODEL_CARD.md)"
fi

# ---- index: built once, reused while it opens with this model and was built from $DATA as it is now ----
# (delete runs/index to rebuild)
check=2
if [ -f runs/index/manifest.json ]; then
    check=0
    said=$(fashionrec index check runs/index "${MODEL_ARGS[@]}" --data "$DATA" 2>&1) || check=$?
    # Its refusal is this script's reason to rebuild, not a failure: "error: ..." read as one (an upgrade trial).
    if [ "$check" = 2 ]; then
        echo "== runs/index is rebuilt: ${said#error: }"
    elif [ "$check" = 0 ]; then     # said, so that a user who copied an index in sees it was not rebuilt
        printf '== index reused (it matches the model and the catalogue): %s\n' "$said"
    else
        printf '%s\n' "$said"
    fi
fi
if [ "$check" = 2 ]; then        # none yet, incomplete, another model's or another catalogue's (the check said)
    echo "== index build"
    # A styles.csv with under half the rows the index holds is refused (cut short?) unless FASHIONREC_ALLOW_SHRINK=1.
    SHRINK_ARGS=()
    [ "${FASHIONREC_ALLOW_SHRINK:-0}" = 1 ] && SHRINK_ARGS=(--allow-shrink)
    fashionrec index build "$DATA" "${MODEL_ARGS[@]}" --out runs/index "${SHRINK_ARGS[@]}"
elif [ "$check" != 0 ]; then
    echo "fashionrec index check failed unexpectedly (exit $check); see above" >&2
    exit "$check"
fi

# ---- serve -------------------------------------------------------------------------------------------
echo "== serve: open http://${FASHIONREC_HOST:-127.0.0.1}:${FASHIONREC_PORT:-8000} (Ctrl-C stops)"
exec fashionrec serve --index runs/index "${MODEL_ARGS[@]}" --host "${FASHIONREC_HOST:-127.0.0.1}" \
    --port "${FASHIONREC_PORT:-8000}"
