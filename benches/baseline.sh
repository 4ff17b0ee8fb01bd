#!/usr/bin/env bash
# This build beside an older one, in the same run. The machine's speed wanders by up to 2x from
# one minute to the next (see docs/benchmarks.md), so figures taken in different runs do not compare;
# here each round runs both builds back to back, in alternating order, and the table gives the
# median over the rounds. Only the command line is used, so any older build works.
#
#   benches/baseline.sh [REV] [ROUNDS]
#
# REV defaults to 76d7e2c, the last commit before issues 9-18 (admission, events, secrets...).
# Its binary is built once into target/baseline/REV (a cold release build: about 3 minutes).
set -euo pipefail
rev=${1:-76d7e2c}
rounds=${2:-3}
root=$(git rev-parse --show-toplevel)
cd "$root"
cargo build --release --bin smart-agents >&2
new=$root/target/release/smart-agents
src=$root/target/baseline/$rev
old=$src/target/release/smart-agents
if [ ! -x "$old" ]; then
  rm -rf "$src" && mkdir -p "$src"
  git archive "$rev" | tar -x -C "$src"
  (cd "$src" && cargo build --release --bin smart-agents >&2)
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/sa-baseline.XXXX")
# Tasks run in the work folder, outside any git repository: inside one, each task's two
# `git status` snapshots (for the files it changed) would be what is measured.
cd "$work"
# Homes are removed only at the end: on a disk without a journal, deleting files slows the
# creation of new ones for minutes, which would tax whichever build ran next.
trap 'for h in "$work"/*/; do SMART_AGENTS_HOME=$h "$new" worker stop --kill >/dev/null 2>&1 || true; done; rm -rf "$work"' EXIT

median() { sort -g | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'; }
ms() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.3f\n", (b-a)*1000}'; }

# Median of 100 whole `execute --async -- true` processes, in ms.
submit() {
  local bin=$1 home=$2 t0 t1
  SMART_AGENTS_HOME=$home "$bin" worker start >/dev/null
  for _ in $(seq 100); do
    t0=$EPOCHREALTIME
    SMART_AGENTS_HOME=$home "$bin" execute --async -- true >/dev/null
    t1=$EPOCHREALTIME
    ms "$t0" "$t1"
  done | median
  SMART_AGENTS_HOME=$home "$bin" worker stop --kill >/dev/null 2>&1 || true
}

# Tasks per second: 1,000 `true` queued while paused, then resumed; timed to the end of the
# last, which has the lowest priority so it starts last (at most one other can still run).
drain() {
  local bin=$1 home=$2 config=$3 t0 t1 last
  mkdir -p "$home" && printf '%b' "$config" >"$home/config.toml"
  export SMART_AGENTS_HOME=$home
  "$bin" worker start >/dev/null
  "$bin" pause >/dev/null
  seq 999 | xargs -P 4 -I{} "$bin" execute --async -- true >/dev/null
  last=$("$bin" execute --async --priority 1 -- true)
  t0=$EPOCHREALTIME
  "$bin" resume >/dev/null
  "$bin" wait "$last" >/dev/null
  t1=$EPOCHREALTIME
  awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.0f\n", 1000/(b-a)}'
  "$bin" worker stop --kill >/dev/null 2>&1 || true
  unset SMART_AGENTS_HOME
}

# Resident memory of an idle worker, in MB: started, 100 tasks run, then 2 s of quiet.
idle_rss() {
  local bin=$1 home=$2 pid
  export SMART_AGENTS_HOME=$home
  pid=$("$bin" worker start | sed -n 's/.*pid \([0-9]*\).*/\1/p')
  seq 100 | xargs -P 4 -I{} "$bin" execute --async -- true >/dev/null
  "$bin" wait "$("$bin" execute --async --priority 1 -- true)" >/dev/null
  sleep 2
  awk '/VmRSS/ {printf "%.1f\n", $2/1024}' "/proc/$pid/status"
  "$bin" worker stop --kill >/dev/null 2>&1 || true
  unset SMART_AGENTS_HOME
}

bare() {
  local t0 t1
  for _ in $(seq 100); do
    t0=$EPOCHREALTIME
    /bin/true
    t1=$EPOCHREALTIME
    ms "$t0" "$t1"
  done | median
}

off='[limits]\nmax_concurrent_tasks = 2\ncpu_threshold = 100\nmemory_threshold = 100\n'
on='[limits]\nmax_concurrent_tasks = 2\n'
declare -A got
for r in $(seq "$rounds"); do
  order="new old"
  [ $((r % 2)) -eq 0 ] && order="old new"
  got[bare]+="$(bare) "
  for b in $order; do
    bin=$new && [ "$b" = old ] && bin=$old
    got[submit-$b]+="$(submit "$bin" "$work/s-$b-$r") "
    got[off-$b]+="$(drain "$bin" "$work/d-$b-$r" "$off") "
    got[on-$b]+="$(drain "$bin" "$work/g-$b-$r" "$on") "
    got[rss-$b]+="$(idle_rss "$bin" "$work/r-$b-$r") "
    echo "round $r, $b: submit ${got[submit-$b]}ms; drain, gates off ${got[off-$b]}/s; default ${got[on-$b]}/s" >&2
  done
done

med() { tr ' ' '\n' | grep . | median; }
row() {
  local n o
  n=$(echo "${got[$2-new]}" | med)
  o=$(echo "${got[$2-old]}" | med)
  printf '%-52s %-12s %-12s %s\n' "$1" "$n $3" "$o $3" "$(awk -v n="$n" -v o="$o" 'BEGIN {printf "%+.0f %%", (n/o-1)*100}')"
}
echo
echo "median of $rounds rounds, interleaved; /bin/true: $(echo "${got[bare]}" | med) ms"
printf '%-52s %-12s %-12s %s\n' metric "this build" "$rev" change
printf '%s\n' "-----------------------------------------------------------------------------------------"
row "submit, whole execute --async -- true process" submit ms
row "drain 1,000 true, concurrency 2, gates off" off /s
row "drain 1,000 true, concurrency 2, default gates" on /s
row "worker RSS, idle after 100 tasks" rss MB
