#!/usr/bin/env bash
# Self-test of scripts/firmware-report with the host compiler: a fixture with
# recursion, a 4000-byte frame and an indirect call, laid out as a firmware
# build. The check must fail naming exactly the recursion and the overrun,
# pass when the budgets allow the fixture, and refuse a malformed budgets
# line with its file:line and exit status 2.
#   report_self_test.sh CXX REPO_ROOT WORK_DIR
set -euo pipefail
cxx=$1 root=$2 work=$3
rm -rf "$work"
objdir=$work/CMakeFiles/crashtwin_firmware.dir/platform/fixture
mkdir -p "$objdir"
"$cxx" -std=c++20 -O1 -fstack-usage -fcallgraph-info=su -c "$root/tests/firmware/fixtures/stack_hazards.cpp" \
  -o "$objdir/stack_hazards.cpp.obj"
printf 'target=host-fixture\nsize_tool=size\nqemu=\n' > "$work/firmware-target.txt"
frame() { awk -F'\t' -v f="$1" 'index($1, " " f "(") { print $2 }' "$objdir/stack_hazards.cpp.su"; }
hook_frame=$(frame call_hook)

cat > "$work/tight.txt" <<BUDGETS
size fixture 100000 1000 1000
allowance indirect 100
allowance external 0
stack depth 100000
stack big_frame 4000
stack call_hook 100000
BUDGETS
status=0
output=$(python3 "$root/scripts/firmware-report" --check --budgets "$work/tight.txt" "$work") || status=$?
echo "$output"
fail() { echo "report self-test: $*"; exit 1; }
[ "$status" -eq 1 ] || fail "expected exit 1 for the tight budgets, got $status"
grep -q "host-fixture: depth: recursion through depth" <<<"$output" || fail "recursion not flagged"
grep -Eq "host-fixture: big_frame needs [0-9]+ bytes of stack, budget 4000" <<<"$output" || fail "overrun not flagged"
[ "$(grep -c '^  - ' <<<"$output")" -eq 2 ] || fail "expected exactly two violations"
grep -q "| \`call_hook\` | $((hook_frame + 100)) |" <<<"$output" ||
  fail "call_hook should be its frame ($hook_frame) plus the indirect allowance (100)"

cat > "$work/loose.txt" <<BUDGETS
size fixture 100000 1000 1000
allowance indirect 100
stack big_frame 100000
stack call_hook 100000
BUDGETS
python3 "$root/scripts/firmware-report" --check --budgets "$work/loose.txt" "$work" >/dev/null ||
  fail "expected the loose budgets to pass"
printf 'size fixture 1 2\n' > "$work/bad.txt"
status=0
output=$(python3 "$root/scripts/firmware-report" --budgets "$work/bad.txt" "$work" 2>&1) || status=$?
[ "$status" -eq 2 ] || fail "expected exit 2 for a malformed budgets line, got $status"
grep -q "bad.txt:1: expected" <<<"$output" || fail "the malformed line is not named: $output"
echo "report self-test: ok"
