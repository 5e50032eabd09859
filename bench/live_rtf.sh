#!/usr/bin/env bash
# The real-time-factor cost of `crashtwin run --live` (docs/PERFORMANCE.md,
# "Live view"): the same scenario run N times without the view and N times
# with it in a detached tmux pane (160x50; q sent once it shows
# "finished"), interleaved, each run's RTF and wall time taken from its own
# perf.json (measured inside the run: the wait for q after the end is not in
# it). Prints every run and the medians.
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

perf() {  # run directory -> "rtf wall_s"
  python3 -c 'import json,sys; p=json.load(open(sys.argv[1])); print(p["real_time_factor"], p["wall_s"])' "$1/perf.json"
}

quoted_options=""
for o in "${options[@]}"; do quoted_options+=" '$o'"; done

plain=() live=()
for ((i = 0; i < repetitions; ++i)); do
  "$crashtwin" run "$scenario" "${options[@]}" --out "$work/plain" >/dev/null 2>&1
  read -r rtf wall < <(perf "$work/plain")
  plain+=("$rtf $wall")

  rm -f "$work/exit"
  tmux_ new-session -d -s live -x 160 -y 50 \
    "'$crashtwin' run '$scenario'$quoted_options --live --out '$work/live' 2>/dev/null; echo \$? >'$work/exit'"
  until tmux_ capture-pane -p -t live 2>/dev/null | grep -q 'finished: '; do sleep 0.05; done
  tmux_ send-keys -t live q
  until [ -s "$work/exit" ]; do sleep 0.05; done
  read -r rtf wall < <(perf "$work/live")
  live+=("$rtf $wall")
  echo "run $((i + 1)): plain RTF ${plain[-1]% *} (${plain[-1]#* } s), live RTF ${live[-1]% *} (${live[-1]#* } s)"
done

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
plain_rtf=$(printf '%s\n' "${plain[@]}" | cut -d' ' -f1 | median)
live_rtf=$(printf '%s\n' "${live[@]}" | cut -d' ' -f1 | median)
plain_wall=$(printf '%s\n' "${plain[@]}" | cut -d' ' -f2 | median)
live_wall=$(printf '%s\n' "${live[@]}" | cut -d' ' -f2 | median)
echo "median of $repetitions: plain RTF $plain_rtf (wall $plain_wall s), --live RTF $live_rtf (wall $live_wall s)," \
  "ratio $(awk -v a="$live_rtf" -v b="$plain_rtf" 'BEGIN { printf "%.3f", a / b }')"
