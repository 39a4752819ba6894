"""failure_lab: the helper module for detectors written in Python.

The contract, in the course's style:

    from failure_lab import Finding

    class LossSpike:
        id = "my_loss_spike"          # optional: the class name otherwise

        def __init__(self):           # called with no arguments
            self.best = None

        def observe(self, step, metrics):
            loss = metrics.get("loss")
            if loss is None:
                return None
            if self.best is not None and loss > 10 * self.best:
                return Finding("critical", f"loss {loss:.3g} is 10x its best",
                               "lower the learning rate")
            self.best = loss if self.best is None else min(self.best, loss)
            return None

`metrics` maps the frame's metric names (loss, grad_norm, val_acc, ...) to
floats; a metric the learner does not report is absent, and a value can be
nan or inf. `observe` returns None, a Finding, or a plain dict with the keys
severity ("info", "warning" or "critical"), message and recommendation.

Every class defined in a file with an `observe` method is a detector. The
same module runs in the page (Pyodide, in a Worker) and under
`failure-lab grade` (the system's python3), so both read a file the same way.
"""

SEVERITIES = ("info", "warning", "critical")


class DetectorError(Exception):
    """A detector file or a detector misbehaved: the message says which and where."""


class Finding:
    """What a detector returns when it fires."""

    __slots__ = ("severity", "message", "recommendation")

    def __init__(self, severity, message, recommendation=""):
        if severity not in SEVERITIES:
            raise ValueError(
                f"severity must be one of {', '.join(SEVERITIES)}, not {severity!r}"
            )
        self.severity = severity
        self.message = str(message)
        self.recommendation = str(recommendation)

    def __repr__(self):
        return f"Finding({self.severity!r}, {self.message!r}, {self.recommendation!r})"


def load(source, filename="detectors.py"):
    """The detectors a file defines, as [(id, instance)], in the file's order.

    Raises SyntaxError for a file that does not parse (with its line), and
    DetectorError when no class has an `observe` method, two share an id, or
    a class cannot be made with no arguments.
    """
    code = compile(source, filename, "exec")
    namespace = {"__name__": "detectors", "__file__": filename}
    exec(code, namespace)
    found = []
    seen = set()
    for name, value in list(namespace.items()):
        if not isinstance(value, type) or value is Finding:
            continue
        if getattr(value, "__module__", None) != "detectors":
            continue
        if not callable(getattr(value, "observe", None)):
            continue
        ident = getattr(value, "id", None) or name
        if not isinstance(ident, str):
            raise DetectorError(f"{name}.id must be a string, not {ident!r}")
        if ident in seen:
            raise DetectorError(f"two detectors are named {ident!r}: give one another id")
        seen.add(ident)
        found.append((ident, value))
    if not found:
        raise DetectorError(
            "no detector found: a detector is a class with an observe(self, step, metrics) method"
        )
    return [(ident, cls()) for ident, cls in found]


def as_finding(ident, step, returned):
    """A detector's return value as a finding dict, or None; DetectorError when it is neither."""
    if returned is None:
        return None
    if isinstance(returned, Finding):
        severity, message, recommendation = (
            returned.severity,
            returned.message,
            returned.recommendation,
        )
    elif isinstance(returned, dict):
        missing = [k for k in ("severity", "message") if k not in returned]
        if missing:
            raise DetectorError(
                f"{ident} at step {step}: the finding has no {' or '.join(missing)}"
            )
        severity = returned["severity"]
        message = str(returned["message"])
        recommendation = str(returned.get("recommendation", ""))
        if severity not in SEVERITIES:
            raise DetectorError(
                f"{ident} at step {step}: severity must be one of {', '.join(SEVERITIES)}, not {severity!r}"
            )
    else:
        raise DetectorError(
            f"{ident} at step {step}: observe returned {type(returned).__name__}; "
            "return None, a Finding or a dict"
        )
    return {
        "detector": ident,
        "step": int(step),
        "severity": severity,
        "message": message,
        "recommendation": recommendation,
    }


def run(detectors, frames):
    """Feeds frames ([{"step": int, "metrics": {name: float}}], in step order)
    to every detector; returns the findings as dicts, in step order.

    An exception inside a detector propagates with its traceback; the caller
    names the detector and the step from `current`.
    """
    findings = []
    for frame in frames:
        step = frame["step"]
        metrics = frame["metrics"]
        for ident, detector in detectors:
            current[0] = (ident, step)
            got = as_finding(ident, step, detector.observe(step, dict(metrics)))
            if got is not None:
                findings.append(got)
    current[0] = None
    return findings


# (detector id, step) being observed now: what a time limit or an exception names.
current = [None]
