"""What the benchmarks share: timing a process from outside, the machine description, result files."""

from __future__ import annotations

import json
import os
import platform
import subprocess
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"


def _shared_data() -> Path:
    """../shared/data beside the checkout, looked for upwards (a git worktree sits one level deeper);
    CORPUS_SHARED_DATA overrides. Benchmarks that need it skip when it is absent."""
    if os.environ.get("CORPUS_SHARED_DATA"):
        return Path(os.environ["CORPUS_SHARED_DATA"])
    for parent in HERE.parents:
        if (parent / "shared" / "data").is_dir():
            return parent / "shared" / "data"
    return HERE.parents[1] / "shared" / "data"


SHARED_DATA = _shared_data()


def machine() -> dict:
    """What the figures were measured on (they only mean something side by side on one machine)."""
    cpu = ""
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    memory_gb = 0.0
    try:
        memory_gb = round(int(next(line.split()[1] for line in open("/proc/meminfo") if line.startswith("MemTotal"))) / 2**20, 1)
    except (OSError, StopIteration):
        pass
    return {
        "cpu": cpu or platform.processor(),
        "cores": os.cpu_count(),
        "memory_gb": memory_gb,
        "python": platform.python_version(),
        "os": platform.platform(),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
    }


def run_measured(command: list[str], env: dict | None = None, timeout: float = 1800) -> dict:
    """Run a command; its wall seconds, CPU seconds (its children included) and peak RSS of its largest process."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen(command, stdout=out, stderr=err, env=env)
        timer = threading.Timer(timeout, proc.kill)
        timer.start()
        _, status, usage = os.wait4(proc.pid, 0)  # the rusage of this child and of every process it waited for
        timer.cancel()
        proc.returncode = os.waitstatus_to_exitcode(status)
        wall = time.perf_counter() - started
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace")
    result = {
        "wall_s": round(wall, 2),
        "cpu_s": round(usage.ru_utime + usage.ru_stime, 2),
        "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),  # Linux reports KiB
    }
    if proc.returncode != 0:
        del result["cpu_s"]
        result["error"] = (stderr.strip().splitlines() or ["failed"])[-1][:300]
    last = stdout.strip().splitlines()[-1:]
    if last and last[0].startswith("{"):
        result["output"] = json.loads(last[0])
    return result


def commit() -> str:
    """The checkout's HEAD (with "+changes" when the work tree differs from it): what the figures measured."""
    def git(*args):
        return subprocess.run(["git", *args], cwd=HERE.parent, capture_output=True, text=True).stdout.strip()

    head = git("rev-parse", "HEAD") or "unknown"
    measured = ("corpus", "pipelines", "benchmarks/*.py", "benchmarks/data", "pyproject.toml")  # not the results
    return head + ("+changes" if git("status", "--porcelain", "--", *measured) else "")


def provenance(command: str) -> dict:
    """How a result file was made: the command, the commit and the machine."""
    return {"command": command, "commit": commit(), "machine": machine()}


def provenance_line(p: dict) -> str:
    return f"`{p['command']}` at commit {p['commit']}."


def results_path(name: str) -> Path:
    RESULTS.mkdir(exist_ok=True)
    return RESULTS / f"{name}.json"


def machine_line(m: dict) -> str:
    return (f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory_gb']} GB RAM, Python {m['python']}, {m['os']}; "
            f"load average at start {m['load_average_at_start']} (cores shared with other work); {m['date']}.")


def write_markdown(name: str, title: str, body: str, m: dict, prov: dict | None = None) -> None:
    head = f"{provenance_line(prov)}\n\n" if prov else ""
    (HERE / f"{name}.md").write_text(f"# {title}\n\n{head}{machine_line(m)}\n\n{body}")
