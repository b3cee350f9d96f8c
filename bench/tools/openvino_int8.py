#!/usr/bin/env python3
"""OpenVINO's int8 LCM pipelines for bench/pipeline, made from the FP32 IR that tools/bench-model wrote
(/work/bench-models/openvino) with optimum-intel and NNCF (the versions pinned in tools/bench-model/requirements.txt):

  openvino-int8w/   8-bit weight compression of every network (INT8_ASYM, per output channel): what
                    `optimum-cli export openvino --weight-format int8` makes, the kind of int8 model FastSD CPU
                    ships. Activations stay in the inference precision (FP32 on a CPU without bf16).
  openvino-int8h/   NNCF's hybrid quantization of the UNet (optimum-intel's quant_method="hybrid"): convolutions
                    with int8 weights and int8 activations calibrated on the pipeline itself, MatMuls with int8
                    weights; the other networks weight-compressed as above. Calibrated on the same 4 prompts as
                    Imagine's int8 UNet, at 512x512 with the pipeline's defaults (4 steps, guidance 8.5): 16 UNet
                    inputs.

Run by hand (never by CI), after tools/bench-model/build.py:
  /work/venv-bench/bin/python bench/tools/openvino_int8.py [--models /work/bench-models] [--only int8w,int8h]
"""
import argparse
import json
import os
import shutil
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

# The same prompts as Imagine's calibration (pipeline/.../UnetCalibration.java).
PROMPTS = [
    "a photograph of an astronaut riding a horse",
    "a lighthouse at dusk, oil painting",
    "portrait of an old fisherman, detailed face, studio lighting",
    "a bowl of fruit on a wooden table, watercolor",
]


def build(models: Path, variant: str):
    from optimum.intel import OVLatentConsistencyModelPipeline, OVWeightQuantizationConfig
    source = models / "openvino"
    target = models / f"openvino-{variant}"
    if target.exists():
        shutil.rmtree(target)
    t0 = time.time()
    if variant == "int8w":
        config = OVWeightQuantizationConfig(bits=8)
    else:
        # Hybrid: the UNet's convolutions get int8 activations (calibrated), its MatMuls int8 weights.
        config = OVWeightQuantizationConfig(bits=8, quant_method="hybrid", dataset=PROMPTS,
                                            num_samples=len(PROMPTS) * 4)
    pipe = OVLatentConsistencyModelPipeline.from_pretrained(str(source), quantization_config=config,
                                                            compile=False, ov_config={"INFERENCE_NUM_THREADS": "2"})
    pipe.save_pretrained(str(target))
    took = time.time() - t0
    size = sum(p.stat().st_size for p in target.rglob("*") if p.is_file())
    info = {"variant": variant, "seconds": round(took, 1), "bytes": size, "config": str(config.to_dict())}
    (target / "imagine-bench.json").write_text(json.dumps(info, indent=1) + "\n")
    print(json.dumps(info))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--models", type=Path, default=Path(os.environ.get("BENCH_MODELS", "/work/bench-models")))
    ap.add_argument("--only", default="int8w,int8h")
    args = ap.parse_args()
    for variant in args.only.split(","):
        build(args.models, variant.strip())


if __name__ == "__main__":
    main()
