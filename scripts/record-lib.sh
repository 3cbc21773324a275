#!/usr/bin/env bash
# Helpers for recording real tool output as test fixtures, with provenance.
#
#   source scripts/record-lib.sh
#   record mpstat/P-ALL.C.txt C mpstat -P ALL 1 3
#   record mpstat/P-ALL.iso.txt C env S_TIME_FORMAT=ISO mpstat -P ALL 1 3
#
# Each call runs the command in a private PID namespace (so process lists show only what
# the command itself started), with LC_ALL set to the given locale, removes what identifies
# the recording machine (see redact below), writes tests/fixtures/<file> and appends a row
# to tests/fixtures/<tool>/PROVENANCE.tsv:
#   file  command  recorded_utc  kernel  tool_version  locale  redacted
set -u
FIXTURES=${FIXTURES:-"$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/tests/fixtures"}
REDACT_HOST=${REDACT_HOST:-demo-host}

tool_version() {
  local prog=$1
  case "$prog" in
    vmstat|free|top|uptime|pidof|ps) "$prog" -V 2>&1 | head -1 ;;
    mpstat|pidstat|iostat|sar|sadf) "$prog" -V 2>&1 | head -1 ;;
    dmesg) dmesg -V 2>&1 | head -1 ;;
    journalctl) journalctl --version 2>&1 | head -1 ;;
    bpftrace) bpftrace --version 2>&1 | head -1 ;;
    cat) echo "kernel $(uname -r)" ;;
    *) "$prog" --version 2>&1 | head -1 || echo unknown ;;
  esac
}

# Remove the host name, IPv4/IPv6 and MAC addresses and the kernel command line.
# The host name is replaced where it stands as a word of its own; a short name such as "vm"
# joined to other text by a hyphen ("total-vm:" in an OOM report, "stress-ng-vm") is left
# alone. The substitution runs twice so that two adjacent occurrences are both replaced.
redact() {
  local host word
  host=$(hostname)
  word="s/(^|[^[:alnum:]_-])${host}([^[:alnum:]_-]|\$)/\\1${REDACT_HOST}\\2/g"
  sed -E \
    -e "$word" -e "$word" \
    -e '/[Cc]ommand line:/d' \
    -e 's/\b([0-9a-fA-F]{2}:){5}[0-9a-fA-F]{2}\b/xx:xx:xx:xx:xx:xx/g' \
    -e 's/\b(10|172|192)\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\b/192.0.2.1/g'
}

# record FILE LOCALE COMMAND...   (FILE relative to tests/fixtures; first dir = tool)
record() {
  local file=$1 loc=$2
  shift 2
  local out="$FIXTURES/$file"
  local tool=${file%%/*}
  local prog=$1
  [ "$prog" = env ] && prog=$(printf '%s\n' "$@" | grep -v '=' | sed -n 2p)
  # a shell running a workload and the tool: the version is the folder's tool's
  case "$prog" in sh|bash) prog=$tool ;; esac
  mkdir -p "$(dirname "$out")"
  LC_ALL=$loc LANG=$loc unshare --pid --fork --mount-proc "$@" 2>/dev/null | redact > "$out"
  local prov="$FIXTURES/$tool/PROVENANCE.tsv"
  [ -f "$prov" ] || printf 'file\tcommand\trecorded_utc\tkernel\ttool_version\tlocale\tredacted\n' > "$prov"
  # one row per file: drop an older row for the same file
  grep -v -P "^\\Q${file#*/}\\E\t" "$prov" > "$prov.tmp" || true
  mv "$prov.tmp" "$prov"
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "${file#*/}" "$*" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
    "$(uname -r)" "$(tool_version "$prog")" "$loc" \
    "host name -> ${REDACT_HOST}; MAC and private IPv4 addresses; kernel command line lines" >> "$prov"
}
