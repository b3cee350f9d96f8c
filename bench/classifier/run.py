#!/usr/bin/env python3
"""Cost of the picture classifier per picture, next to the cost of a generation, on this machine.

Times, with the same threads:
  - Imagine: `imagine.jar bench --classifier` (Java, ONNX Runtime) on a 512x512 picture: load, then per picture
    the whole check from PNG bytes (decode, Pillow-exact resize to 224, normalise, ViT-base) and the network alone;
  - PyTorch (transformers' ViTImageProcessor + ViTForImageClassification, what FastSD CPU runs) on the same PNG;
  - the yardstick: the full-size SD 1.5 VAE decoder at 512x512 in ONNX Runtime, whose share of a generation is known
    from bench/pipeline (6.5 s of 16.5 s on the reference machine), so a generation on this machine is estimated as
    16.5 s * (VAE here / 6.5 s).
Writes bench/results/<date>-classifier.md. Run by hand through bench/classifier/run.sh.
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
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
REFERENCE_GENERATION_S = 16.5  # README "Speed and memory": one 512x512 image, 4 steps, full VAE (Zen 5, 2 threads)
REFERENCE_VAE_S = 6.5          # the full VAE decoder's part of it


def load():
    return os.getloadavg()[0]


def cpu():
    model = flags = ""
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name") and not model:
            model = line.split(":", 1)[1].strip()
        if line.startswith("flags") and not flags:
            f = set(line.split(":", 1)[1].split())
            flags = " ".join(x for x in ("avx2", "avx512f", "avx512_vnni", "avx512_bf16", "amx_tile") if x in f)
    return f"{model} ({flags}), {os.cpu_count()} logical CPUs"


def imagine(args, out: Path):
    cmd = [args.java, "-jar", str(args.jar), "bench", "--model", str(REPO / "pipeline/src/test/resources/reference/tiny-lcm"),
           "--classifier", str(args.models / "classifier-onnx"), "--threads", str(args.threads), "--runs", "1",
           "--steps", "1", "--size", "512", "--classifier-runs", str(args.runs), "--save", str(out)]
    result = subprocess.run(cmd, capture_output=True, text=True, check=True)
    (out / "imagine.log").write_text(result.stderr)
    whole = json.loads(result.stdout.strip().splitlines()[-1])
    timing = whole["classifier"]
    # what loading the classifier added to the resident memory of a process that already holds a (tiny) model
    timing["rss_added_bytes"] = timing["rss_after_load"]["current_bytes"] - whole["decoders"]["full"]["rss"]["current_bytes"]
    return timing


def pytorch(args, png: Path):
    import torch
    from PIL import Image
    from transformers import ViTForImageClassification, ViTImageProcessor
    torch.set_num_threads(args.threads)
    start = time.perf_counter()
    model = ViTForImageClassification.from_pretrained(str(args.models / "classifier-pt")).eval()
    processor = ViTImageProcessor.from_pretrained(str(args.models / "classifier-pt"))
    load_s = time.perf_counter() - start
    data = png.read_bytes()

    def once():
        import io
        with torch.no_grad():
            inputs = processor(images=Image.open(io.BytesIO(data)).convert("RGB"), return_tensors="pt")
            return torch.softmax(model(**inputs).logits, dim=-1)

    once()
    times = []
    for _ in range(args.runs):
        t = time.perf_counter()
        once()
        times.append(time.perf_counter() - t)
    return {"load_s": load_s, "png_s": times}


def vae(args):
    import numpy as np
    import onnxruntime as ort
    options = ort.SessionOptions()
    options.intra_op_num_threads = args.threads
    options.inter_op_num_threads = 1
    session = ort.InferenceSession(str(args.models / "vae-decoder-onnx/model.onnx"), options,
                                   providers=["CPUExecutionProvider"])
    latents = np.random.default_rng(0).standard_normal((1, 4, 64, 64)).astype(np.float32)
    session.run(None, {"latent_sample": latents})
    times = []
    for _ in range(args.vae_runs):
        t = time.perf_counter()
        session.run(None, {"latent_sample": latents})
        times.append(time.perf_counter() - t)
    return {"runs_s": times}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--models", type=Path, default=Path(os.environ.get("BENCH_MODELS", "/work/bench-models")))
    ap.add_argument("--jar", type=Path, default=REPO / "bot/target/imagine.jar")
    ap.add_argument("--java", default=os.path.join(os.environ.get("JAVA_HOME", "/usr"), "bin", "java"))
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--runs", type=int, default=20, help="timed classifications per engine")
    ap.add_argument("--vae-runs", type=int, default=3)
    ap.add_argument("--rounds", type=int, default=3, help="the whole comparison is repeated; medians are reported")
    args = ap.parse_args()
    date = datetime.date.today().isoformat()
    out = REPO / "bench/out" / f"{date}-classifier"
    out.mkdir(parents=True, exist_ok=True)
    rounds = []
    for r in range(args.rounds):
        before = load()
        j = imagine(args, out)
        p = pytorch(args, out / "imagine-full.png")
        v = vae(args)
        rounds.append({"load_before": before, "load_after": load(), "imagine": j, "pytorch": p, "vae": v})
        print(f"round {r + 1}: imagine {statistics.median(j['png_s']):.3f} s, pytorch "
              f"{statistics.median(p['png_s']):.3f} s, vae decoder {statistics.median(v['runs_s']):.2f} s "
              f"(load {before:.1f} -> {load():.1f})", file=sys.stderr)
    (out / "classifier.json").write_text(json.dumps(rounds, indent=2) + "\n")

    med = lambda xs: statistics.median(xs)  # noqa: E731
    j_png = [med(x["imagine"]["png_s"]) for x in rounds]
    j_net = [med(x["imagine"]["rgb_224_s"]) for x in rounds]
    j_load = [x["imagine"]["load_s"] for x in rounds]
    p_png = [med(x["pytorch"]["png_s"]) for x in rounds]
    v_run = [med(x["vae"]["runs_s"]) for x in rounds]
    generation = [REFERENCE_GENERATION_S * v / REFERENCE_VAE_S for v in v_run]
    share = [a / g for a, g in zip(j_png, generation)]
    rss = rounds[-1]["imagine"]
    loads = ", ".join(f"{x['load_before']:.1f}→{x['load_after']:.1f}" for x in rounds)
    fmt = lambda xs, d=3: f"{med(xs):.{d}f} s ({min(xs):.{d}f}–{max(xs):.{d}f})"  # noqa: E731
    text = f"""# Picture classifier cost, {date}

Machine: {cpu()}; {platform.platform()}. Threads: {args.threads}. 1-minute load average before→after each round:
{loads} (other work was running; the ratios come from the same rounds).

Model: ViTForImageClassification with the architecture of `Falconsai/nsfw_image_detection` (ViT-base/16, 224x224,
{json.loads((args.models / 'classifier-build.json').read_text()).get('classifier_parameters', '?'):,} parameters,
random weights), exported with optimum to ONNX (model.onnx {(args.models / 'classifier-onnx/model.onnx').stat().st_size / 1e6:.0f} MB).
Picture: 512x512 PNG. Medians of {args.runs} runs per round, then the median (min–max) over {args.rounds} rounds.

| | per picture |
|---|---|
| Imagine: check from PNG bytes (decode, resize to 224, normalise, network) | {fmt(j_png)} |
| Imagine: the network alone (224x224 RGB in) | {fmt(j_net)} |
| PyTorch 2.9 + transformers' ViTImageProcessor (FastSD CPU's way), same PNG | {fmt(p_png)} |
| SD 1.5 VAE decoder at 512x512 (ONNX Runtime), the yardstick | {fmt(v_run, 2)} |
| a generation on this machine, estimated as {REFERENCE_GENERATION_S} s × VAE / {REFERENCE_VAE_S} s | {fmt(generation, 1)} |
| **the check's share of a generation** | **{med(share) * 100:.1f}%** ({min(share) * 100:.1f}–{max(share) * 100:.1f}%) |

Imagine against PyTorch: {med([a / b for a, b in zip(j_png, p_png)]):.2f}x its time per picture.
Loading the classifier in Imagine (ONNX Runtime's optimized graph cached beside it after the first start, then the
warm-up run): {fmt(j_load, 2)}. Resident memory it adds to the process: {rss['rss_added_bytes'] / 1e9:.2f} GB.
"""
    result = REPO / "bench/results" / f"{date}-classifier.md"
    result.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
