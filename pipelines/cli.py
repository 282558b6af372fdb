"""The `corpus` command: build a release from a config, or run the built-in demo.

    corpus build CONFIG.yaml [--set KEY=VALUE]... [--input KIND=GLOB]... [--out DIR] [-- BEAM OPTIONS]
    corpus demo --out DIR [-- BEAM OPTIONS]
    corpus mine CONFIG.yaml --out OUT [--input langlinks=GLOB]...   mine bitext from an existing release's docs/
    corpus inspect OUT      print a release's summary tables from its manifest
    corpus langid [FILE] [--model fasttext|heliport|ensemble|PATH] [--paragraphs]   lang<TAB>score per line
    corpus verify OUT       re-check checksums, row counts and reconciliation; non-zero exit on a mismatch
    corpus tokenize OUT [-- BEAM OPTIONS]   (re)write OUT/tokens/ with OUT/tokenizer/spm.model
"""

from __future__ import annotations

import argparse
import json
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
from corpus.statistics import STAT_BITEXT_CANDIDATES, STAT_BITEXT_PAIRS, STAT_DAMAGED_FILES, parse_subkey, subkey

DEMO_CONFIG = resources.files("corpus.demo") / "demo.yaml"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="corpus", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    build = commands.add_parser("build", help="build a release from a YAML config")
    build.add_argument("config", help="YAML file overriding the defaults (see configs/)")
    demo = commands.add_parser("demo", help="write the built-in sample inputs and build a release from them")
    mine = commands.add_parser("mine", help="mine parallel sentences from an existing release's documents")
    mine.add_argument("config", help="YAML file (its bitext section and langlinks inputs are used)")
    for command in (build, demo, mine):
        command.add_argument("--out", required=command is not build, help="release directory (any Beam filesystem)")
        command.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE", help="override a config value, e.g. --set dedup.threshold=0.7")
        command.add_argument("--input", dest="inputs", action="append", default=[], metavar="KIND=GLOB", help="add input files; KIND is wet, warc, wikipedia or langlinks")
    for command in (build, demo):
        command.add_argument("--overwrite", action="store_true", help="replace the release directory if it is not empty")
    commands.add_parser("inspect", help="print a release's summary tables").add_argument("out", help="release directory")
    commands.add_parser("verify", help="check a release against its manifest").add_argument("out", help="release directory")
    commands.add_parser("tokenize", help="write a release's token files (tokens/) with its tokenizer").add_argument("out", help="release directory")
    langid = commands.add_parser("langid", help="print lang<TAB>score per input line, as the build decides it")
    langid.add_argument("file", nargs="?", help="text file, one line per item (stdin when absent)")
    langid.add_argument("--model", help="fasttext, heliport, ensemble (the default) or the path of a fastText model")
    langid.add_argument("--paragraphs", action="store_true", help="the paragraph label of each line (document mode off)")
    langid.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE", help="override a config value, e.g. --set langid.min_score=0.3")
    return parser


def write_demo_inputs(folder: str) -> dict[str, list[str]]:
    """Write the built-in sample into `folder`: its input patterns per kind."""
    from corpus.demo import write_demo_inputs as write

    written = write(folder)
    # Patterns rooted at the folder: each file's provenance is its path inside it, the same on every run.
    added = {kind: [f"{folder}/**/{os.path.basename(p)}" for p in sorted(paths)] for kind, paths in written.items()}
    print(f"demo inputs written to {folder}: " + ", ".join(f"{len(v)} {k}" for k, v in added.items()), flush=True)
    return added


def with_inputs(config: BuildConfig, added: dict[str, list[str]]) -> BuildConfig:
    inputs = config.inputs.model_copy(update={kind: getattr(config.inputs, kind) + added.get(kind, []) for kind in INPUT_KINDS})
    return config.model_copy(update={"inputs": inputs})


def with_demo_inputs(config: BuildConfig, folder: str) -> BuildConfig:
    """The config with the built-in sample, written into `folder`, among its inputs."""
    return with_inputs(config, write_demo_inputs(folder))


def _claim_output(out: str, overwrite: bool) -> None:
    """A build writes into an empty directory; it never mixes with an earlier release unless asked,
    and --overwrite replaces only a release of this tool (finished, or failed with its work folder).

    The manifest is written last, so an interrupted build leaves a directory without
    one, which `corpus verify` rejects and the next build refuses without --overwrite.
    """
    from apache_beam.io.filesystems import FileSystems

    from pipelines.build import WORK_DIR

    if not FileSystems.exists(out) or not FileSystems.match([FileSystems.join(out, "*")])[0].metadata_list:
        return
    if not overwrite:
        raise ConfigError(f"output directory {out} is not empty; give --overwrite to replace it")
    if not FileSystems.exists(FileSystems.join(out, WORK_DIR)) and not _is_release(out):
        raise ConfigError(f"--overwrite replaces only a release of this tool, and {out} holds no {release.MANIFEST} "
                          f"or {WORK_DIR}/: remove it yourself or choose another --out")
    FileSystems.delete([out])


def _is_release(out: str) -> bool:
    try:
        return bool(_load_manifest(out))
    except ConfigError:
        return False


def _check_output(out: str) -> None:
    from apache_beam.io.filesystems import FileSystems

    try:
        FileSystems.get_filesystem(out)
    except ValueError:
        extra = {"gs": "dataflow", "s3": "aws"}.get(out.partition("://")[0])
        hint = f"; pip install 'corpus-builder[{extra}]'" if extra else ""
        raise ConfigError(f"--out {out}: no filesystem for this path is installed{hint}") from None


def _check_model(model: str | None) -> None:
    from apache_beam.io.filesystems import FileSystems

    if model and not FileSystems.exists(model):
        raise ConfigError(f"langid model {model}: no such file (a model is fasttext, heliport, ensemble or a fastText model file)")


def _check_inputs(config: BuildConfig, kinds: tuple[str, ...] = INPUT_KINDS) -> None:
    """Fail early, in one line, on input patterns that match nothing and on a model that is not there."""
    from apache_beam.io.filesystems import FileSystems

    _check_model(config.langid.model)
    patterns = [(kind, p) for kind in kinds for p in getattr(config.inputs, kind)]
    if not patterns and not config.inputs.demo:
        raise ConfigError("no inputs: give --input KIND=GLOB or inputs in the config")
    for kind, pattern in patterns:
        if pattern.startswith(("http://", "https://")):
            continue  # no Beam filesystem matches URLs: they are opened (with retries) when read
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
    lines.append(f"{'language':<12}{'kept':>8}{'kept chars':>12}{'rate':>8}{'written':>9}{'copies':>8}")
    for lang, v in sorted(manifest["languages"].items(), key=lambda kv: -kv[1]["kept_chars"]):
        if v["kept"]:
            held = "  held back" if v.get("held_back") else ""
            lines.append(f"{lang:<12}{v['kept']:>8,}{v['kept_chars']:>12,}{v['rate']:>8.2f}{v['written']:>9,}{v.get('max_copies', 0):>8}{held}")
    summary = manifest.get("rebalancing") or {}
    if summary:
        lines.append(f"\nmost copies of one document: {summary['max_copies']} (max_epochs {summary['max_epochs']})")
    # Named, not just marked: the languages too small to up-sample, and any document over the cap.
    lines += [line for line in (release.held_back_sentence(manifest), release.over_max_epochs(manifest)) if line]
    damaged: dict[str, list[str]] = {}
    for key in manifest.get("stats", {}).get(STAT_DAMAGED_FILES, {}):
        *path, what = parse_subkey(key)
        damaged.setdefault(subkey(*path), []).append(what)
    if damaged:
        lines.append(f"\n{len(damaged)} damaged input files (readable records kept; manifest stats.{STAT_DAMAGED_FILES}):")
        lines += [f"  {name}: {', '.join(sorted(whats))}" for name, whats in sorted(damaged.items())[:10]]
        lines += [f"  ... {len(damaged) - 10} more"] if len(damaged) > 10 else []
    status = "reconciles" if release.reconciles(manifest) else "DOES NOT RECONCILE"
    lines.append(f"\nmanifest {status}: read = kept + dropped; {len(manifest['shards'])} shards")
    return "\n".join(lines)


def _read_release_file(out: str, relative: str) -> bytes | None:
    from apache_beam.io.filesystems import FileSystems

    path = FileSystems.join(out, relative)
    if not FileSystems.exists(path):
        return None
    with FileSystems.open(path) as f:
        return f.read()


def _load_manifest(out: str) -> dict[str, Any]:
    data = _read_release_file(out, release.MANIFEST)
    if data is None:
        raise ConfigError(f"{out} has no {release.MANIFEST}: not a release, or the build did not finish")
    try:
        manifest = json.loads(data)
    except ValueError as e:
        raise ConfigError(f"{out}/{release.MANIFEST} is not JSON ({e})") from None
    missing = [key for key in ("config", "documents", "languages", "shards") if not isinstance(manifest, dict) or key not in manifest]
    if missing:
        raise ConfigError(f"{out}/{release.MANIFEST} is not a corpus-builder manifest: no '{missing[0]}'")
    return manifest


def _inspect(out: str) -> int:
    manifest = _load_manifest(out)
    print(_summary(manifest) + "\n\n" + release.describe(manifest))
    return 0


def _verify(out: str) -> int:
    """Every shard against its checksum and row count, the counts against each other; 1 on any problem."""
    from apache_beam.io.filesystems import FileSystems

    manifest = _load_manifest(out)
    found = FileSystems.match([FileSystems.join(out, "**.parquet")])[0].metadata_list
    if FileSystems.exists(FileSystems.join(out, release.TOKENS_DIR)):  # token files the manifest does not list
        found += FileSystems.match([FileSystems.join(out, release.TOKENS_DIR, "**")])[0].metadata_list
    root = FileSystems.join(out, "")
    present = [m.path[len(root):].lstrip("/") for m in found]
    problems = release.verify(manifest, lambda relative: _read_release_file(out, relative), present)
    for problem in problems:
        print(f"FAIL {problem}")
    files = len(manifest["shards"]) + len((manifest.get("tokenizer") or {}).get("files", {}))
    print(f"{out}: {len(problems)} problem(s) in {files} files" if problems else f"{out}: OK, {files} files match the manifest")
    return 1 if problems else 0


def _text_lines(file: str | None) -> list[str]:
    """The lines of a UTF-8 file (stdin when None); anything else is a one-line error."""
    name = file or "stdin"
    try:
        with open(file, "rb") if file else sys.stdin.buffer as f:
            data = f.read()
    except OSError as e:
        raise ConfigError(f"{name}: {e.strerror}") from None
    try:
        return data.decode("utf-8").splitlines()
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        raise ConfigError(f"{name}: not UTF-8 text (line {line})") from None


def _langid(args: argparse.Namespace) -> int:
    from pipelines.langid import identifier_config, label_lines

    langid = identifier_config(args.model, load_config(None, args.overrides).langid)
    _check_model(langid.model)
    lines = _text_lines(args.file)
    for out in label_lines(lines, langid, args.paragraphs):
        print(out)
    return 0


def _mine(config: BuildConfig, beam_args: list[str]) -> int:
    """`corpus mine`: bitext of a release built before, from the documents its build kept, written into it."""
    from pipelines.build import run_mine

    manifest = _load_manifest(config.output.dir)
    try:
        built = BuildConfig.model_validate({**manifest["config"], "output": {**manifest["config"].get("output", {}), "dir": config.output.dir}})
    except ValueError as e:
        raise ConfigError(f"{config.output.dir}/{release.MANIFEST}: its config is not one this version reads ({str(e).splitlines()[0]})") from None
    if not config.inputs.langlinks and not config.inputs.demo and not config.bitext.web:
        raise ConfigError("nothing to mine from: give --input langlinks=GLOB (interlanguage links), or bitext.web=true")
    if config.inputs.langlinks:
        _check_inputs(config, ("langlinks",))
    demo_dir = tempfile.mkdtemp(prefix="corpus-demo-inputs-") if config.inputs.demo or built.inputs.demo else None
    try:
        if demo_dir:  # the built-in sample, written again: the same documents as when the release was built
            added = write_demo_inputs(demo_dir)
            config = with_inputs(config, added) if config.inputs.demo else config
            built = with_inputs(built, added) if built.inputs.demo else built
        _check_inputs(built, ("wet", "warc", "wikipedia"))
        started = time.time()
        manifest = run_mine(config, built, beam_args)
        if manifest.get("tokens"):  # the release has token files: the pairs' follow the new bitext
            from pipelines.build import launch_options
            from pipelines.tokens import publish, run_tokenize

            manifest = run_tokenize(manifest, config.output.dir, launch_options(config, beam_args), (release.BITEXT_DIR,))
            publish(manifest, config.output.dir)
    finally:
        if demo_dir:
            shutil.rmtree(demo_dir, ignore_errors=True)
    pairs = manifest["stats"].get(STAT_BITEXT_PAIRS, {})
    by_pair: dict[str, int] = {}
    for key, count in pairs.items():
        pair = parse_subkey(key)[0]
        by_pair[pair] = by_pair.get(pair, 0) + count
    print(f"mining finished in {time.time() - started:.1f} s -> {config.output.dir}/bitext\n")
    print(f"{'language pair':<24}{'pairs':>8}")
    for name, count in sorted(by_pair.items(), key=lambda kv: -kv[1]):
        print(f"{name:<24}{count:>8,}")
    if not by_pair:
        candidates = sum(manifest["stats"].get(STAT_BITEXT_CANDIDATES, {}).values())
        raise release.ReleaseFailed(f"no sentence pairs mined ({candidates:,} candidate document pairs); see manifest stats bitext_*")
    return 0


def _tokenize(out: str, beam_args: list[str]) -> int:
    """`corpus tokenize`: tokens/ of a finished release, from its shards and its tokenizer/spm.model."""
    from pipelines.build import launch_options
    from pipelines.tokens import MODEL, publish, run_tokenize

    manifest = _load_manifest(out)
    if _read_release_file(out, MODEL) is None:
        raise ConfigError(f"{out} has no {MODEL}: build with the tokenizer on, or put a SentencePiece model there")
    try:
        config = BuildConfig.model_validate({**manifest["config"], "output": {**manifest["config"].get("output", {}), "dir": out}})
    except ValueError as e:
        raise ConfigError(f"{out}/{release.MANIFEST}: its config is not one this version reads ({str(e).splitlines()[0]})") from None
    started = time.time()
    manifest = run_tokenize(manifest, out, launch_options(config, beam_args))
    publish(manifest, out)
    print(f"tokenized in {time.time() - started:.1f} s -> {out}/{release.TOKENS_DIR}\n")
    print(release.token_table(manifest))
    return 0


def run(argv: list[str]) -> int:
    args_part, beam_args = (argv[: argv.index("--")], argv[argv.index("--") + 1 :]) if "--" in argv else (argv, [])
    args = _parser().parse_args(args_part)
    if args.command == "langid":
        return _langid(args)
    if args.command in ("inspect", "verify"):
        return _inspect(args.out) if args.command == "inspect" else _verify(args.out)
    if args.command == "tokenize":
        return _tokenize(args.out, beam_args)
    config_path = str(DEMO_CONFIG) if args.command == "demo" else args.config
    overrides = list(args.overrides) + ([f"output.dir={args.out}"] if args.out else [])
    config = load_config(config_path, overrides, args.inputs)
    if not config.output.dir:
        raise ConfigError("no output directory: give --out DIR or output.dir in the config")
    _check_output(config.output.dir)

    if args.command == "mine":
        return _mine(config, beam_args)

    _check_inputs(config)
    _claim_output(config.output.dir, args.overwrite)  # only once the inputs and config are known to be sound
    from pipelines.build import run_build

    demo_dir = tempfile.mkdtemp(prefix="corpus-demo-inputs-") if config.inputs.demo else None
    try:
        recorded = config  # the manifest records the config as given, not the demo's temporary paths
        if demo_dir:
            config = with_demo_inputs(config, demo_dir)
        print("stages: read+extract -> language ID -> quality filter -> dedup (exact, near, paragraph) -> bitext"
              " -> sampling rates -> rebalance -> Parquet shards + tokenizer -> manifest, card, report", flush=True)
        started = time.time()
        manifest = run_build(config, beam_args, recorded)
    finally:
        if demo_dir:
            shutil.rmtree(demo_dir, ignore_errors=True)
    print(f"build finished in {time.time() - started:.1f} s -> {config.output.dir}\n")
    print(_summary(manifest))
    return 0


def main() -> None:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    # Beam's own notices (import-time Google Cloud warnings, worker start-up, relayed worker lines) are not
    # the user's business; damaged input files are listed in the summary from the manifest.
    logging.getLogger("apache_beam").setLevel(logging.ERROR)
    logging.getLogger().addFilter(lambda record: "apitools not found" not in record.getMessage())
    try:
        sys.exit(run(sys.argv[1:]))
    except ConfigError as e:
        print(f"corpus: error: {e}", file=sys.stderr)
        sys.exit(2)
    except release.ReleaseFailed as e:
        print(f"corpus: failed: {e}", file=sys.stderr)
        sys.exit(1)
    except KeyboardInterrupt:
        sys.exit(130)


if __name__ == "__main__":
    main()
