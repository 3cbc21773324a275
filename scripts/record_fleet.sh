#!/usr/bin/env bash
# Record data/fleet: binary sa files of several "hosts", each a sadc running in its own UTS
# namespace under its own host name, on this machine, in phases, one after the other:
#
#   cpu     web-3, web-4    stress-ng --cpu 4 --cpu-method matrixprod (twice the 2 CPUs)
#   io      db-1,  db-2     dd of 4 KiB direct synchronous writes to a temporary file, in a
#                           loop, and dd of 1 MiB direct writes beside it
#   memory  cache-1         1 GiB swap file; stress-ng --vm 1 --vm-bytes 768M --vm-keep in a
#                           memory cgroup limited to 256 MiB (it pages to swap)
#   mon-1                   recorded through the cpu, io and memory phases
#   quiet   web-1, web-2    nothing added, after waiting until mpstat shows > 90 % idle (the
#                           machine is shared: other people's work may be running)
#
# The hosts are all this one machine: hosts recorded in the same phase see the same load.
# Every load is bounded in time (timeout), every temporary file, swap file and cgroup is
# removed on exit. Writes data/fleet/<host>-<phase>.sa and data/fleet/PROVENANCE.tsv, and
# (scripts/render_fleet.sh) their sadf -d renderings in data/fleet-text/, then rewrites
# data/fleet/README.md from them (scripts/fleet_readme.py: its figures come from the data; its
# ground-truth table is checked against the checklist by tests/lake/test_lake_fleet_truth.py).
# Needs root, util-linux (unshare, mkswap, swapon), sysstat, stress-ng, coreutils.
#
#   scripts/record_fleet.sh [INTERVAL] [COUNT]     (default 2 s x 60 samples a phase)
#   QUIET_TRIES=N: how many 5-second mpstat checks (10 s apart) before giving up on the
#   quiet phase (default 360, about an hour); what was recorded before is kept and rendered.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OUT=$ROOT/data/fleet
INTERVAL=${1:-2}
COUNT=${2:-60}
PHASE=$((INTERVAL * COUNT))
SADC=/usr/lib/sysstat/sadc
[ -x "$SADC" ] || SADC=/usr/lib64/sa/sadc
TMP=$(mktemp -d /var/tmp/perfkit-fleet.XXXXXX)
SWAP=$TMP/swap
CGROUP=/sys/fs/cgroup/memory/perfkit-fleet
PIDS=()

say() { printf '%s %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }

cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  swapoff "$SWAP" 2>/dev/null || true
  if [ -d "$CGROUP" ]; then
    for pid in $(cat "$CGROUP/cgroup.procs" 2>/dev/null); do kill -9 "$pid" 2>/dev/null || true; done
    sleep 1
    rmdir "$CGROUP" 2>/dev/null || true
  fi
  rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

[ "$(id -u)" -eq 0 ] || { echo "run as root (UTS namespaces, swap, cgroups)" >&2; exit 1; }
mkdir -p "$OUT"
PROV=$OUT/PROVENANCE.tsv
[ -f "$PROV" ] || printf 'file\tcommand\trecorded_utc\tkernel\ttool_version\tlocale\tredacted\thost\tload\n' > "$PROV"

# Wait until the machine is quiet: mpstat's all-CPU %idle above 90 over 5 s (others share it).
wait_quiet() {
  local idle tries=0
  while :; do
    idle=$(LC_ALL=C mpstat 5 1 | awk '/^Average:/ && $2 == "all" {print $NF}')
    say "machine idle: ${idle} %"
    awk -v i="$idle" 'BEGIN {exit !(i > 90)}' && return 0
    tries=$((tries + 1))
    [ "$tries" -lt "${QUIET_TRIES:-360}" ] || { say "never quiet: giving up"; exit 1; }
    sleep 5
  done
}

# record HOST FILE SAMPLES LOAD: sadc in its own UTS namespace, in the background
record() {
  local host=$1 file=$2 samples=$3 load=$4
  rm -f "$OUT/$file"
  LC_ALL=C unshare --uts sh -c 'hostname "$1"; exec "$2" -S XALL "$3" "$4" "$5"' \
    _ "$host" "$SADC" "$INTERVAL" "$((samples + 1))" "$OUT/$file" &
  PIDS+=($!)
  grep -v -P "^\\Q${file}\\E\t" "$PROV" > "$PROV.tmp" || true
  mv "$PROV.tmp" "$PROV"
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$file" \
    "unshare --uts sh -c 'hostname $host; exec $SADC -S XALL $INTERVAL $((samples + 1)) $file'" \
    "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$(uname -r)" "$("$SADC" -V 2>&1 | head -1)" "C" \
    "nothing (the host name is the namespace's; sa files hold no addresses)" \
    "$host" "$load" >> "$PROV"
}

# Prepared before any recording so that dd and mkswap do not show in the phases.
say "preparing a 1 GiB swap file"
dd if=/dev/zero of="$SWAP" bs=1M count=1024 status=none
chmod 600 "$SWAP"
mkswap -q "$SWAP" >/dev/null

record mon-1 mon-1-all.sa $((3 * COUNT + 20 / INTERVAL)) \
  "none of its own: the cpu, io and memory phases of the other hosts, in turn"
MON=${PIDS[0]}

say "phase cpu"
stress-ng --cpu 4 --cpu-method matrixprod --timeout "$((PHASE + 4))s" --quiet &
PIDS+=($!)
sleep 2
record web-3 web-3-cpu.sa "$COUNT" "stress-ng --cpu 4 --cpu-method matrixprod --timeout $((PHASE + 4))s"
record web-4 web-4-cpu.sa "$COUNT" "stress-ng --cpu 4 --cpu-method matrixprod --timeout $((PHASE + 4))s"
wait "${PIDS[@]:1}"; PIDS=("$MON")
sleep 3

say "phase io"
IO="timeout $((PHASE + 4)) sh -c 'while :; do dd if=/dev/zero of=FILE bs=4k count=20000 oflag=direct,dsync; done' & timeout $((PHASE + 4)) sh -c 'while :; do dd if=/dev/zero of=FILE2 bs=1M count=512 oflag=direct; done'"
timeout "$((PHASE + 4))" sh -c 'while :; do dd if=/dev/zero of="$1" bs=4k count=20000 oflag=direct,dsync status=none; done' _ "$TMP/io-small" &
PIDS+=($!)
timeout "$((PHASE + 4))" sh -c 'while :; do dd if=/dev/zero of="$1" bs=1M count=512 oflag=direct status=none; done' _ "$TMP/io-large" &
PIDS+=($!)
sleep 2
record db-1 db-1-io.sa "$COUNT" "$IO"
record db-2 db-2-io.sa "$COUNT" "$IO"
wait "${PIDS[@]:1}" || true; PIDS=("$MON")
rm -f "$TMP/io-small" "$TMP/io-large"
sleep 3

say "phase memory"
swapon "$SWAP"
mkdir -p "$CGROUP"
echo $((256 * 1024 * 1024)) > "$CGROUP/memory.limit_in_bytes"
( echo "$BASHPID" > "$CGROUP/cgroup.procs"
  exec stress-ng --vm 1 --vm-bytes 768M --vm-keep --timeout "$((PHASE + 4))s" --quiet ) &
PIDS+=($!)
sleep 2
record cache-1 cache-1-memory.sa "$COUNT" \
  "1 GiB swap file (swapon); stress-ng --vm 1 --vm-bytes 768M --vm-keep --timeout $((PHASE + 4))s in a memory cgroup (v1) limited to 256 MiB"
wait "${PIDS[@]}" || true; PIDS=()
swapoff "$SWAP"

# Render what is recorded now: the quiet phase may wait long, or give up.
"$ROOT/scripts/render_fleet.sh"

wait_quiet
say "phase quiet"
record web-1 web-1-quiet.sa "$COUNT" "none (machine > 90 % idle over 5 s before the start)"
record web-2 web-2-quiet.sa "$COUNT" "none (machine > 90 % idle over 5 s before the start)"
wait "${PIDS[@]}"; PIDS=()

# The same data as sadf -d text, for machines without sysstat (the course's offline mode).
"$ROOT/scripts/render_fleet.sh"
"${PYTHON:-python3}" "$ROOT/scripts/fleet_readme.py"
say "done: $(du -sh "$OUT" | cut -f1)"
