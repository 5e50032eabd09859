#!/usr/bin/env bash
# Local `-j 2` against `mpirun -n 3 --mpi` (2 worker ranks) and `--mpi
# --gather`, the same 24 short runs, fresh directories, interleaved, 3 rounds;
# plus mpirun's own start-up. Prints wall seconds per way and round and
# rank 0's per-message time (docs/PERFORMANCE.md, "distributed batches").
# Usage: bench/scenarios/distributed.sh [build dir]   (a few minutes at most)
set -euo pipefail
build=${1:-build}
export SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1 OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
batch=("$build/crashtwin" batch scenarios/examples/skeleton.yaml --policy uniform --policy proportional
       --strategy predictive-bmc --seeds 12)
mpirun=(mpirun --oversubscribe --mca orte_abort_on_non_zero_status 0)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
seconds() { local s e; s=$(date +%s.%N); "$@" > "$out/log" 2>&1; e=$(date +%s.%N); echo "$e - $s" | bc; }
for round in 1 2 3; do
  echo "round $round: local $(seconds "${batch[@]}" -j 2 --out "$out/local$round") s"
  echo "round $round: mpi $(seconds "${mpirun[@]}" -n 3 "${batch[@]}" --mpi --out "$out/mpi$round") s," \
       "$(grep -o 'rank 0 handled.*' "$out/log")"
  echo "round $round: gather $(seconds "${mpirun[@]}" -n 3 "${batch[@]}" --mpi --gather --out "$out/gather$round") s," \
       "$(grep -o 'rank 0 handled.*' "$out/log")"
  echo "round $round: mpirun start-up $(seconds "${mpirun[@]}" -n 1 "$build/crashtwin" --version) s"
done
cmp "$out/local1/summary.csv" "$out/mpi1/summary.csv" && cmp "$out/local1/summary.csv" "$out/gather1/summary.csv" &&
  echo "summary.csv: the same bytes"
