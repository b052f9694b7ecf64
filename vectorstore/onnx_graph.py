"""The all-MiniLM-L6-v2 encoder written as an ONNX graph, node by node, from its BERT weights.

Embeddings, 6 encoder layers, mean pooling and L2 normalisation, with the same arithmetic as
sentence-transformers; only the ``onnx`` package is needed to serialise it (no TorchScript exporter,
no network). ``onnx_minilm`` builds, checks and caches the file.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from because.errors import ModelFileError

BUILDER_VERSION = 1  # bump when the graph changes: cached files of another version are rebuilt
OPSET = 17
IR_VERSION = 8


def build_model(weights: dict[str, np.ndarray], config: dict[str, Any]) -> Any:
    """An onnx.ModelProto: input_ids, attention_mask (int64, [batch, seq]) -> embedding (float32, [batch, dim]).

    Same arithmetic as BertModel + mean pooling + L2 normalisation in sentence-transformers. Token type
    ids are always 0 for one sentence, so token type row 0 is folded into the position table.
    """
    from onnx import TensorProto, helper, numpy_helper

    hidden = int(config["hidden_size"])
    heads = int(config["num_attention_heads"])
    layers = int(config["num_hidden_layers"])
    eps = float(config.get("layer_norm_eps", 1e-12))
    if config.get("hidden_act", "gelu") != "gelu" or config.get("position_embedding_type", "absolute") != "absolute":
        raise ModelFileError(f"unsupported BERT variant for the ONNX path: {config}", "use the torch path.")
    head_dim = hidden // heads
    nodes: list[Any] = []
    inits: list[Any] = []

    def const(name: str, value: Any, dtype: Any = np.float32) -> str:
        inits.append(numpy_helper.from_array(np.ascontiguousarray(np.asarray(value, dtype=dtype)), name))
        return name

    def w(key: str, transpose: bool = False) -> str:
        array = weights[key].astype(np.float32)
        return const(key + (".T" if transpose else ""), array.T if transpose else array)

    def node(op: str, inputs: list[str], name: str, **attrs: Any) -> str:
        nodes.append(helper.make_node(op, inputs, [name], name=name, **attrs))
        return name

    def linear(x: str, prefix: str, out: str) -> str:
        mm = node("MatMul", [x, w(prefix + ".weight", transpose=True)], out + "/mm")
        return node("Add", [mm, w(prefix + ".bias")], out)

    def layer_norm(x: str, prefix: str, out: str) -> str:
        return node("LayerNormalization", [x, w(prefix + ".weight"), w(prefix + ".bias")], out, axis=-1, epsilon=eps)

    # embeddings
    pos_type = weights["embeddings.position_embeddings.weight"] + weights["embeddings.token_type_embeddings.weight"][0]
    const("pos_type", pos_type)
    words = node("Gather", [w("embeddings.word_embeddings.weight"), "input_ids"], "emb/words", axis=0)
    shape = node("Shape", ["input_ids"], "emb/shape")
    seq = node("Slice", [shape, const("i1", [1], np.int64), const("i2", [2], np.int64)], "emb/seq")
    positions = node(
        "Slice", ["pos_type", const("i0", [0], np.int64), seq, const("i0_axis", [0], np.int64)], "emb/positions"
    )
    x = layer_norm(node("Add", [words, positions], "emb/sum"), "embeddings.LayerNorm", "emb/out")

    # additive attention mask [batch, 1, 1, seq]: 0 where attended, -1e9 on padding
    mask_f = node("Cast", ["attention_mask"], "mask/float", to=TensorProto.FLOAT)
    inverted = node("Sub", [const("one", 1.0), mask_f], "mask/inverted")
    additive = node("Mul", [inverted, const("neg_big", -1e9)], "mask/additive")
    additive = node("Unsqueeze", [additive, const("axes12", [1, 2], np.int64)], "mask/4d")

    split_shape = const("split_heads", [0, 0, heads, head_dim], np.int64)
    merge_shape = const("merge_heads", [0, 0, hidden], np.int64)
    scale = const("scale", 1.0 / np.sqrt(head_dim))
    sqrt2 = const("sqrt2", np.sqrt(2.0))
    half = const("half", 0.5)
    for i in range(layers):
        p, n = f"encoder.layer.{i}", f"l{i}"

        def heads_of(kind: str, perm: list[int]) -> str:
            proj = linear(x, f"{p}.attention.self.{kind}", f"{n}/{kind}")  # noqa: B023 - used at once
            split = node("Reshape", [proj, split_shape], f"{n}/{kind}/split")  # noqa: B023
            return node("Transpose", [split], f"{n}/{kind}/heads", perm=perm)  # noqa: B023

        q = heads_of("query", [0, 2, 1, 3])
        k = heads_of("key", [0, 2, 3, 1])
        v = heads_of("value", [0, 2, 1, 3])
        scores = node("Mul", [node("MatMul", [q, k], f"{n}/qk"), scale], f"{n}/scaled")
        probs = node("Softmax", [node("Add", [scores, additive], f"{n}/masked")], f"{n}/probs", axis=-1)
        context = node("Transpose", [node("MatMul", [probs, v], f"{n}/ctx")], f"{n}/ctx/t", perm=[0, 2, 1, 3])
        context = node("Reshape", [context, merge_shape], f"{n}/ctx/merged")
        attn = linear(context, f"{p}.attention.output.dense", f"{n}/attn_out")
        x = layer_norm(node("Add", [attn, x], f"{n}/attn_res"), f"{p}.attention.output.LayerNorm", f"{n}/attn_ln")
        inter = linear(x, f"{p}.intermediate.dense", f"{n}/inter")
        erf = node("Erf", [node("Div", [inter, sqrt2], f"{n}/gelu/div")], f"{n}/gelu/erf")
        gelu = node(
            "Mul",
            [node("Mul", [inter, half], f"{n}/gelu/half"), node("Add", [erf, "one"], f"{n}/gelu/plus1")],
            f"{n}/gelu",
        )
        out = linear(gelu, f"{p}.output.dense", f"{n}/out")
        x = layer_norm(node("Add", [out, x], f"{n}/out_res"), f"{p}.output.LayerNorm", f"{n}/out_ln")

    # mean over attended tokens, then unit length (sentence-transformers Pooling + Normalize)
    mask3 = node("Unsqueeze", [mask_f, const("axis_last", [-1], np.int64)], "pool/mask")
    axis1 = const("axis1", [1], np.int64)
    summed = node("ReduceSum", [node("Mul", [x, mask3], "pool/masked"), axis1], "pool/sum", keepdims=0)
    count = node(
        "Max", [node("ReduceSum", [mask3, axis1], "pool/count", keepdims=0), const("eps9", 1e-9)], "pool/count_min"
    )
    mean = node("Div", [summed, count], "pool/mean")
    norm = node(
        "Sqrt",
        [
            node(
                "ReduceSum",
                [node("Mul", [mean, mean], "norm/sq"), const("axis_m1", [-1], np.int64)],
                "norm/sum",
                keepdims=1,
            )
        ],
        "norm/len",
    )
    nodes.append(
        helper.make_node(
            "Div", [mean, node("Max", [norm, const("eps12", 1e-12)], "norm/len_min")], ["embedding"], name="embedding"
        )
    )

    graph = helper.make_graph(
        nodes,
        "all-MiniLM-L6-v2",
        [
            helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch", "seq"]),
            helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["batch", "seq"]),
        ],
        [helper.make_tensor_value_info("embedding", TensorProto.FLOAT, ["batch", hidden])],
        initializer=inits,
    )
    model = helper.make_model(
        graph,
        opset_imports=[helper.make_opsetid("", OPSET)],
        producer_name="because",
        producer_version=str(BUILDER_VERSION),
    )
    model.ir_version = IR_VERSION
    return model
