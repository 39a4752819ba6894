#!/usr/bin/env python3
"""Makes failure-lab's second corpus: real training logs of plain-numpy models
on scikit-learn's bundled datasets, independent of the lab's own trainer, with
failures injected at known steps and the ground truth in manifest.json.

    python3 -m venv /tmp/corpus-venv
    /tmp/corpus-venv/bin/pip install numpy scikit-learn
    /tmp/corpus-venv/bin/python corpus/make_corpus.py corpus

Deterministic from the seeds below (numpy's PCG64). See corpus/README.md.
"""
import json
import math
import os
import shutil
import sys

import numpy as np
from sklearn.datasets import load_breast_cancer, load_digits, load_iris, load_wine

STEPS = 400
VAL_EVERY = 10
BATCH = 32
DATASETS = {
    "digits": load_digits,
    "wine": load_wine,
    "breast_cancer": load_breast_cancer,
    "iris": load_iris,
}
# The failure classes (named as the lab's faults) and the clean runs.
CLASSES = ["lr_spike", "lr_collapse", "init_too_large", "label_noise", "clean"]
PER_PART = {"lr_spike": 10, "lr_collapse": 10, "init_too_large": 10, "label_noise": 10, "clean": 20}
# The part of a log is fixed by its seed: tuning seeds 1000.., held-out seeds 2000..
PARTS = {"tuning": 1000, "held_out": 2000}
FORMATS = ["csv", "jsonl", "tensorboard"]


def load(name, rng):
    d = DATASETS[name]()
    x = d.data.astype(np.float64)
    x = (x - x.mean(0)) / (x.std(0) + 1e-8)
    y = d.target.astype(np.int64)
    order = rng.permutation(len(y))
    x, y = x[order], y[order]
    n_val = len(y) // 4
    return x[n_val:], y[n_val:], x[:n_val], y[:n_val], int(y.max() + 1)


class Model:
    """An MLP (one or two hidden layers, tanh or relu) or a softmax regression."""

    def __init__(self, rng, n_in, n_out, hidden, act, init_scale=1.0):
        sizes = [n_in] + hidden + [n_out]
        self.act = act
        self.params = []
        for a, b in zip(sizes[:-1], sizes[1:]):
            w = rng.normal(0.0, init_scale * math.sqrt(2.0 / (a + b)), (a, b))
            self.params += [w, np.zeros(b)]

    def loss_grads(self, x, y):
        hs = [x]
        h = x
        n_layers = len(self.params) // 2
        for i in range(n_layers):
            z = h @ self.params[2 * i] + self.params[2 * i + 1]
            if i < n_layers - 1:
                h = np.tanh(z) if self.act == "tanh" else np.maximum(z, 0.0)
                hs.append(h)
            else:
                logits = z
        # Naive softmax, as many hand-written loops have it (no max subtracted):
    # it overflows on huge logits, as a bad initialisation makes them.
        with np.errstate(all="ignore"):
            e = np.exp(logits)
            p = e / e.sum(1, keepdims=True)
            loss = float(-np.mean(np.log(p[np.arange(len(y)), y] + 1e-300)))
            acc = float(np.mean(p.argmax(1) == y))
            d = p.copy()
            d[np.arange(len(y)), y] -= 1.0
            d /= len(y)
            grads = [None] * len(self.params)
            for i in reversed(range(n_layers)):
                grads[2 * i] = hs[i].T @ d
                grads[2 * i + 1] = d.sum(0)
                if i > 0:
                    d = d @ self.params[2 * i].T
                    d = d * (1 - hs[i] ** 2) if self.act == "tanh" else d * (hs[i] > 0)
        return loss, acc, grads


class Optimizer:
    def __init__(self, kind, params):
        self.kind = kind
        self.m = [np.zeros_like(p) for p in params]
        self.v = [np.zeros_like(p) for p in params]
        self.t = 0

    def step(self, params, grads, lr):
        self.t += 1
        with np.errstate(all="ignore"):
            for i, (p, g) in enumerate(zip(params, grads)):
                if self.kind == "sgd":
                    p -= lr * g
                elif self.kind == "momentum":
                    self.m[i] = 0.9 * self.m[i] + g
                    p -= lr * self.m[i]
                else:  # adam
                    self.m[i] = 0.9 * self.m[i] + 0.1 * g
                    self.v[i] = 0.999 * self.v[i] + 0.001 * g * g
                    mh = self.m[i] / (1 - 0.9**self.t)
                    vh = self.v[i] / (1 - 0.999**self.t)
                    p -= lr * mh / (np.sqrt(vh) + 1e-8)


BASE_LR = {"sgd": 0.1, "momentum": 0.02, "adam": 0.003}


def schedule(kind, base, step):
    if kind == "constant":
        return base
    if kind == "cosine":
        return base * (0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * step / STEPS)))
    if kind == "step":
        return base * (0.5 ** (step // 150))
    # warmup: linear warm-up over 30 steps, then linear decay to 20%
    if step < 30:
        return base * (step + 1) / 30
    return base * (1 - 0.8 * (step - 30) / (STEPS - 30))


def config(rng, cls):
    dataset = str(rng.choice(list(DATASETS)))
    arch = str(rng.choice(["mlp1", "mlp2", "softmax"], p=[0.45, 0.35, 0.2]))
    hidden = {"mlp1": [int(rng.choice([16, 32, 64]))], "mlp2": [32, 16], "softmax": []}[arch]
    c = {
        "dataset": dataset,
        "model": arch,
        "hidden": hidden,
        "activation": str(rng.choice(["tanh", "relu"])) if hidden else "none",
        "optimizer": str(rng.choice(["sgd", "momentum", "adam"])),
        "schedule": str(rng.choice(["constant", "cosine", "step", "warmup"])),
        "format": str(rng.choice(FORMATS)),
    }
    c["lr"] = BASE_LR[c["optimizer"]] * float(rng.uniform(0.5, 1.5))
    if cls == "init_too_large":
        # relu: its activations grow with the weights; tanh saturates.
        c["activation"] = "relu"
        if arch == "softmax":
            c["model"], c["hidden"] = "mlp1", [32]
    return c


def train(seed, cls):
    if cls == "lr_spike":
        # A spike that takes effect (the loss reaches 3x its level before the
        # onset within 20 steps) and leaves at least one frame to warn on
        # (the loss is not NaN on the step right after the spiked update):
        # the first attempt, in the seed's order, that does.
        for attempt in range(400):
            run = train_once(seed, cls, attempt)
            onset, hard, rows = run[2], run[3], run[4]
            before = np.mean([r["loss"] for r in rows[onset - 20:onset]])
            after = [r["loss"] for r in rows[onset:onset + 20]]
            if (hard is None or hard >= onset + 2) and max(after) > 3 * before:
                return run
        raise RuntimeError(f"seed {seed}: no lr spike took effect")
    if cls != "init_too_large":
        return train_once(seed, cls, 0)
    # A bad initialisation that overflows within one or two steps: the first
    # scale (tried in the seed's order) whose run goes non-finite at step 1 or 2.
    for attempt in range(400):
        run = train_once(seed, cls, attempt)
        if run[3] in (1, 2):
            return run
    raise RuntimeError(f"seed {seed}: no init scale overflowed at step 1 or 2")


def train_once(seed, cls, attempt):
    rng = np.random.default_rng([seed, attempt])
    c = config(rng, cls)
    xt, yt, xv, yv, n_classes = load(c["dataset"], rng)
    yt = yt.copy()
    init_scale = 1.0
    onset = None
    fault = {}
    if cls == "lr_spike":
        onset = int(rng.integers(120, 280))
        fault = {"factor": float(rng.choice([30.0, 100.0, 300.0, 1000.0])), "attempt": attempt}
        if c["optimizer"] == "adam":
            fault["factor"] *= 10
    elif cls == "lr_collapse":
        # Learning stops while the loss is far from converged: at the first
        # step where the loss (an EMA over 10 steps) has come down to `at` of
        # its starting value (by step 150 at the latest).
        fault = {"variant": str(rng.choice(["lr_to_zero", "frozen_updates"])),
                 "at": round(float(rng.uniform(0.5, 0.8)), 3)}
    elif cls == "init_too_large":
        onset = 0
        fault = {"init_scale": round(float(np.exp(rng.uniform(np.log(3.0), np.log(60.0)))), 2),
                 "attempt": attempt}
        init_scale = fault["init_scale"]
        c["lr"] = c["lr"] * 5
    elif cls == "label_noise":
        onset = int(rng.integers(150, 300))
        fault = {"fraction": float(rng.uniform(0.4, 0.8))}
    model = Model(rng, xt.shape[1], n_classes, c["hidden"], c["activation"], init_scale)
    if cls == "init_too_large":
        model.params = [p.astype(np.float32) for p in model.params]
    opt = Optimizer(c["optimizer"], model.params)
    rows = []
    hard = None
    order = rng.permutation(len(yt))
    pos = 0
    smooth = start = None
    for step in range(STEPS):
        if cls == "label_noise" and step == onset:
            flip = rng.random(len(yt)) < fault["fraction"]
            yt[flip] = rng.integers(0, n_classes, flip.sum())
        if pos + BATCH > len(order):
            order, pos = rng.permutation(len(yt)), 0
        idx = order[pos:pos + BATCH]
        pos += BATCH
        lr = schedule(c["schedule"], c["lr"], step)
        if cls == "lr_collapse" and onset is None and step >= 10 and (
                smooth <= fault["at"] * start or step == 150):
            onset = step
        if cls == "lr_spike" and step >= onset:
            lr *= fault["factor"]
        if cls == "lr_collapse" and onset is not None and fault["variant"] == "lr_to_zero":
            lr *= 1e-6
        loss, _, grads = model.loss_grads(xt[idx], yt[idx])
        gn = float(math.sqrt(sum(float(np.sum(np.square(g, dtype=np.float64))) for g in grads)))
        row = {"step": step, "loss": loss, "grad_norm": gn, "lr": lr}
        if step % VAL_EVERY == 0 or step == STEPS - 1:
            vl, va, _ = model.loss_grads(xv, yv)
            row["val_loss"], row["val_acc"] = vl, va
        rows.append(row)
        if not (math.isfinite(loss) and math.isfinite(gn)) and hard is None:
            hard = step
        if hard is not None and step >= hard + 5:
            break  # the run crashes a few steps after its loss went NaN
        smooth = loss if step == 0 else smooth + 2 / 11 * (loss - smooth)
        if step == 9:
            start = smooth
        if not (cls == "lr_collapse" and onset is not None and fault["variant"] == "frozen_updates"):
            opt.step(model.params, grads, lr)
    return c, fault, onset, hard, rows


def num(v):
    if isinstance(v, int):
        return str(v)
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    return f"{v:.6g}"


COLS = ["step", "loss", "grad_norm", "lr", "val_loss", "val_acc"]
TB_TAGS = {"loss": "Loss_train", "val_loss": "Loss_val", "val_acc": "Accuracy_val",
           "grad_norm": "grad_norm", "lr": "learning_rate"}


def write(out, name, fmt, rows):
    if fmt == "csv":
        path = f"logs/{name}.csv"
        with open(os.path.join(out, path), "w") as f:
            f.write(",".join(COLS) + "\n")
            for r in rows:
                f.write(",".join(num(r[k]) if k in r else "" for k in COLS) + "\n")
        return [path]
    if fmt == "jsonl":
        path = f"logs/{name}.jsonl"
        with open(os.path.join(out, path), "w") as f:
            for r in rows:
                f.write("{" + ", ".join(f'"{k}": {json_num(r[k])}' for k in COLS if k in r) + "}\n")
        return [path]
    paths = []
    os.makedirs(os.path.join(out, "logs", name), exist_ok=True)
    for key, tag in TB_TAGS.items():
        path = f"logs/{name}/run-{name}-tag-{tag}.csv"
        paths.append(path)
        with open(os.path.join(out, path), "w") as f:
            f.write("Wall time,Step,Value\n")
            t = 1764000000.0
            for r in rows:
                if key in r:
                    f.write(f"{t + 0.05 * r['step']:.3f},{r['step']},{num(r[key])}\n")
    return paths


def json_num(v):
    s = num(v)
    return {"nan": "NaN", "inf": "Infinity", "-inf": "-Infinity"}.get(s, s)


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "corpus"
    shutil.rmtree(os.path.join(out, "logs"), ignore_errors=True)
    os.makedirs(os.path.join(out, "logs"))
    manifest = []
    for part, base in PARTS.items():
        seed = base
        for cls in CLASSES:
            for _ in range(PER_PART[cls]):
                c, fault, onset, hard, rows = train(seed, cls)
                name = f"{part}-{cls}-{seed}"
                files = write(out, name, c["format"], rows)
                manifest.append({
                    "name": name, "part": part, "seed": seed, "class": cls,
                    "onset": onset, "hard_failure": hard, "files": files,
                    "fault": fault, "config": c, "steps": len(rows),
                    "first_loss": rows[0]["loss"], "final_val_acc": rows[-1].get("val_acc"),
                })
                seed += 1
    with open(os.path.join(out, "manifest.json"), "w") as f:
        json.dump({"steps": STEPS, "val_every": VAL_EVERY, "batch": BATCH,
                   "parts": {"tuning": "seeds 1000-1059: thresholds are chosen on these",
                             "held_out": "seeds 2000-2059: reported, never tuned on"},
                   "logs": manifest}, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
