#!/usr/bin/env bash
# Render data/fleet's sa files as sadf -d text in data/fleet-text/ (apart from the sa files:
# the same samples, which one ingest must not read twice), for machines without sysstat
# (the course's offline mode), with a row each in data/fleet-text/PROVENANCE.tsv. Only the
# activities the fleet's findings read: CPU (all and each), queue, disks, swapping, memory,
# network.
# Run by scripts/record_fleet.sh after recording; safe to run again.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
FLEET=$ROOT/data/fleet
OUT=$ROOT/data/fleet-text
PROV=$OUT/PROVENANCE.tsv
ACTIVITIES="-u ALL -P ALL -q -d -W -r -n DEV,TCP,ETCP"
mkdir -p "$OUT"
[ -f "$PROV" ] || head -1 "$FLEET/PROVENANCE.tsv" > "$PROV"
for sa in "$FLEET"/*.sa; do
  name=$(basename "$sa" .sa)
  # shellcheck disable=SC2086
  LC_ALL=C TZ=UTC sadf -d "$sa" -- $ACTIVITIES > "$OUT/$name.csv"
  host=$(awk -F'\t' -v f="$name.sa" '$1 == f {print $8}' "$FLEET/PROVENANCE.tsv")
  grep -v -P "^\\Q$name.csv\\E\t" "$PROV" > "$PROV.tmp" || true
  mv "$PROV.tmp" "$PROV"
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name.csv" \
    "LC_ALL=C TZ=UTC sadf -d ../fleet/$name.sa -- $ACTIVITIES" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
    "$(uname -r)" "$(sadf -V 2>&1 | head -1)" "C" "nothing" "$host" \
    "(a rendering of $name.sa)" >> "$PROV"
done
