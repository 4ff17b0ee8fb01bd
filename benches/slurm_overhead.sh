#!/usr/bin/env bash
# Submit-to-start latency and per-task overhead of `execute --on slurm` against a bare
# `sbatch --wrap`, on whatever cluster SLURM_CONF names (e.g. after `eval "$(.ci/slurm-up)"`).
# Prints medians over N runs (default 10) as a table. Usage:
#   benches/slurm_overhead.sh [N] [path/to/smart-agents]
set -euo pipefail
n=${1:-10}
bin=${2:-target/release/smart-agents}
[ -x "$bin" ] || bin=target/debug/smart-agents
work=$(mktemp -d /tmp/sa-bench.XXXX)
trap 'SMART_AGENTS_HOME=$work/home "$bin" worker stop >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
now() { date +%s.%N; }

# A bare job: submit, then poll scontrol every 20 ms until it has ended.
bare() {
  local t0 id state
  t0=$(now)
  id=$(sbatch --parsable --no-requeue -o /dev/null --wrap "date +%s.%N > $work/start")
  while :; do
    state=$(scontrol -o show job "$id" | grep -o 'JobState=[A-Z]*' || true)
    case $state in *COMPLETED*|*FAILED*|*CANCELLED*) break ;; esac
    sleep 0.02
  done
  echo "$t0 $(cat "$work/start") $(now)"
}

# The same through smart-agents: `execute` returns once the worker has seen the end.
managed() {
  local t0
  t0=$(now)
  SMART_AGENTS_HOME=$work/home "$bin" execute --on slurm --quiet -- sh -c "date +%s.%N > $work/start" >/dev/null
  echo "$t0 $(cat "$work/start") $(now)"
}

median() { python3 -c 'import sys,statistics; print(f"{statistics.median(float(x) for x in sys.argv[1:]):.3f}")' "$@"; }

row() {
  local name=$1 fn=$2 starts=() totals=()
  for _ in $(seq 1 "$n"); do
    read -r t0 ts te < <($fn)
    starts+=("$(python3 -c "print($ts - $t0)")")
    totals+=("$(python3 -c "print($te - $t0)")")
  done
  printf '%-34s %14s %14s\n' "$name" "$(median "${starts[@]}")" "$(median "${totals[@]}")"
}

mkdir -p "$work/home"
printf '%-34s %14s %14s\n' "median of $n (seconds)" "submit→start" "submit→seen"
row "sbatch --wrap (poll 20 ms)" bare
for tick in 3 1 0.3; do
  SMART_AGENTS_HOME=$work/home "$bin" worker stop >/dev/null 2>&1 || true
  printf '[executors.slurm]\nreconcile_seconds = %s\n' "$tick" >"$work/home/config.toml"
  row "execute --on slurm (tick ${tick} s)" managed
done
