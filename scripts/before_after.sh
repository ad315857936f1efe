#!/usr/bin/env bash
# Before/after of one benchmark: the tree at REV (default f08bf00, the code before issue 13's
# protocols and kernel room) against this checkout, alternating, ROUNDS times each, one run at a
# time under the shared benchmark lock. The printed tables go to
# benchmarks/results/before_after/BENCH.{before,after}.N.txt; compare a ratio against a peer with
# the spread between the runs of the same code.
#
#   bash scripts/before_after.sh core [REV] [ROUNDS]
set -euo pipefail
bench=${1:?usage: scripts/before_after.sh BENCH [REV] [ROUNDS]}
rev=${2:-f08bf00}
rounds=${3:-2}
root=$(git rev-parse --show-toplevel)
before=${BEFORE_TREE:-$root/../kanerva-before-$rev}
out=$root/benchmarks/results/before_after
[ -d "$before" ] || git -C "$root" worktree add --detach "$before" "$rev"
[ -x "$before/.venv/bin/python" ] || make -C "$before" bench-install
make -C "$root" bench-install
mkdir -p "$out"
for r in $(seq "$rounds"); do
  for side in before after; do
    dir=$root
    [ "$side" = before ] && dir=$before
    echo "== $bench $side run $r: $(date -u +%H:%M) UTC, load $(cut -d' ' -f1-3 /proc/loadavg)"
    (cd "$dir" && flock /tmp/kanerva-bench.lock .venv/bin/python -m "benchmarks.$bench") > "$out/$bench.$side.$r.txt" 2>&1
  done
done
