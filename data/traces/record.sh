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
    *) "$1" -V 2>&1 | head -1 ;;
  esac
}

provenance() { # FILE COMMAND PROGRAM
  local prov=$OUT/PROVENANCE.tsv
  [ -f "$prov" ] || printf 'file\tcommand\trecorded_utc\tkernel\ttool_version\tlocale\tredacted\n' > "$prov"
  grep -v -P "^\\Q$1\\E\t" "$prov" > "$prov.tmp" || true
  mv "$prov.tmp" "$prov"
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
    "$(uname -r)" "$(tool_version "$3")" C \
    "host name -> ${REDACT_HOST}; MAC and private IPv4 addresses; kernel command line lines" >> "$prov"
}

# trace NAME text|json LOAD [ALONGSIDE [SETUP [UNSHARE_FLAGS]]]
#   UNSHARE_FLAGS default to --mount-proc; the profile trace keeps the host's /proc, where
#   bpftrace finds the maps of the (host) PIDs it names, to resolve user stacks to symbols.
trace() {
  local name=$1 format=$2 load=$3 alongside=${4:-} setup=${5:-true} flags=${6---mount-proc}
  local ext=txt flag=
  if [ "$format" = json ]; then ext=json; flag="-f json"; fi
  # shellcheck disable=SC2086
  LC_ALL=C LANG=C unshare --pid --fork $flags bash -c '
    eval "$6"
    ( echo $BASHPID > "$1/cgroup.procs"; sleep 1; exec bash -c "$2" ) >/dev/null 2>&1 &
    if [ -n "$3" ]; then $3 > "$4" 2>/dev/null & fi
    bpftrace $7 "$5" 2>/dev/null
    wait' _ "$CG" "$load" "$alongside" "$WORK/alongside.txt" "$OUT/$name.bt" "$setup" "$flag" \
    | redact > "$OUT/$name.$ext"
  provenance "$name.$ext" "bpftrace${flag:+ $flag} $name.bt; load: ${load//$WORK\//}" bpftrace
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

LOOP='cd /tmp; for i in 1 2 3 4 5 6; do ls /; date +%s; uname -r; cat /etc/os-release; sort /etc/services | head -1; sleep 0.5; done'
OPENS='cd /tmp; for i in 1 2 3; do cat /etc/os-release; ls /usr/share/doc/bpftrace; cat /nonexistent-perfkit; sort /etc/services | head -1; sleep 1; done'
DD='for i in 1 2 3 4 5; do dd if=/dev/zero of=/var/tmp/perfkit-trace.img bs=4k count=200 oflag=direct conv=notrunc; sleep 1; done'
LOSS='ip link set lo up; nft add table inet perfkit; nft add chain inet perfkit out "{ type filter hook output priority 0; }"; nft add rule inet perfkit out tcp sport 18765 numgen random mod 20 == 0 drop; nft add rule inet perfkit out tcp dport 18765 numgen random mod 20 == 0 drop'
DD512='/usr/bin/dd if=/dev/zero of=/dev/null bs=512 count=1000 status=none'
PY='/usr/bin/python3 -c "import time, hashlib; end = time.time() + 12; [hashlib.sha256(bytes(65536)).digest() for _ in iter(lambda: time.time() < end, False)]"'

wanted() { [ $# -eq 0 ] || [[ " $* " == *" $NAME "* ]]; }
for NAME in syscalls execsnoop opensnoop biolatency runqlat tcp profile exec_timeline biolatency_lhist \
    filter_dd; do
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
    tcp) trace tcp text "/usr/bin/python3 data/traces/tcp_load.py 18765 4" "" "$LOSS" "--mount-proc --net" ;;
    profile)
      cc -O1 -fno-omit-frame-pointer -fno-inline -o "$WORK/cpu_load" "$OUT/cpu_load.c"
      trace profile text "$WORK/cpu_load 12 & $PY; wait" "" true "" ;;
    exec_timeline) trace exec_timeline text "$LOOP" ;;
    biolatency_lhist) trace biolatency_lhist text "$DD" ;;
    filter_dd)
      trace_c filter_dd text "$DD512"
      trace_c filter_dd json "$DD512" ;;
  esac
done
