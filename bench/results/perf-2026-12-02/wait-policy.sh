#!/usr/bin/env bash
# nano training speed under three libgomp wait settings, alone and beside one busy process, alternating
cd "$(dirname "$0")/../../.."  # the repository root
run() { # label env...
  local label=$1; shift
  local tps
  tps=$(env "$@" java -Dai.djl.offline=true -Xss4m -jar target/sentinel.jar bench train --json --shape $SHAPE --batch-size $BATCH --steps 3 --warmup-steps 1 | tail -1 | python3 -c 'import json,sys; print(json.load(sys.stdin)["tokens_per_second"])')
  echo "$label $tps"
}
for round in 1 2; do
  for contention in alone busy; do
    if [ $contention = busy ]; then (while :; do :; done) & hog=$!; fi
    run "$contention passive" OMP_WAIT_POLICY=PASSIVE
    run "$contention default" -u OMP_WAIT_POLICY
    run "$contention spin10k" -u OMP_WAIT_POLICY GOMP_SPINCOUNT=10000
    if [ $contention = busy ]; then kill $hog; wait $hog 2>/dev/null; fi
  done
done
