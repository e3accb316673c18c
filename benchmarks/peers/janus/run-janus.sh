#!/usr/bin/env bash
# Runs Debian's Janus (VideoRoom, WebSocket API) with this folder's configuration inside a private
# network namespace, and a command beside it in the same namespace (issue 8, "Side by side with
# Janus").
#
#   benchmarks/peers/janus/run-janus.sh [OPTIONS] [-- COMMAND [ARGUMENTS...]]
#
#   --cpus LIST         pin Janus to these CPUs (taskset -c LIST); default: not pinned
#   --event-loops N     Janus's media threads (event_loops); default: the CPUs it gets
#   --rooms N           VideoRoom rooms 1..N written to the configuration; default 1
#   --publishers N      publishers allowed per room; default 1000
#   --bitrate BPS       video bitrate publishers are told to keep to (REMB cap); default 1000000
#   --ws-port PORT      the Janus API's WebSocket port on 127.0.0.1; default 8188
#   --debug-level N     Janus's log level 0-7; default 4 (info)
#   --log FILE          keep Janus's log there; default: a temporary file, removed at the end
#   --srtp-profiles L   the DTLS-SRTP profiles Janus may negotiate, OpenSSL names joined by ':';
#                       default SRTP_AEAD_AES_128_GCM (Chorus's default); `janus` keeps Janus's
#                       own list (AES-256-GCM first). Set through srtp-profiles-preload.cpp,
#                       compiled at each start (c++ from build-essential) and preloaded.
#
# The namespace has `lo` and a veth pair whose end `chorus-janus0` carries 127.0.0.1/32: Janus
# gathers no ICE candidate on an interface flagged loopback, so its only candidate is
# 127.0.0.1 on the veth, while every packet still travels over loopback. No host interface is
# touched; the veth pair and everything else disappear with the namespace when the script ends.
#
# The command runs once Janus accepts WebSocket connections, with JANUS_WS_URL (ws://...),
# JANUS_PID, JANUS_ROOMS, JANUS_LOG, JANUS_SRTP_PROFILES, JANUS_EVENT_LOOPS and JANUS_CPUS in its
# environment; its exit status is the script's. Without a command Janus runs until the script
# is interrupted. Needs root, or unprivileged user namespaces (`unshare --map-root-user`),
# util-linux's unshare, iproute2's ip, a C++ compiler and the `janus` package.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
kVeth=chorus-janus0
kVethPeer=chorus-janus1
kStartTimeoutS=20

usage() {
  sed -n '2,30p' "$0" | sed 's/^# \{0,1\}//'
  exit "${1:-2}"
}

cpus=''
event_loops=''
rooms=1
publishers=1000
bitrate=1000000
ws_port=8188
debug_level=4
log=''
srtp_profiles=SRTP_AEAD_AES_128_GCM
command=()
args=("$@")
while [ $# -gt 0 ]; do
  case "$1" in
    --cpus) cpus=$2; shift 2 ;;
    --event-loops) event_loops=$2; shift 2 ;;
    --rooms) rooms=$2; shift 2 ;;
    --publishers) publishers=$2; shift 2 ;;
    --bitrate) bitrate=$2; shift 2 ;;
    --ws-port) ws_port=$2; shift 2 ;;
    --debug-level) debug_level=$2; shift 2 ;;
    --log) log=$2; shift 2 ;;
    --srtp-profiles) srtp_profiles=$2; shift 2 ;;
    --) shift; command=("$@"); break ;;
    -h | --help) usage 0 ;;
    *) echo "run-janus: unknown option '$1' (try --help)" >&2; exit 2 ;;
  esac
done
for number in "$rooms" "$publishers" "$bitrate" "$ws_port" "$debug_level" ${event_loops:+"$event_loops"}; do
  [[ "$number" =~ ^[0-9]+$ ]] || { echo "run-janus: '$number' is not a number" >&2; exit 2; }
done
command -v janus >/dev/null || {
  echo "run-janus: no janus: install it with scripts/install-deps.sh --bench" >&2
  exit 1
}

# First pass, on the host: start again inside a new network namespace, as root or, failing that,
# as root of a new user namespace.
if [ "${CHORUS_JANUS_NETNS:-}" != inside ]; then
  command -v unshare >/dev/null || { echo "run-janus: no unshare (util-linux)" >&2; exit 1; }
  command -v ip >/dev/null || { echo "run-janus: no ip (iproute2)" >&2; exit 1; }
  unshare_options=(--net)
  if [ "$(id -u)" -ne 0 ]; then
    unshare_options=(--map-root-user --net)
  fi
  export CHORUS_JANUS_NETNS=inside
  exec unshare "${unshare_options[@]}" -- "$0" "${args[@]}"
fi

# Second pass, inside the namespace.
ip link set lo up
ip link add "$kVeth" type veth peer name "$kVethPeer"
ip address add 127.0.0.1/32 dev "$kVeth"
ip link set "$kVethPeer" up
ip link set "$kVeth" up

if [ -n "$cpus" ]; then
  pin=(taskset -c "$cpus")
  cpu_count=$(taskset -c "$cpus" nproc)
else
  pin=()
  cpu_count=$(nproc)
fi
event_loops=${event_loops:-$cpu_count}

conf=$(mktemp -d "${TMPDIR:-/tmp}/chorus-janus.XXXXXX")
log=${log:-$conf/janus.log}
janus_pid=''
cleanup() {
  if [ -n "$janus_pid" ] && kill -0 "$janus_pid" 2>/dev/null; then
    kill -TERM "$janus_pid"
    # Janus stops its sessions and plugins first; a few seconds, then it is killed.
    for _ in $(seq 50); do
      kill -0 "$janus_pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL "$janus_pid" 2>/dev/null || true
    wait "$janus_pid" 2>/dev/null || true
  fi
  rm -rf "$conf"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# The configuration: this folder's files, with this run's values.
cp "$here"/*.jcfg "$conf"/
sed -i \
  -e "s|^\(\s*configs_folder = \)\"[^\"]*\"|\1\"$conf\"|" \
  -e "s|^\(\s*log_to_file = \)\"[^\"]*\"|\1\"$log\"|" \
  -e "s|^\(\s*debug_level = \)[0-9]*|\1$debug_level|" \
  -e "s|^\(\s*event_loops = \)[0-9]*|\1$event_loops|" \
  "$conf/janus.jcfg"
sed -i -e "s|^\(\s*ws_port = \)[0-9]*|\1$ws_port|" "$conf/janus.transport.websockets.jcfg"
room="$conf/janus.plugin.videoroom.jcfg"
sed -i \
  -e "s|^\(\s*publishers = \)[0-9]*|\1$publishers|" \
  -e "s|^\(\s*bitrate = \)[0-9]*|\1$bitrate|" \
  "$room"
# Rooms 2..N: copies of room 1.
template=$(sed -n '/^room-1: {/,/^}/p' "$room")
for ((number = 2; number <= rooms; number++)); do
  printf '\n%s\n' "$template" | sed -e "s/^room-1:/room-$number:/" \
    -e "s/\"chorus-bench 1\"/\"chorus-bench $number\"/" >>"$room"
done

preload=()
if [ "$srtp_profiles" != janus ]; then
  c++ -std=c++20 -O2 -shared -fPIC -o "$conf/srtp-profiles-preload.so" \
    "$here/srtp-profiles-preload.cpp" -ldl
  preload=(env LD_PRELOAD="$conf/srtp-profiles-preload.so" CHORUS_JANUS_SRTP_PROFILES="$srtp_profiles")
fi

"${pin[@]}" "${preload[@]}" janus --configs-folder="$conf" --config="$conf/janus.jcfg" --disable-colors \
  >"$conf/janus.stdout" 2>&1 &
janus_pid=$!

# Ready once the WebSocket port accepts a connection.
deadline=$((SECONDS + kStartTimeoutS))
until (exec 3<>"/dev/tcp/127.0.0.1/$ws_port") 2>/dev/null; do
  if ! kill -0 "$janus_pid" 2>/dev/null || [ $SECONDS -ge $deadline ]; then
    echo "run-janus: Janus did not start listening on 127.0.0.1:$ws_port; its output:" >&2
    cat "$conf/janus.stdout" "$log" >&2 2>/dev/null || true
    exit 1
  fi
  sleep 0.1
done
echo "run-janus: Janus $(janus --version 2>/dev/null | sed -n 's/^Janus version: //p') pid" \
  "$janus_pid on ws://127.0.0.1:$ws_port, event_loops=$event_loops, cpus=${cpus:-all}," \
  "rooms=1..$rooms, srtp_profiles=$srtp_profiles, log $log" >&2

export JANUS_WS_URL="ws://127.0.0.1:$ws_port" JANUS_PID="$janus_pid" JANUS_ROOMS="$rooms" \
  JANUS_LOG="$log" JANUS_SRTP_PROFILES="$srtp_profiles" JANUS_EVENT_LOOPS="$event_loops" \
  JANUS_CPUS="${cpus:-all}"
if [ ${#command[@]} -eq 0 ]; then
  wait "$janus_pid"
else
  status=0
  "${command[@]}" || status=$?
  exit "$status"
fi
