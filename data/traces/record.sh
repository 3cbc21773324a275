#!/usr/bin/env bash
# Re-record the traces in data/traces (as root, bpftrace 0.17, tracefs mounted):
#   bash data/traces/record.sh [NAME...]        (every trace when no NAME is given)
#
# Each trace runs in a private PID namespace: the load (started 1 s in, inside the cgroup
# perfkit-trace so that execsnoop/opensnoop/profile can filter on it), an optional tool
# recorded alongside (iostat, vmstat) and bpftrace on NAME.bt, which ends itself (an
# interval probe calls exit()). Output goes through record-lib.sh's redact and gets a row in
# PROVENANCE.tsv. The TCP trace runs in a network namespace of its own, where nft drops one
# packet in 20 on port 18765 (this kernel has no netem qdisc); the namespace, its loopback
# and its rules vanish with it, so nothing is left on the host's lo.
set -eu
cd "$(dirname "$0")/../.."
source scripts/record-lib.sh
OUT=data/traces
CG=/sys/fs/cgroup/unified/perfkit-trace
WORK=$(mktemp -d)
cleanup() {
  rm -rf "$WORK" /var/tmp/perfkit-trace.img
  rmdir "$CG" 2>/dev/null || true
}
trap cleanup EXIT
mkdir -p "$CG"

tool_version() {
  case "$1" in
    bpftrace) bpftrace --version 2>&1 | head -1 ;;
    *-bpfcc) echo "bpfcc-tools $(dpkg-query -W -f='${Version}' bpfcc-tools)" ;;
    perfkit) "${PYTHON:-.venv/bin/python}" -c 'import perfkit; print("perfkit", perfkit.__version__)' ;;
    *) "$1" -V 2>&1 | head -1 ;;
  esac
}

provenance() { # FILE COMMAND PROGRAM [REDACTED]
  local prov=$OUT/PROVENANCE.tsv
  [ -f "$prov" ] || printf 'file\tcommand\trecorded_utc\tkernel\ttool_version\tlocale\tredacted\n' > "$prov"
  grep -v -P "^\\Q$1\\E\t" "$prov" > "$prov.tmp" || true
  mv "$prov.tmp" "$prov"
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
    "$(uname -r)" "$(tool_version "$3")" C \
    "${4:-host name -> ${REDACT_HOST}; MAC and private IPv4 addresses; kernel command line lines}" >> "$prov"
}

# trace NAME text|json LOAD [ALONGSIDE [SETUP [UNSHARE_FLAGS]]]
#   UNSHARE_FLAGS default to --mount-proc; the profile trace keeps the host's /proc, where
#   bpftrace finds the maps of the (host) PIDs it names, to resolve user stacks to symbols.
trace() {
  local name=$1 format=$2 load=$3 alongside=${4:-} setup=${5:-true} flags=${6---mount-proc}
  local program=${PROGRAM:-$name}   # PROGRAM=runqlat: another recording of runqlat.bt
  local ext=txt flag=
  if [ "$format" = json ]; then ext=json; flag="-f json"; fi
  # shellcheck disable=SC2086
  LC_ALL=C LANG=C unshare --pid --fork $flags bash -c '
    eval "$6"
    ( echo $BASHPID > "$1/cgroup.procs"; sleep 1; exec bash -c "$2" ) >/dev/null 2>&1 &
    if [ -n "$3" ]; then $3 > "$4" 2>/dev/null & fi
    bpftrace $7 "$5" 2>/dev/null
    wait' _ "$CG" "$load" "$alongside" "$WORK/alongside.txt" "$OUT/$program.bt" "$setup" "$flag" \
    | redact > "$OUT/$name.$ext"
  provenance "$name.$ext" "bpftrace${flag:+ $flag} $program.bt; load: ${load//$WORK\//}" bpftrace
  if [ -n "$alongside" ]; then
    local tool=${alongside%% *}
    redact < "$WORK/alongside.txt" > "$OUT/$name.$tool.txt"
    provenance "$name.$tool.txt" "$alongside (alongside $name.$ext)" "$tool"
  fi
  if grep -qF "$(dirname "$PWD")" "$OUT/$name.$ext"; then
    echo "$name.$ext names a path of this machine's work tree" >&2
    exit 1
  fi
  echo "recorded $OUT/$name.$ext"
}

# trace_c NAME text|json COMMAND: bpftrace starts COMMAND itself (-c: once the probes are
#   attached; the trace ends when it exits). For a short load that a 1 s head start could
#   miss: attaching syscalls:* tracepoints can hold up a write to cgroup.procs here.
trace_c() {
  local name=$1 format=$2 cmd=$3 ext=txt flag=
  if [ "$format" = json ]; then ext=json; flag="-f json"; fi
  # shellcheck disable=SC2086
  LC_ALL=C LANG=C unshare --pid --fork --mount-proc bpftrace $flag -c "$cmd" "$OUT/$name.bt" \
    2>/dev/null | redact > "$OUT/$name.$ext"
  provenance "$name.$ext" "bpftrace${flag:+ $flag} -c '$cmd' $name.bt" bpftrace
  echo "recorded $OUT/$name.$ext"
}

# diskcomm: a checklist capture and a trace of the same 30 seconds. A 512 MiB file on a loop
# device (buffered, as a VM's disk image often is: a cache flush on the loop device becomes an
# fsync of the file on the host's disk) holds an ext4 file system. The load: dd appending
# 4 KiB blocks with oflag=dsync (each write returns only once it is on the disk) and
# backup_reader.py reading 1 MiB blocks with direct I/O ten times a second.
# `perfkit capture --redact --duration 30` runs in the load's PID namespace, and
# `pidstat -d 1 30` beside it from the moment its interval tools start; diskcomm.bt runs on
# the host the whole time (system-wide: other jobs' I/O on vda shows too).
# kernel.task_delayacct is switched on for the recording (pidstat's iodelay needs it) and
# restored after.
disk_capture() {
  local img=/var/tmp/perfkit-diskcomm.img cap=$OUT/diskcomm-capture py=${PYTHON:-.venv/bin/python}
  local load="ext4 on a loop device over a 512 MiB file in /var/tmp, mounted on MNT; dd if=/dev/zero of=MNT/commit.log bs=4k oflag=dsync; python3 data/traces/backup_reader.py MNT/backup.img (a 160 MiB file)"
  local delayacct loopdev tracer
  delayacct=$(sysctl -n kernel.task_delayacct)
  truncate -s 512M "$img"
  loopdev=$(losetup -f --show "$img")
  trap 'sysctl -qw kernel.task_delayacct='"$delayacct"'; umount "$WORK/mnt" 2>/dev/null; losetup -d '"$loopdev"'; rm -f '"$img"'; cleanup' EXIT
  mkfs.ext4 -q "$loopdev"
  mkdir -p "$WORK/mnt"
  mount "$loopdev" "$WORK/mnt"
  dd if=/dev/zero of="$WORK/mnt/backup.img" bs=1M count=160 conv=fsync status=none
  sysctl -qw kernel.task_delayacct=1
  rm -rf "$cap"
  LC_ALL=C LANG=C bpftrace "$OUT/diskcomm.bt" > "$WORK/diskcomm.txt" 2>/dev/null &
  tracer=$!
  until grep -q '^Attaching' "$WORK/diskcomm.txt" 2>/dev/null; do sleep 0.2; done
  sleep 1
  LC_ALL=C LANG=C PYTHONPATH=$PWD unshare --pid --fork --mount-proc bash -c '
    mnt=$1 py=$2 cap=$3 out=$4
    dd if=/dev/zero of="$mnt/commit.log" bs=4k count=10000000 oflag=dsync 2>/dev/null &
    app=$!
    python3 data/traces/backup_reader.py "$mnt/backup.img" 60 &
    neighbour=$!
    sleep 3
    "$py" -m perfkit capture --redact --duration 30 --quiet "$cap" &
    capture=$!
    until [ -s "$cap/vmstat.txt" ]; do sleep 0.1; done
    pidstat -d 1 30 > "$out" 2>/dev/null
    wait $capture
    kill $app $neighbour 2>/dev/null
    wait' _ "$WORK/mnt" "$py" "$cap" "$WORK/pidstat.txt"
  sleep 1
  kill -INT "$tracer"
  wait "$tracer" || true
  redact < "$WORK/diskcomm.txt" > "$OUT/diskcomm.txt"
  provenance diskcomm.txt "bpftrace diskcomm.bt (on the host, SIGINT after the capture); load: ${load//MNT/\$MNT}" bpftrace
  redact < "$WORK/pidstat.txt" > "$OUT/diskcomm.pidstat.txt"
  provenance diskcomm.pidstat.txt "pidstat -d 1 30 (in the load's PID namespace, alongside diskcomm-capture)" pidstat
  provenance diskcomm-capture "perfkit capture --redact --duration 30 (in the load's PID namespace, alongside diskcomm.txt; capture.json has each tool's version); load: ${load//MNT/\$MNT}" perfkit \
    "perfkit capture --redact: host names -> host-1, addresses -> 192.0.2.N, 2001:db8::N, 02:00:00:00:00:NN, user names -> user-N, kernel command line"
  if grep -rqF "$(dirname "$PWD")" "$OUT/diskcomm.txt" "$OUT/diskcomm.pidstat.txt" "$cap"; then
    echo "diskcomm names a path of this machine's work tree" >&2
    exit 1
  fi
  echo "recorded $OUT/diskcomm.txt, $OUT/diskcomm.pidstat.txt and $cap"
}

# profile_bcc: bcc's profile (-f: folded stacks, -F 99) of the profile trace's two processes,
# for comparison with profile.txt. bcc filters on the PIDs the host sees, so this one runs
# outside a PID namespace; it needs kernel headers for bcc to compile its program (see
# tests/fixtures/bcc/record.sh) and about 5 s to start.
profile_bcc() {
  cc -O1 -fno-omit-frame-pointer -fno-inline -o "$WORK/cpu_load" "$OUT/cpu_load.c"
  local py="${PY//12/15}"
  ( cd "$WORK" && LC_ALL=C LANG=C bash -c '
      ./cpu_load 15 & a=$!
      eval "exec $1" & b=$!
      sleep 1
      profile-bpfcc -f -F 99 -p "$a,$b" 5
      wait' _ "$py" ) 2>/dev/null | redact > "$OUT/profile_bcc.txt"
  provenance profile_bcc.txt "profile-bpfcc -f -F 99 -p PIDS 5; PIDS: cpu_load 15 and ${py}" profile-bpfcc
  echo "recorded $OUT/profile_bcc.txt"
}

LOOP='cd /tmp; for i in 1 2 3 4 5 6; do ls /; date +%s; uname -r; cat /etc/os-release; sort /etc/services | head -1; sleep 0.5; done'
OPENS='cd /tmp; for i in 1 2 3; do cat /etc/os-release; ls /usr/share/doc/bpftrace; cat /nonexistent-perfkit; sort /etc/services | head -1; sleep 1; done'
DD='for i in 1 2 3 4 5; do dd if=/dev/zero of=/var/tmp/perfkit-trace.img bs=4k count=200 oflag=direct conv=notrunc; sleep 1; done'
LOSS='ip link set lo up; nft add table inet perfkit; nft add chain inet perfkit out "{ type filter hook output priority 0; }"; nft add rule inet perfkit out tcp sport 18765 numgen random mod 20 == 0 drop; nft add rule inet perfkit out tcp dport 18765 numgen random mod 20 == 0 drop'
DD512='/usr/bin/dd if=/dev/zero of=/dev/null bs=512 count=1000 status=none'
# the course's short-lived scenario (perfkit induce: a built-in worker starting /bin/true
# about 300 times a second), in the trace's cgroup
INDUCE="PYTHONPATH=. ${PYTHON:-.venv/bin/python} -m perfkit induce short-lived --duration 13"
PY='/usr/bin/python3 -c "import time, hashlib; end = time.time() + 12; [hashlib.sha256(bytes(65536)).digest() for _ in iter(lambda: time.time() < end, False)]"'

wanted() { [ $# -eq 0 ] || [[ " $* " == *" $NAME "* ]]; }
for NAME in syscalls execsnoop opensnoop biolatency runqlat tcp profile exec_timeline biolatency_lhist \
    tcpevents filter_dd diskcomm profile_bcc shortlived runqlat_healthy; do
  wanted "$@" || continue
  case $NAME in
    syscalls)
      trace syscalls text "dd if=/dev/zero of=/dev/null bs=1 count=400000; $LOOP"
      trace syscalls json "dd if=/dev/zero of=/dev/null bs=1 count=400000; $LOOP" ;;
    execsnoop) trace execsnoop text "$LOOP" ;;
    opensnoop) trace opensnoop text "$OPENS" ;;
    biolatency)
      trace biolatency text "$DD" "iostat -xz 1 7"
      trace biolatency json "$DD" ;;
    runqlat) trace runqlat text "stress-ng --cpu 4 --timeout 5" "vmstat 1 7" ;;
    # the same program on a machine with room: one worker busy half the time on 2 CPUs
    runqlat_healthy) PROGRAM=runqlat trace runqlat_healthy text \
      "stress-ng --cpu 1 --cpu-load 50 --timeout 5" "vmstat 1 7" ;;
    tcp) trace tcp text "/usr/bin/python3 data/traces/tcp_load.py 18765 4" "" "$LOSS" "--mount-proc --net" ;;
    profile)
      cc -O1 -fno-omit-frame-pointer -fno-inline -o "$WORK/cpu_load" "$OUT/cpu_load.c"
      trace profile text "$WORK/cpu_load 12 & $PY; wait" "" true "" ;;
    exec_timeline) trace exec_timeline text "$LOOP" ;;
    biolatency_lhist) trace biolatency_lhist text "$DD" ;;
    filter_dd)
      trace_c filter_dd text "$DD512"
      trace_c filter_dd json "$DD512" ;;
    # one row per TCP event (8 s of tcp_load.py, 256 KiB a session, 5 % loss each way) and, in the same
    # network namespace, sar -n TCP,ETCP over the same seconds (sar reads that namespace's
    # /proc/net/snmp, so it counts the load and nothing else)
    tcpevents)
      trace tcpevents text "/usr/bin/python3 data/traces/tcp_load.py 18765 8 262144" \
        "sar -n TCP,ETCP 1 10" "$LOSS" "--mount-proc --net" ;;
    diskcomm) disk_capture ;;
    profile_bcc) profile_bcc ;;
    # every process of the short-lived load, seen by the scheduler's tracepoints, and
    # pidstat in the same PID namespace over the same seconds (it lists only the
    # long-lived ones)
    shortlived) trace shortlived text "$INDUCE" "pidstat 1 11" ;;
  esac
done
