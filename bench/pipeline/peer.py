#!/usr/bin/env python3
"""One peer of the pipeline benchmark, in its own process: diffusers on PyTorch CPU, or optimum-intel's OpenVINO
LCM pipeline (FastSD CPU's two engines). Prints one JSON object on stdout, in the same shape as `imagine bench`:
load time, time to ready, per run the text encoder, each UNet step and the decoder, and the peak resident memory
(VmHWM) of the load and of each decoder's runs.

  python bench/pipeline/peer.py --engine pytorch  --models /work/bench-models [--runs 3] [--threads 2]
  python bench/pipeline/peer.py --engine openvino --models /work/bench-models
  python bench/pipeline/peer.py --engine pytorch --task img2img --source PICTURE.png [--strength 0.5]
  python bench/pipeline/peer.py --engine openvino --task upscale --source PICTURE.png --upscaler DIR
  python bench/pipeline/peer.py --engine pytorch --task zoom-out --source PICTURE.png [--strength 0.8]

--task img2img: LatentConsistencyModelImg2ImgPipeline (PyTorch) or OVLatentConsistencyModelImg2ImgPipeline
(OpenVINO, reshaped to the picture's size), full VAE only ("text_s" and "encode_s" apart). --task upscale: the
Real-ESRGAN SRVGGNetCompact (PyTorch, or the upscaler's model.onnx compiled by OpenVINO at the picture's size),
then Pillow's Lanczos to 2x; and the detailed 2x: that picture in 512x512 tiles (overlap 64) through the engine's
LCM img2img pipeline (strength 0.3, 2 steps, one seed), blended as Imagine blends them. --task zoom-out (PyTorch
only): Zoom out 2x as Imagine does it: the canvas and mask prepared by tools/reference/inpaint_fixtures.py (the
picture shrunk into the middle, A1111's fill around it; "prepare_s"), diffusers' StableDiffusionInpaintPipeline with
the LCM UNet and LCMScheduler on them (mask blur 8 with VaeImageProcessor.blur), then apply_overlay.
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

    def take_all(self):
        events = list(self.events)
        out = self.take()
        out["encode_s"] = sum(d for s, d in events if s == "encode")
        return out


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


def load_img2img(engine, models: Path, threads: int, stages: Stages, size: int, precision: str):
    """The engine's LCM img2img pipeline, reshaped (OpenVINO) to size x size; returns (pipe, versions)."""
    import torch
    torch.set_num_threads(threads)
    if engine == "pytorch":
        from diffusers import LatentConsistencyModelImg2ImgPipeline, LatentConsistencyModelPipeline
        torch.set_num_interop_threads(1)
        t2i = LatentConsistencyModelPipeline.from_pretrained(str(models / "diffusers"), torch_dtype=torch.float32,
                                                             safety_checker=None, requires_safety_checker=False)
        pipe = LatentConsistencyModelImg2ImgPipeline(**t2i.components)
        stages.wrap(pipe.vae, "encode", "encode")
        stages.wrap(pipe.vae, "decode", "decode")
        extra = {"torch": torch.__version__, "threads": torch.get_num_threads()}
    else:
        import openvino as ov
        from optimum.intel import OVLatentConsistencyModelImg2ImgPipeline
        ov_config = {"INFERENCE_NUM_THREADS": str(threads), "PERFORMANCE_HINT": "LATENCY"}
        if precision != "default":
            ov_config["INFERENCE_PRECISION_HINT"] = precision
        pipe = OVLatentConsistencyModelImg2ImgPipeline.from_pretrained(str(models / "openvino"), compile=False,
                                                                       ov_config=ov_config)
        pipe.reshape(batch_size=1, height=size, width=size, num_images_per_prompt=1)
        pipe.compile()
        stages.wrap(pipe.vae, "encode", "encode")
        stages.wrap(pipe.vae, "decode", "decode")
        extra = {"openvino": ov.__version__, "threads": threads,
                 "inference_precision": str(pipe.unet.request.get_property("INFERENCE_PRECISION_HINT"))}
    pipe.set_progress_bar_config(disable=True)
    stages.wrap(pipe.text_encoder, "forward", "text")
    stages.wrap(pipe.unet, "forward", "unet")
    return pipe, extra


def img2img_call(pipe, picture, steps, strength, seed, prompt, output_type="pil"):
    import torch
    g = torch.Generator("cpu").manual_seed(seed)
    return pipe(prompt=prompt, image=picture, num_inference_steps=steps, strength=strength, guidance_scale=8.0,
                generator=g, output_type=output_type).images[0]


def run_img2img(args, result, stages):
    from PIL import Image
    picture = Image.open(args.source).convert("RGB").resize((args.size, args.size), Image.LANCZOS)
    pipe, extra = load_img2img(args.engine, args.models, args.threads, stages, args.size, args.precision)
    result.update(extra)
    reset_peak()
    w0 = time.perf_counter()
    img2img_call(pipe, picture, args.steps, args.strength, args.seed, args.prompt)
    warm = time.perf_counter() - w0
    stages.take_all()
    runs = []
    for r in range(args.runs):
        r0 = time.perf_counter()
        image = img2img_call(pipe, picture, args.steps, args.strength, args.seed, args.prompt)
        run = {"total_s": time.perf_counter() - r0, **stages.take_all()}
        runs.append(run)
        print(f"{args.engine} img2img run {r + 1}: {run['total_s']:.2f} s (text {run['text_s']:.2f}, encode "
              f"{run['encode_s']:.2f}, unet {' '.join(f'{x:.2f}' for x in run['unet_steps_s'])}, decode "
              f"{run['decode_s']:.2f})", file=sys.stderr, flush=True)
        if r == 0 and args.save:
            args.save.mkdir(parents=True, exist_ok=True)
            image.save(args.save / f"{result['engine']}-img2img.png")
    result["decoders"] = {"full": {"warmup_s": warm, "runs": runs, "rss": memory()}}


def load_sr(engine, upscaler: Path, threads: int, w: int, h: int):
    """The SRVGGNetCompact 4x: a function uint8 RGB [h, w, 3] -> uint8 RGB [4h, 4w, 3]."""
    import numpy as np
    import torch
    cfg = json.loads((upscaler / "config.json").read_text()) if (upscaler / "config.json").exists() else {}
    if engine == "pytorch":
        sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools" / "reference"))
        from img2img_fixtures import srvgg_class
        torch.manual_seed(0)  # speed does not depend on the weights
        net = srvgg_class()(num_feat=cfg.get("num_feat", 64), num_conv=cfg.get("num_conv", 32), upscale=4).eval()

        def run(rgb):
            x = torch.from_numpy(rgb.astype(np.float32) / np.float32(255)).permute(2, 0, 1)[None]
            with torch.no_grad():
                y = net(x)[0].clamp(0, 1).permute(1, 2, 0).numpy()
            return (y * np.float32(255)).round().astype(np.uint8)
        return run
    import openvino as ov
    core = ov.Core()
    model = core.read_model(str(upscaler / "model.onnx"))
    model.reshape({model.inputs[0].get_any_name(): [1, 3, h, w]})
    compiled = core.compile_model(model, "CPU", {"INFERENCE_NUM_THREADS": str(threads), "PERFORMANCE_HINT": "LATENCY"})

    def run(rgb):
        x = (rgb.astype(np.float32) / np.float32(255)).transpose(2, 0, 1)[None]
        y = compiled(x)[0][0].clip(0, 1).transpose(1, 2, 0)
        return (y * np.float32(255)).round().astype(np.uint8)
    return run


def run_upscale(args, result, stages):
    import numpy as np
    from PIL import Image
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools" / "reference"))
    from img2img_fixtures import axis_tiles, axis_weights
    source = np.asarray(Image.open(args.source).convert("RGB"))
    h, w = source.shape[:2]
    sr = load_sr(args.engine, args.upscaler, args.threads, w, h)
    pipe, extra = load_img2img(args.engine, args.models, args.threads, stages, 512, args.precision)
    result.update(extra)

    def twice():
        return Image.fromarray(sr(source)).resize((2 * w, 2 * h), resample=Image.LANCZOS)

    def detailed():
        big = np.asarray(twice())
        H, W = big.shape[:2]
        ys, th = axis_tiles(H, 512, 64, 64)
        xs, tw = axis_tiles(W, 512, 64, 64)
        acc, weight = np.zeros((H, W, 3)), np.zeros((H, W, 1))
        for a, y0 in enumerate(ys):
            for b, x0 in enumerate(xs):
                tile = img2img_call(pipe, Image.fromarray(big[y0:y0 + th, x0:x0 + tw]), 2, 0.3, args.seed,
                                    args.prompt, output_type="np").astype(np.float64)
                wgt = np.outer(axis_weights(ys, th, a), axis_weights(xs, tw, b))[..., None]
                acc[y0:y0 + th, x0:x0 + tw] += tile * wgt
                weight[y0:y0 + th, x0:x0 + tw] += wgt
        return Image.fromarray(np.round(np.clip(acc / weight, 0, 1) * 255).astype(np.uint8))

    result["upscales"] = {}
    for name, fn in (("x2", twice), ("x2_detailed", detailed)):
        reset_peak()
        warm = 0.0
        if name == "x2":
            w0 = time.perf_counter()
            fn()
            warm = time.perf_counter() - w0
        runs = []
        for r in range(args.runs):
            r0 = time.perf_counter()
            image = fn()
            runs.append({"total_s": time.perf_counter() - r0})
            stages.take_all()
            print(f"{args.engine} {name} run {r + 1}: {runs[-1]['total_s']:.2f} s", file=sys.stderr, flush=True)
            if r == 0 and args.save:
                args.save.mkdir(parents=True, exist_ok=True)
                image.save(args.save / f"{result['engine']}-{name}.png")
        result["upscales"][name] = {"warmup_s": warm, "runs": runs, "rss": memory()}


def run_zoom_out(args, result, stages):
    """Zoom out 2x: canvas + mask (timed apart), then the inpaint pipeline and the overlay (timed together)."""
    import torch
    from diffusers import LatentConsistencyModelPipeline, StableDiffusionInpaintPipeline
    from PIL import Image
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools" / "reference"))
    import inpaint_fixtures as inpaint
    if args.engine != "pytorch":
        sys.exit("--task zoom-out runs on pytorch only")
    picture = Image.open(args.source).convert("RGB").resize((args.size, args.size), Image.LANCZOS)
    prepare = []
    for k in range(args.runs + 1):  # the first is a warm-up
        p0 = time.perf_counter()
        canvas, mask, _ = inpaint.prepare_outpaint(picture, "zoom-2", size_step=64, max_side=1024)
        if k:
            prepare.append(time.perf_counter() - p0)
    result["prepare_s"] = prepare
    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(1)
    t2i = LatentConsistencyModelPipeline.from_pretrained(str(args.models / "diffusers"), torch_dtype=torch.float32,
                                                         safety_checker=None, requires_safety_checker=False)
    pipe = StableDiffusionInpaintPipeline(vae=t2i.vae, text_encoder=t2i.text_encoder, tokenizer=t2i.tokenizer,
                                          unet=t2i.unet, scheduler=t2i.scheduler, safety_checker=None,
                                          feature_extractor=None, requires_safety_checker=False)
    pipe.set_progress_bar_config(disable=True)
    stages.wrap(pipe.vae, "encode", "encode")
    stages.wrap(pipe.vae, "decode", "decode")
    stages.wrap(pipe.text_encoder, "forward", "text")
    stages.wrap(pipe.unet, "forward", "unet")
    result.update({"torch": torch.__version__, "threads": torch.get_num_threads()})
    blurred = pipe.mask_processor.blur(inpaint.binarized(mask), 8)
    overlay = inpaint.overlay_mask(blurred)

    def zoom_out():
        g = torch.Generator("cpu").manual_seed(args.seed)
        raw = pipe(prompt=args.prompt, image=canvas, mask_image=blurred, height=canvas.height, width=canvas.width,
                   num_inference_steps=args.steps, strength=args.strength, guidance_scale=8.0, generator=g,
                   output_type="pil").images[0]
        return pipe.image_processor.apply_overlay(overlay, canvas, raw), raw

    reset_peak()
    w0 = time.perf_counter()
    zoom_out()
    warm = time.perf_counter() - w0
    stages.take_all()
    runs = []
    for r in range(args.runs):
        r0 = time.perf_counter()
        image, raw = zoom_out()
        run = {"total_s": time.perf_counter() - r0, **stages.take_all()}
        runs.append(run)
        print(f"{args.engine} zoom-out run {r + 1}: {run['total_s']:.2f} s (text {run['text_s']:.2f}, encode "
              f"{run['encode_s']:.2f}, unet {' '.join(f'{x:.2f}' for x in run['unet_steps_s'])}, decode "
              f"{run['decode_s']:.2f})", file=sys.stderr, flush=True)
        if r == 0 and args.save:
            args.save.mkdir(parents=True, exist_ok=True)
            image.save(args.save / f"{result['engine']}-zoom-out.png")
            canvas.save(args.save / f"{result['engine']}-zoom-out-canvas.png")
            raw.save(args.save / f"{result['engine']}-zoom-out-raw.png")
    result["decoders"] = {"full": {"warmup_s": warm, "runs": runs, "rss": memory()}}
    trip = args.save / f"{result['engine']}-zoom-out-round-trip.png" if args.save else None
    if trip and not trip.exists():  # untimed, once: the VAE's own round trip of the canvas, for the report
        Image.fromarray(inpaint.round_trip(pipe, canvas).astype("uint8")).save(trip)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--engine", choices=["pytorch", "openvino"], required=True)
    ap.add_argument("--task", choices=["txt2img", "img2img", "upscale", "zoom-out"], default="txt2img")
    ap.add_argument("--source", type=Path, help="the picture for --task img2img and upscale")
    ap.add_argument("--strength", type=float, help="default 0.5; with --task zoom-out 0.8 (Imagine's outpaint default)")
    ap.add_argument("--upscaler", type=Path, help="the upscaler folder (config.json, model.onnx) for --task upscale")
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
    if args.strength is None:
        args.strength = 0.8 if args.task == "zoom-out" else 0.5

    stages = Stages()
    if args.task != "txt2img":
        name = args.engine if args.precision == "default" else f"{args.engine}-{args.precision}"
        t0 = time.perf_counter()
        result = {"engine": name, "task": args.task}
        {"img2img": run_img2img, "upscale": run_upscale, "zoom-out": run_zoom_out}[args.task](args, result, stages)
        result["load_s"] = float("nan")
        result["ready_since_process_start_s"] = time.time() - START
        result["rss_after_load"] = memory()
        result["rss_end"] = memory()
        result["wall_s"] = time.perf_counter() - t0
        print(json.dumps(result))
        return
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
