"""--resume on the real samples: `python -m benchmarks.resume --real` under its own name, so that
`python -m benchmarks` runs it (one all-data build at a time, about 3 of them per run)."""

import sys

from benchmarks import resume

if __name__ == "__main__":
    resume.main(["--real", *sys.argv[1:]])
