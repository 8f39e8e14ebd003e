#!/usr/bin/env python3
"""flan4j's CPU training step against PyTorch's on the same machine, in the same run, interleaved.

Each side runs the full optimizer step a trainer takes: zero grads, forward, cross-entropy, backward, gradient-norm
clip at 1.0, AdamW (betas 0.9/0.95, eps 1e-8, weight decay 0.1 on 2-D weights). PyTorch: eager, the GPT-2 of
bench_step.py (learned positions, pre-LN, GELU-tanh, tied head, padded vocabulary, scaled_dot_product_attention),
torch.optim.AdamW. flan4j: dev.flan4j.bench.TrainStepServer (Gpt + train.AdamW as Trainer runs them), kept running
in one JVM so that rounds alternate between the two without start-up or JIT warm-up in the timed steps.

Rounds alternate which side goes first; the median over all timed steps is reported, with the load average
(os.getloadavg) read before every round, since a shared machine's timings drift.

  benchmarks/cpu-vs-torch.sh                          # the one-command wrapper (venv, build, this script)
  python3 benchmarks/torch/cpu_vs_torch.py --jar benchmarks/target/benchmarks.jar --rounds 5 --configs small,medium
"""
import argparse
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys
import time

import bench_step
import common

# name -> (L, NH, C, V, B, T); the block size (position table) is T.
CONFIGS = {
    "small": (2, 2, 128, 4096, 16, 128),
    "medium": (4, 4, 256, 8192, 8, 256),
    "gpt2": (12, 12, 768, 50257, 4, 64),
    "demo": (4, 4, 128, 4096, 8, 128),   # `flan4j demo`'s model (preset 1m) and batch; not in the default run
}
DEFAULT_CONFIGS = "small,medium,gpt2"


class Flan4j:
    """The TrainStepServer process: one request line, one answer line."""

    def __init__(self, java, java_opts, jar):
        cmd = [java] + java_opts + ["-cp", jar, "dev.flan4j.bench.TrainStepServer", "cpu"]
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)
        self.cmd = cmd

    def ask(self, line):
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()
        while True:
            out = self.proc.stdout.readline()
            if not out:
                sys.exit("error: flan4j's TrainStepServer exited (command: %s)" % " ".join(self.cmd))
            if out.startswith("ok"):
                return out[2:].strip()
            if out.startswith("error"):
                sys.exit("error from flan4j: " + out.strip())
            # anything else is a log line of the JVM: pass it through
            sys.stderr.write(out)

    def steps(self, cfg, warmup, runs):
        L, NH, C, V, B, T = cfg
        return [float(x) for x in self.ask("step %d %d %d %d %d %d %d %d" % (L, NH, C, V, B, T, warmup, runs)).split()]

    def close(self):
        try:
            self.ask("quit")
        except SystemExit:
            pass
        self.proc.wait(timeout=60)


class Torch:
    """PyTorch's model and optimizer per configuration, built once."""

    def __init__(self, torch):
        self.torch = torch
        self.jobs = {}

    def _job(self, cfg):
        if cfg not in self.jobs:
            torch = self.torch
            L, NH, C, V, B, T = cfg
            torch.manual_seed(0)
            model = bench_step.build_model(torch, V, T, L, NH, C)
            assert sum(p.numel() for p in model.parameters()) == common.param_count(V, T, L, NH, C)
            decay = [p for p in model.parameters() if p.dim() == 2 and p is not model.wpe.weight]
            other = [p for p in model.parameters() if not (p.dim() == 2 and p is not model.wpe.weight)]
            opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.1}, {"params": other, "weight_decay": 0.0}],
                                    lr=1e-4, betas=(0.9, 0.95), eps=1e-8)
            idx = torch.randint(0, V, (B, T))
            tgt = torch.randint(0, V, (B, T))
            self.jobs[cfg] = (model, opt, idx, tgt)
        return self.jobs[cfg]

    def steps(self, cfg, warmup, runs):
        model, opt, idx, tgt = self._job(cfg)
        torch = self.torch

        def step():
            opt.zero_grad(set_to_none=True)
            loss = model(idx, tgt)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()

        for _ in range(warmup):
            step()
        times = []
        for _ in range(runs):
            t0 = time.perf_counter()
            step()
            times.append((time.perf_counter() - t0) * 1e3)
        return times


def run(cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True, timeout=30, check=True).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None


def machine():
    cpu = None
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem = None
    try:
        with open("/proc/meminfo") as f:
            mem = f.readline().split(":", 1)[1].strip()
    except OSError:
        pass
    return {"cpu": cpu, "cores": os.cpu_count(), "memory": mem, "kernel": platform.release(),
            "os": run(["sh", "-c", ". /etc/os-release && echo $PRETTY_NAME"])}


def emit(a, torch, device, started, results, final):
    """Prints the table (final only) and writes the JSON and Markdown reports (after every config, so a run cut
    short keeps what it measured)."""
    commit = os.environ.get("FLAN4J_COMMIT") or run(["git", "rev-parse", "HEAD"])
    dirty = run(["git", "status", "--porcelain", "--untracked-files=no"])
    header = {"tool": "cpu-vs-torch", "date": started, "commit": commit, "dirty": bool(dirty),
              "machine": machine(), "torch": torch.__version__, "torch_threads": torch.get_num_threads(),
              "java": run(["sh", "-c", a.java + " -version 2>&1 | head -n 1"]),
              "java_opts": a.java_opts, "flan4j_device": device, "baseline_jar": a.baseline_jar, "rounds": a.rounds, "steps_per_round": a.steps,
              "warmup": a.warmup,
              "step": "zero grads, forward, cross-entropy, backward, clip grad norm 1.0, AdamW (0.9, 0.95, 1e-8, wd 0.1)"}
    lines = ["| config (L, NH, C, V, B x T) | PyTorch ms/step | flan4j ms/step | PyTorch tokens/s | flan4j tokens/s "
             "| flan4j / PyTorch tokens/s | load avg (1 min) |",
             "| --- | --- | --- | --- | --- | --- | --- |"]
    for r in results:
        lines.append("| %s: %d, %d, %d, %d, %d x %d | %.1f | %.1f | %.0f | %.0f | %.2fx | %.1f |" % (
            r["config"], r["L"], r["NH"], r["C"], r["V"], r["B"], r["T"], r["torch_median_ms"], r["flan4j_median_ms"],
            r["torch_tokens_per_s"], r["flan4j_tokens_per_s"], r["ratio_tokens_per_s"], r["loadavg_1min_median"]))
    if a.baseline_jar:
        lines += ["", "| config | baseline flan4j ms/step | flan4j ms/step | speed-up |", "| --- | --- | --- | --- |"]
        lines += ["| %s | %.1f | %.1f | %.2fx |" % (r["config"], r["baseline_median_ms"], r["flan4j_median_ms"],
                                                  r["baseline_median_ms"] / r["flan4j_median_ms"]) for r in results]
    table = "\n".join(lines) + "\n"
    if final:
        print()
        print(table, end="")
    if a.out:
        os.makedirs(a.out, exist_ok=True)
        common.write(json.dumps({"header": header, "results": results}, indent=2) + "\n",
                     os.path.join(a.out, "cpu-vs-torch.json"))
        md = ["# flan4j CPU step vs PyTorch, same run", ""]
        md += ["- %s: %s" % (k, v) for k, v in header.items() if k != "machine"]
        md += ["- machine: %s" % ", ".join("%s %s" % (k, v) for k, v in header["machine"].items() if v), "",
               "Medians over %d rounds x %d steps, rounds alternating which side goes first." % (a.rounds, a.steps), "",
               table]
        common.write("\n".join(md), os.path.join(a.out, "cpu-vs-torch.md"))


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--jar", required=True, help="benchmarks/target/benchmarks.jar (flan4j + TrainStepServer)")
    p.add_argument("--baseline-jar", default=None,
                   help="a second flan4j build (e.g. of an earlier commit) timed in the same rounds as 'baseline'")
    p.add_argument("--java", default="java")
    p.add_argument("--java-opts", default="--add-modules jdk.incubator.vector -Xmx8g",
                   help="JVM options (default: %(default)s)")
    p.add_argument("--configs", default=DEFAULT_CONFIGS,
                   help="comma-separated of: %s (default %%(default)s)" % ", ".join(CONFIGS))
    p.add_argument("--rounds", type=int, default=5, help="alternating rounds per config (default %(default)s)")
    p.add_argument("--steps", type=int, default=3, help="timed steps per side per round (default %(default)s; the first step after the other side ran is often slow, so one step per round times PyTorch cold)")
    p.add_argument("--warmup", type=int, default=2, help="untimed steps per side before the first round")
    p.add_argument("--out", default=None, help="folder for cpu-vs-torch.json and .md (default: print only)")
    a = p.parse_args(argv)
    names = [c.strip() for c in a.configs.split(",") if c.strip()]
    for n in names:
        if n not in CONFIGS:
            sys.exit("error: --configs: unknown config %r (known: %s)" % (n, ", ".join(CONFIGS)))
    if a.rounds < 1 or a.steps < 1 or a.warmup < 0:
        sys.exit("error: --rounds and --steps must be >= 1 and --warmup >= 0")

    import torch

    torch.set_num_threads(os.cpu_count())
    f4 = Flan4j(a.java, a.java_opts.split(), a.jar)
    base = Flan4j(a.java, a.java_opts.split(), a.baseline_jar) if a.baseline_jar else None
    th = Torch(torch)
    sides = {"torch": th.steps, "flan4j": f4.steps}
    if a.baseline_jar:
        sides["baseline"] = base.steps
    started = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0).isoformat()
    results = []
    try:
        device = f4.ask("device")
        for name in names:
            cfg = CONFIGS[name]
            L, NH, C, V, B, T = cfg
            print("%s: L=%d NH=%d C=%d V=%d B=%d T=%d, warming up ..." % (name, L, NH, C, V, B, T), flush=True)
            if a.warmup:
                for fn in sides.values():
                    fn(cfg, a.warmup, 0)
            rounds = []
            names_ = list(sides)
            for r in range(a.rounds):
                k = r % len(names_)
                order = names_[k:] + names_[:k]   # each side goes first in turn
                row = {"round": r, "order": order}
                for side in order:
                    load = os.getloadavg()
                    row[side] = {"ms": sides[side](cfg, 0, a.steps), "loadavg": [round(x, 2) for x in load]}
                rounds.append(row)
                print("  round %d: %s (load %.1f)" % (r, ", ".join(
                    "%s %s ms" % (sd, " ".join("%.1f" % x for x in row[sd]["ms"])) for sd in names_),
                    os.getloadavg()[0]), flush=True)
            tm = statistics.median(x for row in rounds for x in row["torch"]["ms"])
            fm = statistics.median(x for row in rounds for x in row["flan4j"]["ms"])
            bm = statistics.median(x for row in rounds for x in row["baseline"]["ms"]) if base else None
            loads = [row[sd]["loadavg"][0] for row in rounds for sd in names_]
            results.append({"baseline_median_ms": bm,
                            "baseline_tokens_per_s": B * T / bm * 1e3 if bm else None,"config": name, "L": L, "NH": NH, "C": C, "V": V, "B": B, "T": T,
                            "params": common.param_count(V, T, L, NH, C), "tokens": B * T,
                            "torch_median_ms": tm, "flan4j_median_ms": fm,
                            "torch_tokens_per_s": B * T / tm * 1e3, "flan4j_tokens_per_s": B * T / fm * 1e3,
                            "ratio_tokens_per_s": tm / fm, "loadavg_1min_median": statistics.median(loads),
                            "rounds": rounds})
            emit(a, torch, device, started, results, final=False)
    finally:
        f4.close()
        if base:
            base.close()

    emit(a, torch, device, started, results, final=True)


if __name__ == "__main__":
    main()
