# Shared set-up for scripts/test.sh and scripts/main.sh: source it, don't run it.
#
# Idempotent: from a fresh clone it creates .venv, installs torch/torchvision and the package with
# its dev extras, and installs Debian's chromium (for the browser tests); on a second run it only
# checks. Leaves the shell in the repository root with .venv activated.
#
# Environment:
#   PYTHON                     interpreter for a new .venv (default: python3.11, else python3)
#   FASHIONREC_SKIP_CHROMIUM=1 do not install chromium (e.g. when only running the pipeline)
#   FASHIONREC_FORCE_INSTALL=1 re-run the pip installs even if nothing changed

set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO_ROOT"

TORCH_PINS=(torch==2.14.1 torchvision==0.29.1)

log() { echo "[setup] $*" >&2; }

if [ ! -x .venv/bin/python ]; then
    py="${PYTHON:-$(command -v python3.11 || command -v python3)}"
    log "creating .venv with $py"
    "$py" -m venv .venv
fi
# shellcheck disable=SC1091
. .venv/bin/activate

# pip resolving the full dependency set takes a while even when everything is installed, so skip it
# while pyproject.toml and the pins are unchanged since the last successful install.
stamp=.venv/.fashionrec-setup
want="$( (cat pyproject.toml; echo "${TORCH_PINS[*]}") | sha256sum | cut -d' ' -f1)"
if [ "${FASHIONREC_FORCE_INSTALL:-0}" = 1 ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ] \
        || ! python -c "import fashionrec, torch, torchvision, pytest, xdist" 2>/dev/null; then
    log "installing ${TORCH_PINS[*]} and fashionrec[dev]"
    python -m pip install -q "${TORCH_PINS[@]}"
    python -m pip install -q -e '.[dev]'
    echo "$want" > "$stamp"
else
    log "python packages up to date (.venv)"
fi

if [ "${FASHIONREC_SKIP_CHROMIUM:-0}" != 1 ] && [ ! -x /usr/bin/chromium ]; then
    sudo=""
    if [ "$(id -u)" != 0 ]; then
        if command -v sudo >/dev/null; then sudo="sudo"; else
            log "WARNING: /usr/bin/chromium is missing and we are not root: browser tests will be skipped"
        fi
    fi
    if [ "$(id -u)" = 0 ] || [ -n "$sudo" ]; then
        log "installing chromium (apt-get)"
        $sudo apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends chromium >/dev/null
    fi
fi

# Where the catalogue lives unless the caller says otherwise (same default as fashionrec itself).
export FASHIONREC_DATA="${FASHIONREC_DATA:-$(cd "$REPO_ROOT/.." && pwd)/shared/datasets/fashion-product-images-small}"
