"""The Kubernetes manifests stay true to the code: renders deploy/kubernetes/base and every
overlay, and checks what they say about chorusd against what `chorusd --print-config` knows
and against the Dockerfile (config path, user).

    check_manifests.py --chorusd build/dev/server/chorusd --source .

Prints every finding and exits 1 if there is one.
"""

import argparse
import pathlib
import re
import shutil
import subprocess
import sys
import urllib.parse

import yaml

import chorusd_config
import dockerfile
import kustomize

# Values the kubelet would put in for the downward API and Secrets, to run chorusd on them.
DOWNWARD_SAMPLES = {"spec.nodeName": "node-a", "status.hostIP": "192.0.2.10"}
SECRET_SAMPLE = "0123456789abcdef" * 4
# The file keys whose paths must exist in the container, i.e. come from a volume.
FILE_KEYS = ("auth.applications_file", "http.tls_certificate_file", "http.tls_private_key_file",
             "dtls.certificate_file", "dtls.private_key_file")


class Findings:
    def __init__(self):
        self.problems = []
        self.notes = []

    def check(self, condition, message):
        if not condition:
            self.problems.append(message)
        return condition


def one(resources, kind, name=None):
    matches = [r for r in resources if r["kind"] == kind
               and (name is None or r["metadata"]["name"] == name)]
    if len(matches) != 1:
        raise SystemExit(f"expected one {kind} {name or ''}, found {len(matches)}")
    return matches[0]


def expand_environment(container, findings, where):
    """The container's variables as the kubelet would set them, $(NAME) expanded from the
    variables listed before (later ones are left as written, as Kubernetes does)."""
    values = {}
    for variable in container.get("env", []):
        name = variable["name"]
        if "value" in variable:
            def substitute(match):
                referenced = match.group(1)
                findings.check(referenced in values,
                               f"{where}: {name} uses $({referenced}), which is not listed "
                               "before it (Kubernetes would leave it unexpanded)")
                return values.get(referenced, match.group(0))
            values[name] = re.sub(r"\$\(([A-Za-z_][A-Za-z0-9_]*)\)", substitute,
                                  str(variable["value"]))
        elif "fieldRef" in variable.get("valueFrom", {}):
            path = variable["valueFrom"]["fieldRef"]["fieldPath"]
            findings.check(path in DOWNWARD_SAMPLES, f"{where}: {name}: unexpected field {path}")
            values[name] = DOWNWARD_SAMPLES.get(path, "x")
        elif "secretKeyRef" in variable.get("valueFrom", {}):
            values[name] = SECRET_SAMPLE
        else:
            findings.check(False, f"{where}: {name}: a source this test does not know")
    return values


def resolve_port(container, port):
    if isinstance(port, int):
        return port
    for declared in container.get("ports", []):
        if declared.get("name") == port:
            return declared["containerPort"]
    return None


def mounted_from(container, pod_spec, path):
    """The volume a file path in the container comes from, or None."""
    for mount in container.get("volumeMounts", []):
        mount_path = mount["mountPath"].rstrip("/")
        if path == mount_path or path.startswith(mount_path + "/"):
            return next(v for v in pod_spec["volumes"] if v["name"] == mount["name"])
    return None


def check_tree(name, resources, args, known, findings, docker):
    where = name
    deployment = one(resources, "Deployment", "chorus")
    pod_labels = deployment["spec"]["template"]["metadata"]["labels"]
    pod = deployment["spec"]["template"]["spec"]
    container = next(c for c in pod["containers"] if c["name"] == "chorusd")
    configmap = one(resources, "ConfigMap", "chorus-config")
    config_text = configmap["data"]["chorus.yaml"]
    config_file = chorusd_config.flatten(yaml.safe_load(config_text))

    # Every key and every CHORUS_* variable is one chorusd knows.
    for key in config_file:
        findings.check(key in known, f"{where}: ConfigMap key {key} is not a chorusd key")
    environment = expand_environment(container, findings, where)
    known_variables = {chorusd_config.environment_name(key) for key in known}
    for variable in environment:
        if variable.startswith("CHORUS_"):
            findings.check(variable in known_variables,
                           f"{where}: variable {variable} names no chorusd key")
    findings.check(pod.get("enableServiceLinks") is False,
                   f"{where}: enableServiceLinks must be false (Kubernetes would add CHORUS_* "
                   "variables for the Service chorus, which chorusd refuses)")

    # chorusd itself reads the ConfigMap and the environment; its answer is the configuration
    # the rest is checked against. Where it refuses them, the file's values over the defaults
    # stand in, so that the other checks still report.
    effective, error = chorusd_config.print_config(
        args.chorusd, config_text,
        {k: v for k, v in environment.items() if k.startswith("CHORUS_")})
    if not findings.check(error is None, f"{where}: chorusd refuses the configuration: {error}"):
        effective = dict(known)
        effective.update(config_file)
        for key in known:
            variable = chorusd_config.environment_name(key)
            if variable in environment:
                effective[key] = environment[variable]

    # The container runs the image's ENTRYPOINT; its --config file is the ConfigMap's key.
    findings.check("command" not in container and "args" not in container,
                   f"{where}: the container must keep the image's ENTRYPOINT")
    config_mount = [m for m in container.get("volumeMounts", [])
                    if m["mountPath"] == docker.config_path]
    if findings.check(len(config_mount) == 1,
                      f"{where}: nothing is mounted at the image's --config "
                      f"{docker.config_path}"):
        volume = next(v for v in pod["volumes"] if v["name"] == config_mount[0]["name"])
        findings.check(volume.get("configMap", {}).get("name") == "chorus-config"
                       and config_mount[0].get("subPath") == "chorus.yaml",
                       f"{where}: {docker.config_path} is not the ConfigMap's chorus.yaml")
    for key in FILE_KEYS:
        path = str(effective.get(key) or "")
        if path:
            volume = mounted_from(container, pod, path)
            findings.check(volume is not None and "secret" in volume,
                           f"{where}: {key} {path} is not on a Secret volume")

    # Ports: the control port, ICE-TCP, one UDP port per worker, nothing else.
    workers = int(effective["workers.count"])
    findings.check(workers > 0, f"{where}: workers.count must be set: the pod declares a UDP "
                   "port per worker, and CPU = workers")
    http_port = int(effective["http.port"])
    port_base = int(effective["media.port_base"])
    tcp_port = int(effective["media.tcp_port"])
    declared = {(p["containerPort"], p.get("protocol", "TCP")) for p in container["ports"]}
    expected = {(http_port, "TCP"), (tcp_port, "TCP")}
    expected |= {(port_base + i, "UDP") for i in range(workers)}
    findings.check(declared == expected,
                   f"{where}: container ports {sorted(declared)} are not the configuration's "
                   f"{sorted(expected)} (http.port, media.tcp_port, media.port_base + "
                   f"0..{workers - 1})")
    findings.check(resolve_port(container, "http") == http_port,
                   f"{where}: the port named http is not http.port {http_port}")
    findings.check(pod.get("hostNetwork") is True, f"{where}: hostNetwork must be true")
    findings.check(pod.get("dnsPolicy") == "ClusterFirstWithHostNet",
                   f"{where}: with hostNetwork, dnsPolicy must be ClusterFirstWithHostNet to "
                   "resolve cluster.peers_dns")

    # CPU = workers, whole CPUs, requests = limits.
    resources_ = container.get("resources", {})
    for kind in ("requests", "limits"):
        cpu = str(resources_.get(kind, {}).get("cpu", ""))
        findings.check(cpu == str(workers), f"{where}: {kind}.cpu {cpu!r} is not "
                       f"workers.count {workers}")
        findings.check(bool(resources_.get(kind, {}).get("memory")),
                       f"{where}: no {kind}.memory")

    # Probes on the control port, in its scheme.
    tls = bool(effective.get("http.tls_certificate_file"))
    for probe_name, path in (("livenessProbe", "/healthz"), ("readinessProbe", "/readyz")):
        probe = container.get(probe_name, {}).get("httpGet", {})
        findings.check(probe.get("path") == path, f"{where}: {probe_name} path is "
                       f"{probe.get('path')}, not {path}")
        findings.check(resolve_port(container, probe.get("port")) == http_port,
                       f"{where}: {probe_name} is not on http.port {http_port}")
        findings.check(probe.get("scheme", "HTTP") == ("HTTPS" if tls else "HTTP"),
                       f"{where}: {probe_name} scheme does not match the control port's TLS")

    # The drain: the kubelet's SIGKILL comes terminationGracePeriodSeconds after the deletion,
    # which covers preStop and then the drain that SIGTERM starts.
    deadline = effective.get("drain.deadline_seconds")
    if deadline is None:
        deadline = config_file.get("drain.deadline_seconds", 60)
    pre_stop = container.get("lifecycle", {}).get("preStop", {}).get("exec", {}).get("command")
    pre_stop_seconds = 0
    if findings.check(pre_stop is not None and pre_stop[0] == "sleep",
                      f"{where}: preStop should be a sleep (SIGTERM starts the drain)"):
        pre_stop_seconds = int(pre_stop[1])
    grace = pod.get("terminationGracePeriodSeconds", 30)
    findings.check(grace > int(deadline) + pre_stop_seconds,
                   f"{where}: terminationGracePeriodSeconds {grace} does not exceed preStop "
                   f"{pre_stop_seconds} s + drain.deadline_seconds {deadline}")

    # Addresses: media announced at the node's address, the advertised URL at the control port.
    announced = next((v for v in container.get("env", [])
                      if v["name"] == "CHORUS_MEDIA_ANNOUNCED_ADDRESS"), {})
    findings.check(announced.get("valueFrom", {}).get("fieldRef", {}).get("fieldPath")
                   == "status.hostIP",
                   f"{where}: CHORUS_MEDIA_ANNOUNCED_ADDRESS is not status.hostIP")
    advertised = effective.get("cluster.advertise_url") or environment.get(
        "CHORUS_CLUSTER_ADVERTISE_URL")
    if findings.check(bool(advertised), f"{where}: cluster.advertise_url is not set"):
        url = urllib.parse.urlsplit(str(advertised))
        findings.check(url.scheme == ("wss" if tls else "ws") and url.path == "/ws"
                       and url.port == http_port,
                       f"{where}: cluster.advertise_url {advertised} is not "
                       f"{'wss' if tls else 'ws'}://<node>:{http_port}/ws")

    # Services, the Ingress and the ServiceMonitor reach the control port.
    services = {s["metadata"]["name"]: s for s in resources if s["kind"] == "Service"}
    for service in services.values():
        findings.check(service["spec"]["selector"].items() <= pod_labels.items(),
                       f"{where}: Service {service['metadata']['name']} does not select the pods")
        for port in service["spec"]["ports"]:
            findings.check(resolve_port(container, port["targetPort"]) == http_port,
                           f"{where}: Service {service['metadata']['name']} targets "
                           f"{port['targetPort']}, not http.port")
    peers_dns = str(effective.get("cluster.peers_dns") or config_file.get("cluster.peers_dns"))
    peers = services.get(peers_dns.split(".")[0])
    if findings.check(peers is not None,
                      f"{where}: no Service named by cluster.peers_dns {peers_dns}"):
        findings.check(peers["spec"].get("clusterIP") == "None"
                       and peers["spec"].get("publishNotReadyAddresses") is True,
                       f"{where}: Service {peers_dns} must be headless and publish not-ready "
                       "pods (a draining node still hosts rooms)")
        findings.check(peers["spec"]["ports"][0]["port"] == http_port,
                       f"{where}: Service {peers_dns} port is not http.port")
    ingress = one(resources, "Ingress")
    for rule in ingress["spec"]["rules"]:
        for path in rule["http"]["paths"]:
            backend = path["backend"]["service"]
            service = services.get(backend["name"])
            findings.check(service is not None and backend["port"].get("name") in
                           [p["name"] for p in service["spec"]["ports"]],
                           f"{where}: the Ingress backend {backend} is no Service port")
    backend_https = ingress["metadata"].get("annotations", {}).get(
        "nginx.ingress.kubernetes.io/backend-protocol", "HTTP") == "HTTPS"
    findings.check(backend_https == tls,
                   f"{where}: the Ingress backend protocol does not match the control port's TLS")
    monitor = one(resources, "ServiceMonitor")
    monitored = [s for s in services.values() if monitor["spec"]["selector"]["matchLabels"].items()
                 <= s["metadata"].get("labels", {}).items()]
    if findings.check(monitored == [peers],
                      f"{where}: the ServiceMonitor must select the headless Service alone"):
        for endpoint in monitor["spec"]["endpoints"]:
            findings.check(endpoint["path"] == "/metrics" and endpoint["port"] == "http",
                           f"{where}: the ServiceMonitor does not scrape /metrics on http")
            findings.check(endpoint.get("scheme", "http") == ("https" if tls else "http"),
                           f"{where}: the ServiceMonitor scheme does not match TLS")
    budget = one(resources, "PodDisruptionBudget")
    findings.check(budget["spec"]["selector"]["matchLabels"].items() <= pod_labels.items(),
                   f"{where}: the PodDisruptionBudget does not select the pods")
    findings.check(deployment["spec"]["selector"]["matchLabels"].items() <= pod_labels.items(),
                   f"{where}: the Deployment's selector does not match its pods")

    # The user and the secrets.
    security = pod.get("securityContext", {})
    findings.check(security.get("runAsNonRoot") is True
                   and str(security.get("runAsUser")) == docker.user.split(":")[0],
                   f"{where}: runAsUser {security.get('runAsUser')} is not the image's "
                   f"USER {docker.user}")
    example = kustomize.load_documents(args.source / "deploy/kubernetes/base/secret.example.yaml")
    example_keys = set(example[0]["stringData"])
    referenced = {v["valueFrom"]["secretKeyRef"]["key"] for v in container.get("env", [])
                  if "secretKeyRef" in v.get("valueFrom", {})}
    referenced |= {item["key"] for v in pod["volumes"] if v.get("secret", {}).get("secretName")
                   == "chorus" for item in v["secret"].get("items", [])}
    findings.check(referenced <= example_keys, f"{where}: the Secret keys {sorted(referenced)} "
                   f"are not all in secret.example.yaml ({sorted(example_keys)})")


def compare_with_kubectl(directory, resources, findings):
    kubectl = shutil.which("kubectl")
    if kubectl is None:
        findings.notes.append(f"{directory}: kubectl not found, the renderer is not compared")
        return
    result = subprocess.run([kubectl, "kustomize", str(directory)], capture_output=True,
                            text=True, check=False)
    if result.returncode != 0:
        findings.notes.append(f"{directory}: kubectl kustomize failed: {result.stderr.strip()}")
        return
    theirs = {(r["kind"], r["metadata"]["name"]): r
              for r in yaml.safe_load_all(result.stdout) if r}
    mine = {(r["kind"], r["metadata"]["name"]): r for r in resources}
    different = sorted(k for k in mine.keys() | theirs.keys() if mine.get(k) != theirs.get(k))
    findings.check(not different, f"{directory}: kubectl kustomize renders differently: {different}")
    findings.notes.append(f"{directory}: kubectl kustomize renders the same")


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--chorusd", required=True)
    parser.add_argument("--source", required=True, type=pathlib.Path)
    args = parser.parse_args()

    known, error = chorusd_config.print_config(args.chorusd)
    if error:
        raise SystemExit(f"chorusd --print-config failed: {error}")
    docker = dockerfile.parse(args.source / "Dockerfile")
    findings = Findings()
    root = args.source / "deploy/kubernetes"
    trees = [root / "base"] + sorted(p for p in (root / "overlays").iterdir() if p.is_dir())
    for tree in trees:
        resources = kustomize.render(tree)
        compare_with_kubectl(tree, resources, findings)
        check_tree(str(tree.relative_to(args.source)), resources, args, known, findings, docker)

    for note in findings.notes:
        print(f"note: {note}")
    wanted = ("drain.", "cluster.")
    missing = sorted({k for tree in trees
                      for k in chorusd_config.flatten(yaml.safe_load(one(
                          kustomize.render(tree), "ConfigMap")["data"]["chorus.yaml"]))
                      if k.startswith(wanted) and k not in known})
    if missing:
        print(f"note: keys this chorusd does not know yet: {', '.join(missing)}")
    for problem in findings.problems:
        print(f"FAIL: {problem}")
    print(f"{len(trees)} trees checked, {len(findings.problems)} problems")
    return 1 if findings.problems else 0


if __name__ == "__main__":
    sys.exit(main())
