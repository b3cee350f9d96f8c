#!/usr/bin/env python3
"""Convert Real-ESRGAN's realesr-general-x4v3 (SRVGGNetCompact, BSD-3-Clause) to the ONNX folder Imagine's upscaler
loads (`generate --upscaler DIR`, config.yaml `model.upscaler-folder`).

    /work/venv-ref/bin/python tools/upscaler/convert.py --out ~/.cache/imagine/upscaler
    /work/venv-ref/bin/python tools/upscaler/convert.py --weights realesr-general-x4v3.pth --out DIR

Without --weights it downloads the weights from the Real-ESRGAN project's GitHub release v0.2.5.0. No Hugging Face
repository with an ONNX export of this network could be pinned (repository, revision and SHA-256 from a public
source), so Imagine does not fetch it itself: this script makes the folder, and prints the SHA-256 of the weights it
used and of the ONNX file it wrote, to compare across machines.

The folder: model.onnx (input `input` [1, 3, h, w] RGB in [0, 1], output `output` [1, 3, 4h, 4w]; opset 17, the
TorchScript exporter) and config.json ({"scale": 4, "name": "realesr-general-x4v3", ...}).
"""
import argparse
import hashlib
import json
import sys
import tempfile
import urllib.request
from pathlib import Path

URL = "https://github.com/xinntao/Real-ESRGAN/releases/download/v0.2.5.0/realesr-general-x4v3.pth"
NAME = "realesr-general-x4v3"


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--weights", type=Path, help="a local realesr-general-x4v3.pth instead of the download")
    ap.add_argument("--random-weights", action="store_true",
                    help="seeded random weights of the same architecture, for benchmarks (bench/pipeline)")
    ap.add_argument("--out", type=Path, required=True, help="the folder to write (model.onnx, config.json)")
    args = ap.parse_args()
    import torch
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "reference"))
    from img2img_fixtures import srvgg_class  # the architecture, written once for the fixtures and for this

    with tempfile.TemporaryDirectory() as tmp:
        weights = args.weights
        if args.random_weights:
            torch.manual_seed(0)
            weights = Path(tmp) / "random.pth"
            torch.save({"params": srvgg_class()(num_feat=64, num_conv=32, upscale=4).state_dict()}, str(weights))
        elif weights is None:
            weights = Path(tmp) / f"{NAME}.pth"
            print(f"downloading {URL}", file=sys.stderr)
            urllib.request.urlretrieve(URL, weights)
        state = torch.load(str(weights), map_location="cpu", weights_only=True)
        state = state.get("params_ema", state.get("params", state))
        net = srvgg_class()(num_feat=64, num_conv=32, upscale=4).eval()
        net.load_state_dict(state)
        args.out.mkdir(parents=True, exist_ok=True)
        onnx_path = args.out / "model.onnx"
        with torch.no_grad():
            torch.onnx.export(net, (torch.rand((1, 3, 64, 64)),), str(onnx_path), input_names=["input"],
                              output_names=["output"], opset_version=17, dynamo=False,
                              dynamic_axes={"input": {0: "batch", 2: "height", 3: "width"},
                                            "output": {0: "batch", 2: "height_x4", 3: "width_x4"}})
        config = {"name": NAME, "scale": 4, "architecture": "SRVGGNetCompact", "num_feat": 64, "num_conv": 32,
                  "act_type": "prelu", "license": "BSD-3-Clause (Real-ESRGAN)", "weights": "random (seed 0)" if args.random_weights
                  else URL if args.weights is None else str(args.weights), "weights_sha256": sha256(weights), "onnx_sha256": sha256(onnx_path)}
        (args.out / "config.json").write_text(json.dumps(config, indent=2) + "\n")
    check(net, onnx_path)
    print(f"wrote {args.out}: weights sha256 {config['weights_sha256']}, model.onnx sha256 {config['onnx_sha256']}")


def check(net, onnx_path):
    import numpy as np
    import onnxruntime as ort
    import torch
    x = torch.rand((1, 3, 48, 40), generator=torch.Generator("cpu").manual_seed(0))
    with torch.no_grad():
        ref = net(x).numpy()
    got = ort.InferenceSession(str(onnx_path), providers=["CPUExecutionProvider"]).run(None, {"input": x.numpy()})[0]
    print(f"ONNX Runtime against PyTorch: max |diff| {np.abs(got - ref).max():.2e}", file=sys.stderr)


if __name__ == "__main__":
    main()
