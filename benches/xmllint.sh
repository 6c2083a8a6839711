#!/usr/bin/env bash
# The external reference for the folder benchmark: `xmllint --noout --schema` over the same
# 200 envelopes the `folder` group validates, in one xmllint process (schema compiled once),
# reported as documents per second. Needs xmllint (Debian: libxml2-utils).
#
#   bash benches/xmllint.sh
#
# The bench binary writes the folder into a temp dir (RC_BENCH_DUMP) and measures nothing;
# xmllint then gets the 200 files REPEAT times (default 5) in one command line, so its
# start-up and schema compilation are spread over 1000 documents as a long-running
# validator's would be. Best of RUNS (default 5).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v xmllint >/dev/null || { echo "xmllint not found (apt-get install libxml2-utils)" >&2; exit 2; }
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
RC_BENCH_DUMP="$dir" cargo bench --quiet --bench throughput >/dev/null
repeat=${REPEAT:-5}
files=()
for _ in $(seq "$repeat"); do files+=("$dir"/*.xml); done
n=${#files[@]}
runs=${RUNS:-5}
best=""
for _ in $(seq "$runs"); do
  start=$(date +%s.%N)
  xmllint --noout --schema schemas/soap11-envelope.xsd "${files[@]}" 2>/dev/null
  end=$(date +%s.%N)
  t=$(echo "$end - $start" | bc -l)
  if [ -z "$best" ] || [ "$(echo "$t < $best" | bc -l)" = 1 ]; then best=$t; fi
done
dps=$(echo "$n / $best" | bc -l)
printf 'xmllint: %d documents in %.4f s (best of %d) = %.0f documents/s\n' "$n" "$best" "$runs" "$dps"
printf 'XMLLINT_DOCS_PER_S=%.0f\n' "$dps"
