"""Reads the Dockerfile's instructions, per stage, for the deploy tests."""

import json
import shlex


class Stage:
    def __init__(self, base, name):
        self.base = base
        self.name = name
        self.instructions = []  # (INSTRUCTION, arguments text)

    def all(self, instruction):
        return [text for name, text in self.instructions if name == instruction]


class Dockerfile:
    def __init__(self, stages):
        self.stages = stages
        self.runtime = stages[-1]
        entrypoint = json.loads(self.runtime.all("ENTRYPOINT")[-1])
        self.entrypoint = entrypoint
        self.config_path = entrypoint[entrypoint.index("--config") + 1]
        self.user = self.runtime.all("USER")[-1].strip()


def instructions(path):
    """(INSTRUCTION, arguments) with continuation lines joined and comments dropped."""
    logical = ""
    for line in open(path, encoding="utf-8").read().splitlines():
        stripped = line.strip()
        if stripped.startswith("#") or (not stripped and not logical):
            continue
        if stripped.endswith("\\"):
            logical += stripped[:-1] + " "
            continue
        logical += stripped
        if logical.strip():
            name, _, arguments = logical.strip().partition(" ")
            yield name.upper(), arguments.strip()
        logical = ""


def parse(path):
    stages = []
    for name, arguments in instructions(path):
        if name == "FROM":
            words = arguments.split()
            stages.append(Stage(words[0], words[2] if len(words) == 3 else None))
        else:
            stages[-1].instructions.append((name, arguments))
    return Dockerfile(stages)


def copy_sources(arguments):
    """The sources and the --from stage (or None) of a COPY's arguments."""
    words = json.loads(arguments) if arguments.startswith("[") else shlex.split(arguments)
    source_stage = None
    while words[0].startswith("--"):
        flag = words.pop(0)
        if flag.startswith("--from="):
            source_stage = flag.split("=", 1)[1]
    return words[:-1], source_stage
