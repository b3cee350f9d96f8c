#!/usr/bin/env python3
"""Builds the full-size LCM Stable Diffusion 1.5 networks with random weights, plus TAESD, for benchmarks.

Speed does not depend on weight values, so these files cost what SimianLuo/LCM_Dreamshaper_v7 and
madebyollin/taesd cost. The configurations are written out below from the public config files (see README.md).
Outputs (outside git, default /work/bench-models):

  diffusers/        LatentConsistencyModelPipeline.save_pretrained (safetensors): the PyTorch peer's model
  taesd-diffusers/  AutoencoderTiny.save_pretrained
  onnx/             optimum-cli export onnx --task latent-consistency (fp32, unet/model.onnx + model.onnx_data)
  taesd-onnx/       vae_decoder/{model.onnx, config.json}: the TAESD decoder, deinferno/taesd-onnx layout
  openvino/         optimum-intel OVLatentConsistencyModelPipeline export (fp32 IR, no weight compression)
  openvino-taesd/   vae_decoder/{openvino_model.xml, .bin, config.json}: TAESD for the OpenVINO pipeline
  build.json        versions, parameter counts, file sizes

Usage: python tools/bench-model/build.py [--out DIR] [--only diffusers,onnx,openvino]
"""
import argparse
import json
import os
import shutil
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CLIP_TOKENIZER = REPO / "pipeline/src/test/resources/tokenizer/clip"

# SimianLuo/LCM_Dreamshaper_v7 unet/config.json (SD 1.5 UNet + the LCM guidance-embedding projection).
UNET_CONFIG = {
    "act_fn": "silu",
    "addition_embed_type": None,
    "addition_embed_type_num_heads": 64,
    "addition_time_embed_dim": None,
    "attention_head_dim": 8,
    "block_out_channels": [320, 640, 1280, 1280],
    "center_input_sample": False,
    "class_embed_type": None,
    "class_embeddings_concat": False,
    "conv_in_kernel": 3,
    "conv_out_kernel": 3,
    "cross_attention_dim": 768,
    "cross_attention_norm": None,
    "down_block_types": ["CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "DownBlock2D"],
    "downsample_padding": 1,
    "dual_cross_attention": False,
    "encoder_hid_dim": None,
    "encoder_hid_dim_type": None,
    "flip_sin_to_cos": True,
    "freq_shift": 0,
    "in_channels": 4,
    "layers_per_block": 2,
    "mid_block_only_cross_attention": None,
    "mid_block_scale_factor": 1,
    "mid_block_type": "UNetMidBlock2DCrossAttn",
    "norm_eps": 1e-05,
    "norm_num_groups": 32,
    "num_attention_heads": None,
    "num_class_embeds": None,
    "only_cross_attention": False,
    "out_channels": 4,
    "projection_class_embeddings_input_dim": None,
    "resnet_out_scale_factor": 1.0,
    "resnet_skip_time_act": False,
    "resnet_time_scale_shift": "default",
    "sample_size": 96,
    "time_cond_proj_dim": 256,
    "time_embedding_act_fn": None,
    "time_embedding_dim": None,
    "time_embedding_type": "positional",
    "timestep_post_act": None,
    "transformer_layers_per_block": 1,
    "up_block_types": ["UpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D"],
    "upcast_attention": False,
    "use_linear_projection": False,
}

# text_encoder/config.json: CLIP ViT-L/14's text tower (openai/clip-vit-large-patch14), as in every SD 1.x model.
TEXT_ENCODER_CONFIG = {
    "attention_dropout": 0.0,
    "bos_token_id": 0,
    "dropout": 0.0,
    "eos_token_id": 2,
    "hidden_act": "quick_gelu",
    "hidden_size": 768,
    "initializer_factor": 1.0,
    "initializer_range": 0.02,
    "intermediate_size": 3072,
    "layer_norm_eps": 1e-05,
    "max_position_embeddings": 77,
    "num_attention_heads": 12,
    "num_hidden_layers": 12,
    "pad_token_id": 1,
    "projection_dim": 768,
    "vocab_size": 49408,
}

# vae/config.json: the SD 1.x AutoencoderKL (scaling factor 0.18215).
VAE_CONFIG = {
    "act_fn": "silu",
    "block_out_channels": [128, 256, 512, 512],
    "down_block_types": ["DownEncoderBlock2D"] * 4,
    "in_channels": 3,
    "latent_channels": 4,
    "layers_per_block": 2,
    "norm_num_groups": 32,
    "out_channels": 3,
    "sample_size": 768,
    "scaling_factor": 0.18215,
    "up_block_types": ["UpDecoderBlock2D"] * 4,
}

# scheduler/scheduler_config.json of LCM_Dreamshaper_v7 (the SD keys LCM ignores included).
SCHEDULER_CONFIG = {
    "_class_name": "LCMScheduler",
    "_diffusers_version": "0.22.0.dev0",
    "beta_end": 0.012,
    "beta_schedule": "scaled_linear",
    "beta_start": 0.00085,
    "clip_sample": False,
    "clip_sample_range": 1.0,
    "dynamic_thresholding_ratio": 0.995,
    "num_train_timesteps": 1000,
    "original_inference_steps": 50,
    "prediction_type": "epsilon",
    "rescale_betas_zero_snr": False,
    "sample_max_value": 1.0,
    "set_alpha_to_one": True,
    "steps_offset": 1,
    "thresholding": False,
    "timestep_scaling": 10.0,
    "timestep_spacing": "leading",
    "trained_betas": None,
}

# madebyollin/taesd config.json: diffusers' AutoencoderTiny defaults.
TAESD_CONFIG = {
    "act_fn": "relu",
    "decoder_block_out_channels": [64, 64, 64, 64],
    "encoder_block_out_channels": [64, 64, 64, 64],
    "force_upcast": False,
    "in_channels": 3,
    "latent_channels": 4,
    "latent_magnitude": 3,
    "latent_shift": 0.5,
    "num_decoder_blocks": [3, 3, 3, 1],
    "num_encoder_blocks": [1, 3, 3, 3],
    "out_channels": 3,
    "scaling_factor": 1.0,
    "upsampling_scaling_factor": 2,
}


def log(*args):
    print(time.strftime("%H:%M:%S"), *args, flush=True)


def params(module):
    return sum(p.numel() for p in module.parameters())


def dir_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def build_diffusers(out: Path, info: dict):
    import torch
    from diffusers import AutoencoderKL, AutoencoderTiny, LatentConsistencyModelPipeline, LCMScheduler
    from diffusers import UNet2DConditionModel
    from transformers import CLIPTextConfig, CLIPTextModel, CLIPTokenizer

    torch.manual_seed(0)
    unet = UNet2DConditionModel(**UNET_CONFIG).eval()
    torch.manual_seed(1)
    vae = AutoencoderKL(**VAE_CONFIG).eval()
    torch.manual_seed(2)
    text_encoder = CLIPTextModel(CLIPTextConfig(**TEXT_ENCODER_CONFIG)).eval()
    torch.manual_seed(3)
    taesd = AutoencoderTiny(**TAESD_CONFIG).eval()
    scheduler = LCMScheduler.from_config(SCHEDULER_CONFIG)
    tokenizer = CLIPTokenizer.from_pretrained(str(CLIP_TOKENIZER))
    info["parameters"] = {"unet": params(unet), "text_encoder": params(text_encoder), "vae": params(vae),
                          "vae_decoder": params(vae.decoder) + params(vae.post_quant_conv),
                          "taesd": params(taesd), "taesd_decoder": params(taesd.decoder)}
    log("parameters:", info["parameters"])
    pipe = LatentConsistencyModelPipeline(vae=vae, text_encoder=text_encoder, tokenizer=tokenizer, unet=unet,
                                          scheduler=scheduler, safety_checker=None, feature_extractor=None,
                                          requires_safety_checker=False)
    pipe.save_pretrained(str(out / "diffusers"), safe_serialization=True)
    # save_pretrained writes the scheduler config diffusers knows; keep the real file's extra SD keys.
    (out / "diffusers/scheduler/scheduler_config.json").write_text(json.dumps(SCHEDULER_CONFIG, indent=2) + "\n")
    taesd.save_pretrained(str(out / "taesd-diffusers"), safe_serialization=True)
    log("saved diffusers pipeline and TAESD")


def export_onnx(out: Path):
    """Exactly what `optimum-cli export onnx --model DIR --task latent-consistency OUT` does (without the
    validation pass, which would run the full UNet in torch and ONNX Runtime once more)."""
    from optimum.exporters.onnx import main_export

    dst = out / "onnx"
    if dst.exists():
        shutil.rmtree(dst)
    main_export(str(out / "diffusers"), output=str(dst), task="latent-consistency", framework="pt",
                do_validation=False)
    shutil.copy(out / "diffusers/scheduler/scheduler_config.json", dst / "scheduler/scheduler_config.json")
    log("exported ONNX:", sorted(str(p.relative_to(dst)) for p in dst.rglob("*") if p.is_file()))


def export_taesd_onnx(out: Path):
    """optimum's own exporter and VaeDecoderOnnxConfig (names `latent_sample` in, `sample` out, the same dynamic
    axes and opset as the SD VAE decoder); only the output axes are computed from AutoencoderTiny's config, which
    has no `up_block_types`."""
    import torch
    from diffusers import AutoencoderTiny
    from optimum.exporters.onnx.convert import export
    from optimum.exporters.onnx.model_configs import VaeDecoderOnnxConfig

    class TaesdDecoderOnnxConfig(VaeDecoderOnnxConfig):
        @property
        def outputs(self):
            factor = 2 ** (len(self._config.decoder_block_out_channels) - 1)
            return {"sample": {0: "batch_size", 2: f"latent_height * {factor}", 3: f"latent_width * {factor}"}}

    taesd = AutoencoderTiny.from_pretrained(str(out / "taesd-diffusers")).eval()
    decoder = taesd
    decoder.forward = lambda latent_sample: decoder.decode(x=latent_sample)
    config = TaesdDecoderOnnxConfig(taesd.config, task="semantic-segmentation")
    dst = out / "taesd-onnx" / "vae_decoder"
    if dst.parent.exists():
        shutil.rmtree(dst.parent)
    dst.mkdir(parents=True)
    with torch.no_grad():
        export(model=decoder, config=config, output=dst / "model.onnx", opset=config.DEFAULT_ONNX_OPSET)
    taesd.save_config(str(dst))
    log("exported TAESD decoder to", dst)


def export_openvino(out: Path):
    from optimum.intel import OVLatentConsistencyModelPipeline

    dst = out / "openvino"
    if dst.exists():
        shutil.rmtree(dst)
    # load_in_8bit=False: keep FP32 weights (optimum-intel would compress models over 1B parameters).
    pipe = OVLatentConsistencyModelPipeline.from_pretrained(str(out / "diffusers"), export=True, compile=False,
                                                            load_in_8bit=False)
    pipe.save_pretrained(str(dst))
    shutil.copy(out / "diffusers/scheduler/scheduler_config.json", dst / "scheduler/scheduler_config.json")
    del pipe
    log("exported OpenVINO IR:", sorted(str(p.relative_to(dst)) for p in dst.rglob("*") if p.is_file()))


def export_taesd_openvino(out: Path):
    import openvino as ov
    import torch
    from diffusers import AutoencoderTiny

    taesd = AutoencoderTiny.from_pretrained(str(out / "taesd-diffusers")).eval()

    class Decoder(torch.nn.Module):
        def __init__(self, vae):
            super().__init__()
            self.vae = vae

        def forward(self, latent_sample):
            return self.vae.decode(latent_sample, return_dict=False)[0]

    with torch.no_grad():
        model = ov.convert_model(Decoder(taesd), example_input=torch.zeros(1, 4, 64, 64))
    model.inputs[0].get_tensor().set_names({"latent_sample"})
    model.outputs[0].get_tensor().set_names({"sample"})
    model.reshape({"latent_sample": ov.PartialShape([-1, 4, -1, -1])})
    dst = out / "openvino-taesd" / "vae_decoder"
    if dst.parent.exists():
        shutil.rmtree(dst.parent)
    dst.mkdir(parents=True)
    ov.save_model(model, str(dst / "openvino_model.xml"), compress_to_fp16=False)
    taesd.save_config(str(dst))
    log("exported TAESD decoder to", dst)


def fuse_attention(out: Path):
    """Experiment (README, "Tried and not made default"): ONNX Runtime's transformer optimizer on the UNet, with
    only the fusions ONNX Runtime's CPU provider runs (Attention, MultiHeadAttention, LayerNormalization, Gelu).
    Writes onnx-fused-attention/, the onnx/ folder with that UNet (the other parts are symbolic links)."""
    from onnxruntime.transformers.fusion_options import FusionOptions
    from onnxruntime.transformers.optimizer import optimize_model

    options = FusionOptions("unet")
    for name in ("enable_group_norm", "enable_nhwc_conv", "enable_bias_splitgelu", "enable_bias_add",
                 "enable_skip_group_norm", "enable_packed_qkv", "enable_packed_kv", "enable_qordered_matmul",
                 "enable_bias_skip_layer_norm", "enable_skip_layer_norm", "enable_gelu_approximation"):
        if hasattr(options, name):
            setattr(options, name, False)  # CUDA-only contrib ops, or numerics changes
    dst = out / "onnx-fused-attention"
    if dst.exists():
        shutil.rmtree(dst)
    (dst / "unet").mkdir(parents=True)
    for part in ("model_index.json", "scheduler", "tokenizer", "text_encoder", "vae_decoder", "vae_encoder"):
        (dst / part).symlink_to(out / "onnx" / part)
    shutil.copy(out / "onnx/unet/config.json", dst / "unet/config.json")
    model = optimize_model(str(out / "onnx/unet/model.onnx"), model_type="unet", num_heads=0, hidden_size=0,
                           opt_level=0, optimization_options=options, use_gpu=False)
    log("fused:", model.get_fused_operator_statistics())
    model.save_model_to_file(str(dst / "unet/model.onnx"), use_external_data_format=True,
                             all_tensors_to_one_file=True)
    (dst / "unet/model.onnx_data").symlink_to("model.onnx.data")


def versions():
    from importlib.metadata import version
    names = ["torch", "diffusers", "transformers", "optimum", "optimum-onnx", "optimum-intel", "onnx",
             "onnxruntime", "openvino", "nncf", "numpy"]
    return {n: version(n) for n in names}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=os.environ.get("BENCH_MODELS", "/work/bench-models"))
    ap.add_argument("--only", default="diffusers,onnx,openvino",
                    help="comma-separated steps: diffusers (build), onnx, openvino; fused (an experiment, needs onnx)")
    args = ap.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    steps = set(args.only.split(","))
    info_file = out / "build.json"
    info = json.loads(info_file.read_text()) if info_file.exists() else {}
    info["versions"] = versions()
    t0 = time.time()
    if "diffusers" in steps:
        build_diffusers(out, info)
    if "onnx" in steps:
        export_onnx(out)
        export_taesd_onnx(out)
    if "openvino" in steps:
        export_openvino(out)
        export_taesd_openvino(out)
    if "fused" in steps:
        fuse_attention(out)
    info["sizes_bytes"] = {p.name: dir_size(p) for p in sorted(out.iterdir()) if p.is_dir()}
    info["onnx_files_bytes"] = {str(p.relative_to(out)): p.stat().st_size
                               for p in sorted(out.glob("onnx/*/model.onnx*"))}
    info_file.write_text(json.dumps(info, indent=2) + "\n")
    log(f"done in {time.time() - t0:.0f} s; sizes:", info["sizes_bytes"])


if __name__ == "__main__":
    sys.exit(main())
