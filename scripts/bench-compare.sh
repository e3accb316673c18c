#!/usr/bin/env bash
# Chorus beside Janus VideoRoom (issue 8, "Side by side with Janus"): the same scenarios, the
# same chorus-bench clients and media, one server after the other in one run, then a comparison
# table with the ratios. `make bench-compare` runs it.
#
#   scripts/bench-compare.sh [--rooms R] [--participants P] [--subscribers S] [--measure-s S]
#                            [--verify-every N] [--video-kbps K] [--parts LIST] [--out DIR]
#                            [--no-build]
#
# --parts picks, in order, from (default: all four)
#   rooms        R rooms of P, all-to-all, at equal load: first the floor, the same clients
#                sending straight to each other over loopback without a server (pairs: each
#                publisher to one receiver, a lower bound of the harness's own path; mesh: each
#                to every other member, the receive rate of a server run with P-1 times the
#                sends), then Chorus, then Janus;
#   webinar      1 publisher to S subscribers at equal load, Chorus then Janus;
#   ramp-rooms   rooms of P added 5 at a time until loss > 1 % or p99 > 50 ms: the capacity;
#   ramp-webinar subscribers added 100 at a time, likewise.
# Every run pins the harness to CPU 0 and the server to CPU 1: release chorusd with 1 worker;
# Janus 1.1.2 through benchmarks/peers/janus/run-janus.sh (--cpus 1, event_loops 1, the rooms the
# scenario needs, SRTP profile forced to AEAD_AES_128_GCM), the harness inside its namespace.
# Every client offers only AEAD_AES_128_GCM. Delay is measured the same way for all: from the
# probe's send time in the payload (which both servers forward unchanged) to the kernel's
# arrival stamp, on the packets the receivers decrypt (one in --verify-every; 1 = every packet).
# Writes <out>/<part>/<run>/chorus-bench-*.{json,md} and <out>/comparison.{md,json}.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
rooms=10
participants=4
subscribers=100
measure_s=20
verify_every=1
video_kbps=500
parts='rooms webinar ramp-rooms ramp-webinar'
out=$repo/build/release/bench-compare
build=1
while [ $# -gt 0 ]; do
  case "$1" in
    --rooms) rooms=$2; shift 2 ;;
    --participants) participants=$2; shift 2 ;;
    --subscribers) subscribers=$2; shift 2 ;;
    --measure-s) measure_s=$2; shift 2 ;;
    --verify-every) verify_every=$2; shift 2 ;;
    --video-kbps) video_kbps=$2; shift 2 ;;
    --parts) parts=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --no-build) build=0; shift ;;
    -h | --help) sed -n '2,26p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench-compare: unknown option '$1' (try --help)" >&2; exit 2 ;;
  esac
done

if [ "$build" = 1 ]; then
  cmake --preset release >/dev/null
  cmake --build --preset release --target chorusd chorus-bench chorus-microbench -- -j2
fi
bench=$repo/build/release/benchmarks/load/chorus-bench
microbench=$repo/build/release/benchmarks/micro/chorus-microbench
chorusd=$repo/build/release/server/chorusd
mkdir -p "$out"
out=$(cd "$out" && pwd)

common=(--video-kbps "$video_kbps" --verify-every "$verify_every" --delay probe)
ramp_rooms_start=5
ramp_rooms_step=5
ramp_rooms_steps=16
ramp_webinar_start=100
ramp_webinar_step=100
ramp_webinar_steps=10
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }

echo "bench-compare: parts '$parts'; rooms ${rooms}x${participants}, webinar 1->${subscribers}," \
  "${measure_s}s measured, video ${video_kbps} kbit/s, delay from the payload probe on 1" \
  "packet in $verify_every; out $out"
{
  echo "machine: $(nproc) CPUs, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)"
  echo "janus: $(janus --version 2>/dev/null | sed -n 's/^Janus version: //p')"
  echo "chorus: $(git -C "$repo" rev-parse --short HEAD)"
  echo "parts: $parts"
} >"$out/machine.txt"
: >"$out/loadavg.txt"

# The single-core limit the Chorus runs are set against: SRTP unprotect + protect + send per
# forwarded packet (and without the send), pinned to the server's CPU, in this same run.
echo "load average before the single-core limit: $(loadavg)" | tee -a "$out/loadavg.txt"
taskset -c 1 "$microbench" --benchmark_filter='^transportUnprotectProtect' \
  --benchmark_min_time=0.5 --benchmark_out="$out/microbench.json" --benchmark_out_format=json

# run PART NAME SERVER JANUS_ROOMS [chorus-bench flags...]: one run, its terminal output kept.
run() {
  local part=$1 name=$2 server=$3 janus_rooms=$4
  shift 4
  local dir=$out/$part/$name
  mkdir -p "$dir"
  echo "load average before $part/$name: $(loadavg)" | tee -a "$out/loadavg.txt"
  case "$server" in
    none) "$bench" --server none "$@" --out "$dir" | tee "$dir/terminal.txt" ;;
    chorus) "$bench" --chorusd "$chorusd" --workers 1 "$@" --out "$dir" | tee "$dir/terminal.txt" ;;
    janus)
      "$repo/benchmarks/peers/janus/run-janus.sh" --cpus 1 --event-loops 1 --rooms "$janus_rooms" \
        --log "$dir/janus.log" -- "$bench" --server janus "$@" --out "$dir" \
        | tee "$dir/terminal.txt"
      ;;
  esac
}

for part in $parts; do
  case "$part" in
    rooms)
      flags=(--rooms "$rooms" --participants "$participants" --measure-s "$measure_s" "${common[@]}")
      run rooms floor none 0 --floor pairs "${flags[@]}"
      run rooms floor-mesh none 0 --floor mesh "${flags[@]}"
      run rooms chorus chorus 0 "${flags[@]}"
      run rooms janus janus "$rooms" "${flags[@]}"
      ;;
    webinar)
      flags=(--scenario webinar --subscribers "$subscribers" --measure-s "$measure_s" "${common[@]}")
      run webinar chorus chorus 0 "${flags[@]}"
      run webinar janus janus 1 "${flags[@]}"
      ;;
    ramp-rooms)
      flags=(--scenario ramp --ramp-of rooms --participants "$participants"
        --ramp-start "$ramp_rooms_start" --ramp-step "$ramp_rooms_step"
        --ramp-max-steps "$ramp_rooms_steps" --settle-s 2 --measure-s 8 "${common[@]}")
      run ramp-rooms chorus chorus 0 "${flags[@]}"
      run ramp-rooms janus janus $((ramp_rooms_start + ramp_rooms_step * (ramp_rooms_steps - 1))) \
        "${flags[@]}"
      ;;
    ramp-webinar)
      flags=(--scenario ramp --ramp-of subscribers --ramp-start "$ramp_webinar_start"
        --ramp-step "$ramp_webinar_step" --ramp-max-steps "$ramp_webinar_steps" --settle-s 2
        --measure-s 8 "${common[@]}")
      run ramp-webinar chorus chorus 0 "${flags[@]}"
      run ramp-webinar janus janus 1 "${flags[@]}"
      ;;
    *) echo "bench-compare: unknown part '$part'" >&2; exit 2 ;;
  esac
done
echo "load average at the end: $(loadavg)" | tee -a "$out/loadavg.txt"

python3 "$repo/scripts/bench_compare_table.py" "$out"

# The ramps side by side (gnuplot from scripts/install-deps.sh --bench).
for part in ramp-rooms ramp-webinar; do
  chorus_dat=$(ls "$out/$part/chorus/"*.dat 2>/dev/null | head -1)
  janus_dat=$(ls "$out/$part/janus/"*.dat 2>/dev/null | head -1)
  if [ -n "$chorus_dat" ] && [ -n "$janus_dat" ] && command -v gnuplot >/dev/null; then
    gnuplot -e "chorus='$chorus_dat'; janus='$janus_dat'; stem='$out/$part'; name='$part'" \
      "$repo/benchmarks/load/compare-plot.gp"
    echo "bench-compare: plots $out/$part-delay.png, $out/$part-cpu.png"
  fi
done
