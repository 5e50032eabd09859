#!/usr/bin/env bash
# `crashtwin run --live` in a real terminal: a detached tmux session of fixed
# size runs the view on the library's rdt_workloads scenario (8 cores, two
# NUMA nodes, monitored workloads); the test waits for content by polling
# capture-pane, switches tabs with send-keys (digits, Tab, arrows), checks
# each tab's values, quits with q and checks the exit code and that the
# results directory is complete and the same as a run without the view.
# Then q during a long run into the same directory: exit 130, "stopped by
# the user", nothing written, the previous results kept as they were. Then a
# TERM ncurses does not know: exit 2 naming it, nothing run.
#
# Usage: live_tmux.sh CRASHTWIN SOURCE_DIR WORK_DIR. Exit 77 (ctest: skipped)
# when tmux is missing.
set -euo pipefail

crashtwin=$1
source_dir=$2
work=$3
scenario=$source_dir/scenarios/library/rdt_workloads.yaml

if ! command -v tmux >/dev/null; then
  echo "SKIPPED: tmux is not installed (scripts/setup installs it); the live view's terminal test needs it"
  exit 77
fi

rm -rf "$work"
mkdir -p "$work"
# A tmux server of our own (its socket under $work), never the user's.
tmux_() { tmux -S "$work/tmux.socket" "$@"; }
trap 'tmux_ kill-server 2>/dev/null || true' EXIT

fail() {
  echo "FAIL: $*"
  echo "--- the pane shows:"
  tmux_ capture-pane -p -t live 2>/dev/null || true
  exit 1
}

# Polls the pane until it shows the extended regular expression $1 (at most
# $2 seconds); the pane's text is then in $pane.
pane=""
wait_for() {
  local pattern=$1 deadline=$((SECONDS + ${2:-60}))
  while ((SECONDS < deadline)); do
    pane=$(tmux_ capture-pane -p -t live 2>/dev/null || true)
    if grep -Eq -- "$pattern" <<<"$pane"; then return 0; fi
    sleep 0.05
  done
  fail "'$pattern' did not appear within ${2:-60} s"
}
# The pane shows $1 (after wait_for): an extended regular expression.
shows() { grep -Eq -- "$1" <<<"$pane" || fail "the pane does not show '$1'"; }

# Waits for the command in the session to write its exit code.
wait_exit() {
  local deadline=$((SECONDS + 60))
  while [ ! -s "$1" ] && ((SECONDS < deadline)); do sleep 0.05; done
  [ -s "$1" ] || fail "the view did not exit after q"
  cat "$1"
}

start_view() {  # name, extra crashtwin arguments...
  local name=$1
  shift
  tmux_ new-session -d -s live -x 160 -y 50 \
    "'$crashtwin' run '$scenario' --live $* 2>'$work/$name.stderr'; echo \$? >'$work/$name.exit'"
}

echo "== a whole run, every tab, q after the end"
start_view finished --out "'$work/live'"
wait_for 'finished: passed -> '
shows 'crashtwin live \| rdt_workloads \| policy proportional \| strategy predictive-bmc \| seed 83'
shows '30\.000 s / 30\.000 s'
shows '\[1 Overview\]'
# Every component with its probability and slice.
shows '^cpu\.0 +[01]\.[0-9]{4} '
shows '^cpu\.7 +[01]\.[0-9]{4} '
shows '^memory\.0 +[01]\.[0-9]{4} '
shows 'rmid assigned: workload web \(1\) rmid 1'
shows 'rmid exhausted: workload batch \(4\)'
shows 'rmid freed: workload report \(5\) rmid 2'
shows 'repartitions [0-9]+, the latest at [0-9.]+ s: [0-9]+ slices? changed'

tmux_ send-keys -t live 2
wait_for '\[2 Memory\]'
shows 'slice allocator: [0-9.]+ MiB managed, [0-9.]+ MiB allocated in [0-9]+ allocations'
shows 'health [0-9]+\.[0-9] / 100'
shows '^  slice +[1-9][0-9]* '

tmux_ send-keys -t live 3
wait_for '\[3 Cache\]'
shows 'last-level cache: 24\.0 MiB, .* occupied .*, 4 RMIDs'
# web (RMID 1) runs to the end on cores 0 and 1, at about 2 GB/s, all local.
shows '^1 +web +0,1 +[0-9.]+ MiB .* [0-9.]+ GB/s +[0-9.]+ GB/s'

tmux_ send-keys -t live 4
wait_for '\[4 Stacks\]'
shows 'kernel stacks: 16\.0 KiB per core'
for core in 0 7; do shows "^$core +running +0x[0-9a-f]+ +0x[0-9a-f]+ +[0-9.]+ (B|KiB)"; done

tmux_ send-keys -t live 5
wait_for '\[5 NUMA\]'
shows '2 memory nodes'
shows '^0 +[0-9]+ +[0-9.]+ GiB +0-3 '
shows '^1 +[0-9]+ +[0-9.]+ GiB +4-7 '
# The hog (RMID 3, cores 4-7 on node 1) streamed to node 0's memory: all remote.
shows '^3 +[0-9.]+ [KMGT]iB +0 B +[0-9.]+ [KMGT]iB .*100\.0 %'

tmux_ send-keys -t live Tab
wait_for '\[1 Overview\]'
tmux_ send-keys -t live Left
wait_for '\[5 NUMA\]'
tmux_ send-keys -t live Right
wait_for '\[1 Overview\]'
shows 'finished: passed'

tmux_ send-keys -t live q
code=$(wait_exit "$work/finished.exit")
[ "$code" = 0 ] || fail "exit code $code after q on a finished run (expected 0); stderr: $(cat "$work/finished.stderr")"
for f in summary.json perf.json timeseries.csv events.jsonl memory_profile.json config.yaml trace.json trace.vcd \
         bmc/report.json; do
  [ -s "$work/live/$f" ] || fail "results incomplete: $f missing"
done
# The view changes nothing the run records: the same bytes as without it.
"$crashtwin" run "$scenario" --out "$work/plain" >/dev/null 2>&1
for f in summary.json timeseries.csv events.jsonl memory_profile.json bmc/report.json trace.vcd; do
  cmp -s "$work/live/$f" "$work/plain/$f" || fail "$f differs from a run without --live"
done

echo "== q during a long run, into the directory of the run above"
tmux_ kill-server 2>/dev/null || true
start_view stopped --set "'duration=30 d'" --out "'$work/live'"
wait_for '^running +[0-9.]+ s / 2592000\.000 s'
tmux_ send-keys -t live 5
wait_for '\[5 NUMA\]'
tmux_ send-keys -t live q
code=$(wait_exit "$work/stopped.exit")
[ "$code" = 130 ] || fail "exit code $code after q during the run (expected 130)"
grep -q "stopped by the user at .* of 30 d simulated: no results written" "$work/stopped.stderr" ||
  fail "no 'stopped by the user' message: $(cat "$work/stopped.stderr")"
# The earlier run's results stay as they were, and no temporary is left.
for f in summary.json timeseries.csv events.jsonl; do
  cmp -s "$work/live/$f" "$work/plain/$f" || fail "a stopped run changed the previous results ($f)"
done
leftovers=$(find "$work" -maxdepth 1 -name '.live.*' | wc -l)
[ "$leftovers" = 0 ] || fail "a stopped run left temporary directories: $(ls -a "$work")"

echo "== a terminal ncurses does not know"
rm -f "$work/unknown.exit"
tmux_ new-session -d -s live -x 160 -y 50 \
  "TERM=nosuchterm '$crashtwin' run '$scenario' --live --out '$work/unknown' 2>'$work/unknown.stderr';
   echo \$? >'$work/unknown.exit'"
code=$(wait_exit "$work/unknown.exit")
[ "$code" = 2 ] || fail "exit code $code with TERM=nosuchterm (expected 2)"
grep -q "the terminal type 'nosuchterm' (TERM) is not in the terminfo database" "$work/unknown.stderr" ||
  fail "no message naming TERM: $(cat "$work/unknown.stderr")"
[ ! -e "$work/unknown" ] || fail "a refused --live wrote results"

echo "PASSED"
