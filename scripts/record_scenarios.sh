#!/usr/bin/env bash
# Record the course's scenarios: a machine in a known state, captured with `perfkit capture`.
#
#   sudo scripts/record_scenarios.sh [--duration SECONDS] [--out DIR] [SCENARIO...]
#
#   --duration  seconds each capture samples (default 40; at least 30 for the shipped data,
#               shorter only to try the script)
#   --readme    only rewrite DIR/README.md from DIR/MANIFEST.tsv (records nothing)
#   --out       the scenarios folder to write (default: data/scenarios of this checkout);
#               it receives DIR/<scenario>/ (a `perfkit capture --redact` directory),
#               DIR/MANIFEST.tsv (one row per scenario: name, description, commands, date,
#               kernel, sha256) and DIR/README.md (made from the manifest)
#   SCENARIO    any of: idle cpu-saturation hot-thread memory-swap oom-kill disk-saturation
#               network-retrans mystery (default: all eight, in that order)
#
# Run it as root on an otherwise quiet machine (the idle scenario is the baseline). Each
# scenario runs in its own PID namespace (`unshare --pid --fork --mount-proc`), so top and
# pidstat show only the load it started; network-retrans also gets its own network namespace,
# so the packet loss it adds to `lo` touches nothing else. The load starts a few seconds
# before the capture and is stopped after it; the kernel ring buffer is cleared first
# (dmesg --clear), so a scenario's dmesg holds only what it caused; swap files, loop devices, memory cgroups and
# netem qdiscs are removed by traps, even after Ctrl-C or a failure.
#
# Needs: root, util-linux (unshare, losetup, mkswap, swapon), stress-ng, iproute2 (tc, ip),
# python3, and perfkit importable by $PYTHON (default: this checkout's .venv/bin/python).
#
# The sha256 column is the SHA-256 of the `sha256sum` listing of the scenario's files, sorted
# by name:  (cd DIR/NAME && find . -type f | LC_ALL=C sort | xargs sha256sum) | sha256sum
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SELF="$ROOT/scripts/$(basename "${BASH_SOURCE[0]}")"
PYTHON=${PYTHON:-"$ROOT/.venv/bin/python"}
[ -x "$PYTHON" ] || PYTHON=python3
export PYTHONPATH="$ROOT${PYTHONPATH:+:$PYTHONPATH}"
ALL=(idle cpu-saturation hot-thread memory-swap oom-kill disk-saturation network-retrans mystery)
RAMP=3   # seconds the load runs before the capture starts (75 for cpu-saturation, so that
         # the 1-minute load average has climbed; idle first waits for the load to settle)

declare -A DESCRIPTION=(
  [idle]="nothing running: the baseline of this machine"
  [cpu-saturation]="more runnable threads than CPUs: every CPU busy, a run queue, load rising"
  [hot-thread]="one single-threaded process keeps one CPU at 100% while the others idle"
  [memory-swap]="a process larger than the memory left: the machine pages to swap"
  [oom-kill]="a process outgrows its memory cgroup with no swap: the OOM killer ends it, again and again"
  [disk-saturation]="direct writes and reads keep a loop device and its disk busy"
  [network-retrans]="TCP over loopback with 5% of packets dropped (netem, or nftables without it): retransmits"
  [mystery]="something is slow on this machine: find out what"
)
declare -A COMMANDS=(
  [idle]="(no load)"
  [cpu-saturation]="stress-ng --cpu \$((2*\$(nproc))) --cpu-method matrixprod"
  [hot-thread]="stress-ng --cpu 1 --cpu-method matrixprod"
  [memory-swap]="4 GiB swap file (dd, mkswap, swapon); caches dropped, then all but 1.5 GiB of RAM reserved as huge pages (echo N > /proc/sys/vm/nr_hugepages); python3 process touching every page of 2560 MiB in a loop"
  [oom-kill]="memory cgroup limited to 128 MiB without swap; stress-ng --vm 1 --vm-bytes 300M --vm-keep inside it (restarted after each kill)"
  [disk-saturation]="2 GiB file on a loop device (losetup --direct-io=on); dd if=/dev/zero of=LOOP bs=1M oflag=direct in a loop; dd if=LOOP of=/dev/null bs=4k iflag=direct in a loop"
  [network-retrans]="unshare --net; ip link set lo up; tc qdisc add dev lo root netem loss 5% (or, where the kernel has no netem: nft add rule inet perfkit input iif lo numgen random mod 100 < 5 drop); a python3 TCP sender and receiver on 127.0.0.1 (64 KiB every 10 ms)"
  [mystery]="sealed: the answer of the workshop puzzle (teachers: perfkit mystery --reveal)"
)

# What a learner should find in each, and which tool shows it (for the README).
declare -A FIND=(
  [idle]="nothing to report: the checklist's findings are empty. vmstat r stays low (1 to 3: the capture's own tools, at the instant vmstat reads the count), mpstat %idle near 100 on every CPU, no swap, no network load; a short burst of background I/O on loop0 (in 8 of the 39 iostat reports, at most 55 %util) came from elsewhere on the recording machine. Keep it as the picture of health to compare the others with. (The one process pidstat shows is the capture itself.)"
  [cpu-saturation]="uptime's 1-minute load above the 2 CPUs and rising against the 15-minute one; vmstat r around 5 (more than the CPUs) with us near 100 and id near 0; mpstat shows both CPUs busy; pidstat lists four stress-ng-cpu workers at about half a CPU each (they share two CPUs)."
  [hot-thread]="mpstat -P ALL: one CPU near 100 % busy beside an idle one (the all row alone would hide it at about 50 %); pidstat names the single stress-ng-cpu process at about 100 % %CPU; vmstat r stays near 2 and id near 45 %, so vmstat alone looks half idle."
  [memory-swap]="vmstat si and so around 200 MiB/s in every sample, wa and sy up; free's available a few MiB of 24 GiB and swap in use; iostat shows the swap device (vda) queueing (aqu-sz near 30, w_await about 7 ms); the huge-page reservation counts as used in free."
  [oom-kill]="dmesg: a stream of 'Memory cgroup out of memory: Killed process ... (stress-ng-vm)' lines with the cgroup's name, and the killed process's total-vm and anon-rss; pidstat shows stress-ng-vm workers coming and going; vmstat sy up from the kernel's reclaim work."
  [disk-saturation]="iostat -xz: loop0 at about 94 %util with aqu-sz above 1 and the disk behind it (vda) busy too; vmstat wa around 60 % and b at 1-2 (tasks blocked on I/O); pidstat -d would name dd; await stays low (this virtual disk is fast), which is why %util and aqu-sz, not await, show the saturation here."
  [network-retrans]="sar -n TCP,ETCP: retrans/s above zero (about 13 per second, some 4 % of oseg/s) on a steady loopback stream; sar -n DEV shows lo carrying it; nothing else is busy."
  [mystery]="a puzzle for the workshop: start from the checklist's findings and follow them. The answer is sealed in perfkit: \`perfkit mystery --check \"DIAGNOSIS\"\` says whether a diagnosis names the cause; teachers read it with \`perfkit mystery --reveal\`."
)

die() { echo "record_scenarios: $*" >&2; exit 1; }
say() { echo "record_scenarios: $*" >&2; }

# ---------------------------------------------------------------------------------------
# Inside the namespace: start the load, capture, stop the load (run as `SELF --inner ...`).
# ---------------------------------------------------------------------------------------
CLEANUP=()
cleanup() {
  local status=$?
  trap - EXIT INT TERM
  local pids
  pids=$(jobs -p)
  [ -n "$pids" ] && kill $pids 2>/dev/null || true
  wait 2>/dev/null || true
  local i
  for ((i=${#CLEANUP[@]}-1; i>=0; i--)); do eval "${CLEANUP[i]}" || true; done
  exit "$status"
}
on_exit() { CLEANUP+=("$1"); }

# A memory cgroup (v2 when the unified hierarchy has the memory controller, else v1) named
# perfkit-<scenario>; prints its directory. Usage: memory_cgroup NAME LIMIT_BYTES SWAP(yes|no)
memory_cgroup() {
  local name=$1 limit=$2 swap=$3 dir
  local v2=/sys/fs/cgroup
  [ -f /sys/fs/cgroup/unified/cgroup.controllers ] && v2=/sys/fs/cgroup/unified
  if [ -f "$v2/cgroup.controllers" ] && grep -qw memory "$v2/cgroup.controllers"; then
    dir="$v2/perfkit-$name"
    mkdir -p "$dir"
    echo "$limit" > "$dir/memory.max"
    if [ "$swap" = no ]; then echo 0 > "$dir/memory.swap.max"; else echo max > "$dir/memory.swap.max"; fi
  elif [ -d /sys/fs/cgroup/memory ]; then
    dir="/sys/fs/cgroup/memory/perfkit-$name"
    mkdir -p "$dir"
    echo "$limit" > "$dir/memory.limit_in_bytes"
    if [ "$swap" = no ] && [ -f "$dir/memory.memsw.limit_in_bytes" ]; then
      echo "$limit" > "$dir/memory.memsw.limit_in_bytes"
    fi
    [ "$swap" = no ] && echo 0 > "$dir/memory.swappiness" 2>/dev/null || true
  else
    die "no memory cgroup controller"
  fi
  echo "$dir"
}

# Remove a cgroup once its processes are gone.
remove_cgroup() {
  local dir=$1 i
  for i in 1 2 3 4 5 6 7 8 9 10; do
    rmdir "$dir" 2>/dev/null && return 0
    for pid in $(cat "$dir/cgroup.procs" 2>/dev/null); do kill -9 "$pid" 2>/dev/null || true; done
    sleep 0.5
  done
  say "could not remove $dir"
}

# Run a command inside a cgroup, in the background.
in_cgroup() {
  local dir=$1; shift
  ( echo "$BASHPID" > "$dir/cgroup.procs"; exec "$@" ) &
}

load_idle() { :; }

load_cpu-saturation() {
  stress-ng --cpu $((2 * $(nproc))) --cpu-method matrixprod --timeout "${LOAD}s" --quiet &
}

load_hot-thread() {
  stress-ng --cpu 1 --cpu-method matrixprod --timeout "${LOAD}s" --quiet &
}

load_memory-swap() {
  # Make the machine small: hold all but KEEP_MIB of its RAM as reserved huge pages, add a
  # swap file, and run a process larger than what is left. The whole system then pages:
  # free's "available" falls, vmstat's si/so rise. Both are undone on exit.
  local swapfile=/var/tmp/perfkit-scenario.swap keep_mib=1536 total_mib pages old
  on_exit "swapoff $swapfile 2>/dev/null; rm -f $swapfile"
  dd if=/dev/zero of="$swapfile" bs=1M count=4096 status=none
  chmod 600 "$swapfile"
  mkswap -q "$swapfile" >/dev/null
  swapon "$swapfile"
  total_mib=$(awk '/^MemTotal:/ {print int($2 / 1024)}' /proc/meminfo)
  pages=$(( (total_mib - keep_mib) / 2 ))
  old=$(cat /proc/sys/vm/nr_hugepages)
  on_exit "echo $old > /proc/sys/vm/nr_hugepages"
  sync
  echo 3 > /proc/sys/vm/drop_caches   # so the kernel can find the huge pages
  echo "$pages" > /proc/sys/vm/nr_hugepages
  # a plain process that keeps touching every page of 2.5 GiB (stress-ng --vm sizes itself
  # down to the memory it finds free, so it would not page)
  python3 - "$LOAD" <<'PY' &
import sys, time
end = time.monotonic() + float(sys.argv[1])
block = bytearray(2560 * 2**20)
while time.monotonic() < end:
    for offset in range(0, len(block), 4096):
        block[offset] = (block[offset] + 1) & 0xFF
PY
}

load_oom-kill() {
  local cg
  cg=$(memory_cgroup oom-kill $((128 * 1024 * 1024)) no)
  on_exit "remove_cgroup $cg"
  in_cgroup "$cg" stress-ng --vm 1 --vm-bytes 300M --vm-keep --timeout "${LOAD}s" --quiet
}

load_disk-saturation() {
  local image=/var/tmp/perfkit-scenario.img loop
  on_exit "rm -f $image"
  truncate -s 2G "$image"
  loop=$(losetup --find --show --direct-io=on "$image")
  on_exit "losetup -d $loop"
  ( while :; do dd if=/dev/zero of="$loop" bs=1M count=2048 oflag=direct status=none || sleep 1; done ) &
  ( while :; do dd if="$loop" of=/dev/null bs=4k count=262144 iflag=direct status=none || sleep 1; done ) &
}

# Say what a load really ran when it had to choose (read back for the manifest).
note_commands() { printf '%s\n' "$1" > "$NOTE"; }

load_network-retrans() {
  ip link set lo up
  if tc qdisc add dev lo root netem loss 5% 2>/dev/null; then
    on_exit "tc qdisc del dev lo root 2>/dev/null"
    note_commands "unshare --net; ip link set lo up; tc qdisc add dev lo root netem loss 5%; a python3 TCP sender and receiver on 127.0.0.1 (64 KiB every 10 ms)"
  else
    # this kernel has no sch_netem: drop 5% of what lo receives with nftables instead
    command -v nft >/dev/null || die "neither netem (tc) nor nft can drop packets here"
    on_exit "nft delete table inet perfkit 2>/dev/null"
    nft add table inet perfkit
    nft add chain inet perfkit input '{ type filter hook input priority 0; }'
    nft add rule inet perfkit input iif lo numgen random mod 100 '<' 5 drop
    note_commands "unshare --net; ip link set lo up; nft add rule inet perfkit input iif lo numgen random mod 100 < 5 drop (no netem in this kernel); a python3 TCP sender and receiver on 127.0.0.1 (64 KiB every 10 ms)"
  fi
  python3 - "$LOAD" <<'EOF' &
import socket, sys, threading, time
end = time.monotonic() + float(sys.argv[1])
server = socket.socket()
server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server.bind(("127.0.0.1", 0))
server.listen(1)
def receive():
    conn, _ = server.accept()
    while conn.recv(65536):
        pass
threading.Thread(target=receive, daemon=True).start()
client = socket.create_connection(server.getsockname())
chunk = b"x" * 65536
while time.monotonic() < end:
    client.sendall(chunk)
    time.sleep(0.01)
EOF
}

# The mystery's load is sealed with its answer (perfkit/course/mystery_seal.py, written by
# scripts/seal_mystery.py), so that no file of a participant's checkout gives the answer away.
load_mystery() {
  local script
  script=$("$PYTHON" -m perfkit.course.mystery --load-script)
  eval "$script"
}

inner() {
  local name=$1 target=$2 duration=$3
  NOTE="$(dirname "$target")/.$name.commands"
  LOAD=$((duration + RAMP + 95))
  trap cleanup EXIT INT TERM
  # start each scenario's kernel log afresh, so its dmesg holds only what it caused, and
  # mark the start (a user-space line in the kernel log, as init systems write)
  dmesg --clear
  printf 'perfkit: scenario %s: load starts\n' "$name" > /dev/kmsg
  if [ "$name" = idle ]; then
    # the baseline waits (up to 5 minutes) for the 1-minute load average to settle below
    # 0.3, so what ran before does not show in it
    local waited=0
    while awk '{exit !($1 >= 0.3)}' /proc/loadavg && [ "$waited" -lt 300 ]; do
      sleep 10; waited=$((waited + 10))
    done
  fi
  "load_$name"
  if [ "$name" = cpu-saturation ]; then
    sleep 75  # long enough for the 1-minute load average to climb past the CPU count
  else
    sleep "$RAMP"
  fi
  "$PYTHON" -m perfkit capture "$target" --duration "$duration" --redact --force
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
    -h|--help) sed -n '2,28p' "$SELF" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) die "unknown option $1 (see --help)" ;;
    *) [ -n "${DESCRIPTION[$1]+x}" ] || die "unknown scenario $1; known: ${ALL[*]}"
       CHOSEN+=("$1"); shift ;;
  esac
done
[ ${#CHOSEN[@]} -gt 0 ] || CHOSEN=("${ALL[@]}")
[ "$README_ONLY" = 1 ] && CHOSEN=()
[ "$README_ONLY" = 1 ] || [ "$(id -u)" -eq 0 ] || die "run as root (namespaces, swap, cgroups, loop devices, tc)"
[[ "$DURATION" =~ ^[0-9]+$ ]] || die "--duration takes whole seconds"
[ "$DURATION" -ge 30 ] || say "warning: --duration $DURATION is under 30 s: fine for a try, not for the shipped data"
for tool in unshare stress-ng; do command -v "$tool" >/dev/null || die "$tool is not installed"; done
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
  namespaces=(--pid --fork --mount-proc)
  [ "$name" = network-retrans ] && namespaces+=(--net)
  if ! unshare "${namespaces[@]}" bash "$SELF" --inner "$name" "$OUT/$name" "$DURATION"; then
    say "$name: the capture did not complete; not listed in the manifest"
    failed+=("$name")
    continue
  fi
  commands=${COMMANDS[$name]}
  if [ -f "$OUT/.$name.commands" ]; then
    commands=$(cat "$OUT/.$name.commands")
    rm -f "$OUT/.$name.commands"
  fi
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

# The README: how the scenarios were made, then one entry per manifest row.
{
  echo "# Recorded scenarios"
  echo
  echo "Each folder is a \`perfkit capture --redact\` directory recorded by"
  echo "\`scripts/record_scenarios.sh\`, with the load below running in its own PID namespace"
  echo "(network-retrans also in its own network namespace). Load them with"
  echo "\`perfkit.samples.load(name)\`; \`perfkit samples\` lists them. Host names, addresses,"
  echo "user names and the kernel command line are replaced (see each \`capture.json\`)."
  echo "The sha256 in MANIFEST.tsv is that of the sorted \`sha256sum\` listing of the folder:"
  echo
  echo '    (cd NAME && find . -type f | LC_ALL=C sort | xargs sha256sum) | sha256sum'
  tail -n +2 "$MANIFEST" | while IFS=$'\t' read -r name description commands date kernel sha; do
    echo
    echo "## $name"
    echo
    echo "$description."
    echo
    echo "- load: \`$commands\`"
    echo "- what to find: ${FIND[$name]:-}"
    echo "- recorded: $date, kernel $kernel"
    echo "- sha256: \`$sha\`"
  done
  echo
  echo "## For teachers: the mystery's answer"
  echo
  echo "Sealed in perfkit, so that a participant's checkout does not give it away: \`perfkit mystery --reveal\`"
  echo "prints it; \`scripts/seal_mystery.py\` reseals a new one after the mystery is re-recorded."
} > "$OUT/README.md"

if [ ${#failed[@]} -gt 0 ]; then
  say "failed: ${failed[*]}"
  exit 1
fi
if [ "$README_ONLY" = 1 ]; then say "rewrote $OUT/README.md"; else say "wrote ${CHOSEN[*]} into $OUT"; fi
