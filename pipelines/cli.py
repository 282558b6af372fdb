"""The `corpus` command: build a release from a config, or run the built-in demo.

    corpus build CONFIG.yaml [--set KEY=VALUE]... [--input KIND=GLOB]... [--out DIR] [-- BEAM OPTIONS]
    corpus demo --out DIR [-- BEAM OPTIONS]
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import sys
import tempfile
import time
from importlib import resources
from typing import Any

from corpus import release
from corpus.config import INPUT_KINDS, BuildConfig, ConfigError, load_config

DEMO_CONFIG = resources.files("corpus.demo") / "demo.yaml"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="corpus", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    build = commands.add_parser("build", help="build a release from a YAML config")
    build.add_argument("config", help="YAML file overriding the defaults (see configs/)")
    demo = commands.add_parser("demo", help="write the built-in sample inputs and build a release from them")
    for command in (build, demo):
        command.add_argument("--out", required=command is demo, help="release directory (any Beam filesystem)")
        command.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE", help="override a config value, e.g. --set dedup.threshold=0.7")
        command.add_argument("--input", dest="inputs", action="append", default=[], metavar="KIND=GLOB", help="add input files; KIND is wet, warc, wikipedia or langlinks")
    return parser


def with_demo_inputs(config: BuildConfig, folder: str) -> BuildConfig:
    """Write the built-in sample into `folder` and add it to the config's inputs."""
    from corpus.demo import write_demo_inputs

    written = write_demo_inputs(folder)
    # Patterns rooted at the folder: each file's provenance is its path inside it, the same on every run.
    added = {kind: [f"{folder}/**/{os.path.basename(p)}" for p in sorted(paths)] for kind, paths in written.items()}
    inputs = config.inputs.model_copy(update={kind: getattr(config.inputs, kind) + added.get(kind, []) for kind in INPUT_KINDS})
    print(f"demo inputs written to {folder}: " + ", ".join(f"{len(v)} {k}" for k, v in added.items()), flush=True)
    return config.model_copy(update={"inputs": inputs})


def _check_inputs(config: BuildConfig) -> None:
    """Fail early, in one line, on input patterns that match nothing."""
    from apache_beam.io.filesystems import FileSystems

    patterns = [(kind, p) for kind, ps in config.inputs.model_dump(exclude={"demo"}).items() for p in ps]
    if not patterns and not config.inputs.demo:
        raise ConfigError("no inputs: give --input KIND=GLOB or inputs in the config")
    for kind, pattern in patterns:
        try:
            found = FileSystems.match([pattern])[0].metadata_list
        except Exception as e:  # Beam raises BeamIOError with the filesystem's reason
            raise ConfigError(f"input {kind}={pattern}: {str(e).splitlines()[0]}") from None
        if not found:
            raise ConfigError(f"input {kind}={pattern}: no files match")


def _summary(manifest: dict[str, Any]) -> str:
    docs = manifest["documents"]
    lines = [f"{'documents read':<36}{docs['read']:>10,}"]
    for reason, count in docs["dropped"].items():
        lines.append(f"  {'- ' + reason:<34}{count:>10,}")
    lines.append(f"{'documents kept':<36}{docs['kept']:>10,}")
    lines.append(f"{'documents written (rebalanced)':<36}{docs['written']:>10,}")
    lines.append("")
    lines.append(f"{'language':<12}{'kept':>8}{'kept chars':>12}{'rate':>8}{'written':>9}")
    for lang, v in sorted(manifest["languages"].items(), key=lambda kv: -kv[1]["kept_chars"]):
        if v["kept"]:
            lines.append(f"{lang:<12}{v['kept']:>8,}{v['kept_chars']:>12,}{v['rate']:>8.2f}{v['written']:>9,}")
    status = "reconciles" if release.reconciles(manifest) else "DOES NOT RECONCILE"
    lines.append(f"\nmanifest {status}: read = kept + dropped; {len(manifest['shards'])} shards")
    return "\n".join(lines)


def run(argv: list[str]) -> int:
    args_part, beam_args = (argv[: argv.index("--")], argv[argv.index("--") + 1 :]) if "--" in argv else (argv, [])
    args = _parser().parse_args(args_part)
    config_path = str(DEMO_CONFIG) if args.command == "demo" else args.config
    overrides = list(args.overrides) + ([f"output.dir={args.out}"] if args.out else [])
    config = load_config(config_path, overrides, args.inputs)
    if not config.output.dir:
        raise ConfigError("no output directory: give --out DIR or output.dir in the config")

    demo_dir = None
    if config.inputs.demo:
        demo_dir = tempfile.mkdtemp(prefix="corpus-demo-inputs-")
        config = with_demo_inputs(config, demo_dir)
    _check_inputs(config)

    from pipelines.build import run_build

    print("stages: read+extract -> language ID -> quality filter -> exact dedup -> near dedup"
          " -> sampling rates -> rebalance -> Parquet shards + tokenizer", flush=True)
    started = time.time()
    try:
        manifest = run_build(config, beam_args)
    finally:
        if demo_dir:
            shutil.rmtree(demo_dir, ignore_errors=True)
    print(f"build finished in {time.time() - started:.1f} s -> {config.output.dir}\n")
    print(_summary(manifest))
    return 0


def main() -> None:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    # Beam warns at import time about Google Cloud client libraries that local runs never use.
    logging.getLogger().addFilter(lambda record: "apitools not found" not in record.getMessage())
    try:
        sys.exit(run(sys.argv[1:]))
    except ConfigError as e:
        print(f"corpus: error: {e}", file=sys.stderr)
        sys.exit(2)
    except KeyboardInterrupt:
        sys.exit(130)


if __name__ == "__main__":
    main()
