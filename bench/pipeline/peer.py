#!/usr/bin/env python3
"""One peer of the pipeline benchmark, in its own process: diffusers on PyTorch CPU, or optimum-intel's OpenVINO
LCM pipeline (FastSD CPU's two engines). Prints one JSON object on stdout, in the same shape as `imagine bench`:
load time, time to ready, per run the text encoder, each UNet step and the decoder, and the peak resident memory
(VmHWM) of the load and of each decoder's runs.

  python bench/pipeline/peer.py --engine pytorch  --models /work/bench-models [--runs 3] [--threads 2]
  python bench/pipeline/peer.py --engine openvino --models /work/bench-models
"""
import argparse
import json
import os
import sys
import time
from pathlib import Path

START = time.time()
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


def memory():
    """VmHWM (peak since the last reset) and VmRSS of this process, in bytes."""
    keys = {"VmHWM:": "peak_bytes", "VmRSS:": "current_bytes", "RssAnon:": "anon_bytes", "RssFile:": "file_bytes"}
    out = {v: -1 for v in keys.values()}
    with open("/proc/self/status") as f:
        for line in f:
            name = line.split()[0] if line.strip() else ""
            if name in keys:
                out[keys[name]] = int(line.split()[1]) * 1024
    return out


def reset_peak():
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        pass


class Stages:
    """Wall-clock marks of the stages of one pipeline call, recorded by wrapping the networks' entry points."""

    def __init__(self):
        self.events = []

    def wrap(self, obj, attr, stage):
        original = getattr(obj, attr)

        def timed(*args, **kwargs):
            t0 = time.perf_counter()
            c0 = time.process_time()  # all threads of this process: the load-robust measure
            try:
                return original(*args, **kwargs)
            finally:
                self.events.append((stage, time.perf_counter() - t0, time.process_time() - c0))
        setattr(obj, attr, timed)

    def take(self):
        events, self.events = self.events, []
        return {"text_s": sum(d for s, d, _ in events if s == "text"),
                "unet_steps_s": [d for s, d, _ in events if s == "unet"],
                "unet_steps_cpu_s": [c for s, _, c in events if s == "unet"],
                "decode_s": sum(d for s, d, _ in events if s == "decode"),
                "decode_cpu_s": sum(c for s, _, c in events if s == "decode")}


def load_pytorch(models: Path, threads: int, stages: Stages):
    import torch
    from diffusers import AutoencoderTiny, LatentConsistencyModelPipeline
    torch.set_num_threads(threads)
    torch.set_num_interop_threads(1)
    pipe = LatentConsistencyModelPipeline.from_pretrained(str(models / "diffusers"), torch_dtype=torch.float32,
                                                          safety_checker=None, requires_safety_checker=False)
    pipe.set_progress_bar_config(disable=True)
    full = pipe.vae
    fast = AutoencoderTiny.from_pretrained(str(models / "taesd-diffusers"), torch_dtype=torch.float32).eval()
    stages.wrap(pipe.text_encoder, "forward", "text")
    stages.wrap(pipe.unet, "forward", "unet")
    stages.wrap(full, "decode", "decode")
    stages.wrap(fast, "decode", "decode")

    def use(decoder):
        pipe.vae = full if decoder == "full" else fast

    def generate(steps, size, seed, prompt):
        g = torch.Generator("cpu").manual_seed(seed)
        return pipe(prompt=prompt, num_inference_steps=steps, guidance_scale=8.0, width=size, height=size,
                    generator=g, output_type="pil").images[0]
    return use, generate, {"torch": torch.__version__, "threads": torch.get_num_threads()}


def load_openvino(models: Path, threads: int, stages: Stages, size: int, precision: str, variant: str = ""):
    import openvino as ov
    from optimum.intel import OVLatentConsistencyModelPipeline
    from optimum.intel.openvino.modeling_diffusion import OVModelVae, OVModelVaeDecoder
    import torch
    torch.set_num_threads(threads)
    ov_config = {"INFERENCE_NUM_THREADS": str(threads), "PERFORMANCE_HINT": "LATENCY"}
    if precision != "default":
        # OpenVINO's CPU default is bf16 on CPUs with AVX512_BF16 or AMX, f32 elsewhere.
        ov_config["INFERENCE_PRECISION_HINT"] = precision
    # variant: "" for the FP32 IR, "int8w" / "int8h" for bench/tools/openvino_int8.py's int8 pipelines
    main = models / ("openvino" + (f"-{variant}" if variant else ""))
    pipe = OVLatentConsistencyModelPipeline.from_pretrained(str(main), compile=False, ov_config=ov_config)
    # FastSD CPU reshapes to the image size before compiling (static shapes are OpenVINO's faster path).
    pipe.set_progress_bar_config(disable=True)
    pipe.reshape(batch_size=1, height=size, width=size, num_images_per_prompt=1)
    # TAESD: deinferno/taesd-openvino's way, a VAE decoder part read from its own folder.
    taesd_dir = os.path.relpath(models / "openvino-taesd" / "vae_decoder", main)
    taesd_model = ov.Core().read_model(str(models / "openvino-taesd" / "vae_decoder" / "openvino_model.xml"))
    fast_decoder = OVModelVaeDecoder(taesd_model, pipe, taesd_dir)
    fast_decoder.model = pipe._reshape_vae_decoder(fast_decoder.model, size, size, 1)
    pipe.compile()
    fast_decoder.compile()
    full = pipe.vae
    fast = OVModelVae(decoder=fast_decoder, encoder=pipe.vae_encoder)
    stages.wrap(pipe.text_encoder, "forward", "text")
    stages.wrap(pipe.unet, "forward", "unet")
    stages.wrap(full, "decode", "decode")
    stages.wrap(fast, "decode", "decode")

    def use(decoder):
        pipe.vae = full if decoder == "full" else fast

    def generate(steps, s, seed, prompt):
        g = torch.Generator("cpu").manual_seed(seed)
        return pipe(prompt=prompt, num_inference_steps=steps, guidance_scale=8.0, width=s, height=s,
                    generator=g, output_type="pil").images[0]
    used = str(pipe.unet.request.get_property("INFERENCE_PRECISION_HINT"))
    return use, generate, {"openvino": ov.__version__, "threads": threads, "inference_precision": used}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--engine", choices=["pytorch", "openvino"], required=True)
    ap.add_argument("--models", type=Path, default=Path(os.environ.get("BENCH_MODELS", "/work/bench-models")))
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--precision", default="default", help="OpenVINO INFERENCE_PRECISION_HINT (f32, bf16) or default")
    ap.add_argument("--variant", default="", help="OpenVINO model: '' (FP32 IR), int8w or int8h (bench/tools/openvino_int8.py)")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--steps", type=int, default=4)
    ap.add_argument("--size", type=int, default=512)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--prompt", default="a photograph of an astronaut riding a horse")
    ap.add_argument("--save", type=Path, help="write the first timed image of each decoder here")
    args = ap.parse_args()

    stages = Stages()
    t0 = time.perf_counter()
    if args.engine == "pytorch":
        use, generate, extra = load_pytorch(args.models, args.threads, stages)
    else:
        use, generate, extra = load_openvino(args.models, args.threads, stages, args.size, args.precision,
                                             args.variant)
    load_s = time.perf_counter() - t0
    name = args.engine if args.precision == "default" else f"{args.engine}-{args.precision}"
    if args.variant:
        name = f"{args.engine}-{args.variant}"
    result = {"engine": name, **extra, "load_s": load_s, "ready_since_process_start_s": time.time() - START,
              "rss_after_load": memory(), "decoders": {}}
    print(f"{args.engine}: loaded in {load_s:.1f} s", file=sys.stderr, flush=True)
    for decoder in ("full", "fast"):
        reset_peak()
        use(decoder)
        w0 = time.perf_counter()
        generate(args.steps if decoder == "full" else 1, args.size, args.seed, args.prompt)  # warm-up
        warm = time.perf_counter() - w0
        stages.take()
        runs = []
        for r in range(args.runs):
            r0 = time.perf_counter()
            image = generate(args.steps, args.size, args.seed, args.prompt)
            total = time.perf_counter() - r0
            run = {"total_s": total, **stages.take()}
            runs.append(run)
            print(f"{name} {decoder} run {r + 1}: {total:.2f} s (text {run['text_s']:.2f}, unet "
                  f"{' '.join(f'{x:.2f}' for x in run['unet_steps_s'])}, decode {run['decode_s']:.2f})",
                  file=sys.stderr, flush=True)
            if r == 0 and args.save:
                args.save.mkdir(parents=True, exist_ok=True)
                image.save(args.save / f"{name}-{decoder}.png")
        result["decoders"][decoder] = {"warmup_s": warm, "runs": runs, "rss": memory()}
    result["rss_end"] = memory()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
