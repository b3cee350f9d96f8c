"""The `--only img2img` part of make_fixtures.py: image to image, PIL's Lanczos, the legacy VAE encoder, and the
upscalers (Real-ESRGAN's SRVGGNetCompact, plain and refined by tiled LCM image to image).

Writes under pipeline/src/test/resources/reference/img2img/:

  sources/*.png                    the source pictures (made here from formulas and a seeded numpy generator)
  lanczos/*.png, lanczos.json      PIL Image.resize(LANCZOS) of one source to several sizes (bit-exact reference)
  legacy-vae-encoder/              the tiny VAE encoder exported as optimum <= 1.22 did: output `latent_sample`,
                                   sampled inside the graph (RandomNormalLike)
  images/*.png, cases.json         diffusers LatentConsistencyModelImg2ImgPipeline (torch) reference images
  tiny-srvgg/                      a random-weight SRVGGNetCompact (4x) in ONNX, as the community exports are
  upscale/*.png, upscale.json      its PyTorch outputs (4x and 2x) and the detailed 2x (tiles through diffusers)

Everything is deterministic: two runs write byte-identical files.
"""
import json
import math
import shutil
import tempfile
from pathlib import Path

import numpy as np

OUT_NAME = "img2img"

# id, model ("tiny-lcm" or "tiny-lcm-legacy" + the legacy encoder), source, prompt, seed, steps, strength, guidance,
# count. The legacy model gets the legacy (sampling inside the graph) encoder: the combination of the real default
# model's ONNX files.
CASES = [
    ("i01-s03-onestep", "tiny-lcm", "square-256.png", "a photograph of an astronaut riding a horse", 0, 1, 0.3, 8.5, 1),
    ("i02-s05-twostep", "tiny-lcm", "square-256.png", "a red fox in a snowy forest, digital art", 42, 2, 0.5, 8.0, 1),
    ("i03-s08-fourstep", "tiny-lcm", "square-256.png", "a lighthouse on a cliff during a storm", 2024, 4, 0.8, 8.0, 1),
    ("i04-s10-fourstep", "tiny-lcm", "square-256.png", "a cup of coffee on a wooden table", 7, 4, 1.0, 2.5, 1),
    ("i05-nonsquare", "tiny-lcm", "wide-320x256.png", "a cozy cabin in the snowy woods", 1234567890123, 4, 0.5, 8.0,
     1),
    ("i06-resized", "tiny-lcm", "resize-327x262.png", "portrait of an old man with a beard, oil painting", 5, 2, 0.8,
     8.5, 1),
    ("i07-batch2", "tiny-lcm", "square-256.png", "a watercolor painting of a fox", 11, 4, 0.5, 8.0, 2),
    ("i08-s055-truncates", "tiny-lcm", "wide-320x256.png", "cyberpunk street at night, neon signs", 3, 4, 0.55, 8.0, 1),
    ("i09-s10-onestep", "tiny-lcm", "square-256.png", "a bowl of ramen, food photography", 9, 1, 1.0, 1.0, 1),
    ("i10-alpha-flattened", "tiny-lcm", "alpha-288x256.png", "a glass bottle on a table", 21, 2, 0.5, 8.0, 1),
    ("i11-grey", "tiny-lcm", "grey-256.png", "a charcoal drawing of a cat", 4, 2, 0.6, 8.0, 1),
    ("l01-legacy-s03-onestep", "tiny-lcm-legacy", "square-256.png", "a photograph of an astronaut riding a horse", 0,
     1, 0.3, 8.5, 1),
    ("l02-legacy-s05-twostep", "tiny-lcm-legacy", "wide-320x256.png", "wow! a dragon!", 42, 2, 0.5, 8.0, 1),
    ("l03-legacy-s08-fourstep", "tiny-lcm-legacy", "resize-327x262.png", "a red sports car, 4k", 2024, 4, 0.8, 8.0, 1),
    ("l04-legacy-s10-batch2", "tiny-lcm-legacy", "square-256.png", "a watercolor painting of a fox", 0, 4, 1.0, 2.5,
     2),
]

LANCZOS_SIZES = [(296, 264), (150, 135), (512, 480), (97, 61), (300, 64), (301, 271)]

# The detailed upscale: the 2x picture cut into tiles of TILE with OVERLAP, each refined by LCM image to image.
UPSCALE_SOURCE = "small-96x80.png"
UPSCALE_PROMPT = "a lighthouse on a cliff during a storm"
UPSCALE_SEED = 77
UPSCALE_TILE, UPSCALE_OVERLAP = 128, 32
UPSCALE_STRENGTH, UPSCALE_STEPS, UPSCALE_GUIDANCE = 0.3, 2, 8.0
# The exported UNet upsamples by a fixed factor, so its latent must divide by 2^(down-samplers): the tiny UNet has
# one, so pictures are multiples of 16 pixels (SD 1.5: 64). diffusers' torch UNet also runs other multiples of 8.
UNET_STEP = 16


# ---------------------------------------------------------------------------------------------------------------
# source pictures
# ---------------------------------------------------------------------------------------------------------------

def source_rgb(w, h, seed):
    """A picture with structure (gradients, discs, a stripe, some grain) so image to image has something to keep."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:h, 0:w].astype(np.float64)
    r = 128 + 90 * np.sin(x / 17.0 + seed) * np.cos(y / 23.0)
    g = 40 + 180 * x / max(w - 1, 1)
    b = 220 - 170 * y / max(h - 1, 1)
    img = np.stack([r, g, b], -1)
    for _ in range(6):
        cx, cy = rng.uniform(0, w), rng.uniform(0, h)
        rad = rng.uniform(10, min(w, h) / 3)
        color = rng.uniform(0, 255, 3)
        inside = (x - cx) ** 2 + (y - cy) ** 2 < rad ** 2
        img[inside] = 0.3 * img[inside] + 0.7 * color
    img[(x + y) % 61 < 6] = [250, 250, 240]
    img += rng.normal(0, 5, img.shape)
    return np.clip(np.round(img), 0, 255).astype(np.uint8)


def make_sources(folder: Path):
    from PIL import Image
    folder.mkdir(parents=True)
    Image.fromarray(source_rgb(256, 256, 1)).save(folder / "square-256.png", optimize=True)
    Image.fromarray(source_rgb(320, 256, 2)).save(folder / "wide-320x256.png", optimize=True)
    Image.fromarray(source_rgb(300, 270, 3)).save(folder / "odd-300x270.png", optimize=True)
    Image.fromarray(source_rgb(96, 80, 6)).save(folder / UPSCALE_SOURCE, optimize=True)
    Image.fromarray(source_rgb(327, 262, 7)).save(folder / "resize-327x262.png", optimize=True)
    rgb = source_rgb(288, 256, 4)
    yy, xx = np.mgrid[0:256, 0:288]
    alpha = np.clip(np.round(255 * (xx / 287.0) * (0.5 + 0.5 * np.cos(yy / 30.0))), 0, 255).astype(np.uint8)
    alpha[:40, :40] = 0
    Image.fromarray(np.dstack([rgb, alpha]), "RGBA").save(folder / "alpha-288x256.png", optimize=True)
    grey = source_rgb(256, 256, 5).mean(axis=2).round().astype(np.uint8)
    Image.fromarray(grey, "L").save(folder / "grey-256.png", optimize=True)


def prepared_picture(path: Path):
    """What Imagine hands to the pipeline, as a PIL RGB image: greyscale made RGB (each channel the grey value),
    alpha flattened onto white as round((c * a + 255 * (255 - a)) / 255) (AUTOMATIC1111's default img2img
    background). diffusers itself accepts neither (a 2-D or 4-channel array reaches the VAE)."""
    from PIL import Image
    im = Image.open(path)
    im.load()
    if im.mode == "RGBA":
        a = np.asarray(im).astype(np.int64)
        alpha = a[..., 3:4]
        flat = (a[..., :3] * alpha + 255 * (255 - alpha) + 127) // 255
        return Image.fromarray(flat.astype(np.uint8), "RGB")
    if im.mode == "L":
        g = np.asarray(im)
        return Image.fromarray(np.dstack([g, g, g]), "RGB")
    assert im.mode == "RGB", im.mode
    return im


def make_inputs(folder: Path, log):
    """Files for the picture decoder's tests that Java cannot write itself: WebP (lossless and lossy) and JPEG, each
    stored turned and carrying the EXIF orientation that turns it back into displayed.png."""
    from PIL import Image
    folder.mkdir(parents=True)
    shown = source_rgb(64, 48, 8)
    shown[:12, :16] = [255, 0, 0]  # a red block marks the top-left corner as displayed
    Image.fromarray(shown).save(folder / "displayed.png", optimize=True)
    # stored = the inverse of what the orientation does when displaying
    stored_for = {3: Image.Transpose.ROTATE_180, 6: Image.Transpose.ROTATE_90, 8: Image.Transpose.ROTATE_270}
    for orientation, transpose in stored_for.items():
        stored = Image.fromarray(shown).transpose(transpose)
        exif = Image.Exif()
        exif[0x0112] = orientation
        stored.save(folder / f"exif-{orientation}-lossless.webp", lossless=True, exif=exif.tobytes())
        stored.save(folder / f"exif-{orientation}.jpg", quality=95, exif=exif.tobytes())
    Image.fromarray(shown).save(folder / "lossy.webp", quality=90, method=0)
    rgba = np.dstack([shown, np.full(shown.shape[:2], 128, np.uint8)])
    Image.fromarray(rgba, "RGBA").save(folder / "half-transparent-lossless.webp", lossless=True)
    log(f"  inputs: {len(list(folder.iterdir()))} files (WebP and JPEG with EXIF orientations 3, 6, 8)")


# ---------------------------------------------------------------------------------------------------------------
# the legacy VAE encoder (optimum 1.14-1.22): latent_dist.sample() inside the graph
# ---------------------------------------------------------------------------------------------------------------

def export_legacy_encoder(vae, src_config: Path, dst: Path, log):
    """torch.onnx.export (TorchScript exporter, opset 14, optimum 1.14's names and axes) of
    `lambda sample: vae.encode(sample).latent_dist.sample()`, as optimum <= 1.22 patched the VAE encoder."""
    import onnx
    import torch

    class LegacyVaeEncoder(torch.nn.Module):
        def __init__(self, v):
            super().__init__()
            self.vae = v

        def forward(self, sample):
            return self.vae.encode(x=sample).latent_dist.sample()

    dst.mkdir(parents=True)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "model.onnx"
        dummy = torch.zeros((1, 3, 64, 64))
        with torch.no_grad():
            torch.onnx.export(LegacyVaeEncoder(vae).eval(), (dummy,), str(path), input_names=["sample"],
                              output_names=["latent_sample"], opset_version=14, do_constant_folding=True,
                              dynamo=False,
                              dynamic_axes={"sample": {0: "batch_size", 1: "num_channels", 2: "height", 3: "width"},
                                            "latent_sample": {0: "batch_size", 2: "height_latent",
                                                              3: "width_latent"}})
        model = onnx.load(str(path))
        onnx.checker.check_model(model)
        onnx.save(model, str(dst / "model.onnx"))
    shutil.copy(src_config, dst / "config.json")
    ops = [n.op_type for n in onnx.load(str(dst / "model.onnx")).graph.node]
    randoms = [o for o in ops if o.startswith("Random")]
    log(f"  legacy vae_encoder: {len(ops)} nodes, random ops {randoms}, output latent_sample")
    assert randoms, "the legacy export must sample inside the graph"


def check_legacy_encoder(vae, dst: Path, log):
    """The legacy graph samples (two runs differ), and the tensors Imagine names as extra outputs (the Add's mean
    and the Mul's std, found from the random op) equal diffusers' latent_dist.mean and .std."""
    import onnx
    import onnxruntime as ort
    import torch
    model = onnx.load(str(dst / "model.onnx"))
    g = model.graph
    producer = {o: n for n in g.node for o in n.output}
    add = producer["latent_sample"]
    assert add.op_type == "Add", add.op_type

    def random_origin(name):
        n = producer.get(name)
        while n is not None and n.op_type == "Cast":
            n = producer.get(n.input[0])
        return n is not None and n.op_type.startswith("Random")

    mul_in = next(i for i in add.input if producer.get(i) is not None and producer[i].op_type == "Mul"
                  and any(random_origin(x) for x in producer[i].input))
    mean = next(i for i in add.input if i != mul_in)
    std = next(i for i in producer[mul_in].input if not random_origin(i))
    g.output.extend([onnx.helper.make_tensor_value_info(mean, onnx.TensorProto.FLOAT, None),
                     onnx.helper.make_tensor_value_info(std, onnx.TensorProto.FLOAT, None)])
    s = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    img = (torch.rand((1, 3, 256, 320), generator=torch.Generator("cpu").manual_seed(5)) * 2 - 1)
    a = s.run(None, {"sample": img.numpy()})
    b = s.run(None, {"sample": img.numpy()})
    with torch.no_grad():
        dist = vae.encode(img).latent_dist
    log(f"  legacy vae_encoder: two runs differ by {np.abs(a[0] - b[0]).max():.3f} (sampling inside the graph); "
        f"extra outputs '{mean}' vs torch mean {np.abs(a[1] - dist.mean.numpy()).max():.2e}, "
        f"'{std}' vs torch std {np.abs(a[2] - dist.std.numpy()).max():.2e}")


# ---------------------------------------------------------------------------------------------------------------
# PIL Lanczos reference
# ---------------------------------------------------------------------------------------------------------------

def make_lanczos(folder: Path, sources: Path, log):
    from PIL import Image
    folder.mkdir(parents=True)
    src = Image.open(sources / "odd-300x270.png")
    cases = []
    for w, h in LANCZOS_SIZES:
        out = src.resize((w, h), resample=Image.LANCZOS)
        name = f"odd-300x270-to-{w}x{h}.png"
        out.save(folder / name, optimize=True)
        cases.append({"source": "sources/odd-300x270.png", "width": w, "height": h, "expected": f"lanczos/{name}"})
    (folder.parent / "lanczos.json").write_text(json.dumps(cases, indent=2) + "\n")
    log(f"  lanczos: {len(cases)} PIL resizes of odd-300x270.png")


# ---------------------------------------------------------------------------------------------------------------
# image to image reference images
# ---------------------------------------------------------------------------------------------------------------

def img2img_pipeline(folder: Path, build_torch_components):
    import torch  # noqa: F401
    from diffusers import LatentConsistencyModelImg2ImgPipeline, LCMScheduler
    from transformers import CLIPTokenizer
    unet, vae, te, _ = build_torch_components()
    tok = CLIPTokenizer.from_pretrained(str(folder / "tokenizer"))
    sched = LCMScheduler.from_config(json.loads((folder / "scheduler" / "scheduler_config.json").read_text()))
    pipe = LatentConsistencyModelImg2ImgPipeline(vae=vae, text_encoder=te, tokenizer=tok, unet=unet, scheduler=sched,
                                                 safety_checker=None, feature_extractor=None,
                                                 requires_safety_checker=False)
    pipe.set_progress_bar_config(disable=True)
    return pipe


def make_img2img_images(out: Path, ref: Path, build_torch_components, save_png, log):
    import torch
    (out / "images").mkdir(parents=True)
    pipes, cases = {}, []
    for cid, model, source, prompt, seed, steps, strength, gs, count in CASES:
        if model not in pipes:
            pipes[model] = img2img_pipeline(ref / model, build_torch_components)
        pipe = pipes[model]
        picture = prepared_picture(out / "sources" / source)
        gens = [torch.Generator("cpu").manual_seed(seed + i) for i in range(count)]
        pipe.scheduler.set_timesteps(steps, strength=strength)
        timesteps = [int(t) for t in pipe.scheduler.timesteps]
        with torch.no_grad():
            res = pipe(prompt=prompt, image=picture, num_inference_steps=steps, strength=strength, guidance_scale=gs,
                       num_images_per_prompt=count, generator=gens, output_type="pil")
        images = []
        for i, im in enumerate(res.images):
            rel = f"images/{cid}-{i}.png"
            save_png(im, out / rel)
            images.append(rel)
            a = np.asarray(im).astype(int)
            src = np.asarray(picture.resize(im.size)).astype(int) if picture.size != im.size else np.asarray(
                picture).astype(int)
            log(f"  {rel}: {im.size[0]}x{im.size[1]} from {source} ({picture.size[0]}x{picture.size[1]}), "
                f"t={timesteps}, mean |image - source| {np.abs(a - src).mean():.1f}")
        cases.append({"id": cid, "model": model, "encoder": "legacy" if model.endswith("legacy") else "modern",
                      "source": f"sources/{source}", "prompt": prompt, "seed": seed, "steps": steps,
                      "strength": strength, "guidance": gs, "width": res.images[0].size[0],
                      "height": res.images[0].size[1], "count": count, "images": images, "timesteps": timesteps})
    write_cases(out / "cases.json", cases)
    log(f"  img2img: {len(cases)} cases, {sum(len(c['images']) for c in cases)} PNGs")


def write_cases(path: Path, cases):
    path.write_text("[\n" + ",\n".join(
        "  {\n" + ",\n".join(f"    {json.dumps(k)}: {json.dumps(v, ensure_ascii=False)}" for k, v in c.items())
        + "\n  }" for c in cases) + "\n]\n", encoding="utf-8")


# ---------------------------------------------------------------------------------------------------------------
# the upscalers
# ---------------------------------------------------------------------------------------------------------------

def srvgg_class():
    """Real-ESRGAN's SRVGGNetCompact (the realesr-general-x4v3 architecture), written from its published
    description: conv 3x3 + PReLU, num_conv x (conv 3x3 + PReLU), conv 3x3 to out_ch * upscale^2, pixel shuffle, plus
    the nearest-neighbour upsampled input."""
    import torch
    from torch import nn

    class SRVGGNetCompact(nn.Module):
        def __init__(self, num_in_ch=3, num_out_ch=3, num_feat=64, num_conv=32, upscale=4):
            super().__init__()
            self.upscale = upscale
            layers = [nn.Conv2d(num_in_ch, num_feat, 3, 1, 1), nn.PReLU(num_parameters=num_feat)]
            for _ in range(num_conv):
                layers += [nn.Conv2d(num_feat, num_feat, 3, 1, 1), nn.PReLU(num_parameters=num_feat)]
            layers.append(nn.Conv2d(num_feat, num_out_ch * upscale * upscale, 3, 1, 1))
            self.body = nn.ModuleList(layers)
            self.upsampler = nn.PixelShuffle(upscale)

        def forward(self, x):
            out = x
            for layer in self.body:
                out = layer(out)
            out = self.upsampler(out)
            return out + torch.nn.functional.interpolate(x, scale_factor=self.upscale, mode="nearest")

    return SRVGGNetCompact


def build_tiny_srvgg():
    import torch
    torch.manual_seed(4)
    net = srvgg_class()(num_feat=8, num_conv=3, upscale=4).eval()
    with torch.no_grad():
        for layer in net.body:
            if isinstance(layer, torch.nn.PReLU):
                layer.weight.uniform_(0.05, 0.4)
        probe = torch.rand((1, 3, 40, 48), generator=torch.Generator("cpu").manual_seed(8))
        detail = net(probe) - torch.nn.functional.interpolate(probe, scale_factor=4, mode="nearest")
        last = net.body[-1]
        last.weight.mul_(0.08 / detail.std())
        last.bias.mul_(0.08 / detail.std())
    return net


def export_srvgg(net, dst: Path):
    import onnx
    import torch
    dst.mkdir(parents=True)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "model.onnx"
        with torch.no_grad():
            torch.onnx.export(net, (torch.zeros((1, 3, 32, 32)),), str(path), input_names=["input"],
                              output_names=["output"], opset_version=17, dynamo=False,
                              dynamic_axes={"input": {0: "batch", 2: "height", 3: "width"},
                                            "output": {0: "batch", 2: "height_x4", 3: "width_x4"}})
        model = onnx.load(str(path))
        onnx.checker.check_model(model)
        onnx.save(model, str(dst / "model.onnx"))
    (dst / "config.json").write_text(json.dumps({"architecture": "SRVGGNetCompact", "scale": 4, "num_feat": 8,
                                                 "num_conv": 3, "act_type": "prelu"}, indent=2) + "\n")


def sr_torch(net, rgb):
    """Real-ESRGAN's inference without pre-padding or tiles: x / 255 in float32, the network, clamp to [0, 1],
    round(x * 255)."""
    import torch
    x = torch.from_numpy(rgb.astype(np.float32) / np.float32(255)).permute(2, 0, 1)[None]
    with torch.no_grad():
        y = net(x)[0].clamp(0, 1).permute(1, 2, 0).numpy()
    return (y * np.float32(255)).round().astype(np.uint8)


def axis_tiles(length, tile, overlap, step):
    """Tile origins along one axis. The tile is min(T, L rounded down to the UNet's size step); one tile when that
    is L, else n = max(2, ceil((L - O) / (t - O))) tiles spread evenly from 0 to L - t, each origin rounded down
    to a multiple of 8."""
    t = min(tile, length // step * step)
    if t == length:
        return [0], t
    n = max(2, math.ceil((length - overlap) / (t - overlap)))
    return [(k * (length - t) // (n - 1)) // 8 * 8 for k in range(n)], t


def axis_weights(origins, size, k):
    """Linear ramps where tile k overlaps its neighbours: min(1, (i + 0.5) / left, (size - i - 0.5) / right)."""
    i = np.arange(size, dtype=np.float64) + 0.5
    w = np.ones(size)
    if k > 0:
        left = origins[k - 1] + size - origins[k]
        w = np.minimum(w, i / left)
    if k + 1 < len(origins):
        right = origins[k] + size - origins[k + 1]
        w = np.minimum(w, (size - i) / right)
    return w


def make_upscale(out: Path, ref: Path, build_torch_components, log):
    import onnxruntime as ort
    import torch
    from PIL import Image
    net = build_tiny_srvgg()
    export_srvgg(net, out / "tiny-srvgg")
    (out / "upscale").mkdir(parents=True)
    src = np.asarray(prepared_picture(out / "sources" / UPSCALE_SOURCE))
    h, w = src.shape[:2]
    x4 = sr_torch(net, src)
    s = ort.InferenceSession(str(out / "tiny-srvgg" / "model.onnx"), providers=["CPUExecutionProvider"])
    xin = (src.astype(np.float32) / np.float32(255)).transpose(2, 0, 1)[None]
    with torch.no_grad():
        ref_float = net(torch.from_numpy(xin)).numpy()
    log(f"  tiny-srvgg: ORT vs torch max |diff| {np.abs(s.run(None, {'input': xin})[0] - ref_float).max():.2e}")
    Image.fromarray(x4).save(out / "upscale" / "x4.png", optimize=True)
    x2 = Image.fromarray(x4).resize((2 * w, 2 * h), resample=Image.LANCZOS)
    x2.save(out / "upscale" / "x2.png", optimize=True)

    # detailed: the 2x picture in overlapping tiles, each through diffusers' img2img with the same seed, blended
    pipe = img2img_pipeline(ref / "tiny-lcm", build_torch_components)
    big = np.asarray(x2)
    H, W = big.shape[:2]
    ys, th = axis_tiles(H, UPSCALE_TILE, UPSCALE_OVERLAP, UNET_STEP)
    xs, tw = axis_tiles(W, UPSCALE_TILE, UPSCALE_OVERLAP, UNET_STEP)
    acc = np.zeros((H, W, 3))
    weight = np.zeros((H, W, 1))
    tiles = []
    for a, y0 in enumerate(ys):
        for b, x0 in enumerate(xs):
            crop = Image.fromarray(big[y0:y0 + th, x0:x0 + tw])
            with torch.no_grad():
                res = pipe(prompt=UPSCALE_PROMPT, image=crop, num_inference_steps=UPSCALE_STEPS,
                           strength=UPSCALE_STRENGTH, guidance_scale=UPSCALE_GUIDANCE,
                           generator=torch.Generator("cpu").manual_seed(UPSCALE_SEED), output_type="np")
            tile = res.images[0].astype(np.float64)
            wgt = np.outer(axis_weights(ys, th, a), axis_weights(xs, tw, b))[..., None]
            acc[y0:y0 + th, x0:x0 + tw] += tile * wgt
            weight[y0:y0 + th, x0:x0 + tw] += wgt
            tiles.append({"x": x0, "y": y0, "width": tw, "height": th})
    detailed = np.round(np.clip(acc / weight, 0, 1) * 255).astype(np.uint8)
    Image.fromarray(detailed).save(out / "upscale" / "x2-detailed.png", optimize=True)
    meta = {"source": f"sources/{UPSCALE_SOURCE}", "network": "tiny-srvgg/model.onnx", "x4": "upscale/x4.png",
            "x2": "upscale/x2.png", "detailed": {
                "image": "upscale/x2-detailed.png", "model": "tiny-lcm", "prompt": UPSCALE_PROMPT,
                "seed": UPSCALE_SEED, "tile": UPSCALE_TILE, "overlap": UPSCALE_OVERLAP,
                "strength": UPSCALE_STRENGTH, "steps": UPSCALE_STEPS, "guidance": UPSCALE_GUIDANCE, "tiles": tiles}}
    (out / "upscale.json").write_text(json.dumps(meta, indent=2) + "\n")
    log(f"  upscale: {w}x{h} -> x4 {4 * w}x{4 * h} -> x2 {2 * w}x{2 * h}; detailed in {len(tiles)} tiles of "
        f"{tw}x{th}, mean |detailed - x2| {np.abs(detailed.astype(int) - big.astype(int)).mean():.1f}")


# ---------------------------------------------------------------------------------------------------------------

def make_img2img(ref: Path, build_torch_components, save_png, log):
    import torch
    out = ref / OUT_NAME
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    log("\n== img2img")
    make_sources(out / "sources")
    make_lanczos(out / "lanczos", out / "sources", log)
    make_inputs(out / "inputs", log)
    _, vae, _, _ = build_torch_components()
    export_legacy_encoder(vae, ref / "tiny-lcm" / "vae_encoder" / "config.json", out / "legacy-vae-encoder", log)
    check_legacy_encoder(vae, out / "legacy-vae-encoder", log)
    make_img2img_images(out, ref, build_torch_components, save_png, log)
    make_upscale(out, ref, build_torch_components, log)
    torch.set_num_threads(torch.get_num_threads())
