"""Your detectors: one class per idea, in the course's four groups.

Every class below with an observe(self, step, metrics) method is a
detector. Press Run: they watch the live run beside the lab's own, and
their findings appear in the alert list (tagged "yours") and on the charts.
Each one starts out quiet: fill in the TODOs.
"""

from failure_lab import Finding


# 1. Gradients and optimisation --------------------------------------------
class GradientExplosion:
    id = "gradient_explosion"

    def __init__(self):
        self.history = []          # recent gradient norms

    def observe(self, step, metrics):
        norm = metrics.get("grad_norm")
        if norm is None:
            return None
        # TODO: compare `norm` with the recent ones (e.g. 10x their mean)
        # and return Finding("critical", "...", "clip the gradients ...").
        self.history = (self.history + [norm])[-50:]
        return None


# 2. Loss and divergence ----------------------------------------------------
class LossDivergence:
    id = "loss_divergence"

    def __init__(self):
        self.best = None           # the lowest loss so far

    def observe(self, step, metrics):
        loss = metrics.get("loss")
        if loss is None:
            return None
        # TODO: a loss that is nan or inf, or far above its best so far,
        # is diverging: return a Finding with what to do about it.
        if self.best is None or loss < self.best:
            self.best = loss
        return None


# 3. Data quality -------------------------------------------------------------
class DataQuality:
    id = "data_quality"

    def observe(self, step, metrics):
        train, val = metrics.get("loss"), metrics.get("val_loss")
        if train is None or val is None:
            return None
        # TODO: a validation loss far above the training loss (memorised
        # noise), or a class ratio far from balanced (metrics "class_ratio"),
        # points at the data. Return a "warning" Finding.
        return None


# 4. Alignment: the agent (choose Learner: agent) -----------------------------
class RewardHacking:
    id = "reward_hacking"

    def __init__(self):
        self.first = None          # (reward, true_quality) when first seen

    def observe(self, step, metrics):
        reward, quality = metrics.get("reward"), metrics.get("true_quality")
        if reward is None or quality is None:
            return None
        if self.first is None:
            self.first = (reward, quality)
            return None
        # TODO: the proxy reward climbing while the true quality falls is
        # reward hacking. Other signs: "policy_entropy" collapsing (mode
        # collapse), "behavior_gap" growing (deceptive alignment).
        return None
