"""Reference solution: emergence (the course's capability overhang, and an
early warning of a capability about to show).

Fault it answers: grokking (a network trained on (a + b) mod 23 with weight
decay fits its training pairs at once and answers held-out pairs at chance
for hundreds of steps, then generalises: held-out accuracy jumps past 0.7).
Both detectors must fire before that jump to count; the grade is their lead.

The metrics they read: val_loss and val_acc (the held-out split, every 10
steps on this setup) and probe_diff (a capability the network was never
trained for: a linear probe reading (a - b) mod 23 from its hidden layer,
scored on held-out pairs, every 50 steps).
"""

import math

from failure_lab import Finding


def finite(metrics, name):
    value = metrics.get(name)
    return value if value is not None and math.isfinite(value) else None


class CapabilityOverhang:
    """The course's CapabilityOverhangDetector: a capability that is not a
    training objective (probe_diff) scores above 0.7, twice in a row."""

    id = "py_capability_overhang"
    threshold, patience = 0.7, 2

    def __init__(self):
        self.streak = 0
        self.fired = False

    def observe(self, step, metrics):
        score = finite(metrics, "probe_diff")
        if score is None or self.fired:
            return None
        self.streak = self.streak + 1 if score > self.threshold else 0
        if self.streak >= self.patience:
            self.fired = True
            return Finding("warning", f"an untrained capability (a - b) scores {score:.2f} "
                                      f"on held-out pairs, above {self.threshold}",
                           "evaluate it, and expect the trained task to generalise soon")
        return None


class HeldOutTurn:
    """The held-out loss rose well above its start (memorising), then fell
    a fifth below its peak while held-out accuracy is still under one half:
    a general solution is forming before any accuracy shows it."""

    id = "py_held_out_turn"
    rise, fall, max_acc, patience = 1.25, 0.2, 0.5, 2

    def __init__(self):
        self.first = None
        self.peak = -math.inf
        self.streak = 0
        self.fired = False

    def observe(self, step, metrics):
        loss, acc = finite(metrics, "val_loss"), finite(metrics, "val_acc")
        if loss is None or acc is None or self.fired:
            return None
        if self.first is None:
            self.first = loss
        self.peak = max(self.peak, loss)
        rose = self.first > 0 and self.peak >= self.rise * self.first
        turned = rose and loss <= (1 - self.fall) * self.peak and acc < self.max_acc
        self.streak = self.streak + 1 if turned else 0
        if self.streak >= self.patience:
            self.fired = True
            return Finding("warning", f"held-out loss {loss:.3f} is {100 * (1 - loss / self.peak):.0f}% "
                                      f"below its peak {self.peak:.3f} while held-out accuracy is {acc:.2f}",
                           "a held-out capability is forming: keep these checkpoints and evaluate them")
        return None
