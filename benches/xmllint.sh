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
times=()
for _ in $(seq "$runs"); do
  start=$(date +%s.%N)
  xmllint --noout --schema schemas/soap11-envelope.xsd "${files[@]}" 2>/dev/null
  end=$(date +%s.%N)
  times+=("$(echo "$end - $start" | bc -l)")
done
median=$(printf '%s\n' "${times[@]}" | sort -g | sed -n "$(( (runs + 1) / 2 ))p")
dps=$(echo "$n / $median" | bc -l)
printf 'xmllint: %d documents in %.4f s (median of %d runs) = %.0f documents/s\n' "$n" "$median" "$runs" "$dps"
printf 'XMLLINT_DOCS_PER_S=%.0f\n' "$dps"
