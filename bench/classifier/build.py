#!/usr/bin/env python3
"""Full-size benchmark models for the picture classifier, with random weights (speed does not depend on them).

  classifier-onnx/   ViTForImageClassification with the architecture of Falconsai/nsfw_image_detection (ViT-base,
                     patch 16, 224x224, 85.8 M parameters, labels normal/nsfw) exported by optimum-cli
                     (--task image-classification): model.onnx, config.json, preprocessor_config.json, the layout
                     Imagine reads (as onnx-community/nsfw_image_detection-ONNX, whose model.onnx is 343 MB)
  classifier-pt/     the same weights for transformers (the PyTorch peer: FastSD CPU runs the classifier this way)
  vae-decoder-onnx/  the Stable Diffusion 1.5 VAE decoder (AutoencoderKL, 49.5 M parameters), exported with optimum's
                     VaeDecoderOnnxConfig: the yardstick that puts the classifier next to a generation on this machine

Run with the reference venv (tools/reference/requirements.txt): /work/venv-ref/bin/python bench/classifier/build.py
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")


def build_classifier(out: Path):
    import torch
    from transformers import ViTConfig, ViTForImageClassification, ViTImageProcessor
    torch.manual_seed(0)
    # ViTConfig's defaults are ViT-base/16 at 224 (hidden 768, 12 layers, 12 heads, MLP 3072), as in Falconsai's config
    config = ViTConfig(id2label={0: "normal", 1: "nsfw"}, label2id={"normal": 0, "nsfw": 1})
    model = ViTForImageClassification(config).eval()
    params = sum(p.numel() for p in model.parameters())
    # Falconsai's preprocessor_config.json: 224x224, bilinear (2), rescale 1/255, mean and std 0.5
    processor = ViTImageProcessor(size={"height": 224, "width": 224}, resample=2, image_mean=[0.5] * 3,
                                  image_std=[0.5] * 3)
    pt = out / "classifier-pt"
    if pt.exists():
        shutil.rmtree(pt)
    model.save_pretrained(str(pt), safe_serialization=True)
    processor.save_pretrained(str(pt))
    dst = out / "classifier-onnx"
    if dst.exists():
        shutil.rmtree(dst)
    cli = Path(sys.executable).parent / "optimum-cli"
    subprocess.run([str(cli), "export", "onnx", "--model", str(pt), "--task", "image-classification",
                    "--framework", "pt", str(dst)], check=True, capture_output=True)
    return {"classifier_parameters": params, "classifier_onnx_bytes": (dst / "model.onnx").stat().st_size}


def build_vae_decoder(out: Path):
    import onnx
    import torch
    from diffusers import AutoencoderKL
    from optimum.exporters.onnx.convert import export
    from optimum.exporters.onnx.model_configs import VaeDecoderOnnxConfig
    torch.manual_seed(1)
    # runwayml/stable-diffusion-v1-5 vae/config.json
    vae = AutoencoderKL(in_channels=3, out_channels=3, latent_channels=4, sample_size=512, layers_per_block=2,
                        block_out_channels=(128, 256, 512, 512), norm_num_groups=32, act_fn="silu",
                        down_block_types=("DownEncoderBlock2D",) * 4,
                        up_block_types=("UpDecoderBlock2D",) * 4).eval()
    vae.forward = lambda latent_sample: vae.decode(z=latent_sample)
    config = VaeDecoderOnnxConfig(vae.config, task="semantic-segmentation")
    dst = out / "vae-decoder-onnx"
    if dst.exists():
        shutil.rmtree(dst)
    dst.mkdir(parents=True)
    with tempfile.TemporaryDirectory() as tmp:
        with torch.no_grad():
            export(model=vae, config=config, output=Path(tmp) / "model.onnx", opset=config.DEFAULT_ONNX_OPSET)
        onnx.save(onnx.load(str(Path(tmp) / "model.onnx")), str(dst / "model.onnx"))
    return {"vae_decoder_parameters": sum(p.numel() for p in vae.decoder.parameters())
            + sum(p.numel() for p in vae.post_quant_conv.parameters())}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=os.environ.get("BENCH_MODELS", "/work/bench-models"))
    ap.add_argument("--only", choices=["classifier", "vae"], action="append")
    args = ap.parse_args()
    import torch
    torch.set_num_threads(2)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    only = set(args.only or ["classifier", "vae"])
    info = {}
    if "classifier" in only:
        info.update(build_classifier(out))
    if "vae" in only:
        info.update(build_vae_decoder(out))
    print(json.dumps(info))
    (out / "classifier-build.json").write_text(json.dumps(info, indent=2) + "\n")


if __name__ == "__main__":
    main()
