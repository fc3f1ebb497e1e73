#!/usr/bin/env python3
"""Summarise a dotnet-trace speedscope file: where a process spent its CPU samples.

  python3 tools/bench/speedscope_top.py trace.speedscope.json [--top 40] [--match Marten,Npgsql]

Prints the frames with the most inclusive time (time with the frame anywhere on the stack) and the
most self time (the frame on top). Only samples of running managed code (leaf CPU_TIME) count.
"""
import json, sys, collections, argparse

IDLE = ("WaitHandle", "LowLevelLifoSemaphore", "Thread.Sleep", "epoll_wait", "Monitor.Wait", "SemaphoreSlim.Wait",
        "WaitOne", "PortableThreadPool+GateThread", "Interop+Sys.WaitForSocketEvents", "LowLevelMonitor",
        "Thread.WaitInternal", "Interop+Sys.Poll")

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("file")
    ap.add_argument("--top", type=int, default=40)
    ap.add_argument("--match", default="")
    a = ap.parse_args()
    data = json.load(open(a.file))
    frames = [f["name"] for f in data["shared"]["frames"]]
    inclusive = collections.Counter()
    self_time = collections.Counter()
    total = 0.0
    for profile in data["profiles"]:
        stack, last = [], None
        for ev in profile.get("events", []):
            at = ev["at"]
            if last is not None and stack:
                dt = at - last
                names = [frames[i] for i in stack]
                # dotnet-sampled-thread-time marks each sample's leaf CPU_TIME (running managed code)
                # or UNMANAGED_CODE_TIME (native: mostly waiting); only CPU_TIME counts as busy.
                if names[-1] == "CPU_TIME" or (names[-1] != "UNMANAGED_CODE_TIME" and not any(any(w in n for w in IDLE) for n in names[-3:])):
                    total += dt
                    self_time[names[-1]] += dt
                    for n in set(names):
                        inclusive[n] += dt
            last = at
            if ev["type"] == "O":
                stack.append(ev["frame"])
            elif stack:
                stack.pop()
    match = [m for m in a.match.split(",") if m]
    print(f"busy time: {total:.0f} {data['profiles'][0].get('unit', '')} over {len(data['profiles'])} threads")
    print("\n# inclusive")
    for name, t in inclusive.most_common(4000):
        if match and not any(m in name for m in match):
            continue
        print(f"{100 * t / total:5.1f}%  {name[:160]}")
        a.top -= 1
        if a.top <= 0:
            break
    print("\n# self")
    for name, t in self_time.most_common(30):
        print(f"{100 * t / total:5.1f}%  {name[:160]}")

main()
