#!/usr/bin/env bash
# Back from scripts/gpu-train.sh: unpack each returned run into runs/, combine it with the shipped model's
# members (restored from git history when runs/members lacks them) and print validation and test numbers
# beside the shipped model's. Exports nothing: compare on validation, then `fashionrec export` the winner.
# Usage: bash scripts/gpu-finish.sh FILES_DIR   (where the device tool put NAME.tgz.part-*)
# Needs the catalogue the runs were trained on ($FASHIONREC_DATA or ../shared/datasets/...).
set -euo pipefail
files=${1:?usage: gpu-finish.sh FILES_DIR}
root=$(cd "$(dirname "$0")/.." && pwd)
files=$(cd "$files" && pwd)
cd "$root"

# The CPU-trained members, as committed before they were combined (docs/tagger.md).
restore() {   # restore DIR COMMIT
    mkdir -p "$1"
    for f in tagger.safetensors tagger.json; do
        [[ -s $1/$f ]] || git show "$2:src/fashionrec/assets/model/$f" > "$1/$f"
    done
}
restore runs/members/lite0 585ab85
restore runs/members/fashion-cnn bed92db

runs=()
for first in "$files"/*.tgz.part-00; do
    [[ -e $first ]] || { echo "no *.tgz.part-00 in $files" >&2; exit 1; }
    name=$(basename "$first" .tgz.part-00)
    if [[ -e runs/$name ]]; then     # e.g. an earlier GPU run kept nowhere else: set it aside, never delete it
        aside=runs/$name.before-$(date +%Y%m%d-%H%M%S)
        mv "runs/$name" "$aside"
        echo "runs/$name existed: moved to $aside"
    fi
    cat "$files/$name".tgz.part-* | tar xzf - -C runs/
    runs+=("runs/$name")
done

python - "${runs[@]}" <<'PY'
import json, sys
from pathlib import Path
from fashionrec.tagger import SHIPPED_MODEL
rows = [("shipped", json.loads(Path(SHIPPED_MODEL).with_suffix(".json").read_text()))]
rows += [(r, json.loads((Path(r) / "weights" / "best.json").read_text())) for r in sys.argv[1:]]
for name, m in rows:
    v, t = m.get("val", {}), m.get("test", {})
    hw, secs = m.get("hardware", "?"), m.get("train_seconds", 0)
    print(f"{name}: val {v.get('accuracy', 0):.4f} / {v.get('macro_f1', 0):.4f}, test {t.get('accuracy', 0):.4f}"
          f" / {t.get('macro_f1', 0):.4f} / top-5 {t.get('top5_accuracy', 0):.4f}; {secs / 60:.1f} min on {hw}")
PY
# The returned runs together (gpu-train.sh's default: both shipped members trained a second cycle, the
# shipped recipe again), then with the CPU Lite0 as well (the shipped recipe when one run came back).
if (( ${#runs[@]} > 1 )); then
    fashionrec ensemble "${runs[@]}" --half --out runs/ensemble/gpu-runs
fi
fashionrec ensemble "${runs[@]}" runs/members/lite0 --half --out runs/ensemble/gpu-runs-lite0
echo "To ship one: fashionrec probe runs/ensemble/<name>, fashionrec export the probed run, then README and" \
     "the model card (docs/tagger.md)."
