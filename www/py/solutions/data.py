"""Reference solution: data problems (the course's DatasetFailures).

Faults it answers: class_imbalance (the class ratio of the training data),
label_noise (held-out accuracy falls once wrong labels are learned) and
data_contamination (the validation split pulls ahead of the test split:
held-out data is leaking into training).

Validation and test metrics come every few steps, not every step: a
detector returns None on the steps without them.
"""

import math

from failure_lab import Finding

QUIET = 100  # steps between two findings of one detector


def finite(metrics, name):
    value = metrics.get(name)
    return value if value is not None and math.isfinite(value) else None


class ClassImbalance:
    """The course's check_data_imbalance: warning above 10:1, critical above 100:1."""

    id = "py_class_imbalance"
    warn, severe = 10.0, 100.0

    def __init__(self):
        self.reported = None

    def observe(self, step, metrics):
        ratio = finite(metrics, "class_ratio")
        if ratio is None:
            return None
        level = "critical" if ratio > self.severe else "warning" if ratio > self.warn else None
        if level is None:
            self.reported = None
            return None
        if self.reported == level or self.reported == "critical":
            return None
        self.reported = level
        return Finding(level, f"the training data has {ratio:.1f}:1 points of its commonest "
                              "class per point of its rarest",
                       "rebalance the data or weight the loss by inverse class frequency")


class AccuracyDrop:
    """Validation accuracy 0.25 below the run's best (once it reached 0.6)
    for 3 measurements in a row: the network is unlearning, e.g. wrong labels."""

    id = "py_accuracy_drop"
    drop, min_best, patience, warmup = 0.25, 0.6, 3, 5

    def __init__(self):
        self.best = -math.inf
        self.seen = 0
        self.streak = 0
        self.quiet_until = 0

    def observe(self, step, metrics):
        acc = finite(metrics, "val_acc")
        if acc is None:
            return None
        self.best = max(self.best, acc)
        self.seen += 1
        dropped = self.seen > self.warmup and self.best >= self.min_best and self.best - acc > self.drop
        self.streak = self.streak + 1 if dropped else 0
        if self.streak >= self.patience and step >= self.quiet_until:
            self.quiet_until = step + QUIET
            return Finding("warning", f"validation accuracy {acc:.2f}, down from its best {self.best:.2f}",
                           "check the labels of recent data; roll back to the best checkpoint")
        return None


class DataContamination:
    """The gap between the test and validation splits grows far beyond its
    early size: the network is being trained on the validation split."""

    id = "py_data_contamination"
    loss_margin, acc_margin, early, patience = 0.4, 0.03, 5, 2
    smoothing = 0.3

    def __init__(self):
        self.seen = 0
        self.early_loss_gap = self.early_acc_gap = self.early_test_loss = 0.0
        self.loss_gap = self.acc_gap = 0.0
        self.streak = 0
        self.quiet_until = 0

    def observe(self, step, metrics):
        values = [finite(metrics, n) for n in ("test_loss", "test_acc", "val_loss", "val_acc")]
        if None in values:
            return None
        test_loss, test_acc, val_loss, val_acc = values
        loss_gap, acc_gap = test_loss - val_loss, val_acc - test_acc
        self.seen += 1
        if self.seen == 1:
            return None  # the first measurement is before any training
        if self.seen <= 1 + self.early:
            self.early_loss_gap += loss_gap / self.early
            self.early_acc_gap += acc_gap / self.early
            self.early_test_loss += test_loss / self.early
            self.loss_gap, self.acc_gap = self.early_loss_gap, self.early_acc_gap
            return None
        self.loss_gap += self.smoothing * (loss_gap - self.loss_gap)
        self.acc_gap += self.smoothing * (acc_gap - self.acc_gap)
        leaked = (self.loss_gap - max(self.early_loss_gap, 0.0) > self.loss_margin * self.early_test_loss
                  and self.acc_gap - max(self.early_acc_gap, 0.0) > self.acc_margin)
        self.streak = self.streak + 1 if leaked else 0
        if self.streak >= self.patience and step >= self.quiet_until:
            self.quiet_until = step + QUIET
            return Finding("warning",
                           f"validation looks better and better than test: loss gap {self.loss_gap:.3f}, "
                           f"accuracy gap {self.acc_gap:.3f}",
                           "look for held-out points in the training data; rebuild the splits")
        return None
