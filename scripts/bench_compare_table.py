#!/usr/bin/env python3
"""The comparison tables of scripts/bench-compare.sh: reads <out>/<part>/<run>/*.json
(chorus-bench's "chorus-bench/2" documents) and writes <out>/comparison.md and .json with the
ratios issue 8 asks for: per part, Chorus's and Janus's rows, then Chorus ÷ Janus."""
import glob
import json
import os
import sys

EQUAL_LOAD_PARTS = ("rooms", "webinar")
RAMP_PARTS = ("ramp-rooms", "ramp-webinar")
STEP_HEADER = ("| run | participants | pkt/s fwd | server CPU | harness CPU | pkt per server CPU-s | "
               "p50 ms | p90 ms | p99 ms | max ms | delay samples | loss | RSS MiB | "
               "first media p50/p99 ms | accounted |")
STEP_RULE = "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"


def single_core_limits(out):
    """items_per_second of transportUnprotectProtect{,Send}/S from the run's microbench.json."""
    try:
        with open(f"{out}/microbench.json") as document:
            benchmarks = json.load(document)["benchmarks"]
    except (OSError, KeyError, ValueError):
        return {}
    return {entry["name"]: entry["items_per_second"] for entry in benchmarks
            if "items_per_second" in entry}


def load(folder):
    paths = sorted(glob.glob(f"{folder}/chorus-bench-*.json"))
    if not paths:
        return None
    with open(paths[0]) as document:
        return json.load(document)


def step_row(name, run, step):
    delay = step["delay_us"]
    first = step["join_to_first_media"]
    return (f"| {name} | {step['participants']} | {step['packets_per_second']:.0f} | "
            f"{step['server_cpu_share'] * 100:.1f}% | {step['harness_cpu_share'] * 100:.1f}% | "
            f"{step['packets_per_cpu_second']:.0f} | {delay['p50'] / 1000:.3f} | "
            f"{delay['p90'] / 1000:.3f} | {delay['p99'] / 1000:.3f} | {delay['max'] / 1000:.3f} | "
            f"{delay['samples']} | {step['loss_ratio'] * 100:.3f}% | "
            f"{step['server_rss_bytes'] / 2**20:.1f} | {first['p50_ms']:.0f} / "
            f"{first['p99_ms']:.0f} | {'yes' if run['accounting']['agreed'] else 'NO'} |")


def limit_share(part, run, step, limits, lines, part_ratios):
    """Chorus's packets forwarded per CPU-second ÷ the single-core limit for the part's fan-out."""
    subscribers = 16 if "webinar" in part else 4
    name = f"transportUnprotectProtectSend/{subscribers}"
    if name not in limits or run is None:
        return
    share = step["packets_per_cpu_second"] / limits[name]
    part_ratios["chorus_share_of_single_core_limit"] = share
    crypto = limits.get(f"transportUnprotectProtect/{subscribers}")
    lines.append(f"| Chorus's packets forwarded per CPU-second ÷ the single-core limit "
                 f"({name}, {limits[name]:.0f}/s) | {share:.2f} |")
    if crypto:
        lines.append(f"| the same ÷ the limit without the send (transportUnprotectProtect/"
                     f"{subscribers}, {crypto:.0f}/s) | {step['packets_per_cpu_second'] / crypto:.2f} |")


def equal_load(part, runs, ratios, notes, limits):
    lines = [f"### {part}: equal load", "", STEP_HEADER, STEP_RULE]
    for name, run in runs.items():
        if run is None:
            lines.append(f"| {name} | did not run |" + " |" * 13)
        else:
            lines.append(step_row(name, run, run["steps"][0]))
    chorus, janus, floor = runs.get("chorus"), runs.get("janus"), runs.get("floor")
    if not (chorus and janus):
        return lines
    c, j = chorus["steps"][0], janus["steps"][0]
    held = c["loss_ratio"] <= 0.01 and j["loss_ratio"] <= 0.01
    part_ratios = {}
    if j["packets_per_cpu_second"] > 0:
        part_ratios["packets_per_cpu_second"] = c["packets_per_cpu_second"] / j["packets_per_cpu_second"]
    if j["delay_us"]["p99"] > 0:
        part_ratios["p99_delay"] = c["delay_us"]["p99"] / j["delay_us"]["p99"]
    lines += ["", "| ratio | value |", "|---|---|"]
    if "packets_per_cpu_second" in part_ratios:
        lines.append(f"| Chorus ÷ Janus packets forwarded per CPU-second"
                     f"{' (both ≤ 1% loss)' if held else ' (NOT both ≤ 1% loss)'} | "
                     f"{part_ratios['packets_per_cpu_second']:.2f} |")
    if "p99_delay" in part_ratios:
        lines.append(f"| Chorus ÷ Janus p99 delay at equal load | {part_ratios['p99_delay']:.2f} |")
    if floor:
        base = floor["steps"][0]["delay_us"]["p99"]
        part_ratios["floor_p99_ms"] = base / 1000
        added_j = j["delay_us"]["p99"] - base
        if added_j > 0:
            part_ratios["p99_added_over_floor"] = (c["delay_us"]["p99"] - base) / added_j
            lines.append(f"| Chorus ÷ Janus p99 delay above the pairs floor's p99 "
                         f"({base / 1000:.3f} ms) | {part_ratios['p99_added_over_floor']:.2f} |")
    limit_share(part, chorus, c, limits, lines, part_ratios)
    if not held:
        notes.append(f"{part}: loss above 1% on one server: its packets per CPU-second is not a "
                     "capacity at ≤ 1% loss.")
    ratios[part] = part_ratios
    return lines


def capacity(run):
    """The step that held last, or None."""
    index = run.get("capacity", {}).get("step", 0)
    return run["steps"][index - 1] if index else None


def ramp(part, runs, ratios, notes, limits):
    lines = [f"### {part}: capacity (the last step with loss ≤ 1% and p99 ≤ 50 ms)", "",
             STEP_HEADER, STEP_RULE]
    for name, run in runs.items():
        if run is None:
            lines.append(f"| {name} | did not run |" + " |" * 13)
            continue
        for number, step in enumerate(run["steps"], start=1):
            mark = " (capacity)" if number == run["capacity"]["step"] else ""
            held = "" if step["held"] else " (did not hold)"
            lines.append(step_row(f"{name} step {number}{mark}{held}", run, step))
    chorus, janus = runs.get("chorus"), runs.get("janus")
    if not (chorus and janus):
        return lines
    c, j = capacity(chorus), capacity(janus)
    part_ratios = {}
    lines += ["", "| ratio | value |", "|---|---|"]
    if c and j:
        at_least = "" if chorus["capacity"]["reached"] else "at least "
        part_ratios["capacity_participants"] = c["participants"] / j["participants"]
        part_ratios["chorus_capacity_reached"] = chorus["capacity"]["reached"]
        lines.append(f"| Chorus ÷ Janus capacity, participants ({c['participants']} ÷ "
                     f"{j['participants']}) | {at_least}{part_ratios['capacity_participants']:.2f} |")
        part_ratios["packets_per_cpu_second_at_capacity"] = (
            c["packets_per_cpu_second"] / j["packets_per_cpu_second"])
        lines.append(f"| Chorus ÷ Janus packets forwarded per CPU-second, each at its capacity | "
                     f"{part_ratios['packets_per_cpu_second_at_capacity']:.2f} |")
        limit_share(part, chorus, c, limits, lines, part_ratios)
        if not chorus["capacity"]["reached"]:
            notes.append(f"{part}: every Chorus step held; its capacity is at least the last one.")
    else:
        notes.append(f"{part}: a server held no step; no capacity ratio.")
    ratios[part] = part_ratios
    return lines


def main(out):
    sections, ratios, notes, documents = [], {}, [], {}
    limits = single_core_limits(out)
    for part in EQUAL_LOAD_PARTS + RAMP_PARTS:
        if not os.path.isdir(f"{out}/{part}"):
            continue
        names = ("floor", "floor-mesh", "chorus", "janus") if part == "rooms" else ("chorus", "janus")
        runs = {name: load(f"{out}/{part}/{name}") for name in names}
        documents[part] = runs
        build = equal_load if part in EQUAL_LOAD_PARTS else ramp
        sections += build(part, runs, ratios, notes, limits) + [""]
        chorus = runs.get("chorus")
        if chorus and part == "rooms":
            parameters = chorus["parameters"]
            notes.append(f"Delay source: {parameters.get('delay_source', '?')}, one packet in "
                         f"{parameters['verify_every']} decrypted and measured, in every run.")
    text = "\n".join(sections + notes) + "\n"
    with open(f"{out}/comparison.md", "w") as document:
        document.write(text)
    with open(f"{out}/comparison.json", "w") as document:
        json.dump({"ratios": ratios, "single_core_limits": limits, "runs": documents}, document,
                  indent=1)
    print(text)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else ".")
