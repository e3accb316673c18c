"""What chorusd itself says about its configuration: the keys and defaults of --print-config,
and the effective configuration of a given file and environment."""

import os
import subprocess
import tempfile

import yaml


def flatten(tree, prefix=""):
    """{'http': {'port': 8080}} -> {'http.port': 8080}; lists are values."""
    flat = {}
    for key, value in (tree or {}).items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(flatten(value, name + "."))
        else:
            flat[name] = value
    return flat


def environment_name(key):
    return "CHORUS_" + key.upper().replace(".", "_")


def print_config(chorusd, config_text=None, environment=None):
    """chorusd's effective configuration (flattened) for a YAML text and CHORUS_* variables,
    or (None, its error) when chorusd refuses them. No file and no variables: the defaults."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("CHORUS_")}
    env.update(environment or {})
    with tempfile.NamedTemporaryFile("w", suffix=".yaml") as file:
        arguments = [chorusd, "--print-config"]
        if config_text is not None:
            file.write(config_text)
            file.flush()
            arguments += ["--config", file.name]
        result = subprocess.run(arguments, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        return None, (result.stderr or result.stdout).strip()
    return flatten(yaml.safe_load(result.stdout)), None
