#!/usr/bin/env bash
# The real-time-factor cost of `crashtwin run --live` (docs/PERFORMANCE.md,
# "Live view"): the same scenario run N times without the view and N times
# with it, each in a detached tmux pane (160x50; q sent once the run finished),
# interleaved, each run's RTF and wall time taken from its own
# perf.json (measured inside the run: the wait for q after the end is not in
# it), and each process's CPU time (user + system, /usr/bin/time: under a
# loaded machine the wall time, hence the RTF, moves with the other
# processes, the CPU time much less; the finished view waiting for q costs
# none). Prints every run and the medians.
#
#   bench/live_rtf.sh BUILD/crashtwin SCENARIO N [crashtwin run options...]
#   e.g. bench/live_rtf.sh build/crashtwin scenarios/library/soak_24h.yaml 9 --policy proportional
set -euo pipefail

crashtwin=$(realpath "$1")
scenario=$(realpath "$2")
repetitions=$3
shift 3
options=("$@")
command -v tmux >/dev/null || { echo "live_rtf: needs tmux (scripts/setup installs it)" >&2; exit 2; }

work=$(mktemp -d /tmp/crashtwin-live-rtf.XXXXXX)
tmux_() { tmux -S "$work/tmux.socket" "$@"; }
trap 'tmux_ kill-server 2>/dev/null || true; rm -rf "$work"' EXIT

perf() {  # run directory, /usr/bin/time output -> "rtf wall_s cpu_s"
  python3 -c 'import json,sys; p=json.load(open(sys.argv[1])); u,s=open(sys.argv[2]).read().split()[-2:]
print(p["real_time_factor"], p["wall_s"], float(u)+float(s))' "$1/perf.json" "$2"
}

quoted_options=""
for o in "${options[@]}"; do quoted_options+=" '$o'"; done

exec {never}<> <(:)
nap() { read -rt 0.02 -u "$never" || true; }  # a 20 ms wait in bash itself

plain=() live=() views=()
for ((i = 0; i < repetitions; ++i)); do
  # Both variants run in a tmux pane of the same size, into a fresh
  # directory: only --live differs (a process started by the caller's shell
  # and one started by the tmux server were measured up to 2x apart).
  rm -rf "$work/plain" "$work/exit"
  tmux_ new-session -d -s plain -x 160 -y 50 \
    "/usr/bin/time -f '%U %S' -o '$work/plain.time' '$crashtwin' run '$scenario'$quoted_options \
       --out '$work/plain' 2>/dev/null; echo \$? >'$work/exit'"
  until [ -s "$work/exit" ]; do nap; done
  read -r rtf wall cpu < <(perf "$work/plain" "$work/plain.time")
  plain+=("$rtf $wall $cpu")

  rm -rf "$work/exit" "$work/live"
  tmux_ new-session -d -s live -x 160 -y 50 \
    "/usr/bin/time -f '%U %S' -o '$work/live.time' '$crashtwin' run '$scenario'$quoted_options --live \
       --out '$work/live' 2>/dev/null; echo \$? >'$work/exit'"
  # The results directory appears when the run is complete and the view
  # shows "finished"; waiting for it spawns nothing that would load the
  # machine during the measured run (no capture-pane, no sleep process).
  until [ -d "$work/live" ]; do nap; done
  # The view's own time (snapshots, drawing, keys) from its progress line.
  until view=$(tmux_ capture-pane -p -t live | grep -o 'view [0-9.]* s') ; do nap; done
  views+=("${view//[^0-9.]/}")
  tmux_ send-keys -t live q
  until [ -s "$work/exit" ]; do nap; done
  read -r rtf wall cpu < <(perf "$work/live" "$work/live.time")
  live+=("$rtf $wall $cpu")
  echo "run $((i + 1)): plain RTF, wall s, CPU s: ${plain[-1]}; live: ${live[-1]}, the view's own ${views[-1]} s"
done

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
plain_rtf=$(printf '%s\n' "${plain[@]}" | cut -d' ' -f1 | median)
live_rtf=$(printf '%s\n' "${live[@]}" | cut -d' ' -f1 | median)
plain_wall=$(printf '%s\n' "${plain[@]}" | cut -d' ' -f2 | median)
live_wall=$(printf '%s\n' "${live[@]}" | cut -d' ' -f2 | median)
plain_cpu=$(printf '%s\n' "${plain[@]}" | cut -d' ' -f3 | median)
live_cpu=$(printf '%s\n' "${live[@]}" | cut -d' ' -f3 | median)
view_s=$(printf '%s\n' "${views[@]}" | median)
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a / b }'; }
echo "median of $repetitions: plain RTF $plain_rtf (wall $plain_wall s, CPU $plain_cpu s)," \
  "--live RTF $live_rtf (wall $live_wall s, CPU $live_cpu s); RTF ratio $(ratio "$live_rtf" "$plain_rtf")," \
  "CPU ratio $(ratio "$live_cpu" "$plain_cpu"); the view's own time $view_s s" \
  "($(awk -v a="$view_s" -v b="$live_wall" 'BEGIN { printf "%.1f", 100 * a / b }') % of the --live wall)"
