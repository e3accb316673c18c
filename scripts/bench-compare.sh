#!/usr/bin/env bash
# Chorus beside Janus VideoRoom (issue 8, "Side by side with Janus"): the same `rooms` scenario,
# the same chorus-bench clients and media, one after the other in one run, then a comparison
# table with the ratios. `make bench-compare` runs it.
#
#   scripts/bench-compare.sh [--rooms R] [--participants P] [--measure-s S] [--verify-every N]
#                            [--video-kbps K] [--out DIR] [--no-build]
#
# Runs, in order, each with the harness pinned to CPU 0 and the server to CPU 1:
#   1. the floor: the same clients sending straight to each other over loopback, no server:
#      pairs (each publisher to one receiver: a lower bound of the harness's own path) and mesh
#      (each to every other member: the receive rate of a server run, with P-1 times the sends);
#   2. Chorus: release chorusd with 1 worker;
#   3. Janus 1.1.2 through benchmarks/peers/janus/run-janus.sh (--cpus 1, event_loops 1, rooms
#      1..R, SRTP profile forced to AEAD_AES_128_GCM), the harness inside its network namespace.
# Every client offers only AEAD_AES_128_GCM. Delay is measured the same way for all three: from
# the probe's send time in the payload (which both servers forward unchanged), on the packets
# the receivers decrypt (one in --verify-every; 1 = every packet). Writes <out>/{floor,
# floor-mesh,chorus,janus}/chorus-bench-rooms-custom.{json,md} and <out>/comparison.{md,json}.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
rooms=10
participants=4
measure_s=20
verify_every=1
video_kbps=500
out=$repo/build/release/bench-compare
build=1
while [ $# -gt 0 ]; do
  case "$1" in
    --rooms) rooms=$2; shift 2 ;;
    --participants) participants=$2; shift 2 ;;
    --measure-s) measure_s=$2; shift 2 ;;
    --verify-every) verify_every=$2; shift 2 ;;
    --video-kbps) video_kbps=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --no-build) build=0; shift ;;
    -h | --help) sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench-compare: unknown option '$1' (try --help)" >&2; exit 2 ;;
  esac
done

if [ "$build" = 1 ]; then
  cmake --preset release >/dev/null
  cmake --build --preset release --target chorusd chorus-bench -- -j2
fi
bench=$repo/build/release/benchmarks/load/chorus-bench
chorusd=$repo/build/release/server/chorusd
mkdir -p "$out"/floor "$out"/floor-mesh "$out"/chorus "$out"/janus
out=$(cd "$out" && pwd)

scenario=(--rooms "$rooms" --participants "$participants" --measure-s "$measure_s"
  --video-kbps "$video_kbps" --verify-every "$verify_every" --delay probe)
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }

echo "bench-compare: rooms ${rooms}x${participants}, ${measure_s}s measured, video ${video_kbps} kbit/s," \
  "delay from the payload probe on 1 packet in $verify_every; out $out"
{
  echo "machine: $(nproc) CPUs, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)"
  echo "janus: $(janus --version 2>/dev/null | sed -n 's/^Janus version: //p')"
  echo "chorus: $(git -C "$repo" rev-parse --short HEAD)"
} >"$out/machine.txt"

echo "load average before floor: $(loadavg)" | tee "$out/loadavg.txt"
"$bench" --server none --floor pairs "${scenario[@]}" --out "$out/floor" \
  | tee "$out/floor/terminal.txt"
"$bench" --server none --floor mesh "${scenario[@]}" --out "$out/floor-mesh" \
  | tee "$out/floor-mesh/terminal.txt"

echo "load average before chorus: $(loadavg)" | tee -a "$out/loadavg.txt"
"$bench" --chorusd "$chorusd" --workers 1 "${scenario[@]}" --out "$out/chorus" \
  | tee "$out/chorus/terminal.txt"

echo "load average before janus: $(loadavg)" | tee -a "$out/loadavg.txt"
"$repo/benchmarks/peers/janus/run-janus.sh" --cpus 1 --event-loops 1 --rooms "$rooms" \
  --log "$out/janus/janus.log" -- \
  "$bench" --server janus "${scenario[@]}" --out "$out/janus" | tee "$out/janus/terminal.txt"
echo "load average after janus: $(loadavg)" | tee -a "$out/loadavg.txt"

python3 "$repo/scripts/bench_compare_table.py" "$out"
