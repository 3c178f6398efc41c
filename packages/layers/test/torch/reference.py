"""PyTorch's side of ops.torch.test.ts: reads cases as JSON on stdin, writes results as JSON on stdout.

Each case: {"name", "expr" (a Python expression over x0, x1, ...; F is torch.nn.functional),
"inputs": [{"values", "shape", "dtype": "float64" | "int64"}], "cot": cotangent values}. Every float64
input requires grad; the result is y = expr and the gradients of sum(y * cot) with respect to each float
input (None for integer inputs), all in float64 as PyTorch 1.13 computes them.
"""
import json
import sys

import torch
import torch.nn.functional as F  # noqa: N812 (the expressions say F, as PyTorch code does)


def build(spec):
    dtype = torch.float64 if spec["dtype"] == "float64" else torch.int64
    t = torch.tensor(spec["values"], dtype=dtype).reshape(spec["shape"])
    if dtype == torch.float64:
        t.requires_grad_(True)
    return t


def run(case):
    xs = [build(s) for s in case["inputs"]]
    env = {"torch": torch, "F": F}
    env.update({f"x{i}": x for i, x in enumerate(xs)})
    y = eval(case["expr"], env)  # noqa: S307 (the test's own expressions)
    cot = torch.tensor(case["cot"], dtype=torch.float64).reshape(y.shape)
    floats = [x for x in xs if x.dtype == torch.float64]
    grads = torch.autograd.grad((y * cot).sum(), floats, allow_unused=True) if floats else []
    it = iter(grads)
    out = []
    for x in xs:
        g = next(it) if x.dtype == torch.float64 else None
        out.append(None if g is None else g.detach().reshape(-1).tolist())
    return {"name": case["name"], "y": y.detach().reshape(-1).tolist(), "shape": list(y.shape), "grads": out}


def main():
    torch.set_default_dtype(torch.float64)
    cases = json.load(sys.stdin)
    json.dump([run(c) for c in cases], sys.stdout)


if __name__ == "__main__":
    main()
