#!/usr/bin/env python3
"""Builds pipeline/src/test/resources/model/scattered-external-data/: a tiny ONNX model whose weights live in
external data files with names other than model.onnx_data, as exports with one file per tensor (or hand-edited
ones) have. The model store's pull must find them by reading the model's external_data locations.

    /work/venv-ref/bin/python tools/reference/make_external_data_fixture.py

Deterministic: two runs write byte-identical files. Needs only onnx and numpy (pins in requirements.txt); ONNX
Runtime checks that the result loads and computes Y = X + alpha + beta + gamma.
"""
import shutil
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper
from onnx.external_data_helper import set_external_data, write_external_data_tensors

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "pipeline/src/test/resources/model/scattered-external-data"


def main():
    if OUT.exists():
        shutil.rmtree(OUT)
    OUT.mkdir(parents=True)
    alpha = numpy_helper.from_array(np.arange(4, dtype=np.float32), "alpha")
    beta = numpy_helper.from_array(np.full(4, 10, dtype=np.float32), "beta")
    gamma = numpy_helper.from_array(np.full(4, 100, dtype=np.float32), "gamma")  # stays inside model.onnx
    set_external_data(alpha, location="weights/alpha.bin")
    set_external_data(beta, location="beta.data")
    graph = helper.make_graph(
        [helper.make_node("Add", ["X", "alpha"], ["a"]),
         helper.make_node("Add", ["a", "beta"], ["b"]),
         helper.make_node("Add", ["b", "gamma"], ["Y"])],
        "scattered",
        [helper.make_tensor_value_info("X", TensorProto.FLOAT, [4])],
        [helper.make_tensor_value_info("Y", TensorProto.FLOAT, [4])],
        initializer=[alpha, beta, gamma])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 18)], producer_name="imagine-fixture")
    model.ir_version = 8
    (OUT / "weights").mkdir()
    model = write_external_data_tensors(model, str(OUT))
    onnx.save_model(model, str(OUT / "model.onnx"))
    onnx.checker.check_model(str(OUT / "model.onnx"))

    import onnxruntime as ort
    session = ort.InferenceSession(str(OUT / "model.onnx"), providers=["CPUExecutionProvider"])
    y = session.run(None, {"X": np.ones(4, dtype=np.float32)})[0]
    assert y.tolist() == [111.0, 112.0, 113.0, 114.0], y
    for f in sorted(OUT.rglob("*")):
        if f.is_file():
            print(f.relative_to(ROOT), f.stat().st_size)


if __name__ == "__main__":
    main()
