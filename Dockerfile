# chorusd in a container: a build stage with the compilers, a runtime stage with only chorusd,
# the shared libraries it links, and the web client files.
#
#   docker build -t chorus .
#   docker run --network host -v "$PWD/applications.yaml:/etc/chorus/applications.yaml:ro" chorus
#
# deploy/README.md has the ports and the Kubernetes manifests. tests/deploy/check_dockerfile.py
# keeps this file true to the code (COPY sources, runtime libraries, ports, health check, user).
#
# The base image is pinned by tag. For builds that must repeat bit for bit, pin the digest too
# (`docker buildx imagetools inspect debian:12-slim` prints it):
#   FROM debian:12-slim@sha256:<digest>

FROM debian:12-slim AS build
WORKDIR /src
# The build dependencies alone (no browsers, no node, no test tools), from the same list the
# developers' machines use.
COPY scripts/install-deps.sh scripts/install-deps.sh
RUN scripts/install-deps.sh --build-only && rm -rf /var/lib/apt/lists/*
COPY CMakeLists.txt CMakePresets.json ./
COPY cmake cmake
COPY media media
COPY signaling signaling
COPY server server
# The release preset without its benchmarks (they need Google Benchmark, a test dependency).
RUN cmake --preset release -DCHORUS_BUILD_BENCHMARKS=OFF \
    && cmake --build --preset release --target chorusd \
    && strip build/release/server/chorusd

FROM debian:12-slim
# What `ldd chorusd` lists, by package (`dpkg -S`); the test checks the two agree.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libboost-container1.81.0 \
        libboost-json1.81.0 \
        libc6 \
        libfmt9 \
        libgcc-s1 \
        libicu72 \
        libprometheus-cpp-core1.0 \
        libspdlog1.10 \
        libssl3 \
        libstdc++6 \
        libyaml-cpp0.7 \
        zlib1g \
    && rm -rf /var/lib/apt/lists/*
# A fixed numeric id, so Kubernetes' runAsNonRoot can check it (deploy/kubernetes).
RUN groupadd --system --gid 10001 chorus \
    && useradd --system --uid 10001 --gid chorus --no-create-home --home-dir /nonexistent \
        --shell /usr/sbin/nologin chorus
COPY --from=build /src/build/release/server/chorusd /usr/local/bin/chorusd
COPY web/sdk /usr/share/chorus/web/sdk
COPY web/demo /usr/share/chorus/web/demo
COPY deploy/config/production.yaml /etc/chorus/chorus.yaml
ENV CHORUS_HTTP_WEB_ROOT=/usr/share/chorus/web
USER 10001:10001
# Control port (HTTP, WebSocket /ws, /metrics, probes), ICE over TCP, and one UDP port per
# worker from media.port_base: room for 100 workers (the defaults; change them with the
# configuration and publish what you use).
EXPOSE 8080/tcp 40100/tcp 40000-40099/udp
# No curl in the slim image: bash's /dev/tcp asks /healthz over plain HTTP on the control
# port. (With TLS on the control port, as in deploy/kubernetes/overlays/production, the
# orchestrator's probes check health instead.)
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
    CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/${CHORUS_HTTP_PORT:-8080} && printf 'GET /healthz HTTP/1.1\\r\\nHost: localhost\\r\\nConnection: close\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q ' 200 '"]
ENTRYPOINT ["/usr/local/bin/chorusd", "--config", "/etc/chorus/chorus.yaml"]
