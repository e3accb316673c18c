#!/usr/bin/env bash
# Installs what building and testing Chorus needs on Debian 12, and only what is missing.
# Idempotent: a second run with everything present does nothing and needs no network.
#
#   scripts/install-deps.sh              build and test dependencies (the default)
#   scripts/install-deps.sh --build-only what compiling chorusd needs (the Docker build stage):
#                                        no browsers, node or npm packages, test or lint tools
#   scripts/install-deps.sh --bench      the default, plus Debian's Janus (`janus`, 1.1.2 in
#                                        bookworm) for the side-by-side benchmark
#                                        (benchmarks/peers/janus/); its system service is kept
#                                        from starting and disabled: the benchmark runs its own;
#                                        and gnuplot-nox for `make bench`'s plots
#   scripts/install-deps.sh --dry-run [option]
#                                        prints the Debian packages that option wants, one a
#                                        line, installed or not, and changes nothing
#
# The browser tests (tests/e2e) also need node, npm, chromium and firefox-esr, `unshare` and `ip`
# for their private network namespace, and their npm packages as tests/e2e/package-lock.json
# pins them; the SDK's type check (web/) needs TypeScript as web/package-lock.json pins it
# (`npm ci` in each, run again when a lock file changes).
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)

mode=all
dry_run=false
if [ "${1:-}" = --dry-run ]; then
  dry_run=true
  shift
fi
case "${1:-}" in
  "") ;;
  --build-only) mode=build ;;
  --bench) mode=bench ;;
  -h | --help) sed -n '2,17p' "$0"; exit 0 ;;
  *) echo "install-deps: unknown option '$1' (try --help)" >&2; exit 2 ;;
esac

# Boost must be the versioned 1.81 packages: the unversioned libboost-*-dev are 1.74 and
# conflict with them.
build_packages=(
  build-essential cmake ninja-build make pkg-config
  clang-14 lld-14 libclang-rt-14-dev
  libboost1.81-dev libboost-json1.81-dev
  libssl-dev libsrtp2-dev libusrsctp-dev libicu-dev
  prometheus-cpp-dev libyaml-cpp-dev libspdlog-dev libfmt-dev libcli11-dev zlib1g-dev
)
test_packages=(
  googletest libgtest-dev libgmock-dev libbenchmark-dev
  clang-format-14 clang-tidy-14
  iproute2 util-linux
  python3-yaml yamllint
)

# Only for `--bench`: the comparison with Janus VideoRoom (issue 8) and the plots of the load
# report (benchmarks/load/plot.gp), never `make test`.
bench_packages=(janus gnuplot-nox)

# Node and the browsers count as present when their commands are, whatever package brought them
# (a nodesource nodejs bundles npm, and Debian's npm would conflict with it). On a fresh
# Debian 12 the Debian packages come.
if [ "$mode" != build ]; then
  command -v chromium >/dev/null || test_packages+=(chromium)
  command -v firefox-esr >/dev/null || test_packages+=(firefox-esr)
  command -v node >/dev/null || test_packages+=(nodejs)
  command -v npm >/dev/null || test_packages+=(npm)
fi

wanted=("${build_packages[@]}")
if [ "$mode" != build ]; then
  wanted+=("${test_packages[@]}")
fi
if [ "$mode" = bench ]; then
  wanted+=("${bench_packages[@]}")
fi

# The Dockerfile's build stage runs `--build-only`; tests/deploy checks this list against the
# archive with `--dry-run --build-only`.
if [ "$dry_run" = true ]; then
  printf '%s\n' "${wanted[@]}"
  exit 0
fi

missing=()
for package in "${wanted[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
  if [ "$status" != "install ok installed" ]; then
    missing+=("$package")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#wanted[@]} packages present"
else
  sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "install-deps: run as root or install sudo" >&2; exit 1; }
    sudo=(sudo)
  fi

  # Debian's janus starts its system service on installation (an init script and a systemd
  # unit, both with the stock /etc/janus: ports 8088, 8188 and more on every interface). A
  # policy-rc.d answering 101 ("action forbidden", honoured by invoke-rc.d and
  # deb-systemd-invoke) keeps any service from starting during this installation; one the
  # machine already has (Docker images ship one) is left as it is.
  policy=/usr/sbin/policy-rc.d
  if [ "$mode" = bench ] && [ ! -e "$policy" ]; then
    "${sudo[@]}" sh -c "printf '#!/bin/sh\\nexit 101\\n' >$policy && chmod 755 $policy"
    trap '"${sudo[@]}" rm -f "$policy"' EXIT
  fi

  echo "install-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -q
  "${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# Nor at boot: the benchmark starts its own Janus with benchmarks/peers/janus/ as configuration.
if [ "$mode" = bench ]; then
  if [ -e /etc/init.d/janus ]; then
    "${sudo[@]}" update-rc.d janus disable >/dev/null 2>&1 || true
  fi
  if command -v deb-systemd-helper >/dev/null; then
    "${sudo[@]}" deb-systemd-helper disable janus.service >/dev/null 2>&1 || true
  fi
  if [ -d /run/systemd/system ]; then
    "${sudo[@]}" systemctl stop janus.service >/dev/null 2>&1 || true
  fi
  echo "install-deps: $(janus --version 2>/dev/null | head -n 1); its system service is disabled"
fi

# npm writes node_modules/.package-lock.json at every install: older than the lock file means
# the lock changed since. tests/e2e has the browser drivers, web/ the SDK's type checker.
if [ "$mode" = all ]; then
  for folder in tests/e2e web; do
    dir="$repo/$folder"
    if [ ! -e "$dir/node_modules/.package-lock.json" ] ||
       [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
      echo "install-deps: npm ci in $folder"
      (cd "$dir" && npm ci --no-audit --no-fund)
    else
      echo "install-deps: $folder/node_modules up to date"
    fi
  done
fi
