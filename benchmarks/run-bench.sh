#!/usr/bin/env bash
# `make bench`: the micro-benchmarks, the forwarding benchmark through running shards, and the
# standard chorus-bench presets against a release chorusd, one after the other, with the report
# (JSON, Markdown, PNG plots) in build/release/bench-report/ (or the folder given).
#
#   benchmarks/run-bench.sh [REPORT_DIR]
#
# Expects the release tree built (the Makefile's `bench` target does it). The plots need
# gnuplot (`scripts/install-deps.sh --bench` installs gnuplot-nox); without it they are skipped.
# About 4 minutes on 2 cores.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
build="$repo/build/release"
report=${1:-$build/bench-report}
mkdir -p "$report"
started=$(date +%s)

microbench="$build/benchmarks/micro/chorus-microbench"
forwarding="$build/benchmarks/forwarding/chorus-forwarding-bench"
bench="$build/benchmarks/load/chorus-bench"
chorusd="$build/server/chorusd"
for binary in "$microbench" "$forwarding" "$bench" "$chorusd"; do
  [ -x "$binary" ] || { echo "run-bench: $binary is missing (make bench builds it)" >&2; exit 1; }
done

machine() {
  echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "- CPU: $(nproc) x $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"
  echo "- memory: $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo)"
  echo "- OS: $(sed -n 's/^PRETTY_NAME=//p' /etc/os-release | tr -d '"'), kernel $(uname -r)"
}
load() { cut -d ' ' -f 1-3 /proc/loadavg; }

# The items_per_second of one benchmark in Google Benchmark's JSON output (one key per line).
items_per_second() {
  awk -v name="\"name\": \"$2\"," '
    index($0, name) { found = 1 }
    found && /"items_per_second"/ { gsub(/[",]/, "", $2); printf "%.0f\n", $2; exit }' "$1"
}

echo "== micro-benchmarks (load average $(load))"
micro_load=$(load)
# On the CPU chorus-bench gives the server (the last), so that the single-core limit below is
# that core's: the two vCPUs of a virtual machine need not be equally fast.
micro_cpu=$(($(nproc) - 1))
taskset -c "$micro_cpu" "$microbench" --benchmark_min_time=0.1 --benchmark_out="$report/microbench.json" \
  --benchmark_out_format=json | tee "$report/microbench.txt"
# The single-core limit of issue 8: SRTP unprotect + protect + send (sendmmsg batches of 32 on
# loopback) per forwarded packet, no routing. S = 4 is closest to a room of 4 (3 copies per
# packet), 16 to a webinar. Without the send, for comparison: transportUnprotectProtect.
limit4=$(items_per_second "$report/microbench.json" transportUnprotectProtectSend/4)
limit16=$(items_per_second "$report/microbench.json" transportUnprotectProtectSend/16)
crypto4=$(items_per_second "$report/microbench.json" transportUnprotectProtect/4)
crypto16=$(items_per_second "$report/microbench.json" transportUnprotectProtect/16)

echo "== forwarding through running shards (load average $(load))"
forwarding_load=$(load)
"$forwarding" | tee "$report/forwarding.txt"

# name, extra flags
presets=(
  "rooms-50x4 --single-core-limit $limit4"
  "webinar-500 --single-core-limit $limit16"
  "ramp-rooms --single-core-limit $limit4"
  "ramp-webinar --single-core-limit $limit16"
  "join-storm-50 --single-core-limit $limit16"
)
declare -A preset_load
for entry in "${presets[@]}"; do
  read -r name flags <<<"$entry"
  echo "== chorus-bench --preset $name (load average $(load))"
  preset_load[$name]=$(load)
  # shellcheck disable=SC2086 # flags are words
  "$bench" --chorusd "$chorusd" --preset "$name" --out "$report" $flags \
    | tee "$report/chorus-bench-$name.log"
done

plots=()
if command -v gnuplot >/dev/null; then
  for data in "$report"/chorus-bench-*.dat; do
    # A plot of one step says nothing: ramps only.
    [ "$(grep -vc '^#' "$data")" -gt 1 ] || continue
    stem=${data%.dat}
    gnuplot -e "datafile='$data'; stem='$stem'; name='$(basename "$stem")'" \
      "$repo/benchmarks/load/plot.gp"
    plots+=("$(basename "$stem")-delay.png" "$(basename "$stem")-cpu.png")
  done
else
  echo "run-bench: gnuplot not found (scripts/install-deps.sh --bench): no plots" >&2
fi

elapsed=$(($(date +%s) - started))
{
  echo "# Chorus benchmark report"
  echo
  machine
  echo "- total time: $((elapsed / 60)) min $((elapsed % 60)) s"
  echo "- micro-benchmarks pinned to CPU $micro_cpu (the load presets' server CPU)"
  echo "- single-core limit (transportUnprotectProtectSend: SRTP unprotect + protect + send," \
    "forwarded packets/s): S=4 $limit4, S=16 $limit16"
  echo "- the same without the send (transportUnprotectProtect): S=4 $crypto4, S=16 $crypto16"
  echo
  echo "## Micro-benchmarks (load average $micro_load)"
  echo
  echo "microbench.txt, microbench.json"
  echo
  echo "## Forwarding through running shards (load average $forwarding_load)"
  echo
  echo '```'
  cat "$report/forwarding.txt"
  echo '```'
  for entry in "${presets[@]}"; do
    read -r name _ <<<"$entry"
    echo
    echo "## chorus-bench --preset $name (load average ${preset_load[$name]})"
    echo
    cat "$report"/chorus-bench-*-"$name".md
    echo
    grep '^summary:' "$report/chorus-bench-$name.log" || true
  done
  if [ ${#plots[@]} -gt 0 ]; then
    echo
    echo "## Plots"
    for plot in "${plots[@]}"; do
      echo
      echo "![$plot]($plot)"
    done
  fi
} >"$report/README.md"
echo "run-bench: report in $report/README.md ($((elapsed / 60)) min $((elapsed % 60)) s)"
