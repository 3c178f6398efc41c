"""PyTorch's side of the weights interop tests (run by state-dict.torch.test.ts with Debian's python3-torch).

  interop.py export DIR           writes torchvision/PyTorch state dicts as safetensors files in several
                                   dtypes, with an input batch and PyTorch's logits for it
  interop.py check MODEL WEIGHTS IO OUT [CLASSES]
                                   loads a tapenet checkpoint into the torchvision model (with CLASSES
                                   outputs) with load_state_dict(strict=True), checks every dtype equals
                                   PyTorch's own, and writes PyTorch's logits for IO's input to OUT
  interop.py write MODEL OUT       writes a seeded torchvision model's state dict (save_file, F32)

The `safetensors` Python package is not in Debian 12, so the format (8-byte little-endian header length,
JSON header, data laid out in the reference writer's order: by dtype alignment, then name, header padded
with spaces to a multiple of 8) is written and read here from its published specification.
"""
import json
import struct
import sys

import torch
import torch.nn as nn
import torchvision

DTYPES = {torch.float32: "F32", torch.float64: "F64", torch.float16: "F16", torch.bfloat16: "BF16",
          torch.int64: "I64", torch.int32: "I32"}
FROM_NAME = {v: k for k, v in DTYPES.items()}


def save_file(tensors, path, metadata=None):
    items = sorted(tensors.items(), key=lambda kv: (-kv[1].element_size(), kv[0]))
    header, blobs, offset = {}, [], 0
    if metadata is not None:
        header["__metadata__"] = metadata
    for name, t in items:
        data = t.detach().contiguous().reshape(-1).view(torch.uint8).numpy().tobytes()
        header[name] = {"dtype": DTYPES[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for b in blobs:
            f.write(b)


def load_file(path):
    with open(path, "rb") as f:
        raw = f.read()
    n = struct.unpack("<Q", raw[:8])[0]
    header = json.loads(raw[8:8 + n])
    header.pop("__metadata__", None)
    out = {}
    for name, info in header.items():
        begin, end = info["data_offsets"]
        dtype = FROM_NAME[info["dtype"]]
        chunk = bytearray(raw[8 + n + begin:8 + n + end])
        flat = torch.frombuffer(chunk, dtype=dtype) if chunk else torch.empty(0, dtype=dtype)
        out[name] = flat.reshape(info["shape"])
    return out


class LeNet5(nn.Module):
    """The PyTorch tutorials' LeNet-5 for 28x28 MNIST, named as tapenet's zoo 'lenet5'."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 5, padding=2)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(400, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        x = torch.max_pool2d(torch.relu(self.conv1(x)), 2)
        x = torch.max_pool2d(torch.relu(self.conv2(x)), 2)
        x = torch.flatten(x, 1)
        return self.fc3(torch.relu(self.fc2(torch.relu(self.fc1(x)))))


MODELS = {
    "lenet5": (LeNet5, [1, 28, 28]),
    "resnet18": (torchvision.models.resnet18, [3, 64, 64]),
    "alexnet": (torchvision.models.alexnet, [3, 64, 64]),
}


def build(name, seed, num_classes=None):
    torch.manual_seed(seed)
    model = MODELS[name][0]() if num_classes is None else MODELS[name][0](num_classes=num_classes)
    # Running statistics other than 0 and 1, so that evaluation really uses them.
    for m in model.modules():
        if isinstance(m, nn.BatchNorm2d):
            m.running_mean.uniform_(-0.5, 0.5)
            m.running_var.uniform_(0.5, 2.0)
            m.num_batches_tracked.fill_(1234)
    return model.eval()


def logits(model, state_dict, x):
    model.load_state_dict(state_dict, strict=True)
    with torch.no_grad():
        return model(x)


def export(folder):
    cases = [("lenet5", ["F32"]), ("resnet18", ["F32", "F16", "BF16", "F64"]), ("alexnet", ["F32"])]
    for name, dtypes in cases:
        model = build(name, 0)
        torch.manual_seed(1)
        x = torch.randn([2] + MODELS[name][1])
        state = model.state_dict()
        for dtype_name in dtypes:
            dtype = FROM_NAME[dtype_name]
            stored = {k: v.to(dtype) if v.is_floating_point() else v for k, v in state.items()}
            metadata = {"format": "pt"} if dtype_name == "F32" else None
            save_file(stored, f"{folder}/{name}.{dtype_name}.safetensors", metadata)
            # The reference: the stored values as float32, as tapenet loads them into a float32 model.
            as_loaded = {k: v.float() if v.is_floating_point() else v for k, v in stored.items()}
            y = logits(build(name, 2), as_loaded, x)
            save_file({"input": x, "logits": y}, f"{folder}/{name}.{dtype_name}.io.safetensors")


def check(name, weights, io, out, num_classes=None):
    model = build(name, 3, None if num_classes is None else int(num_classes))
    stored = load_file(weights)
    own = model.state_dict()
    wrong = [f"{k}: {stored[k].dtype} (PyTorch's {own[k].dtype})" for k in own if k in stored and stored[k].dtype != own[k].dtype]
    if wrong:
        raise SystemExit("dtypes differ from PyTorch's: " + "; ".join(wrong))
    y = logits(model, stored, load_file(io)["input"])
    save_file({"logits": y}, out)


if __name__ == "__main__":
    if sys.argv[1] == "export":
        export(sys.argv[2])
    elif sys.argv[1] == "check":
        check(*sys.argv[2:7])
    elif sys.argv[1] == "write":
        save_file(build(sys.argv[2], 0).state_dict(), sys.argv[3], {"format": "pt"})
    else:
        raise SystemExit(__doc__)
