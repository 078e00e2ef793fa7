#!/usr/bin/env bash
# Set up (idempotent) and run the test suite: bash scripts/test.sh [pytest args...]
#
# Two pytest-xdist workers, each given whole test files (--dist loadfile), so a module's fixtures (a trained run,
# a live server, a browser) are still made once: on 2 cores the suite's waits (subprocesses starting, servers,
# Chromium, file locks) overlap. FASHIONREC_TEST_WORKERS=0 runs it in one process; `-n N` after it wins too.
set -euo pipefail
# shellcheck source=scripts/setup.sh
. "$(dirname "${BASH_SOURCE[0]}")/setup.sh"

python -m pytest -q -n "${FASHIONREC_TEST_WORKERS:-2}" --dist loadfile "$@"
