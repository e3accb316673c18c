"""Renders a kustomization the way `kubectl kustomize` does, for the features deploy/kubernetes
uses: resources (files and directories), namespace, images, replicas, and patches (strategic
merge, or JSON 6902 operations with a target). kubectl is not a Debian package, so the tests
cannot count on it; where it is installed, check_manifests.py compares the two renderings.
"""

import copy
import pathlib

import yaml

# Strategic merge: lists of objects merged by a key, as the Kubernetes API declares them
# (patchMergeKey). Any other list is replaced whole.
MERGE_KEYS = {
    "containers": "name",
    "initContainers": "name",
    "env": "name",
    "volumes": "name",
    "volumeMounts": "mountPath",
}


class KustomizeError(Exception):
    pass


def load_documents(path):
    with open(path, encoding="utf-8") as file:
        return [document for document in yaml.safe_load_all(file) if document is not None]


def render(directory):
    """The resources of the kustomization in `directory`, as a list of dicts."""
    directory = pathlib.Path(directory)
    kustomization = load_documents(directory / "kustomization.yaml")[0]
    unknown = set(kustomization) - {
        "apiVersion", "kind", "resources", "namespace", "images", "replicas", "patches"}
    if unknown:
        raise KustomizeError(f"{directory}: fields this renderer does not know: {sorted(unknown)}")

    resources = []
    for entry in kustomization.get("resources", []):
        path = directory / entry
        resources += render(path) if path.is_dir() else load_documents(path)

    for patch in kustomization.get("patches", []):
        if "path" in patch:
            documents = load_documents(directory / patch["path"])
        else:
            documents = [yaml.safe_load(patch["patch"])]
        for document in documents:
            if isinstance(document, list):
                apply_operations(find(resources, patch.get("target", {})), document)
            else:
                target = {"kind": document["kind"], "name": document["metadata"]["name"]}
                matches = find(resources, target)
                if len(matches) != 1:
                    raise KustomizeError(f"patch {target} matches {len(matches)} resources")
                merged = strategic_merge(matches[0], document)
                matches[0].clear()
                matches[0].update(merged)

    namespace = kustomization.get("namespace")
    if namespace:
        for resource in resources:
            resource["metadata"]["namespace"] = namespace

    for image in kustomization.get("images", []):
        for resource in resources:
            for container in pod_containers(resource):
                if container["image"].split(":")[0] == image["name"]:
                    name = image.get("newName", image["name"])
                    container["image"] = f"{name}:{image['newTag']}" if "newTag" in image else name

    for replicas in kustomization.get("replicas", []):
        for resource in find(resources, {"name": replicas["name"]}):
            if resource["kind"] in ("Deployment", "ReplicaSet", "StatefulSet"):
                resource["spec"]["replicas"] = replicas["count"]
    return resources


def find(resources, target):
    return [resource for resource in resources
            if resource["kind"] == target.get("kind", resource["kind"])
            and resource["metadata"]["name"] == target.get("name", resource["metadata"]["name"])]


def pod_containers(resource):
    spec = resource.get("spec", {}).get("template", {}).get("spec", {})
    return spec.get("containers", []) + spec.get("initContainers", [])


def strategic_merge(original, patch):
    result = copy.deepcopy(original)
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        elif isinstance(value, dict) and isinstance(result.get(key), dict):
            result[key] = strategic_merge(result[key], value)
        elif isinstance(value, list) and isinstance(result.get(key), list) and \
                merge_key(key, value):
            result[key] = merge_list(result[key], value, merge_key(key, value))
        else:
            result[key] = copy.deepcopy(value)
    return result


def merge_key(field, items):
    if field == "ports" and items and isinstance(items[0], dict):
        return "containerPort" if "containerPort" in items[0] else "port"
    return MERGE_KEYS.get(field)


def merge_list(original, patch, key):
    # Patched items first, in the patch's order, then the original's others in theirs: what
    # kustomize (kyaml) produces, and what decides the order of `env` (Kubernetes expands
    # $(NAME) only from variables listed earlier).
    by_key = {item[key]: item for item in original}
    patched = [strategic_merge(by_key.get(item[key], {}), item) for item in patch]
    patched_keys = {item[key] for item in patch}
    return patched + [copy.deepcopy(item) for item in original if item[key] not in patched_keys]


def apply_operations(resources, operations):
    for resource in resources:
        for operation in operations:
            parts = [part.replace("~1", "/").replace("~0", "~")
                     for part in operation["path"].lstrip("/").split("/")]
            parent = resource
            for part in parts[:-1]:
                parent = parent[int(part)] if isinstance(parent, list) else parent[part]
            last = parts[-1]
            if operation["op"] in ("add", "replace") and isinstance(parent, list):
                if last == "-":
                    parent.append(copy.deepcopy(operation["value"]))
                elif operation["op"] == "add":
                    parent.insert(int(last), copy.deepcopy(operation["value"]))
                else:
                    parent[int(last)] = copy.deepcopy(operation["value"])
            elif operation["op"] in ("add", "replace"):
                if operation["op"] == "replace" and last not in parent:
                    raise KustomizeError(f"replace of a missing {operation['path']}")
                parent[last] = copy.deepcopy(operation["value"])
            elif operation["op"] == "remove":
                del parent[int(last) if isinstance(parent, list) else last]
            else:
                raise KustomizeError(f"operation {operation['op']} is not supported")
