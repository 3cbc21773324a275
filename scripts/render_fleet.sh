#!/usr/bin/env bash
# Render data/fleet's sa files as sadf -d text in data/fleet/text/, for machines without
# sysstat (the course's offline mode), with a PROVENANCE.tsv row each. Only the activities
# the fleet's findings read: CPU (all and each), queue, disks, swapping, memory, network.
# Run by scripts/record_fleet.sh after recording; safe to run again.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OUT=$ROOT/data/fleet
PROV=$OUT/PROVENANCE.tsv
ACTIVITIES="-u ALL -P ALL -q -d -W -r -n DEV,TCP,ETCP"
mkdir -p "$OUT/text"
for sa in "$OUT"/*.sa; do
  name=$(basename "$sa" .sa)
  # shellcheck disable=SC2086
  LC_ALL=C TZ=UTC sadf -d "$sa" -- $ACTIVITIES > "$OUT/text/$name.csv"
  host=$(awk -F'\t' -v f="$name.sa" '$1 == f {print $8}' "$PROV")
  grep -v -P "^\\Qtext/$name.csv\\E\t" "$PROV" > "$PROV.tmp" || true
  mv "$PROV.tmp" "$PROV"
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "text/$name.csv" \
    "LC_ALL=C TZ=UTC sadf -d $name.sa -- $ACTIVITIES" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
    "$(uname -r)" "$(sadf -V 2>&1 | head -1)" "C" "nothing" "$host" \
    "(a rendering of $name.sa)" >> "$PROV"
done
