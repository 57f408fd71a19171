#!/usr/bin/env bash
# One-time setup: installs what petls needs (scripts/install-deps.sh: the
# distribution's packages, and mbedTLS 3.6 into .deps/ when the system only
# has 2.28), builds into build/, and runs the demo (a petls server and client
# talking TLS 1.2 and 1.3).
set -euo pipefail
cd "$(dirname "$0")"
jobs=${JOBS:-2}

scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build build -j"$jobs"
scripts/demo.sh build
echo "setup: done. Run ./test.sh for the whole test suite."
