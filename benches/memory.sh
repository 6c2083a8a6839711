#!/usr/bin/env bash
# Peak memory of `validate` over many files (issue 16's memory target): the release binary
# over 10,000 and 100,000 capture files (the valid wire fixtures, copied round robin into a
# temp dir), each format printed to /dev/null, peak RSS read by GNU time. The target: below
# 16 MB over 10,000 files, and over 100,000 not more than 1.5 times that (the cost of a run
# must not grow with the folder: reports are printed as they come, never gathered).
#
#   bash benches/memory.sh            # 10,000 and 100,000 files
#   COUNTS="1000 10000" bash benches/memory.sh
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x /usr/bin/time ] || { echo "GNU time not found (Debian: apt-get install time)" >&2; exit 2; }
cargo build --release --quiet
bin=target/release/relation-contract
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
mapfile -t seeds < <(ls fixtures/wire/*.xml)
for n in ${COUNTS:-10000 100000}; do
  d="$dir/$n"
  mkdir -p "$d"
  python3 - "$d" "$n" "${seeds[@]}" <<'PY'
import os, sys
out, n, seeds = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
data = [open(s, "rb").read() for s in seeds]
for i in range(n):
    sub = os.path.join(out, f"{i // 1000:03d}")
    os.makedirs(sub, exist_ok=True)
    with open(os.path.join(sub, f"capture-{i:06d}.xml"), "wb") as f:
        f.write(data[i % len(data)])
PY
  for format in json human junit; do
    for jobs in 1 0; do
      start=$(date +%s.%N)
      status=0
      /usr/bin/time -f '%M' -o "$dir/rss" "$bin" validate --format "$format" -j "$jobs" "$d" >/dev/null 2>&1 || status=$?
      rss=$(tail -1 "$dir/rss")
      end=$(date +%s.%N)
      printf 'files=%d format=%s jobs=%s exit=%d peak_rss_kb=%s seconds=%.2f\n' "$n" "$format" "$jobs" "$status" "$rss" "$(echo "$end - $start" | bc -l)"
    done
  done
done
