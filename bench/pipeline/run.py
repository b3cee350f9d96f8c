#!/usr/bin/env python3
"""The pipeline benchmark: Imagine (Java, ONNX Runtime) against FastSD CPU's two engines, diffusers on PyTorch CPU
and optimum-intel's OpenVINO LCM pipeline, on the same random-weight full-size model (tools/bench-model), the
same threads, 512x512, 4 steps, batch 1, with the full VAE and with TAESD. Each engine runs in its own process
(so its peak RSS is its own); warm-up is excluded; medians and min-max of --runs timed images are reported per
stage, with this machine's FP32 GEMM throughput measured in the same run.

Writes bench/results/<date>.md (and raw JSON under bench/out/<date>/); the last line printed is the summary of
ratios. See bench/pipeline/README.md.
"""
import argparse
import datetime as dt
import json
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
UNET_TFLOP_PER_STEP_512 = 0.803  # performance-notes.md: conv 444 + linear 233 + attention matmuls 126 GFLOP
ENGINES = ("imagine", "imagine-int8", "imagine-int8-vae", "openvino", "openvino-f32", "openvino-int8w", "openvino-int8h", "pytorch")
# The engines run by default; the int8 OpenVINO pipelines need bench/tools/openvino_int8.py first.
DEFAULT_ENGINES = ("imagine", "openvino", "openvino-f32", "pytorch")
IMAGINES = ("imagine", "imagine-int8", "imagine-int8-vae")
# The precision arguments of each Imagine engine (UNet, then the full VAE decoder).
IMAGINE_PRECISIONS = {"imagine": ["--precision", "fp32"], "imagine-int8": ["--precision", "int8"],
                      "imagine-int8-vae": ["--precision", "int8", "--decoder-precision", "int8"]}
PEERS = ("openvino", "openvino-f32", "openvino-int8w", "openvino-int8h", "pytorch")
LABEL = {"imagine": "Imagine (Java, ONNX Runtime, FP32)",
         "imagine-int8": "Imagine (Java, ONNX Runtime, int8 UNet)",
         "imagine-int8-vae": "Imagine (Java, ONNX Runtime, int8 UNet and int8 VAE decoder)",
         "openvino": "OpenVINO (optimum-intel, its default precision)",
         "openvino-f32": "OpenVINO (optimum-intel, FP32)",
         "openvino-int8w": "OpenVINO int8 (8-bit weight compression)",
         "openvino-int8h": "OpenVINO int8 (NNCF hybrid: int8 convolutions)",
         "pytorch": "PyTorch (diffusers, FP32)"}
SHORT = {"imagine": "Imagine", "imagine-int8": "Imagine-int8", "imagine-int8-vae": "Imagine-int8-vae", "openvino": "OpenVINO",
         "openvino-f32": "OpenVINO-FP32", "openvino-int8w": "OpenVINO-int8w", "openvino-int8h": "OpenVINO-int8h",
         "pytorch": "PyTorch"}

GEMM_SCRIPT = r"""
import json, os, sys, time
threads = int(sys.argv[1])
import torch, numpy as np
torch.set_num_threads(threads)
out = {}
for n in (2048, 4096):
    a = torch.randn(n, n); b = torch.randn(n, n)
    torch.mm(a, b)
    best = min((lambda t0: (torch.mm(a, b), time.perf_counter() - t0)[1])(time.perf_counter()) for _ in range(6))
    out[f"torch_sgemm_{n}_gflops"] = 2 * n ** 3 / best / 1e9
an = np.random.rand(4096, 4096).astype(np.float32); bn = np.random.rand(4096, 4096).astype(np.float32)
an @ bn
best = min((lambda t0: (an @ bn, time.perf_counter() - t0)[1])(time.perf_counter()) for _ in range(4))
out["numpy_sgemm_4096_gflops"] = 2 * 4096 ** 3 / best / 1e9
# ONNX Runtime's own GEMM (MLAS), the kernel Imagine's MatMuls run on
import onnx, onnxruntime as ort
from onnx import TensorProto, helper
n = 4096
g = helper.make_graph([helper.make_node("MatMul", ["a", "b"], ["c"])], "mm",
                      [helper.make_tensor_value_info("a", TensorProto.FLOAT, [n, n]),
                       helper.make_tensor_value_info("b", TensorProto.FLOAT, [n, n])],
                      [helper.make_tensor_value_info("c", TensorProto.FLOAT, [n, n])])
so = ort.SessionOptions(); so.intra_op_num_threads = threads; so.inter_op_num_threads = 1
sess = ort.InferenceSession(helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)], ir_version=8).SerializeToString(),
                            so, providers=["CPUExecutionProvider"])
feed = {"a": an, "b": bn}
sess.run(None, feed)
best = min((lambda t0: (sess.run(None, feed), time.perf_counter() - t0)[1])(time.perf_counter()) for _ in range(4))
out["onnxruntime_sgemm_4096_gflops"] = 2 * n ** 3 / best / 1e9
out["torch"] = torch.__version__
print(json.dumps(out))
"""


def loadavg():
    return float(Path("/proc/loadavg").read_text().split()[0])


def wait_for_quiet(max_load, wait_s):
    """Wait (up to wait_s) until the 1-minute load is below max_load; returns the load seen."""
    deadline = time.time() + wait_s
    load = loadavg()
    while load >= max_load and time.time() < deadline:
        print(f"  load {load:.2f} >= {max_load}: waiting", file=sys.stderr, flush=True)
        time.sleep(15)
        load = loadavg()
    return load


def sample_load(proc, samples):
    """The 1-minute load average every 10 s while an engine runs: how shared the machine was."""
    while proc.poll() is None:
        samples.append(loadavg())
        time.sleep(10)


def machine():
    info = {"cpu": "?", "flags": ""}
    family = model = None
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name") and info["cpu"] == "?":
            info["cpu"] = line.split(":", 1)[1].strip()
        if line.startswith("cpu family") and family is None:
            family = line.split(":", 1)[1].strip()
        if line.startswith("model") and not line.startswith("model name") and model is None:
            model = line.split(":", 1)[1].strip()
        if line.startswith("flags") and not info["flags"]:
            flags = line.split(":", 1)[1].split()
            info["flags"] = " ".join(f for f in ("avx2", "fma", "avx512f", "avx512_vnni", "avx_vnni", "avx512_bf16",
                                                 "amx_tile", "amx_int8", "hypervisor") if f in flags)
    if family is not None:
        info["cpu"] += f" (family {family} model {model})"
    info["cores"] = os.cpu_count()
    mem = [l for l in Path("/proc/meminfo").read_text().splitlines() if l.startswith("MemTotal")][0]
    info["ram_gib"] = round(int(mem.split()[1]) / 2 ** 20, 1)
    info["kernel"] = platform.release()
    return info


def java_bin(args):
    return args.java or str(Path(os.environ.get("JAVA_HOME", "/usr")) / "bin" / "java")


def int8_copies(models, network="unet"):
    folder = models / "onnx" / network / ".imagine-int8"
    return sorted(p for p in folder.glob("int8-*") if (p / "complete").is_file()) if folder.is_dir() else []


def prepare_int8(args, raw_dir):
    """Makes Imagine's int8 UNet copy (from scratch with --fresh-int8) and reads what it cost."""
    if args.fresh_int8:
        shutil.rmtree(args.models / "onnx" / "unet" / ".imagine-int8", ignore_errors=True)
    before = wait_for_quiet(args.max_load, args.wait)
    cmd = [java_bin(args), "-jar", str(args.jar), "bench", "--model", str(args.models / "onnx"), "--threads",
           str(args.threads), "--precision", "int8", "--prepare-only"]
    if "imagine-int8-vae" in args.engines.split(","):
        cmd += ["--decoder-precision", "int8"]
    print(f"== imagine-int8 preparation: {' '.join(cmd)} (load {before:.2f})", file=sys.stderr, flush=True)
    t0 = time.time()
    with open(raw_dir / "imagine-int8-prepare.log", "w") as log:
        proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=log, text=True)
    if proc.returncode != 0:
        sys.exit(f"int8 preparation failed (exit {proc.returncode}); see {raw_dir / 'imagine-int8-prepare.log'}")
    copies = int8_copies(args.models)
    info = {"wall_s": time.time() - t0, "load_before": before, "load_after": loadavg()}
    if copies:
        for line in (copies[-1] / "complete").read_text().splitlines():
            key, _, value = line.partition("=")
            info[key] = value
        info["entry"] = copies[-1].name
    decoders = int8_copies(args.models, "vae_decoder")
    if decoders and "--decoder-precision" in cmd:
        info["decoder"] = dict(line.partition("=")[::2] for line in (decoders[-1] / "complete").read_text().splitlines())
    (raw_dir / "imagine-int8-prepare.json").write_text(json.dumps(info, indent=1) + "\n")
    print(f"   int8 copy: {info.get('seconds', '(already there)')}, {info.get('bytes', '?')} bytes", file=sys.stderr)
    return info


def task_args(engine, args):
    """The extra arguments of --task img2img/upscale, the same picture and settings for every engine."""
    if args.task == "txt2img":
        return []
    extra = ["--task", args.task, "--source", str(args.source), "--strength", str(args.strength)]
    if args.task == "upscale":
        extra += ["--upscaler", str(args.upscaler)]
    return extra


def run_engine(engine, args, raw_dir, round_index=0):
    if args.task != "txt2img":
        return run_task_engine(engine, args, raw_dir, round_index)
    if engine in IMAGINES:
        spin = ["-Dimagine.ort.config.session.intra_op.allow_spinning=0"] if args.no_spin else []
        cmd = [java_bin(args)] + spin + ["-jar", str(args.jar), "bench", "--model", str(args.models / "onnx"),
               "--fast-decoder", str(args.models / "taesd-onnx"), "--threads", str(args.threads),
               "--runs", str(args.runs), "--steps", str(args.steps), "--save", str(raw_dir)]
        cmd += IMAGINE_PRECISIONS[engine]
    else:
        base, _, suffix = engine.partition("-")
        variant = suffix if suffix.startswith("int8") else ""
        precision = "" if variant else suffix
        cmd = [args.python, str(REPO / "bench/pipeline/peer.py"), "--engine", base, "--models", str(args.models),
               "--threads", str(args.threads), "--runs", str(args.runs), "--steps", str(args.steps),
               "--save", str(raw_dir), "--precision", precision or "default"]
        if variant:
            cmd += ["--variant", variant]
    before = wait_for_quiet(args.max_load, args.wait)
    t0 = time.time()
    print(f"== {engine}: {' '.join(cmd)} (load {before:.2f})", file=sys.stderr, flush=True)
    samples = []
    with open(raw_dir / f"{engine}{args.round_suffix}.log", "w") as log:
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=log, text=True)
        sampler = threading.Thread(target=sample_load, args=(proc, samples), daemon=True)
        sampler.start()
        stdout, _ = proc.communicate()
        sampler.join()
    proc.stdout = stdout
    after = loadavg()
    if proc.returncode != 0:
        sys.exit(f"{engine} failed (exit {proc.returncode}); see {raw_dir / (engine + '.log')}")
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    result["load_before"], result["load_after"], result["wall_s"] = before, after, time.time() - t0
    result["load_during"] = {"mean": statistics.mean(samples) if samples else after, "max": max(samples or [after])}
    result["measured_at"] = dt.datetime.now(dt.timezone.utc).strftime("%H:%M UTC")
    (raw_dir / f"{engine}{args.round_suffix}.json").write_text(json.dumps(result, indent=1) + "\n")
    print(f"   {engine} done in {result['wall_s']:.0f} s (load {before:.2f} -> {after:.2f})", file=sys.stderr)
    return result


def run_task_engine(engine, args, raw_dir, round_index):
    """One engine, one round of --task img2img or upscale; raw output in bench/out/<date>/<task>-<engine>-<round>."""
    if engine in IMAGINES:
        cmd = [java_bin(args), "-jar", str(args.jar), "bench", "--model", str(args.models / "onnx"), "--threads",
               str(args.threads), "--runs", str(args.runs), "--steps", str(args.steps), "--save", str(raw_dir)]
        cmd += IMAGINE_PRECISIONS[engine]
    else:
        base, _, precision = engine.partition("-")
        cmd = [args.python, str(REPO / "bench/pipeline/peer.py"), "--engine", base, "--models", str(args.models),
               "--threads", str(args.threads), "--runs", str(args.runs), "--steps", str(args.steps),
               "--save", str(raw_dir), "--precision", precision or "default"]
    cmd += task_args(engine, args)
    before = wait_for_quiet(args.max_load, args.wait)
    t0 = time.time()
    name = f"{args.task}-{engine}-{round_index + 1}"
    print(f"== {name}: {' '.join(cmd)} (load {before:.2f})", file=sys.stderr, flush=True)
    with open(raw_dir / f"{name}.log", "w") as log:
        proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=log, text=True)
    after = loadavg()
    if proc.returncode != 0:
        sys.exit(f"{engine} failed (exit {proc.returncode}); see {raw_dir / (name + '.log')}")
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    result["load_before"], result["load_after"], result["wall_s"] = before, after, time.time() - t0
    result["measured_at"] = dt.datetime.now(dt.timezone.utc).strftime("%H:%M UTC")
    (raw_dir / f"{name}.json").write_text(json.dumps(result, indent=1) + "\n")
    print(f"   {name} done in {result['wall_s']:.0f} s (load {before:.2f} -> {after:.2f})", file=sys.stderr)
    return result


def merge_rounds(rounds):
    """One result per engine: the runs of every round together, the largest peak, the loads seen."""
    merged = json.loads(json.dumps(rounds[0]))
    merged["loads"] = [(r["load_before"], r["load_after"]) for r in rounds]
    merged["measured"] = [r.get("measured_at", "?") for r in rounds]
    if "prepare_s" in merged:
        merged["prepare_s"] = [x for r in rounds for x in r["prepare_s"]]
    for key in ("decoders", "upscales"):
        for part, data in merged.get(key, {}).items():
            data["runs"] = [run for r in rounds for run in r[key][part]["runs"]]
            data["rss"]["peak_bytes"] = max(r[key][part]["rss"]["peak_bytes"] for r in rounds)
    return merged


def task_report(results, args, raw_dir):
    m = machine()
    load_text = lambda r: ", ".join(f"{a:.1f}/{b:.1f}" for a, b in r["loads"])  # noqa: E731
    lines = [f"# {args.task} benchmark, {args.date}", "",
             f"Machine: {m['cpu']}, {m['cores']} cores ({m['flags']}), {m['ram_gib']} GiB RAM, Linux {m['kernel']}. "
             f"Model: tools/bench-model (full-size LCM SD 1.5, random weights), {args.threads} threads, source "
             f"{args.source.name}, seed 0, guidance 8. {args.rounds} rounds of the engines in turn, {args.runs} timed "
             "runs each after a warm-up; medians (min-max) over all rounds. Peak RSS: the largest VmHWM of these "
             "runs. The machine is shared: the 1-minute load before/after each round is listed.", ""]
    if args.task == "zoom-out":
        lines += zoom_out_table(results, args, raw_dir)
    elif args.task == "img2img":
        lines += [f"Image to image, 512x512, strength {args.strength}, {args.steps} steps, full VAE.", "",
                  "| engine | time per picture | text encoder (+ VAE encoder for Imagine) | VAE encoder | UNet step "
                  "| VAE decoder | peak RSS | load before/after each round |", "|---|---|---|---|---|---|---|---|"]
        for engine, r in results.items():
            runs = r["decoders"]["full"]["runs"]
            totals = [x["total_s"] for x in runs]
            steps = [s for x in runs for s in x["unet_steps_s"]]
            enc = statistics.median(x.get("encode_s", float("nan")) for x in runs)
            lines.append(f"| {LABEL[engine]} | **{statistics.median(totals):.2f} s** ({min(totals):.2f}-"
                         f"{max(totals):.2f}) | {statistics.median(x['text_s'] for x in runs):.2f} s "
                         f"| {'in text' if engine == 'imagine' else f'{enc:.2f} s'} | {statistics.median(steps):.2f} s "
                         f"| {statistics.median(x['decode_s'] for x in runs):.2f} s "
                         f"| {gb(r['decoders']['full']['rss']['peak_bytes'])} | {load_text(r)} |")
    else:
        from PIL import Image
        sw, sh = Image.open(args.source).size
        sys.path.insert(0, str(REPO / "tools" / "reference"))
        from img2img_fixtures import axis_tiles
        tiles = len(axis_tiles(2 * sw, 512, 64, 64)[0]) * len(axis_tiles(2 * sh, 512, 64, 64)[0])
        lines += [f"Upscale 2x of the {sw}x{sh} source (Real-ESRGAN SRVGGNetCompact x4 with random weights, then "
                  f"Pillow's Lanczos to {2 * sw}x{2 * sh}) and Upscale 2x detailed (that picture in 512x512 tiles "
                  f"overlapping by at least 64: {tiles} tile(s), each LCM image to image at strength 0.3 with 2 steps, "
                  "blended).", "",
                  "| engine | 2x | peak RSS | 2x detailed | peak RSS | load before/after each round |",
                  "|---|---|---|---|---|---|"]
        for engine, r in results.items():
            cells = []
            for part in ("x2", "x2_detailed"):
                totals = [x["total_s"] for x in r["upscales"][part]["runs"]]
                cells.append(f"**{statistics.median(totals):.2f} s** ({min(totals):.2f}-{max(totals):.2f})")
                cells.append(gb(r["upscales"][part]["rss"]["peak_bytes"]))
            lines.append(f"| {LABEL[engine]} | " + " | ".join(cells) + f" | {load_text(r)} |")
    summary = []
    if "imagine" in results:
        def med(r, part):
            key = "upscales" if args.task == "upscale" else "decoders"
            return statistics.median(x["total_s"] for x in r[key][part]["runs"])
        parts = ["x2", "x2_detailed"] if args.task == "upscale" else ["full"]
        for part in parts:
            summary.append(f"{part}: " + ", ".join(f"Imagine/{SHORT[p]} {med(results['imagine'], part) / med(results[p], part):.2f}x"
                                                 for p in PEERS if p in results))
    summary_line = "summary: " + "; ".join(summary)
    lines += ["", f"Raw JSON and logs in bench/out/{args.date}/ ({args.task}-<engine>-<round>.json).", "",
              "## Summary", "", summary_line, ""]
    out = REPO / "bench/results" / f"{args.date}-{args.task}.md"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(lines))
    print("\n".join(lines))
    print(f"written to {out.relative_to(REPO)}")


def zoom_out_table(results, args, raw_dir):
    """Zoom out 2x: per engine the whole (canvas + inpainting + paste), its stages, the peak; and the pictures compared."""
    import numpy as np
    from PIL import Image
    steps_run = min(int(args.steps * args.strength), args.steps)
    lines = [f"Zoom out 2x of a 512x512 picture: the picture shrunk to 256x256 into the middle of a 512x512 canvas, the "
             f"border filled (A1111's fill) and drawn by diffusers' StableDiffusionInpaintPipeline with the LCM UNet "
             f"and LCMScheduler (Imagine: its port), strength {args.strength} ({steps_run} of {args.steps} steps run), "
             "mask blur 8, then the source pasted back outside the feathered mask. Full VAE. diffusers' VAE "
             "encoder column holds two encodings: the canvas and the masked canvas, which a 4-channel UNet never "
             "reads (Imagine draws the random numbers that encoding consumes without running it).", "",
             "| engine | time per picture (canvas + drawing) | canvas | text encoder (+ mask blur and VAE encoder for "
             "Imagine) | VAE encoder | UNet step | VAE decoder (+ paste and PNG for Imagine) | peak RSS "
             "| load before/after each round (its end, UTC) |", "|---|---|---|---|---|---|---|---|---|"]
    load_text = lambda r: ", ".join(f"{a:.1f}/{b:.1f} ({t})" for (a, b), t in zip(r["loads"], r["measured"]))  # noqa: E731
    for engine, r in results.items():
        runs = r["decoders"]["full"]["runs"]
        prepare = statistics.median(r["prepare_s"])
        totals = [x["total_s"] + prepare for x in runs]
        steps = [s for x in runs for s in x["unet_steps_s"]]
        enc = statistics.median(x.get("encode_s", float("nan")) for x in runs)
        lines.append(f"| {LABEL[engine]} | **{statistics.median(totals):.2f} s** ({min(totals):.2f}-{max(totals):.2f})"
                     f" | {prepare:.3f} s | {statistics.median(x['text_s'] for x in runs):.2f} s "
                     f"| {'in text' if engine == 'imagine' else f'{enc:.2f} s'} | {statistics.median(steps):.2f} s "
                     f"| {statistics.median(x['decode_s'] for x in runs):.2f} s "
                     f"| {gb(r['decoders']['full']['rss']['peak_bytes'])} | {load_text(r)} |")
    mine, theirs = raw_dir / "imagine-full.png", raw_dir / "pytorch-zoom-out.png"
    if mine.exists() and theirs.exists():
        a = np.asarray(Image.open(mine).convert("RGB")).astype(int)
        b = np.asarray(Image.open(theirs).convert("RGB")).astype(int)
        d = np.abs(a - b)
        ca = np.asarray(Image.open(raw_dir / "imagine-zoom-out-canvas.png").convert("RGB")).astype(int)
        cb = np.asarray(Image.open(raw_dir / "pytorch-zoom-out-canvas.png").convert("RGB")).astype(int)
        lines += ["", f"Same picture: the canvases are {'identical' if (ca == cb).all() else 'DIFFERENT'}; Imagine's "
                      f"zoomed-out picture against diffusers' (first timed run, seed 0): largest difference "
                      f"{d.max()} levels, mean {d.mean():.4f}."]
        lines += kept_area(ca, a, raw_dir)
    if "imagine" in results and "pytorch" in results:
        per_round = [i["total_s"] / p["total_s"] for i, p in zip(results["imagine"]["decoders"]["full"]["runs"],
                                                                 results["pytorch"]["decoders"]["full"]["runs"])]
        lines += ["", "Imagine/PyTorch time per run, paired in order (the engines ran back to back, so a pair shares "
                      "the machine's load best): " + ", ".join(f"{x:.2f}x" for x in per_round) + "."]
    return lines


def kept_area(canvas, mine, raw_dir):
    """Outside the feathered mask: Imagine's picture against the canvas, and what the paste hides there (diffusers'
    picture before apply_overlay, and the VAE's own round trip of the canvas)."""
    import numpy as np
    from PIL import Image, ImageFilter
    sys.path.insert(0, str(REPO / "tools" / "reference"))
    import inpaint_fixtures as inpaint
    _, mask, _ = inpaint.prepare_outpaint(Image.fromarray(canvas.astype("uint8")), "zoom-2", size_step=64,
                                          max_side=1024)
    # The mask depends only on the geometry, so the canvas stands in for the source here; blurred as
    # VaeImageProcessor.blur does (Pillow's GaussianBlur), pasted where min(255, 2 x blurred) is 0.
    keep = np.asarray(inpaint.overlay_mask(inpaint.binarized(mask).filter(ImageFilter.GaussianBlur(8)))) == 0
    same = (mine[keep] == canvas[keep]).all()
    text = (f"Outside the feathered mask ({keep.mean():.0%} of the pixels, the inner {int(keep.any(1).sum())}x"
            f"{int(keep.any(0).sum())} of the shrunk picture) Imagine's picture is "
            f"{'the canvas, pixel for pixel' if same else 'NOT the canvas'}")
    raw, trip = raw_dir / "pytorch-zoom-out-raw.png", raw_dir / "pytorch-zoom-out-round-trip.png"
    if raw.exists() and trip.exists():
        r = np.asarray(Image.open(raw).convert("RGB")).astype(int)
        t = np.asarray(Image.open(trip).convert("RGB")).astype(int)
        text += (f". Before the paste, diffusers' picture differs there from the canvas by {np.abs(r - canvas)[keep].mean():.1f} "
                 f"levels on average (largest {np.abs(r - canvas)[keep].max()}); the VAE's own round trip of the canvas "
                 f"(decode of the encoder's mean) by {np.abs(t - canvas)[keep].mean():.1f} (largest "
                 f"{np.abs(t - canvas)[keep].max()}). These are the random weights' errors, not a trained VAE's: the "
                 "paste is what keeps the picture")
    return ["", text + "."]


def summarize(result, decoder):
    d = result["decoders"][decoder]
    runs = d["runs"]
    totals = [r["total_s"] for r in runs]
    steps = [r["unet_steps_s"] for r in runs]
    per_step = [statistics.median(s[i] for s in steps) for i in range(len(steps[0]))]
    all_steps = [x for s in steps for x in s]
    cpu_steps = [x for r in runs for x in r.get("unet_steps_cpu_s", [])]
    cpu_decodes = [r["decode_cpu_s"] for r in runs if "decode_cpu_s" in r]
    return {
        "total": statistics.median(totals), "min": min(totals), "max": max(totals),
        "text": statistics.median(r["text_s"] for r in runs),
        "steps": per_step, "step": statistics.median(all_steps),
        "decode": statistics.median(r["decode_s"] for r in runs),
        "step_cpu": statistics.median(cpu_steps) if cpu_steps else float("nan"),
        "decode_cpu": statistics.median(cpu_decodes) if cpu_decodes else float("nan"),
        "peak": d["rss"]["peak_bytes"],
    }


def merge_engine_rounds(rounds):
    """One engine's results of several rounds as one: every timed run, the highest peaks, the load range."""
    if len(rounds) == 1:
        return rounds[0]
    merged = json.loads(json.dumps(rounds[0]))
    for later in rounds[1:]:
        for decoder, d in later["decoders"].items():
            m = merged["decoders"][decoder]
            m["runs"] += d["runs"]
            if d["rss"]["peak_bytes"] > m["rss"]["peak_bytes"]:
                m["rss"] = d["rss"]
        if later["rss_after_load"]["peak_bytes"] > merged["rss_after_load"]["peak_bytes"]:
            merged["rss_after_load"] = later["rss_after_load"]
    merged["load_s"] = statistics.median(r["load_s"] for r in rounds)
    for key in ("ready_since_jvm_start_s", "ready_since_process_start_s"):
        if key in merged:
            merged[key] = statistics.median(r[key] for r in rounds)
    merged["load_before"] = max(r["load_before"] for r in rounds)
    merged["load_after"] = max(r["load_after"] for r in rounds)
    merged["measured_at"] = ", ".join(r.get("measured_at", "?") for r in rounds)
    loads = [r["load_during"] for r in rounds if "load_during" in r]
    if loads:
        merged["load_during"] = {"mean": statistics.mean(l["mean"] for l in loads), "max": max(l["max"] for l in loads)}
    merged["rounds"] = len(rounds)
    return merged


def during(result):
    d = result.get("load_during")
    return f"{d['mean']:.1f} / {d['max']:.1f}" if d else "?"


def process_peak(result):
    peaks = [result["rss_after_load"]["peak_bytes"]] + [d["rss"]["peak_bytes"] for d in result["decoders"].values()]
    return max(peaks)


def files_size(paths):
    return sum(p.stat().st_size for p in paths if p.is_file())


def model_sizes(models):
    onnx = models / "onnx"
    imagine = [onnx / "text_encoder/model.onnx", onnx / "unet/model.onnx", onnx / "unet/model.onnx_data",
               onnx / "vae_decoder/model.onnx", models / "taesd-onnx/vae_decoder/model.onnx"]
    full_only = imagine[:4]
    copies = int8_copies(models)
    int8 = ([onnx / "text_encoder/model.onnx", onnx / "vae_decoder/model.onnx",
             models / "taesd-onnx/vae_decoder/model.onnx"] + sorted(copies[-1].glob("model.onnx*"))) if copies else []
    return {"imagine_files": files_size(imagine), "full_pipeline_files": files_size(full_only),
            "int8_files": files_size(int8)}


def gb(n):
    return f"{n / 1e9:.2f} GB"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--models", type=Path, default=Path(os.environ.get("BENCH_MODELS", "/work/bench-models")))
    ap.add_argument("--jar", type=Path, default=REPO / "bot/target/imagine.jar")
    ap.add_argument("--java", help="java binary (default: $JAVA_HOME/bin/java)")
    ap.add_argument("--python", default=sys.executable, help="python with tools/bench-model/requirements.txt")
    ap.add_argument("--engines", default=",".join(DEFAULT_ENGINES), help=f"any of {','.join(ENGINES)}")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--rounds", type=int, default=1,
                    help="run the engines one after the other this many times (interleaved), pooling their runs")
    ap.add_argument("--append", action="store_true",
                    help="add these rounds to the earlier ones of the same --name/--date (numbered after them) and "
                         "report all of them pooled")
    ap.add_argument("--no-spin", action="store_true",
                    help="ONNX Runtime's threads sleep instead of spinning while they wait (for a shared machine)")
    ap.add_argument("--fresh-int8", action="store_true",
                    help="delete Imagine's int8 UNet copy first, so that its preparation is measured")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--steps", type=int, default=4, help="UNet steps per image (4; fewer only for a smoke test)")
    ap.add_argument("--max-load", type=float, default=0.5, help="wait for a 1-minute load below this per engine")
    ap.add_argument("--wait", type=float, default=300, help="longest wait for a quiet machine, seconds")
    ap.add_argument("--reuse", action="store_true",
                    help="take engines not in --engines from an earlier run's raw JSON of the same date")
    ap.add_argument("--report-only", action="store_true", help="rewrite the table from bench/out/<date>/*.json")
    ap.add_argument("--date", default=dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d"))
    ap.add_argument("--name", help="results file name without .md (default: the date); one per CPU model")
    ap.add_argument("--task", choices=["txt2img", "img2img", "upscale", "zoom-out"], default="txt2img",
                    help="img2img: 512x512, strength 0.5; upscale: 2x and 2x detailed of a 512x512 picture; "
                         "zoom-out: Zoom out 2x of a 512x512 picture (strength 0.8) against diffusers' inpaint "
                         "pipeline")
    ap.add_argument("--source", type=Path, help="the picture for img2img/upscale (default: a synthetic 512x512 one)")
    ap.add_argument("--strength", type=float, help="img2img: 0.5 by default; zoom-out: 0.8")
    ap.add_argument("--upscaler", type=Path, help="upscaler folder (default: <models>/upscaler, made by "
                                                  "tools/upscaler/convert.py --random-weights)")
    args = ap.parse_args()

    raw_dir = REPO / "bench/out" / (args.name or args.date)
    raw_dir.mkdir(parents=True, exist_ok=True)
    args.round_suffix = ""
    if args.task != "txt2img":
        if args.strength is None:
            args.strength = 0.8 if args.task == "zoom-out" else 0.5
        if args.engines == ",".join(DEFAULT_ENGINES):
            args.engines = "imagine,pytorch" if args.task == "zoom-out" else "imagine,openvino,pytorch"
        args.upscaler = args.upscaler or args.models / "upscaler"
        if args.source is None:
            sys.path.insert(0, str(REPO / "tools" / "reference"))
            from img2img_fixtures import source_rgb
            from PIL import Image
            args.source = raw_dir / "source-512.png"
            Image.fromarray(source_rgb(512, 512, 11)).save(args.source)
        wanted = [e for e in args.engines.split(",") if e]
        rounds = {e: [] for e in wanted}
        if args.report_only:  # the rounds already run, from bench/out/<date>/<task>-<engine>-<round>.json
            rounds = {e: [json.loads(f.read_text()) for f in sorted(raw_dir.glob(f"{args.task}-{e}-*.json"))]
                      for e in wanted}
            rounds = {e: r for e, r in rounds.items() if r}
            args.rounds = max(len(r) for r in rounds.values())
        else:
            for k in range(args.rounds):
                for engine in wanted:
                    rounds[engine].append(run_engine(engine, args, raw_dir, k))
        task_report({e: merge_rounds(r) for e, r in rounds.items()}, args, raw_dir)
        return
    if args.report_only:
        results = {}
        for e in ENGINES:
            rounds = [json.loads(p.read_text()) for p in round_files(raw_dir, e)]
            if rounds:
                results[e] = merge_engine_rounds(rounds)
        report(results, json.loads((raw_dir / "gemm.json").read_text()), args, raw_dir)
        return
    print(f"GEMM (FP32, {args.threads} threads) ...", file=sys.stderr, flush=True)
    gemm_load = wait_for_quiet(args.max_load, args.wait)
    gemm = json.loads(subprocess.run([args.python, "-c", GEMM_SCRIPT, str(args.threads)], capture_output=True,
                                     text=True, check=True).stdout.strip().splitlines()[-1])
    gemm["load_before"] = gemm_load
    gemm["peak_gflops"] = max(v for k, v in gemm.items() if k.endswith("_gflops"))
    (raw_dir / "gemm.json").write_text(json.dumps(gemm, indent=1) + "\n")
    print(f"   peak {gemm['peak_gflops']:.0f} GFLOP/s", file=sys.stderr)

    wanted = [e for e in args.engines.split(",") if e]
    unknown = [e for e in wanted if e not in ENGINES]
    if unknown:
        sys.exit(f"unknown engines {unknown}; known: {', '.join(ENGINES)}")
    if "imagine-int8" in wanted or "imagine-int8-vae" in wanted:
        prepare_int8(args, raw_dir)
    rounds = {e: [] for e in ENGINES}
    first = earlier_rounds(raw_dir) + 1 if args.append else 1
    for r in range(args.rounds):
        args.round_suffix = f".round{first + r}" if args.rounds > 1 or args.append else ""
        for engine in ENGINES:
            if engine in wanted:
                rounds[engine].append(run_engine(engine, args, raw_dir))
    if args.append:  # every round on disk, this run's and the earlier ones, of every engine
        rounds = {e: [json.loads(p.read_text()) for p in round_files(raw_dir, e)] for e in ENGINES}
    results = {}
    for engine in ENGINES:
        if rounds[engine]:
            results[engine] = merge_engine_rounds(rounds[engine])
        elif args.reuse and (raw_dir / f"{engine}.json").exists():
            results[engine] = json.loads((raw_dir / f"{engine}.json").read_text())
    report(results, gemm, args, raw_dir)


def round_files(raw_dir, engine):
    """An engine's results on disk: <engine>.json (a run of one round) and <engine>.round<N>.json, by round."""
    numbered = sorted(raw_dir.glob(f"{engine}.round*.json"), key=lambda p: int(p.name.split(".round")[1][:-5]))
    return sorted(raw_dir.glob(f"{engine}.json")) + numbered


def earlier_rounds(raw_dir):
    """The highest round number on disk (a run of one round without a number counts as round 1)."""
    numbers = [int(p.name.split(".round")[1][:-5]) for p in raw_dir.glob("*.round*.json")]
    single = [p for p in raw_dir.glob("*.json") if p.stem in ENGINES]
    return max(numbers + ([1] if single else [0]))


def report(results, gemm, args, raw_dir):
    m = machine()
    sizes = model_sizes(args.models)
    peak = gemm["peak_gflops"]
    lines = [f"# Pipeline benchmark, {args.date}", "",
             f"Command: `bench/pipeline/run.sh {' '.join(sys.argv[1:])}`.", "",
             f"Machine: {m['cpu']}, {m['cores']} cores ({m['flags']}), {m['ram_gib']} GiB RAM, Linux {m['kernel']}. "
             f"Model: tools/bench-model (full-size LCM SD 1.5 with random weights, TAESD), {args.threads} threads, "
             f"512x512, {args.steps} steps, batch 1, guidance 8, seed 0. {args.runs} timed images per engine and decoder after "
             "a warm-up image" + (f", in {args.rounds} rounds (the engines one after the other, then again)"
                                  if args.rounds > 1 else "") + "; median (min-max). Each engine runs in its own "
             "process; peak RSS is the process's "
             "VmHWM (load, and each decoder's runs after a reset). UNet share = 0.803 TFLOP per step / step time / "
             "the FP32 GEMM peak below. CPU seconds: the process's CPU time (all its threads) in the stage, "
             "which a loaded machine stretches much less than the wall clock"
             + (" (Imagine run with ONNX Runtime's thread spinning off)" if args.no_spin else "") + ".", "",
             f"Measured FP32 GEMM peak in this run: **{peak:.0f} GFLOP/s** ("
             + ", ".join(f"{k.replace('_gflops', '')} {v:.0f}" for k, v in gemm.items() if k.endswith("_gflops")
                         and k != "peak_gflops") + f"; load {gemm['load_before']:.2f}).", ""]
    for decoder, title in (("full", "full VAE decoder"), ("fast", "TAESD decoder")):
        lines += [f"## With the {title}", "",
                  "| engine | time per image | text encoder | UNet step (median; steps 1-4) | UNet share of peak "
                  "| decoder | CPU seconds: UNet step / decoder | peak RSS of these runs |",
                  "|---|---|---|---|---|---|---|---|"]
        for engine, r in results.items():
            s = summarize(r, decoder)
            share = UNET_TFLOP_PER_STEP_512 * 1000 / s["step"] / peak
            achieved = f"{UNET_TFLOP_PER_STEP_512 * 1000 / s['step']:.0f} GFLOP/s"
            int8 = engine in ("imagine-int8", "imagine-int8-vae", "openvino-int8h")
            share_text = (f"{share * 100:.0f}% ({achieved})" if "bfloat16" not in str(r.get("inference_precision"))
                          and not int8 else f"n/a: {'int8' if int8 else 'bf16'} ({achieved} FP32-equivalent)")
            lines.append(f"| {LABEL[engine]} | **{s['total']:.2f} s** ({s['min']:.2f}-{s['max']:.2f}) "
                         f"| {s['text'] * 1000:.0f} ms | {s['step']:.2f} s ({' '.join(f'{x:.2f}' for x in s['steps'])}) "
                         f"| {share_text} | {s['decode']:.2f} s | {s['step_cpu']:.2f} / {s['decode_cpu']:.2f} "
                         f"| {gb(s['peak'])} |")
        lines.append("")
    lines += ["## Load, memory, conditions", "",
              "| engine | load | ready since process start | peak RSS while loading | peak RSS of the process "
              "| load avg before / after (after includes the engine itself) | load avg while it ran: mean / max "
              "| measured at |", "|---|---|---|---|---|---|---|---|"]
    for engine, r in results.items():
        ready = r.get("ready_since_jvm_start_s", r.get("ready_since_process_start_s", float("nan")))
        lines.append(f"| {LABEL[engine]} | {r['load_s']:.1f} s | {ready:.1f} s | {gb(r['rss_after_load']['peak_bytes'])} "
                     f"| **{gb(process_peak(r))}** | {r['load_before']:.2f} / {r['load_after']:.2f} "
                     f"| {during(r)} | {r.get('measured_at', '?')} |")
    lines += ["", f"Model files Imagine loads: {gb(sizes['imagine_files'])} (without TAESD "
                  f"{gb(sizes['full_pipeline_files'])}); 1.25x = {gb(1.25 * sizes['imagine_files'])}."
                  + (f" With the int8 UNet it loads {gb(sizes['int8_files'])} (the int8 copy, the text encoder and "
                     "both decoders)." if sizes["int8_files"] else ""), ""]
    prepared = raw_dir / "imagine-int8-prepare.json"
    if ("imagine-int8" in results or "imagine-int8-vae" in results) and prepared.exists():
        p = json.loads(prepared.read_text())
        if "seconds" in p:
            lines += [f"Imagine's int8 UNet copy (scheme `{p.get('scheme', '?')}`, targets {p.get('targets', '?')}): "
                      f"prepared in {p['seconds']} s, {int(p.get('bytes', 0)) / 1e9:.2f} GB on disk "
                      f"(load {p['load_before']:.2f} before).", ""]
        else:
            lines += ["Imagine's int8 UNet copy was already there (run with --fresh-int8 to time its preparation).", ""]
        d = p.get("decoder")
        if d and "seconds" in d:
            lines += [f"Imagine's int8 VAE decoder copy (scheme `{d.get('scheme', '?')}`, targets {d.get('targets', '?')}): "
                      f"prepared in {d['seconds']} s, {int(d.get('bytes', 0)) / 1e9:.2f} GB on disk.", ""]
    versions = {e: {k: v for k, v in r.items() if k in ("torch", "openvino", "inference_precision")}
                for e, r in results.items()}
    lines += [f"Versions: {json.dumps(versions)}; raw JSON and logs in bench/out/{args.name or args.date}/.", ""]

    summary = []
    for me in IMAGINES:
        if me not in results:
            continue
        others = [p for p in ("imagine",) + PEERS if p in results and p != me]
        for decoder, name in (("full", "full VAE"), ("fast", "TAESD")):
            mine = summarize(results[me], decoder)["total"]
            parts = [f"{SHORT[me]}/{SHORT[p]} {mine / summarize(results[p], decoder)['total']:.2f}x" for p in others]
            summary.append(f"{name}: " + ", ".join(parts))
        # CPU seconds per stage (full VAE runs): what the wall-clock ratios mean on a machine shared with other work
        for stage, key in (("UNet step", "step_cpu"), ("full VAE decoder", "decode_cpu")):
            mine = summarize(results[me], "full")[key]
            theirs = {p: summarize(results[p], "full")[key] for p in others}
            parts = [f"{SHORT[me]}/{SHORT[p]} {mine / t:.2f}x" for p, t in theirs.items() if not math.isnan(t)]
            if parts and not math.isnan(mine):
                summary.append(f"CPU seconds per {stage}: " + ", ".join(parts))
        mine_peak = process_peak(results[me])
        summary.append("peak RSS: " + ", ".join(f"{SHORT[me]}/{SHORT[p]} {mine_peak / process_peak(results[p]):.2f}x"
                                                for p in others)
                       + f", {SHORT[me]}/model files {mine_peak / sizes['imagine_files']:.2f}x")
    summary_line = "summary: " + "; ".join(summary)
    lines += ["## Summary", "", summary_line, ""]
    out = REPO / "bench/results" / f"{args.name or args.date}.md"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(lines))
    print("\n".join(lines[:-3]))
    print(f"written to {out.relative_to(REPO)}")
    print(summary_line)


if __name__ == "__main__":
    main()
