#!/usr/bin/env bash
# The test suite on another libtorch: assembles the engine (sentinel engine --engine ENGINE), then runs the tests
# with DJL pointed at its folder, so every golden, parity and contract test runs on that build's kernels. CI runs
# the suite on DJL's own build only (its time budget has no room for a second pass, and assembling an engine
# fetches 100 MB from Maven Central); run this on each CPU engine before changing a tolerance or the default.
#
# Usage: bench/engine-tests.sh [openblas|djl] [surefire -Dtest pattern]   e.g. bench/engine-tests.sh openblas
#        'FamilyContractTest,GoldenParityTest,LlamaParityTest'
set -euo pipefail
cd "$(dirname "$0")/.."
engine=${1:-openblas}
tests=${2:-}
folder=$(./sentinel engine --engine "$engine" --no-gemm | awk '$1 == "folder" {print $2}')
if [ "$engine" != djl ]; then
  [ -n "$folder" ] || { echo "engine-tests: no folder for engine $engine" >&2; exit 2; }
  export PYTORCH_LIBRARY_PATH=$folder PYTORCH_VERSION=2.7.1 PYTORCH_FLAVOR=cpu
fi
unset OPENBLAS_CORETYPE
export OMP_WAIT_POLICY=${OMP_WAIT_POLICY-PASSIVE}
echo "engine-tests: engine $engine${folder:+ ($folder)}; $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
mvn -B -ntp -o test ${tests:+-Dtest="$tests" -Dsurefire.failIfNoSpecifiedTests=false}
