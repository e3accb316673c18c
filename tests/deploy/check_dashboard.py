"""The Grafana dashboard parses, every panel has a query, and every chorus_* metric it queries
is one chorusd exports: in README.md's metrics table or named in server/ or signaling/.

    check_dashboard.py --source .
"""

import argparse
import json
import pathlib
import re
import sys

HISTOGRAM_SERIES = ("_bucket", "_sum", "_count")


def exported_metrics(source):
    names = set()
    for line in (source / "README.md").read_text(encoding="utf-8").splitlines():
        match = re.match(r"\|\s*`(chorus_[a-z0-9_]+)`\s*\|", line)
        if match:
            names.add(match.group(1))
    for folder in ("server", "signaling"):
        for path in (source / folder).rglob("*.cpp"):
            names |= set(re.findall(r'"(chorus_[a-z0-9_]+)"', path.read_text(encoding="utf-8")))
    return names


def family(series, exported):
    if series in exported:
        return series
    for suffix in HISTOGRAM_SERIES:
        if series.endswith(suffix) and series[: -len(suffix)] in exported:
            return series[: -len(suffix)]
    if series.endswith("_bucket"):
        return series[: -len("_bucket")]
    return series


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--source", required=True, type=pathlib.Path)
    args = parser.parse_args()

    problems = []
    dashboards = sorted((args.source / "deploy/grafana").glob("*.json"))
    if not dashboards:
        problems.append("no dashboard in deploy/grafana")
    exported = exported_metrics(args.source)
    queried = set()
    for path in dashboards:
        dashboard = json.loads(path.read_text(encoding="utf-8"))
        panels = [p for p in dashboard["panels"] if p["type"] != "row"]
        for panel in panels:
            expressions = [t.get("expr", "") for t in panel.get("targets", [])]
            if not expressions or not all(expressions):
                problems.append(f"{path.name}: panel {panel['title']!r} has an empty query")
            for expression in expressions:
                if expression.count("(") != expression.count(")") or \
                        expression.count("{") != expression.count("}"):
                    problems.append(f"{path.name}: unbalanced query {expression!r}")
                queried |= set(re.findall(r"\b(chorus_[a-z0-9_]+)", expression))
        for variable in dashboard.get("templating", {}).get("list", []):
            queried |= set(re.findall(r"\b(chorus_[a-z0-9_]+)", variable.get("definition", "")))
        ids = [p["gridPos"]["y"] * 100 + p["gridPos"]["x"] for p in dashboard["panels"]]
        if len(ids) != len(set(ids)):
            problems.append(f"{path.name}: panels overlap")
        print(f"{path.name}: {len(panels)} panels")
    missing = sorted({family(series, exported) for series in queried
                      if family(series, exported) not in exported})
    for name in missing:
        problems.append(f"queried but not exported (README metrics table or code): {name}")
    print(f"{len(queried)} chorus_* series queried, {len(missing)} not exported")
    for problem in problems:
        print(f"FAIL: {problem}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
