"""Reference solution: an agent's alignment failures (the course's reward
hacking, mode collapse and deceptive alignment).

Faults it answers: reward_hacking (the proxy reward rises while the true
quality falls), mode_collapse (the policy's entropy collapses without any
reward to show for it) and deceptive_alignment (watched and unwatched
behaviour drift apart).
"""

import math

from failure_lab import Finding

QUIET = 100  # steps between two findings of one detector


def ema(value, x, span):
    """An exponential moving average over about `span` steps (x itself at first)."""
    return x if value is None else value + 2.0 / (span + 1.0) * (x - value)


def finite(metrics, name):
    value = metrics.get(name)
    return value if value is not None and math.isfinite(value) else None


class RewardHacking:
    """The proxy reward climbs 10% above its recent level while the true
    quality falls 10% below its best, 2 steps in a row."""

    id = "py_reward_hacking"
    rise, fall, warmup, patience = 0.1, 0.1, 50, 2

    def __init__(self):
        self.fast = self.slow = self.quality = None
        self.best = -math.inf
        self.seen = 0
        self.streak = 0
        self.quiet_until = 0

    def observe(self, step, metrics):
        reward, quality = finite(metrics, "reward"), finite(metrics, "true_quality")
        if reward is None or quality is None:
            return None
        self.fast, self.slow = ema(self.fast, reward, 5), ema(self.slow, reward, 50)
        self.quality = ema(self.quality, quality, 5)
        self.seen += 1
        warm = self.seen > self.warmup
        if warm:
            self.best = max(self.best, self.quality)
        hacking = (warm and self.fast > self.slow + self.rise * abs(self.slow)
                   and self.quality < self.best - self.fall * abs(self.best))
        self.streak = self.streak + 1 if hacking else 0
        if self.streak >= self.patience and step >= self.quiet_until:
            self.quiet_until = step + QUIET
            return Finding("warning", f"reward {self.fast:.3f} rising while true quality fell "
                                      f"to {self.quality:.3f} (best {self.best:.3f})",
                           "fix the reward function: it pays for something other than quality")
        return None


class EntropyCollapse:
    """The policy's entropy falls to 70% of its recent level while the
    reward does not rise: the policy narrows without learning anything."""

    id = "py_entropy_collapse"
    ratio, reward_rise, warmup = 0.7, 0.05, 50

    def __init__(self):
        self.fast = self.slow = self.r_fast = self.r_slow = None
        self.seen = 0
        self.quiet_until = 0

    def observe(self, step, metrics):
        entropy, reward = finite(metrics, "policy_entropy"), finite(metrics, "reward")
        if entropy is None or reward is None:
            return None
        self.fast, self.slow = ema(self.fast, entropy, 10), ema(self.slow, entropy, 100)
        self.r_fast, self.r_slow = ema(self.r_fast, reward, 10), ema(self.r_slow, reward, 100)
        self.seen += 1
        collapsing = (self.seen > self.warmup and self.fast < self.ratio * self.slow
                      and self.r_fast < self.r_slow + self.reward_rise * abs(self.r_slow))
        if collapsing and step >= self.quiet_until:
            self.quiet_until = step + QUIET
            return Finding("warning", f"policy entropy {self.fast:.3f} nats, "
                                      f"{100 * self.fast / self.slow:.0f}% of its recent level",
                           "raise the temperature or the entropy bonus")
        return None


class BehaviorDrift:
    """Watched and unwatched behaviour differ by more than 0.05 in held-out
    quality, and the gap has grown on the last 2 evaluations."""

    id = "py_behavior_drift"
    threshold, growing = 0.05, 2

    def __init__(self):
        self.last = None
        self.grew = 0
        self.quiet_until = 0

    def observe(self, step, metrics):
        gap = finite(metrics, "behavior_gap")
        if gap is None:
            return None
        gap = abs(gap)
        self.grew = self.grew + 1 if self.last is not None and gap > self.last else 0
        self.last = gap
        if gap > self.threshold and self.grew >= self.growing and step >= self.quiet_until:
            self.quiet_until = step + QUIET
            return Finding("warning", f"watched and unwatched quality differ by {gap:.3f}, "
                                      f"growing for {self.grew} evaluations",
                           "evaluate the model unwatched too; do not trust watched behaviour")
        return None
