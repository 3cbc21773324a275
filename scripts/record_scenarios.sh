#!/usr/bin/env bash
# Record the course's scenarios: each a `perfkit capture --induce NAME` of this machine.
#
#   sudo scripts/record_scenarios.sh [--duration SECONDS] [--out DIR] [SCENARIO...]
#
#   --duration  seconds each capture samples (default 40; at least 30 for the shipped data,
#               shorter only to try the script)
#   --readme    only rewrite DIR/README.md (scripts/scenarios_readme.py; records nothing)
#   --out       the scenarios folder to write (default: data/scenarios of this checkout);
#               it receives DIR/<scenario>/ (a `perfkit capture --redact` directory),
#               DIR/MANIFEST.tsv (one row per scenario: name, description, commands, date,
#               kernel, sha256) and DIR/README.md (scripts/scenarios_readme.py)
#   SCENARIO    any of: idle cpu-saturation hot-thread memory-swap oom-kill disk-saturation
#               network-retrans mystery short-lived packet-rate cpu-limit (default: all, in
#               that order)
#
# Run it as root on an otherwise quiet machine. Before each scenario it waits (up to
# COOL_DOWN seconds, default 600) until the 1-minute load average is below 0.3 and the
# 5-minute one below 0.7, so that what ran before does not show in the next recording; the
# load averages each capture started with are in its capture.json (load_average_start).
# Each scenario runs in its own PID namespace (`unshare --pid --fork --mount-proc`), so top
# and pidstat show only the load it started. The kernel ring buffer is cleared first
# (dmesg --clear), so a scenario's dmesg holds only what it caused. `perfkit capture
# --induce` starts the load (bounded in time, memory cgroup, capped temporary files,
# private network namespace), waits until it takes hold, captures, removes the load, and
# writes the ground truth into capture.json's `induced` record (sealed for the mystery).
#
# Needs: root, util-linux (unshare), the tools of the checklist, and perfkit importable by
# $PYTHON (default: this checkout's .venv/bin/python); stress-ng is used where present.
#
# The sha256 column is the SHA-256 of the `sha256sum` listing of the scenario's files, sorted
# by name:  (cd DIR/NAME && find . -type f | LC_ALL=C sort | xargs sha256sum) | sha256sum
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SELF="$ROOT/scripts/$(basename "${BASH_SOURCE[0]}")"
PYTHON=${PYTHON:-"$ROOT/.venv/bin/python"}
[ -x "$PYTHON" ] || PYTHON=python3
export PYTHONPATH="$ROOT${PYTHONPATH:+:$PYTHONPATH}"
ALL=(idle cpu-saturation hot-thread memory-swap oom-kill disk-saturation network-retrans mystery
     short-lived packet-rate cpu-limit)
COOL_DOWN=${COOL_DOWN:-600}

declare -A DESCRIPTION=(
  [idle]="nothing running: the baseline of this machine"
  [cpu-saturation]="more busy threads than CPUs: every CPU busy, a run queue"
  [hot-thread]="one thread keeps one CPU at 100 % while the others idle"
  [memory-swap]="a process larger than its memory cgroup: its pages go to swap"
  [oom-kill]="a process outgrows its memory cgroup with no swap: the OOM killer ends it, again and again"
  [disk-saturation]="direct writes to capped temporary files keep their disk busy"
  [network-retrans]="a TCP stream over a private veth link that loses packets: retransmits"
  [mystery]="something is slow on this machine: find out what"
  [short-lived]="hundreds of processes a second, each living milliseconds: CPU time no process listed accounts for"
  [packet-rate]="small UDP packets at a high rate over a private veth link: the network's cost in CPU"
  [cpu-limit]="a CPU-bound process held by a CPU quota at a fifth of one CPU: it waits while the CPUs sit idle"
)

die() { echo "record_scenarios: $*" >&2; exit 1; }
say() { echo "record_scenarios: $*" >&2; }

# Wait until the load averages have settled (what ran before must not show in the next).
cool_down() {
  local waited=0
  while awk '{exit !($1 >= 0.3 || $2 >= 0.7)}' /proc/loadavg && [ "$waited" -lt "$COOL_DOWN" ]; do
    sleep 10; waited=$((waited + 10))
  done
  say "load averages after $waited s of cool-down: $(cut -d' ' -f1-3 /proc/loadavg)"
}

# Inside the PID namespace (run as `SELF --inner NAME TARGET DURATION`).
inner() {
  local name=$1 target=$2 duration=$3
  cool_down
  # start each scenario's kernel log afresh, so its dmesg holds only what it caused, and
  # mark the start (a user-space line in the kernel log, as init systems write)
  dmesg --clear
  printf 'perfkit: scenario %s: load starts\n' "$name" > /dev/kmsg
  "$PYTHON" -m perfkit capture "$target" --induce "$name" --duration "$duration" --redact --force
}

if [ "${1:-}" = "--inner" ]; then
  shift
  inner "$@"
  exit $?
fi

# ---------------------------------------------------------------------------------------
# Outside: one namespace per scenario, then the manifest and the README.
# ---------------------------------------------------------------------------------------
DURATION=40
README_ONLY=0
OUT="$ROOT/data/scenarios"
CHOSEN=()
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) DURATION=$2; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    --readme) README_ONLY=1; shift ;;
    -h|--help) sed -n '2,32p' "$SELF" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) die "unknown option $1 (see --help)" ;;
    *) [ -n "${DESCRIPTION[$1]+x}" ] || die "unknown scenario $1; known: ${ALL[*]}"
       CHOSEN+=("$1"); shift ;;
  esac
done
[ ${#CHOSEN[@]} -gt 0 ] || CHOSEN=("${ALL[@]}")
[ "$README_ONLY" = 1 ] && CHOSEN=()
[ "$README_ONLY" = 1 ] || [ "$(id -u)" -eq 0 ] || die "run as root (namespaces, cgroups, swap, network namespaces)"
[[ "$DURATION" =~ ^[0-9]+$ ]] || die "--duration takes whole seconds"
[ "$DURATION" -ge 30 ] || say "warning: --duration $DURATION is under 30 s: fine for a try, not for the shipped data"
for tool in unshare; do command -v "$tool" >/dev/null || die "$tool is not installed"; done
"$PYTHON" -c "import perfkit" 2>/dev/null || die "$PYTHON cannot import perfkit"
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
MANIFEST="$OUT/MANIFEST.tsv"
[ -f "$MANIFEST" ] || printf 'name\tdescription\tcommands\tdate\tkernel\tsha256\n' > "$MANIFEST"

digest() {
  (cd "$1" && find . -type f | LC_ALL=C sort | xargs sha256sum) | sha256sum | cut -d' ' -f1
}

failed=()
for name in "${CHOSEN[@]}"; do
  say "$name: ${DESCRIPTION[$name]} (${DURATION} s)"
  if ! unshare --pid --fork --mount-proc bash "$SELF" --inner "$name" "$OUT/$name" "$DURATION"; then
    say "$name: the capture did not complete; not listed in the manifest"
    failed+=("$name")
    continue
  fi
  commands="perfkit capture --induce $name --duration $DURATION --redact ($(
    "$PYTHON" -c 'import json, sys; r = json.load(open(sys.argv[1])).get("induced", {})
print(r.get("mechanism", "?") + " loads")' "$OUT/$name/capture.json"))"
  row=$(printf '%s\t%s\t%s\t%s\t%s\t%s' "$name" "${DESCRIPTION[$name]}" "$commands" \
        "$(date -u +%Y-%m-%d)" "$(uname -r)" "$(digest "$OUT/$name")")
  { head -1 "$MANIFEST"; tail -n +2 "$MANIFEST" | awk -F'\t' -v n="$name" '$1 != n'; echo "$row"; } \
    > "$MANIFEST.tmp"
  mv "$MANIFEST.tmp" "$MANIFEST"
done

# Keep the manifest in the course's order.
{ head -1 "$MANIFEST"
  for name in "${ALL[@]}"; do tail -n +2 "$MANIFEST" | awk -F'\t' -v n="$name" '$1 == n'; done
} > "$MANIFEST.tmp" && mv "$MANIFEST.tmp" "$MANIFEST"

# The README: every number in it is computed from the recordings.
"$PYTHON" "$ROOT/scripts/scenarios_readme.py" --data "$OUT"

if [ ${#failed[@]} -gt 0 ]; then
  say "failed: ${failed[*]}"
  exit 1
fi
if [ "$README_ONLY" = 1 ]; then say "rewrote $OUT/README.md"; else say "wrote ${CHOSEN[*]} into $OUT"; fi
