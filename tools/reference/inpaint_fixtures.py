"""The `--only inpaint` part of make_fixtures.py: masked generation (inpaint) and zoom out / pan (outpaint) with
diffusers' StableDiffusionInpaintPipeline running the tiny 4-channel LCM UNet with LCMScheduler, and the Pillow
operations around it (GaussianBlur, the overlay that pastes the source back outside the mask).

Writes under pipeline/src/test/resources/reference/inpaint/ (the source pictures are img2img/sources/):

  masks/*.png                  the masks people would send (made here from formulas): a centred ellipse, an edge, a
                               feathered (non-binary) blob, a coloured mask at half the picture's size
  pillow/*.png, pillow.json    Pillow's GaussianBlur of masks and a picture, A1111's fill, diffusers' apply_overlay
  outpaint/*.png               the zoom-out and pan canvases and masks (prepared here by the documented rules)
  images/*.png, cases.json     the reference pictures: the pipeline's output, then the source pasted back outside the
                               feathered mask; raw/*.png is the pipeline's output before the paste (for debugging)

Each picture of a case is its own pipeline call with torch.Generator("cpu").manual_seed(seed + i): diffusers' batch
with a list of generators draws the source's VAE sample from the first generator only, so its second picture could
not be replayed alone, which Imagine promises.

Everything is deterministic: two runs write byte-identical files.
"""
import json
import math
import shutil
from pathlib import Path

import numpy as np

OUT_NAME = "inpaint"
SOURCES = "img2img/sources"

# The mask as Imagine prepares it: luma ("L") after resizing in the file's own mode (diffusers' order), binarized at
# 128 (v / 255 >= 0.5, diffusers' threshold), blurred with Pillow's GaussianBlur (VaeImageProcessor.blur) by the
# mask blur, handed to the pipeline (which binarizes it again at 0.5 and samples every 8th pixel for the latents);
# the overlay pastes the source back with alpha min(255, 2 * blurred) (AUTOMATIC1111's mask_for_overlay).
THRESHOLD = 128

# id, source, mask, prompt, seed, steps, strength, guidance, mask blur, count
CASES = [
    ("n01-centre-s10", "square-256.png", "centre-256.png", "a photograph of an astronaut riding a horse", 0, 4, 1.0,
     8.5, 0, 1),
    ("n02-centre-s06", "square-256.png", "centre-256.png", "a red fox in a snowy forest, digital art", 42, 4, 0.6, 8.0,
     0, 1),
    ("n03-edge-blur4", "square-256.png", "edge-256.png", "a lighthouse on a cliff during a storm", 2024, 3, 1.0, 8.0,
     4, 1),
    ("n04-feathered-s075", "square-256.png", "feathered-256.png", "a cup of coffee on a wooden table", 7, 4, 0.75, 2.5,
     0, 1),
    ("n05-nonsquare-colour-mask", "wide-320x256.png", "colour-160x128.png", "a cozy cabin in the snowy woods",
     1234567890123, 4, 1.0, 8.0, 4, 2),
    ("n06-s05-one-step", "square-256.png", "centre-256.png", "a bowl of ramen, food photography", 9, 2, 0.5, 1.0, 2, 1),
]

# id, source, mode, prompt, seed, steps, strength, guidance, mask blur
OUTPAINT = [
    ("o01-zoom-2", "square-256.png", "zoom-2", "a castle on a hill", 5, 4, 0.8, 8.0, 8),
    ("o02-zoom-1.5", "wide-320x256.png", "zoom-1.5", "a harbour at sunset", 6, 4, 0.8, 8.0, 8),
    ("o03-right", "square-256.png", "right", "a mountain road", 7, 4, 0.8, 8.0, 8),
    ("o04-up-s10", "wide-320x256.png", "up", "a forest clearing", 8, 4, 1.0, 8.0, 8),
]

# Outpaint geometry: the tiny UNet halves the latent once, so sides are multiples of 16 (SD 1.5: 64).
SIZE_STEP = 16
MAX_SIDE = 1024
OVERLAP = 8

BLUR_RADII = [1, 2.5, 4, 8, 40, 300]


# ---------------------------------------------------------------------------------------------------------------
# masks
# ---------------------------------------------------------------------------------------------------------------

def make_masks(folder: Path):
    from PIL import Image
    folder.mkdir(parents=True)
    y, x = np.mgrid[0:256, 0:256].astype(np.float64)
    centre = ((x - 128) / 70) ** 2 + ((y - 124) / 50) ** 2 <= 1
    Image.fromarray((centre * 255).astype(np.uint8), "L").save(folder / "centre-256.png", optimize=True)
    edge = (x >= 200) | ((y >= 216) & (x < 96))
    Image.fromarray((edge * 255).astype(np.uint8), "L").save(folder / "edge-256.png", optimize=True)
    blob = 255 * np.exp(-((x - 120) ** 2 + (y - 140) ** 2) / (2 * 45.0 ** 2))
    Image.fromarray(np.round(blob).astype(np.uint8), "L").save(folder / "feathered-256.png", optimize=True)
    # Luma decides, not any one channel: dark red and magenta keep, a bright green redraws.
    y, x = np.mgrid[0:128, 0:160].astype(np.float64)
    colour = np.zeros((128, 160, 3), np.uint8)
    colour[...] = (150, 0, 0)
    colour[(x - 60) ** 2 + (y - 64) ** 2 < 35 ** 2] = (40, 255, 80)
    colour[(x >= 110) & (y < 60)] = (255, 0, 255)
    colour[(x >= 110) & (y >= 80)] = (255, 255, 255)
    Image.fromarray(colour, "RGB").save(folder / "colour-160x128.png", optimize=True)


def prepared_mask(path: Path, width, height):
    """The mask file at the picture's size, as luma: resized (Lanczos) in its own mode first, then converted."""
    from PIL import Image
    im = Image.open(path)
    im.load()
    if im.size != (width, height):
        im = im.resize((width, height), resample=Image.LANCZOS)
    return im.convert("L")


def binarized(mask_l):
    from PIL import Image
    return Image.fromarray(np.where(np.asarray(mask_l) >= THRESHOLD, 255, 0).astype(np.uint8), "L")


def blurred(processor, mask_l, radius):
    return processor.blur(mask_l, radius) if radius > 0 else mask_l


def overlay_mask(blurred_l):
    from PIL import Image
    return Image.fromarray(np.minimum(np.asarray(blurred_l).astype(np.int32) * 2, 255).astype(np.uint8), "L")


# ---------------------------------------------------------------------------------------------------------------
# outpaint: the canvas and the mask
# ---------------------------------------------------------------------------------------------------------------

def ceil8(v):
    return -(-v // 8) * 8


def floor8(v):
    return v // 8 * 8


def outpaint_geometry(w0, h0, mode, size_step=SIZE_STEP, max_side=MAX_SIDE):
    """(canvas width, height, the picture's size in it, its position, the part of the source it shows)."""
    if mode.startswith("zoom-"):
        factor = float(mode[len("zoom-"):])
        w, h = int(math.floor(w0 / factor + 0.5)), int(math.floor(h0 / factor + 0.5))
        return w0, h0, (w, h), ((w0 - w) // 2, (h0 - h) // 2), (0, 0, w0, h0)
    horizontal = mode in ("left", "right")
    side = w0 if horizontal else h0
    grow = max(size_step, (side + size_step) // (2 * size_step) * size_step)
    new_side = min(side + grow, max_side // size_step * size_step)
    kept = new_side - grow
    if horizontal:
        crop = (side - kept, 0, side, h0) if mode == "right" else (0, 0, kept, h0)
        pos = (0, 0) if mode == "right" else (grow, 0)
        return new_side, h0, (kept, h0), pos, crop
    crop = (0, side - kept, w0, side) if mode == "down" else (0, 0, w0, kept)
    pos = (0, 0) if mode == "down" else (0, grow)
    return w0, new_side, (w0, kept), pos, crop


# AUTOMATIC1111's "fill" masked content: the known pixels, premultiplied by their coverage, blurred ever less and
# composited one over the other, so the colours near the new area flow into it without streaks.
FILL_PASSES = [(256, 1), (64, 1), (16, 2), (4, 4), (2, 2), (0, 1)]


def fill(picture, unknown_l):
    """The picture with the white part of `unknown_l` filled from the colours around it (A1111's "fill")."""
    from PIL import Image, ImageFilter, ImageOps
    known = Image.new("RGBa", picture.size)
    known.paste(picture.convert("RGBA").convert("RGBa"), mask=ImageOps.invert(unknown_l))
    out = Image.new("RGBA", picture.size)
    for radius, times in FILL_PASSES:
        layer = known.filter(ImageFilter.GaussianBlur(radius)).convert("RGBA")
        for _ in range(times):
            out.alpha_composite(layer)
    return out.convert("RGB")


def prepare_outpaint(picture, mode, size_step=SIZE_STEP, max_side=MAX_SIDE):
    """The canvas (the picture shrunk or cropped into place, the new area filled by `fill`) and the mask (white but
    for the picture inset by OVERLAP on its new sides, the inner edges on multiples of 8)."""
    from PIL import Image
    W, H, (w, h), (x0, y0), crop = outpaint_geometry(picture.width, picture.height, mode, size_step, max_side)
    inner = picture.crop(crop) if crop != (0, 0, picture.width, picture.height) else picture
    if inner.size != (w, h):
        inner = inner.resize((w, h), resample=Image.LANCZOS)
    placed = Image.new("RGB", (W, H))
    placed.paste(inner, (x0, y0))
    unknown = np.full((H, W), 255, np.uint8)
    unknown[y0:y0 + h, x0:x0 + w] = 0
    canvas = fill(placed, Image.fromarray(unknown, "L"))
    assert (np.asarray(canvas)[y0:y0 + h, x0:x0 + w] == np.asarray(inner)).all(), "fill keeps the known pixels"
    left, top, right, bottom = x0, y0, W - w - x0, H - h - y0
    kx0 = ceil8(x0 + OVERLAP) if left > 0 else 0
    ky0 = ceil8(y0 + OVERLAP) if top > 0 else 0
    kx1 = floor8(x0 + w - OVERLAP) if right > 0 else W
    ky1 = floor8(y0 + h - OVERLAP) if bottom > 0 else H
    mask = np.full((H, W), 255, np.uint8)
    mask[ky0:ky1, kx0:kx1] = 0
    return canvas, Image.fromarray(mask, "L"), {"left": left, "top": top, "right": right, "bottom": bottom,
                                                 "inner": [x0, y0, w, h], "kept": [kx0, ky0, kx1, ky1]}


# ---------------------------------------------------------------------------------------------------------------
# Pillow's operations on their own
# ---------------------------------------------------------------------------------------------------------------

def make_pillow(out: Path, masks: Path, sources: Path, processor, log):
    from PIL import Image, ImageFilter
    folder = out / "pillow"
    folder.mkdir(parents=True)
    cases = []
    centre = binarized(Image.open(masks / "centre-256.png").convert("L"))
    odd = Image.fromarray(np.asarray(Image.open(masks / "feathered-256.png"))[100:137, 60:83].copy(), "L")
    odd.save(folder / "odd-23x37.png", optimize=True)
    centre.save(folder / "centre-256-binary.png", optimize=True)
    for name, image in (("centre-256-binary.png", centre), ("odd-23x37.png", odd)):
        for r in BLUR_RADII:
            rel = f"{Path(name).stem}-blur-{r}.png"
            processor.blur(image, r).save(folder / rel, optimize=True)
            cases.append({"kind": "blur", "input": f"pillow/{name}", "radius": r, "expected": f"pillow/{rel}"})
    square = Image.open(sources / "square-256.png").convert("RGB")
    rel = "square-256-blur-8.png"
    square.filter(ImageFilter.GaussianBlur(8)).save(folder / rel, optimize=True)
    cases.append({"kind": "blur", "input": f"{SOURCES}/square-256.png", "radius": 8, "expected": f"pillow/{rel}"})
    # the fill on its own: a picture with a disc of unknown pixels and an unknown border
    y, x = np.mgrid[0:256, 0:256]
    hole = (((x - 150) ** 2 + (y - 100) ** 2 < 40 ** 2) | (x < 24) | (y >= 220)).astype(np.uint8) * 255
    Image.fromarray(hole, "L").save(folder / "hole-256.png", optimize=True)
    rel = "square-256-fill-hole.png"
    fill(square, Image.fromarray(hole, "L")).save(folder / rel, optimize=True)
    cases.append({"kind": "fill", "input": f"{SOURCES}/square-256.png", "mask": "pillow/hole-256.png",
                  "expected": f"pillow/{rel}"})
    # apply_overlay: the source (init) pasted over another picture outside a ramped mask
    rng = np.random.default_rng(15)
    other = Image.fromarray(rng.integers(0, 256, (256, 256, 3), dtype=np.uint8), "RGB")
    other.save(folder / "other-256.png", optimize=True)
    ramp = Image.fromarray(np.tile(np.arange(256, dtype=np.uint8), (256, 1)), "L")
    ramp.save(folder / "ramp-256.png", optimize=True)
    rel = "overlay-square-on-other.png"
    processor.apply_overlay(ramp, square, other).save(folder / rel, optimize=True)
    cases.append({"kind": "overlay", "mask": "pillow/ramp-256.png", "init": f"{SOURCES}/square-256.png",
                  "image": "pillow/other-256.png", "expected": f"pillow/{rel}"})
    (out / "pillow.json").write_text(json.dumps(cases, indent=2) + "\n")
    log(f"  pillow: {len(cases)} cases (GaussianBlur radii {BLUR_RADII}, fill, apply_overlay)")


# ---------------------------------------------------------------------------------------------------------------
# the pipeline
# ---------------------------------------------------------------------------------------------------------------

def inpaint_pipeline(folder: Path, build_torch_components):
    from diffusers import LCMScheduler, StableDiffusionInpaintPipeline
    from transformers import CLIPTokenizer
    unet, vae, te, _ = build_torch_components()
    tok = CLIPTokenizer.from_pretrained(str(folder / "tokenizer"))
    sched = LCMScheduler.from_config(json.loads((folder / "scheduler" / "scheduler_config.json").read_text()))
    pipe = StableDiffusionInpaintPipeline(vae=vae, text_encoder=te, tokenizer=tok, unet=unet, scheduler=sched,
                                          safety_checker=None, feature_extractor=None, requires_safety_checker=False)
    pipe.set_progress_bar_config(disable=True)
    return pipe


def round_trip(pipe, picture):
    """decode(encode(x).mean): the VAE's own round-trip error, the floor for the kept region before the paste."""
    import torch
    x = pipe.image_processor.preprocess(picture)
    with torch.no_grad():
        z = pipe.vae.encode(x).latent_dist.mean
        y = pipe.vae.decode(z).sample
    return np.asarray(pipe.image_processor.postprocess(y, output_type="pil")[0]).astype(int)


def run_case(pipe, out: Path, cid, picture, mask_l, prompt, seed, steps, strength, gs, blur, count, log, extra):
    import torch
    W, H = picture.size
    mask_b = binarized(mask_l)
    mask_blurred = blurred(pipe.mask_processor, mask_b, blur)
    overlay = overlay_mask(mask_blurred)
    pipe.scheduler.set_timesteps(steps)
    n = len(pipe.scheduler.timesteps)
    t_start = n - min(int(steps * strength), steps)
    timesteps = [int(t) for t in pipe.scheduler.timesteps[t_start:]]
    images, raws = [], []
    src = np.asarray(picture).astype(int)
    keep = np.asarray(overlay) == 0
    trip = round_trip(pipe, picture)
    for i in range(count):
        with torch.no_grad():
            res = pipe(prompt=prompt, image=picture, mask_image=mask_blurred, height=H, width=W,
                       num_inference_steps=steps, strength=strength, guidance_scale=gs,
                       generator=torch.Generator("cpu").manual_seed(seed + i), output_type="pil")
        raw = res.images[0]
        final = pipe.image_processor.apply_overlay(overlay, picture, raw)
        rel, raw_rel = f"images/{cid}-{i}.png", f"raw/{cid}-{i}.png"
        final.save(out / rel, optimize=True)
        raw.save(out / raw_rel, optimize=True)
        images.append(rel)
        raws.append(raw_rel)
        f, r = np.asarray(final).astype(int), np.asarray(raw).astype(int)
        assert (f[keep] == src[keep]).all(), "the overlay keeps the source outside the mask"
        log(f"  {rel}: {W}x{H}, t={timesteps}, blur {blur}; outside the feathered mask ({keep.mean():.0%} of the "
            f"pixels): raw vs source {np.abs(r - src)[keep].mean():.1f} levels, VAE round trip vs source "
            f"{np.abs(trip - src)[keep].mean():.1f}, raw vs round trip {np.abs(r - trip)[keep].mean():.1f}; "
            f"final == source there; inside: final vs source {np.abs(f - src)[~keep].mean():.1f}")
    case = {"id": cid, "model": "tiny-lcm", "prompt": prompt, "seed": seed, "steps": steps, "strength": strength,
            "guidance": gs, "mask_blur": blur, "width": W, "height": H, "count": count}
    case.update(extra)
    case.update({"images": images, "raw": raws, "timesteps": timesteps})
    return case


def make_inpaint_images(out: Path, ref: Path, build_torch_components, log):
    from PIL import Image
    pipe = inpaint_pipeline(ref / "tiny-lcm", build_torch_components)
    (out / "images").mkdir(parents=True)
    (out / "raw").mkdir(parents=True)
    (out / "outpaint").mkdir(parents=True)
    cases = []
    for cid, source, mask, prompt, seed, steps, strength, gs, blur, count in CASES:
        picture = Image.open(ref / SOURCES / source).convert("RGB")
        mask_l = prepared_mask(out / "masks" / mask, *picture.size)
        cases.append(run_case(pipe, out, cid, picture, mask_l, prompt, seed, steps, strength, gs, blur, count, log,
                              {"source": f"{SOURCES}/{source}", "mask": f"masks/{mask}"}))
    for cid, source, mode, prompt, seed, steps, strength, gs, blur in OUTPAINT:
        picture = Image.open(ref / SOURCES / source).convert("RGB")
        canvas, mask_l, geometry = prepare_outpaint(picture, mode)
        canvas.save(out / "outpaint" / f"{cid}-canvas.png", optimize=True)
        mask_l.save(out / "outpaint" / f"{cid}-mask.png", optimize=True)
        log(f"  {cid}: {picture.size[0]}x{picture.size[1]} -> {canvas.size[0]}x{canvas.size[1]}, {geometry}")
        cases.append(run_case(pipe, out, cid, canvas, mask_l, prompt, seed, steps, strength, gs, blur, 1, log,
                              {"source": f"{SOURCES}/{source}", "outpaint": mode,
                               "canvas": f"outpaint/{cid}-canvas.png", "mask": f"outpaint/{cid}-mask.png",
                               "padding": [geometry[k] for k in ("left", "top", "right", "bottom")]}))
    write_cases(out / "cases.json", cases)
    log(f"  inpaint: {len(cases)} cases, {sum(len(c['images']) for c in cases)} PNGs")


def write_cases(path: Path, cases):
    path.write_text("[\n" + ",\n".join(
        "  {\n" + ",\n".join(f"    {json.dumps(k)}: {json.dumps(v, ensure_ascii=False)}" for k, v in c.items())
        + "\n  }" for c in cases) + "\n]\n", encoding="utf-8")


# ---------------------------------------------------------------------------------------------------------------

def make_inpaint(ref: Path, build_torch_components, log):
    from diffusers.image_processor import VaeImageProcessor
    out = ref / OUT_NAME
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    log("\n== inpaint")
    make_masks(out / "masks")
    processor = VaeImageProcessor(vae_scale_factor=8, do_normalize=False, do_binarize=True,
                                  do_convert_grayscale=True)
    make_pillow(out, out / "masks", ref / SOURCES, processor, log)
    make_inpaint_images(out, ref, build_torch_components, log)
