#!/bin/sh
# Runs a command (a browser test: node, and the chorusd and browsers it starts) in a private
# network namespace whose only interface is loopback, so that no packet a browser sends can leave
# the machine (issue 7, "End-to-end tests").
#
#   support/in-netns.sh COMMAND [ARGUMENTS...]
#
# As root a new network namespace is enough (`unshare --net`); otherwise an unprivileged user
# namespace maps the caller to root in it (`unshare --map-root-user --net`), where the kernel
# allows that. Where neither works the command does not run on the host's network: the script
# exits 77, which ctest reports as a skip (SKIP_RETURN_CODE), saying why.
set -eu

kSkip=77

if [ $# -eq 0 ]; then
  echo "usage: $0 COMMAND [ARGUMENTS...]" >&2
  exit 2
fi

skip() {
  echo "SKIPPED: no private network namespace: $1. Browser tests run only inside one that has" \
    "loopback alone, so that no browser packet reaches another network; they need util-linux's" \
    "unshare, iproute2's ip, and root or unprivileged user namespaces." >&2
  exit $kSkip
}

command -v unshare >/dev/null 2>&1 || skip "there is no unshare command"
command -v ip >/dev/null 2>&1 || skip "there is no ip command (Debian package iproute2)"

if [ "$(id -u)" -eq 0 ]; then
  unshare_options='--net'
else
  unshare_options='--map-root-user --net'
fi

# Inside the namespace: loopback up, and the only interface there.
# shellcheck disable=SC2016 # expanded by the shell inside
setup='ip link set lo up && [ "$(ip -o link show | wc -l)" -eq 1 ]'

# A probe namespace first, so that a failing test is never mistaken for a missing namespace.
# shellcheck disable=SC2086 # the options are words
if ! reason=$(unshare $unshare_options -- sh -c "$setup" 2>&1); then
  skip "\`unshare $unshare_options\` then \`ip link set lo up\` failed${reason:+: $reason}"
fi

# shellcheck disable=SC2086
exec unshare $unshare_options -- sh -c "$setup"' || exit 1
E2E_NETNS=loopback-only
export E2E_NETNS
exec "$@"' in-netns "$@"
