"""The harness of `failure-lab grade`: runs one detector file over metric frames.

    python3 grade_harness.py DETECTORS.py [FRAMES] [--timeout SECONDS]

FRAMES (a file, or standard input when absent or "-") is either
- one run: a JSON array of frames, [{"step": 0, "metrics": {"loss": 0.7}}, ...];
  the answer is one line, {"detectors": [ids], "findings": [finding, ...]};
- several runs, one JSON object per line, {"run": 3, "frames": [...]}: the
  detectors are made afresh for each run; the answer is a line
  {"detectors": [ids]}, then a line {"run": 3, "findings": [...]} per run, then
  {"done": true}.
A finding is {"detector", "step", "severity", "message", "recommendation"}.
Non-finite values are read as Python's json reads them (NaN, Infinity).

When the file or a detector fails, the last line is {"error": {...}} with
kind ("syntax", "load", "exception", "bad_value", "timeout", "input"),
message, line (in the detector file), detector, step, run and traceback
(the detector file's frames only), and the exit code is 1.

Python standard library only; failure_lab.py must sit beside this file.
What a detector prints goes to standard error, never into the answer.
"""

import json
import os
import signal
import sys
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import failure_lab  # noqa: E402


class TimeLimit(BaseException):
    """The time limit was reached (a BaseException: `except Exception` in a
    detector does not swallow it)."""


def _on_alarm(signum, frame):
    raise TimeLimit()


def student_traceback(exc, filename):
    """The traceback's frames in the detector file, formatted, and the last one's line."""
    frames = [
        f
        for f in traceback.extract_tb(exc.__traceback__)
        if f.filename == filename
    ]
    text = "".join(traceback.format_list(frames))
    text += "".join(traceback.format_exception_only(type(exc), exc))
    return text, (frames[-1].lineno if frames else None)


def error(kind, message, **where):
    fields = {"kind": kind, "message": message, "line": None, "detector": None,
              "step": None, "run": None, "traceback": None}
    fields.update(where)
    return {"error": fields}


def read_runs(stream):
    """(single, [(run id, frames)]) from the input, read lazily for several runs."""
    first = ""
    while True:
        ch = stream.read(1)
        if ch == "" or not ch.isspace():
            first = ch
            break
    if first == "[":
        return True, iter([(None, json.loads(first + stream.read()))])

    def lines():
        head = first
        for line in stream:
            line = head + line
            head = ""
            if line.strip():
                obj = json.loads(line)
                yield obj.get("run"), obj["frames"]
        if head.strip():
            obj = json.loads(head)
            yield obj.get("run"), obj["frames"]

    return False, lines()


def grade(path, frames_path, timeout, out):
    with open(path, encoding="utf-8") as f:
        source = f.read()
    filename = path
    state = {"run": None, "phase": "load"}
    detectors = []

    def where():
        cur = failure_lab.current[0]
        return {"detector": cur[0], "step": cur[1]} if cur else {}

    try:
        if timeout:
            signal.signal(signal.SIGALRM, _on_alarm)
            signal.setitimer(signal.ITIMER_REAL, timeout)
        stream = sys.stdin if frames_path in (None, "-") else open(frames_path, encoding="utf-8")
        try:
            detectors = failure_lab.load(source, filename)
        except SyntaxError as e:
            line = e.lineno if e.filename == filename else None
            return error("syntax", f"{e.msg} (line {line})" if line else str(e), line=line,
                         traceback="".join(traceback.format_exception_only(type(e), e)))
        ids = [ident for ident, _ in detectors]
        state["phase"] = "input"
        single, runs = read_runs(stream)
        if not single:
            out.write(json.dumps({"detectors": ids}) + "\n")
            out.flush()
        first = True
        for run, frames in runs:
            state["run"], state["phase"] = run, "load"
            if not first:
                detectors = failure_lab.load(source, filename)
            first = False
            state["phase"] = "run"
            findings = failure_lab.run(detectors, frames)
            state["phase"] = "input"
            if single:
                out.write(json.dumps({"detectors": ids, "findings": findings}) + "\n")
            else:
                out.write(json.dumps({"run": run, "findings": findings}) + "\n")
        if not single:
            out.write(json.dumps({"done": True}) + "\n")
        return None
    except TimeLimit:
        at = where()
        named = f" in {at['detector']} at step {at['step']}" if at else ""
        return error("timeout", f"time limit of {timeout:g} s reached{named}",
                     run=state["run"], **at)
    except failure_lab.DetectorError as e:
        if state["phase"] != "run":
            return error("load", str(e), run=state["run"])
        at = where()
        line = next((getattr(getattr(d.observe, "__code__", None), "co_firstlineno", None)
                     for ident, d in detectors if at and ident == at["detector"]), None)
        return error("bad_value", str(e) + (f" (observe on line {line})" if line else ""),
                     line=line, run=state["run"], **at)
    except (ValueError, KeyError, TypeError) as e:
        if state["phase"] == "input":
            return error("input", f"bad frames: {type(e).__name__}: {e}", run=state["run"])
        return raised(e, filename, state, where)
    except Exception as e:  # noqa: BLE001: the detector's own error, reported
        return raised(e, filename, state, where)
    finally:
        if timeout:
            signal.setitimer(signal.ITIMER_REAL, 0)


def raised(e, filename, state, where):
    text, line = student_traceback(e, filename)
    at = where() if state["phase"] == "run" else {}
    named = f" in {at['detector']} at step {at['step']}" if at else ""
    kind = "exception" if state["phase"] == "run" else "load"
    return error(kind, f"{type(e).__name__}: {e}{named}" + (f" (line {line})" if line else ""),
                 line=line, run=state["run"], traceback=text, **at)


def main(argv):
    args = [a for a in argv if not a.startswith("--")]
    timeout = 0.0
    if "--timeout" in argv:
        i = argv.index("--timeout")
        timeout = float(argv[i + 1])
        args = [a for a in args if a != argv[i + 1]]
    if not args:
        sys.stderr.write(__doc__)
        return 2
    # Our answers go to the real standard output; anything the detectors
    # print (even with os.write(1, ...)) goes to standard error.
    out = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    result = grade(args[0], args[1] if len(args) > 1 else None, timeout, out)
    if result is not None:
        out.write(json.dumps(result) + "\n")
    out.flush()
    return 1 if result is not None else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
