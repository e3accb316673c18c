"""The Dockerfile, checked without a Docker engine (none on these machines): its COPY sources
exist and are not ignored, its build stage's package list installs from the archive and its
CMake commands configure and plan chorusd in a copy of exactly what the build stage copies,
the runtime stage installs the packages of every library chorusd links and no other, the
EXPOSEd ports are the configuration's defaults, the HEALTHCHECK command passes against a
running chorusd (and fails without one), the user is not root.

    check_dockerfile.py --chorusd build/dev/server/chorusd --source .
"""

import argparse
import fnmatch
import json
import os
import pathlib
import re
import select
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

import chorusd_config
import dockerfile

problems = []


def check(condition, message):
    if not condition:
        problems.append(message)
    return condition


def ignore_patterns(source):
    lines = (source / ".dockerignore").read_text(encoding="utf-8").splitlines()
    return [line.strip().rstrip("/") for line in lines
            if line.strip() and not line.startswith("#")]


def ignored(relative, patterns):
    """Whether .dockerignore leaves `relative` (or a folder above it) out of the context."""
    parts = pathlib.PurePosixPath(relative).parts
    for i in range(1, len(parts) + 1):
        prefix = "/".join(parts[:i])
        for pattern in patterns:
            if fnmatch.fnmatch(prefix, pattern) or (
                    pattern.startswith("**/") and fnmatch.fnmatch(parts[i - 1], pattern[3:])):
                return True
    return False


def check_copies(docker, source, patterns):
    for stage in docker.stages:
        for arguments in stage.all("COPY"):
            sources, from_stage = dockerfile.copy_sources(arguments)
            if from_stage:
                continue
            for item in sources:
                check((source / item).exists(), f"COPY source {item} does not exist")
                check(not ignored(item, patterns), f"COPY source {item} is in .dockerignore")
    for must_ignore in ("build", ".git", "web/node_modules", "tests/e2e/node_modules"):
        check(ignored(must_ignore, patterns), f".dockerignore does not leave out {must_ignore}")


def check_build_stage(docker, source):
    build = docker.stages[0]
    runs = " && ".join(build.all("RUN"))
    check("scripts/install-deps.sh --build-only" in runs,
          "the build stage does not run scripts/install-deps.sh --build-only")
    listed = subprocess.run([str(source / "scripts/install-deps.sh"), "--dry-run",
                             "--build-only"], capture_output=True, text=True, check=True)
    packages = listed.stdout.split()
    check(packages and not any(p in packages for p in ("chromium", "nodejs", "npm",
                                                       "firefox-esr", "iproute2")),
          f"--build-only wants test packages: {packages}")
    policy = subprocess.run(["apt-cache", "policy"] + packages, capture_output=True, text=True,
                            check=True).stdout
    for block in re.split(r"\n(?=\S)", policy.strip()):
        name = block.split(":")[0]
        check("Candidate: (none)" not in block, f"the archive has no package {name}")
    check(len(re.findall(r"(?m)^\S+:$", policy)) == len(packages),
          f"apt-cache does not know every one of {packages}")

    # The build stage's own commands, in a copy of what it copies.
    with tempfile.TemporaryDirectory(prefix="chorus-docker-build-") as context:
        workdir = pathlib.Path(context) / build.all("WORKDIR")[-1].lstrip("/")
        for arguments in build.all("COPY"):
            sources, _ = dockerfile.copy_sources(arguments)
            target = shlex.split(arguments)[-1]
            destination = workdir / target
            for item in sources:
                # Docker's rules: a folder's contents go into the target; a file goes into it
                # when it names a folder (trailing /, ., or several sources), else becomes it.
                origin = source / item
                if origin.is_dir():
                    shutil.copytree(origin, destination, dirs_exist_ok=True)
                elif target.endswith("/") or target in (".", "./") or len(sources) > 1:
                    destination.mkdir(parents=True, exist_ok=True)
                    shutil.copy2(origin, destination / origin.name)
                else:
                    destination.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copy2(origin, destination)
        commands = [c.strip() for run in build.all("RUN") for c in run.split("&&")]
        cmake = [c for c in commands if c.startswith("cmake ")]
        configure = next(c for c in cmake if "--preset" in c and "--build" not in c)
        configured = subprocess.run(shlex.split(configure), cwd=workdir, capture_output=True,
                                    text=True, check=False)
        if check(configured.returncode == 0,
                 f"build stage: `{configure}` fails: {configured.stdout[-2000:]}"
                 f"{configured.stderr[-2000:]}"):
            build_command = next(c for c in cmake if "--build" in c)
            planned = subprocess.run(shlex.split(build_command) + ["--", "-n"], cwd=workdir,
                                     capture_output=True, text=True, check=False)
            check(planned.returncode == 0 and "Linking CXX executable server/chorusd"
                  in planned.stdout, f"build stage: `{build_command}` would not link chorusd: "
                  f"{planned.stdout[-2000:]}{planned.stderr[-2000:]}")
        binary = next(dockerfile.copy_sources(a)[0][0] for a in docker.runtime.all("COPY")
                      if "--from=" in a)
        check(pathlib.Path(context) / binary.lstrip("/") ==
              workdir / "build/release/server/chorusd"
              and (workdir / "build/release/build.ninja").exists(),
              f"COPY --from the build stage takes {binary}, which is not what it builds")


def package_of(library):
    """The Debian package owning a library path (either side of the /usr merge)."""
    candidates = [library, os.path.realpath(library)]
    for path in list(candidates):
        if path.startswith("/usr/"):
            candidates.append(path[4:])
        else:
            candidates.append("/usr" + path)
    for path in candidates:
        result = subprocess.run(["dpkg", "-S", path], capture_output=True, text=True, check=False)
        if result.returncode == 0:
            return result.stdout.split(":")[0].strip()
    return None


def check_runtime_packages(docker, chorusd):
    installs = [run for run in docker.runtime.all("RUN") if "apt-get install" in run]
    listed = set()
    for run in installs:
        command = run.split("apt-get install", 1)[1].split("&&")[0]
        listed |= {word for word in command.split() if not word.startswith("-")}
    linked = subprocess.run(["ldd", chorusd], capture_output=True, text=True, check=True).stdout
    needed = {}
    for line in linked.splitlines():
        match = re.search(r"(/\S+) \(0x", line)
        if match is None:
            continue
        package = package_of(match.group(1))
        if check(package is not None, f"no package owns {match.group(1)}"):
            needed.setdefault(package, []).append(pathlib.Path(match.group(1)).name)
    for package in sorted(needed.keys() - listed):
        check(False, f"runtime stage lacks {package} (for {', '.join(needed[package])})")
    for package in sorted(listed - needed.keys()):
        check(False, f"runtime stage installs {package}, which chorusd does not link")
    print(f"runtime packages: {', '.join(sorted(needed))}")


def check_ports_and_user(docker, defaults):
    exposed = set()
    for arguments in docker.runtime.all("EXPOSE"):
        for word in arguments.split():
            ports, _, protocol = word.partition("/")
            low, _, high = ports.partition("-")
            exposed.add((int(low), int(high or low), protocol or "tcp"))

    def covered(port, protocol, count=1):
        return any(low <= port and port + count - 1 <= high and p == protocol
                   for low, high, p in exposed)

    check(covered(int(defaults["http.port"]), "tcp"), "EXPOSE lacks http.port/tcp")
    check(covered(int(defaults["media.tcp_port"]), "tcp"), "EXPOSE lacks media.tcp_port/tcp")
    udp = [(low, high) for low, high, p in exposed if p == "udp"]
    check(len(udp) == 1 and udp[0][0] == int(defaults["media.port_base"]),
          f"EXPOSE's UDP range {udp} does not start at media.port_base")
    user = docker.user.split(":")[0]
    check(user.isdigit() and int(user) != 0, f"USER {docker.user} is not a non-root numeric id")
    check(any(f"--uid {user}" in run for run in docker.runtime.all("RUN")),
          f"no RUN creates the user {user}")


def check_environment_and_files(docker, chorusd, defaults, source):
    environment = {}
    for arguments in docker.runtime.all("ENV"):
        name, _, value = arguments.partition("=")
        environment[name.strip()] = value.strip()
        if name.startswith("CHORUS_"):
            check(name in {chorusd_config.environment_name(k) for k in defaults},
                  f"ENV {name} names no chorusd key")
    destinations = {}
    for arguments in docker.runtime.all("COPY"):
        sources, from_stage = dockerfile.copy_sources(arguments)
        destinations[shlex.split(arguments)[-1]] = (sources, from_stage)
    check(docker.entrypoint[0] in destinations and destinations[docker.entrypoint[0]][1],
          f"ENTRYPOINT {docker.entrypoint[0]} is not the binary from the build stage")
    web_root = environment.get("CHORUS_HTTP_WEB_ROOT", "")
    for folder in ("sdk", "demo"):
        check(destinations.get(f"{web_root}/{folder}", ([],))[0] == [f"web/{folder}"],
              f"web/{folder} is not copied to {web_root}/{folder} (http.web_root)")
    config = destinations.get(docker.config_path)
    if check(config is not None, f"nothing is copied to the --config {docker.config_path}"):
        text = (source / config[0][0]).read_text(encoding="utf-8")
        _, error = chorusd_config.print_config(
            chorusd, text, {k: v for k, v in environment.items() if k.startswith("CHORUS_")})
        check(error is None, f"chorusd refuses the image's configuration: {error}")


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def check_healthcheck(docker, chorusd, source):
    text = docker.runtime.all("HEALTHCHECK")[-1]
    command = json.loads(text[text.index("CMD") + 3:].strip())
    check("/healthz" in " ".join(command), "HEALTHCHECK does not ask /healthz")
    port = free_port()
    environment = {k: v for k, v in os.environ.items() if not k.startswith("CHORUS_")}
    environment["CHORUS_HTTP_PORT"] = str(port)

    # Nothing listening: the check must fail, or it proves nothing.
    idle = subprocess.run(command, env=environment, capture_output=True, timeout=10, check=False)
    check(idle.returncode != 0, "HEALTHCHECK passes with no chorusd running")

    server_environment = dict(environment, CHORUS_MEDIA_PORT_BASE="0", CHORUS_MEDIA_TCP_PORT="0",
                              CHORUS_WORKERS_COUNT="1",
                              CHORUS_HTTP_WEB_ROOT=str(source / "web"))
    server = subprocess.Popen([chorusd], env=server_environment, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT)
    try:
        # Raw reads: a buffered readline would keep lines select() no longer sees.
        deadline = time.monotonic() + 60
        output = b""
        while b"chorusd_ready" not in output and time.monotonic() < deadline:
            readable, _, _ = select.select([server.stdout], [], [], 1)
            if readable:
                chunk = os.read(server.stdout.fileno(), 65536)
                if not chunk:
                    break
                output += chunk
        ready = b"chorusd_ready" in output
        if check(ready, f"chorusd did not start: {output[-2000:].decode(errors='replace')}"):
            passed = subprocess.run(command, env=environment, capture_output=True, timeout=10,
                                    check=False)
            check(passed.returncode == 0,
                  f"HEALTHCHECK fails against a healthy chorusd: {passed.stderr!r}")
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--chorusd", required=True)
    parser.add_argument("--source", required=True, type=pathlib.Path)
    args = parser.parse_args()

    docker = dockerfile.parse(args.source / "Dockerfile")
    defaults, error = chorusd_config.print_config(args.chorusd)
    if error:
        raise SystemExit(f"chorusd --print-config failed: {error}")
    check([stage.base for stage in docker.stages] == ["debian:12-slim"] * 2,
          "both stages must be FROM debian:12-slim")
    check_copies(docker, args.source, ignore_patterns(args.source))
    check_ports_and_user(docker, defaults)
    check_environment_and_files(docker, args.chorusd, defaults, args.source)
    check_runtime_packages(docker, args.chorusd)
    check_healthcheck(docker, args.chorusd, args.source)
    check_build_stage(docker, args.source)
    for problem in problems:
        print(f"FAIL: {problem}")
    print(f"Dockerfile: {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
