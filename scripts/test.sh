#!/usr/bin/env bash
# Set up (idempotent) and run the test suite: bash scripts/test.sh [pytest args...]
#
# Two pytest-xdist workers by default where the machine has two cores or more: the whole suite passed on two (stop
# 67: 1,146 passed beside eight other jobs at load 13-22), and one process kept one of the 2 cores idle (user + sys
# time equal to the wall time at stop 66). Each worker is given whole test files (--dist loadfile), so a module's
# fixtures (a trained run, a live server, a browser) are still made once. FASHIONREC_TEST_WORKERS=0 runs one process.
set -euo pipefail
# shellcheck source=scripts/setup.sh
. "$(dirname "${BASH_SOURCE[0]}")/setup.sh"

workers="${FASHIONREC_TEST_WORKERS:-}"
if [ -z "$workers" ]; then
    # One core gains nothing from a second worker but its memory.
    if [ "$(nproc)" -ge 2 ]; then workers=2; else workers=0; fi
fi
python -m pytest -q -n "$workers" --dist loadfile "$@"
