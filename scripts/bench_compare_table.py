#!/usr/bin/env python3
"""The comparison table of scripts/bench-compare.sh: reads <out>/{floor,chorus,janus}/*.json
(chorus-bench's "chorus-bench/2" documents) and writes <out>/comparison.md and .json with the
ratios issue 8 asks for."""
import glob
import json
import sys


def load(folder):
    paths = sorted(glob.glob(f"{folder}/chorus-bench-rooms-*.json"))
    if not paths:
        return None
    with open(paths[0]) as document:
        return json.load(document)


def row(name, run):
    step = run["steps"][0]
    delay = step["delay_us"]
    cpu = step["server_cpu_seconds"] / step["seconds"] * 100 if step["seconds"] else 0
    return (f"| {name} | {run['server']['pinning']} | {step['participants']} | "
            f"{step['packets_per_second']:.0f} | {cpu:.1f}% | "
            f"{step['packets_per_cpu_second']:.0f} | {delay['p50'] / 1000:.3f} | "
            f"{delay['p90'] / 1000:.3f} | {delay['p99'] / 1000:.3f} | {delay['max'] / 1000:.3f} | "
            f"{delay['samples']} | {step['loss_ratio'] * 100:.3f}% | "
            f"{step['server_rss_bytes'] / 2**20:.1f} | {run['join']['p50_ms']:.1f} / "
            f"{run['join']['p99_ms']:.1f} | {'yes' if run['accounting']['agreed'] else 'NO'} |")


def main(out):
    runs = {name: load(f"{out}/{name}") for name in ("floor", "floor-mesh", "chorus", "janus")}
    lines = ["| run | pinning | participants | pkt/s fwd | server CPU | pkt per CPU-s | "
             "p50 ms | p90 ms | p99 ms | max ms | delay samples | loss | RSS MiB | "
             "join p50/p99 ms | accounted |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for name, run in runs.items():
        if run is None:
            lines.append(f"| {name} | did not run | | | | | | | | | | | | | |")
        else:
            lines.append(row(name, run))
    ratios = {}
    chorus, janus, floor = runs["chorus"], runs["janus"], runs["floor"]
    notes = []
    if chorus and janus:
        c, j = chorus["steps"][0], janus["steps"][0]
        held = c["loss_ratio"] <= 0.01 and j["loss_ratio"] <= 0.01
        if j["packets_per_cpu_second"] > 0:
            ratios["packets_per_cpu_second"] = c["packets_per_cpu_second"] / j["packets_per_cpu_second"]
        if j["delay_us"]["p99"] > 0:
            ratios["p99_delay"] = c["delay_us"]["p99"] / j["delay_us"]["p99"]
        if floor:
            base = floor["steps"][0]["delay_us"]["p99"]
            added_c = c["delay_us"]["p99"] - base
            added_j = j["delay_us"]["p99"] - base
            ratios["floor_p99_ms"] = base / 1000
            if added_j > 0:
                ratios["p99_added_over_floor"] = added_c / added_j
        lines += ["",
                  "| ratio | value |", "|---|---|"]
        if "packets_per_cpu_second" in ratios:
            lines.append(f"| Chorus ÷ Janus packets forwarded per CPU-second"
                         f"{' (both ≤ 1% loss)' if held else ' (NOT both ≤ 1% loss)'} | "
                         f"{ratios['packets_per_cpu_second']:.2f} |")
        if "p99_delay" in ratios:
            lines.append(f"| Chorus ÷ Janus p99 delay at equal load | {ratios['p99_delay']:.2f} |")
        if "p99_added_over_floor" in ratios:
            lines.append(f"| Chorus ÷ Janus p99 delay above the pairs floor's p99 "
                         f"({ratios['floor_p99_ms']:.3f} ms) | {ratios['p99_added_over_floor']:.2f} |")
        if not held:
            notes.append("Loss above 1% on one server: its packets per CPU-second is not a "
                         "capacity at ≤ 1% loss.")
    if chorus:
        parameters = chorus["parameters"]
        notes.append(f"Delay source: {parameters.get('delay_source', '?')}, one packet in "
                     f"{parameters['verify_every']} decrypted and measured, for every run.")
    text = "\n".join(lines + [""] + notes) + "\n"
    with open(f"{out}/comparison.md", "w") as document:
        document.write(text)
    with open(f"{out}/comparison.json", "w") as document:
        json.dump({"ratios": ratios, "runs": runs}, document, indent=1)
    print(text)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else ".")
