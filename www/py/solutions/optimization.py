"""Reference solution: optimisation failures (the course's OptimizationFailures).

Faults it answers: lr_spike, init_too_large, corrupt_batch (non-finite values),
lr_collapse (the weights stop moving), vanishing and plateau (gradients die
on their way down), oscillation (erratic gradients).

Each detector watches the run against its own recent level, not against a
fixed number, so it works for any model's scale; each fires at most once per
100 steps while its condition lasts.
"""

import math

from failure_lab import Finding

QUIET = 100  # steps between two findings of one detector


class NonFiniteValues:
    """Any metric NaN or infinite: the run is already lost."""

    id = "py_non_finite"

    def __init__(self):
        self.quiet_until = 0

    def observe(self, step, metrics):
        bad = [name for name, value in metrics.items() if not math.isfinite(value)]
        if bad and step >= self.quiet_until:
            self.quiet_until = step + QUIET
            return Finding("critical", f"non-finite {', '.join(bad)} at step {step}",
                           "restart from the last good checkpoint with a lower learning "
                           "rate and gradient clipping; check the batch for NaN/Inf")
        return None


class GradientExplosion:
    """The gradient norm jumps far above its own recent level (a geometric
    mean over about 20 steps that an outlier cannot drag along)."""

    id = "py_gradient_explosion"
    warmup, factor, single_step = 100, 20.0, 100.0

    def __init__(self):
        self.log_level = None
        self.seen = 0
        self.streak = 0
        self.quiet_until = 0

    def observe(self, step, metrics):
        norm = metrics.get("grad_norm")
        if norm is None or not math.isfinite(norm) or norm <= 0:
            return None
        x = math.log(norm)
        if self.log_level is None:
            self.log_level = x
        jump = math.exp(x - self.log_level)
        warm = self.seen >= self.warmup
        # Move the level by at most a factor 2 per step once settled.
        move = 0.1 * (x - self.log_level)
        if warm:
            move = max(-math.log(2), min(math.log(2), move))
        self.log_level += move
        self.seen += 1
        self.streak = self.streak + 1 if warm and jump > self.factor else 0
        if (self.streak >= 2 or (warm and jump > self.single_step)) and step >= self.quiet_until:
            self.quiet_until = step + QUIET
            return Finding("warning", f"gradient norm {norm:.3g} is {jump:.0f}x its recent level",
                           "lower the learning rate and clip gradients")
        return None


class UpdateStall:
    """The update-to-weight ratio (about 1e-3 when healthy) falls 100x below
    its own usual level in this run: the weights have stopped moving."""

    id = "py_update_stall"
    drop, warmup = 100.0, 100

    def __init__(self):
        self.fast = None   # log ratio, EMA over about 20 steps
        self.slow = None   # log ratio, EMA over about 200 steps, learns only ordinary values
        self.seen = 0
        self.quiet_until = 0

    def observe(self, step, metrics):
        ratio = metrics.get("update_ratio")
        if ratio is None or not math.isfinite(ratio) or ratio <= 0:
            return None
        x = math.log(ratio)
        if self.fast is None:
            self.fast = self.slow = x
        self.fast += (x - self.fast) * 2 / 21
        self.seen += 1
        stalled = self.seen > self.warmup and self.fast < self.slow - math.log(self.drop)
        if not stalled:
            self.slow += (x - self.slow) * 0.01
        if stalled and step >= self.quiet_until:
            self.quiet_until = step + QUIET
            return Finding("warning",
                           f"update ratio {math.exp(self.fast):.1e}, "
                           f"{math.exp(self.slow - self.fast):.0f}x below its usual level",
                           "check the learning rate schedule: it may have collapsed")
        if self.seen > 20 and math.exp(self.fast) > 0.05 and step >= self.quiet_until:
            self.quiet_until = step + QUIET
            return Finding("warning", f"update ratio {math.exp(self.fast):.1e}: far above 1e-3",
                           "lower the learning rate")
        return None


class DepthGradientRatio:
    """The first layer's gradient against the last layer's (geometric mean
    over about 20 steps) beyond a factor 100 either way."""

    id = "py_depth_gradient_ratio"
    factor, warmup = 100.0, 20

    def __init__(self):
        self.log_ratio = None
        self.seen = 0
        self.quiet_until = 0

    def observe(self, step, metrics):
        first, last = metrics.get("grad_norm_first"), metrics.get("grad_norm_last")
        if first is None or last is None or not (math.isfinite(first) and math.isfinite(last)):
            return None
        if first <= 0 and last <= 0:
            return None
        x = math.log(min(1e12, max(1e-12, first / last if last > 0 else 1e12)))
        self.log_ratio = x if self.log_ratio is None else self.log_ratio + (x - self.log_ratio) * 2 / 21
        self.seen += 1
        if self.seen > self.warmup and abs(self.log_ratio) > math.log(self.factor) \
                and step >= self.quiet_until:
            self.quiet_until = step + QUIET
            way = "vanishing" if self.log_ratio < 0 else "exploding"
            return Finding("warning",
                           f"{way} through depth: first/last layer gradient {math.exp(self.log_ratio):.1e}",
                           "use He/Xavier initialisation, avoid sigmoid in hidden layers, "
                           "add normalisation or fewer layers")
        return None


class GradientVariance:
    """The gradient norm's coefficient of variation over 50 steps rises far
    above its own slow level (the course's TrainingEarlyWarning sign)."""

    id = "py_gradient_variance"
    window, ratio, min_cv, warmup = 50, 3.0, 0.5, 200

    def __init__(self):
        self.values = []
        self.total = self.squares = 0.0
        self.level = None
        self.seen = 0
        self.quiet_until = 0

    def observe(self, step, metrics):
        norm = metrics.get("grad_norm")
        if norm is None or not math.isfinite(norm):
            return None
        self.values.append(norm)
        self.total += norm
        self.squares += norm * norm
        if len(self.values) > self.window:
            old = self.values.pop(0)
            self.total -= old
            self.squares -= old * old
        self.seen += 1
        n = len(self.values)
        mean = self.total / n
        if n < self.window or mean <= 0:
            return None
        cv = math.sqrt(max(0.0, self.squares / n - mean * mean)) / mean
        if self.level is None:
            self.level = cv
        high = self.seen >= self.warmup and cv > self.min_cv and cv > self.ratio * self.level
        if not high:
            self.level += (cv - self.level) * 0.002
        if high and step >= self.quiet_until:
            self.quiet_until = step + QUIET
            return Finding("warning", f"gradient norm CV {cv:.2f}, {cv / self.level:.1f}x its usual level",
                           "reduce the learning rate or increase the batch size")
        return None
