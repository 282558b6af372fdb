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
from corpus.manifest import Manifest, ManifestError, load_manifest
from corpus.statistics import STAT_BITEXT_CANDIDATES, STAT_BITEXT_PAIRS, STAT_DAMAGED_FILES, subkey

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
        command.add_argument("--resume", action="store_true", help="continue an interrupted build in --out, or grow its release with more inputs")
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


def _claim_output(out: str, overwrite: bool, resume: bool = False, config: BuildConfig | None = None) -> None:
    """A build writes into an empty directory; it never mixes with an earlier release unless asked,
    and --overwrite deletes only what this tool wrote there (pipelines/publish.py): any other file
    stops it, named. An interrupted build leaves only _work/ (nothing is published before the end).
    """
    from apache_beam.io.filesystems import FileSystems

    from pipelines.build import WORK_DIR
    from pipelines.publish import clear_interrupted, list_files, remove_release

    if not FileSystems.exists(out) or not list_files(out):  # any depth: an interrupted build holds only _work/
        return
    if resume and overwrite:
        raise ConfigError("--resume continues the build in --out and --overwrite replaces it: give one of them")
    if resume:
        _check_resumable(out, config)
        clear_interrupted(FileSystems.join(out, WORK_DIR))
        return
    if not overwrite and FileSystems.exists(FileSystems.join(out, WORK_DIR)):
        raise ConfigError(f"output directory {out} holds a build of this tool; give --resume to continue it, or --overwrite to replace it")
    if not overwrite:
        raise ConfigError(f"output directory {out} is not empty; give --overwrite to replace it")
    remove_release(out, WORK_DIR, keep_work=False)


def _check_resumable(out: str, config: BuildConfig) -> None:
    """--resume: only the tool's own files in `out`, and checkpoints written with the same config (more inputs allowed)."""
    from apache_beam.io.filesystems import FileSystems

    from corpus.checkpoint import changed_keys
    from pipelines.build import WORK_DIR
    from pipelines.checkpoint import committed_config
    from pipelines.publish import foreign_files

    foreign = foreign_files(out, WORK_DIR)
    if foreign:
        raise ConfigError(f"{FileSystems.join(out, foreign[0])} was not written by this tool: --resume continues only a build of this tool")
    committed = committed_config(FileSystems.join(out, WORK_DIR))
    if committed is None:
        raise ConfigError(f"{out} holds no checkpoints to resume ({WORK_DIR}/checkpoints/config.json): give --overwrite to build it again")
    if not config.output.checkpoints:
        raise ConfigError("--resume needs output.checkpoints=true")
    changed = changed_keys(committed, config.model_dump(mode="json"))
    if changed:
        shown = ", ".join(changed[:5]) + (f" and {len(changed) - 5} more" if len(changed) > 5 else "")
        raise ConfigError(f"the config differs from the one {out} was built with ({shown}): resume with the same settings, or give --overwrite")


def _check_filesystem(what: str, path: str) -> None:
    """A remote path whose filesystem library is missing: one line naming what to install."""
    from apache_beam.io.filesystems import FileSystems

    from corpus.sources.remote import missing_extra

    extra = missing_extra(path)
    try:
        FileSystems.get_filesystem(path)
    except ValueError:
        extra = extra or "the package of this filesystem"
    if extra:
        raise ConfigError(f"{what}{path}: no filesystem for this path is installed; pip install '{extra}'")


def _check_output(out: str) -> None:
    from apache_beam.io.filesystems import FileSystems

    _check_filesystem("--out ", out)
    if "://" not in out:
        is_file = os.path.isfile(out)
    else:
        try:
            is_file = any(m.path == out for m in FileSystems.match([out])[0].metadata_list)
        except Exception:  # Beam raises BeamIOError for a path it cannot list: not a file, then
            is_file = False
    if is_file:
        raise ConfigError(f"--out {out} is a file; the release is a folder: give a new or empty folder's path")


def _refuse_mixing(config: BuildConfig, kinds: tuple[str, ...] = INPUT_KINDS) -> None:
    """The built-in sample and the user's files never mix silently in one release (nor its ids depend on a temporary folder)."""
    given = [(kind, p) for kind in kinds for p in getattr(config.inputs, kind)]
    if config.inputs.demo and given:
        raise ConfigError(f"inputs.demo=true (the built-in sample) and --input {given[0][0]}={given[0][1]} would mix the sample "
                          "into your release: add --set inputs.demo=false to build your files only")


def _check_input_sources(config: BuildConfig, kinds: tuple[str, ...]) -> None:
    """Refuse, in one line, folders given as inputs and remote inputs whose filesystem is not installed."""
    given = [(kind, p) for kind in kinds for p in getattr(config.inputs, kind)]
    for kind, pattern in given:
        if "://" not in pattern and os.path.isdir(pattern):
            raise ConfigError(f"input {kind}={pattern} is a folder: give the files in it as a pattern, "
                              f"e.g. --input '{kind}={os.path.join(pattern, '*')}' (or '**' for subfolders too)")
        if not pattern.startswith(("http://", "https://")):  # streamed by the readers themselves (corpus/sources/remote.py)
            _check_filesystem(f"input {kind}=", pattern)


def _check_model(model: str | None) -> None:
    from apache_beam.io.filesystems import FileSystems

    if model:
        _check_filesystem("langid model ", model)
    if model and not FileSystems.exists(model):
        raise ConfigError(f"langid model {model}: no such file (a model is fasttext, heliport, ensemble or a fastText model file)")


def _check_inputs(config: BuildConfig, kinds: tuple[str, ...] = INPUT_KINDS) -> None:
    """Fail early, in one line, on input patterns that match nothing and on a model that is not there."""
    from apache_beam.io.filesystems import FileSystems

    _check_model(config.langid.model)
    _check_input_sources(config, kinds)
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


def _summary(manifest: Manifest | dict[str, Any]) -> str:
    manifest = Manifest.of(manifest)
    docs = manifest.documents
    lines = [f"{'documents read':<36}{docs.read:>10,}"]
    for reason, count in docs.dropped.items():
        lines.append(f"  {'- ' + reason:<34}{count:>10,}")
    lines.append(f"{'documents kept':<36}{docs.kept:>10,}")
    lines.append(f"{'documents written (rebalanced)':<36}{docs.written:>10,}")
    lines.append("")
    lines.append(f"{'language':<12}{'kept':>8}{'kept chars':>12}{'rate':>8}{'written':>9}{'copies':>8}")
    for lang, v in sorted(manifest.languages.items(), key=lambda kv: -kv[1].kept_chars):
        if v.kept:
            held = "  held back" if v.held_back else ""
            lines.append(f"{lang:<12}{v.kept:>8,}{v.kept_chars:>12,}{v.rate:>8.2f}{v.written:>9,}{v.max_copies:>8}{held}")
    summary = manifest.rebalancing
    if summary:
        lines.append(f"\nmost copies of one document: {summary.max_copies} (max_epochs {summary.max_epochs})")
    # Named, not just marked: the languages too small to up-sample, and any document over the cap.
    lines += [line for line in (release.held_back_sentence(manifest), release.over_max_epochs(manifest)) if line]
    damaged: dict[str, list[str]] = {}
    for (*path, what), _ in manifest.stat_rows(STAT_DAMAGED_FILES):
        damaged.setdefault(subkey(*path), []).append(what)
    if damaged:
        lines.append(f"\n{len(damaged)} damaged input files (readable records kept; manifest stats.{STAT_DAMAGED_FILES}):")
        lines += [f"  {name}: {', '.join(sorted(whats))}" for name, whats in sorted(damaged.items())[:10]]
        lines += [f"  ... {len(damaged) - 10} more"] if len(damaged) > 10 else []
    status = "reconciles" if release.reconciles(manifest) else "DOES NOT RECONCILE"
    lines.append(f"\nmanifest {status}: read = kept + dropped; {len(manifest.shards)} shards")
    return "\n".join(lines)


def _read_release_file(out: str, relative: str) -> bytes | None:
    from apache_beam.io.filesystems import FileSystems

    path = FileSystems.join(out, relative)
    if not FileSystems.exists(path):
        return None
    with FileSystems.open(path) as f:
        return f.read()


def _load_manifest(out: str) -> Manifest:
    data = _read_release_file(out, release.MANIFEST)
    if data is None:
        raise ConfigError(f"{out} has no {release.MANIFEST}: not a release, or the build did not finish")
    return load_manifest(data, f"{out}/{release.MANIFEST}")


def _inspect(out: str) -> int:
    manifest = _load_manifest(out)
    print(_summary(manifest) + "\n\n" + release.describe(manifest))
    return 0


def _verify(out: str) -> int:
    """Every shard against its checksum and row count, the counts against each other; 1 on any problem."""
    from apache_beam.io.filesystems import FileSystems

    try:
        manifest = _load_manifest(out)
    except ManifestError as e:  # a manifest that is not one fails the check, like a shard that does not match it
        raise release.ReleaseFailed(str(e)) from None
    found = FileSystems.match([FileSystems.join(out, "**.parquet")])[0].metadata_list
    if FileSystems.exists(FileSystems.join(out, release.TOKENS_DIR)):  # token files the manifest does not list
        found += FileSystems.match([FileSystems.join(out, release.TOKENS_DIR, "**")])[0].metadata_list
    root = FileSystems.join(out, "")
    present = [m.path[len(root):].lstrip("/") for m in found]
    problems = release.verify(manifest, lambda relative: _read_release_file(out, relative), present)
    for problem in problems:
        print(f"FAIL {problem}")
    files = len(manifest.shards) + len(manifest.tokenizer.get("files", {}))
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


def _check_mining_needs(config: BuildConfig, built: BuildConfig) -> None:
    """Before any work: Wikipedia pairs need interlanguage links and Wikipedia inputs, web pairs need web pages."""
    wikipedia = config.bitext.wikipedia and (config.inputs.langlinks or config.inputs.demo) and (built.inputs.wikipedia or built.inputs.demo)
    web = config.bitext.web and (built.inputs.wet or built.inputs.warc or built.inputs.demo)
    if not (wikipedia or web):
        raise ConfigError("nothing to mine from: give --input langlinks=GLOB (interlanguage links) for a release built from "
                          "Wikipedia dumps, or set bitext.web=true for one built from CommonCrawl pages")


def _mine(config: BuildConfig, beam_args: list[str]) -> int:
    """`corpus mine`: bitext of a release built before, from the documents its build kept, written into it."""
    from pipelines.build import run_mine

    manifest = _load_manifest(config.output.dir)
    try:
        built = BuildConfig.model_validate({**manifest.config, "output": {**manifest.config.get("output", {}), "dir": config.output.dir}})
    except ValueError as e:
        raise ConfigError(f"{config.output.dir}/{release.MANIFEST}: its config is not one this version reads ({str(e).splitlines()[0]})") from None
    _check_mining_needs(config, built)
    _refuse_mixing(config, ("langlinks",))
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
        if manifest.tokens:  # the release has token files: the pairs' follow the new bitext
            from pipelines.build import launch_options
            from pipelines.tokens import rewrite_card_and_manifest, run_tokenize

            tokenized = run_tokenize(manifest.to_dict(), config.output.dir, launch_options(config, beam_args), (release.BITEXT_DIR,))
            rewrite_card_and_manifest(tokenized, config.output.dir)
            manifest = Manifest.of(tokenized)
    finally:
        if demo_dir:
            shutil.rmtree(demo_dir, ignore_errors=True)
    by_pair: dict[str, int] = {}
    for (pair, *_), count in manifest.stat_rows(STAT_BITEXT_PAIRS):
        by_pair[pair] = by_pair.get(pair, 0) + count
    print(f"mining finished in {time.time() - started:.1f} s -> {config.output.dir}/bitext\n")
    print(f"{'language pair':<24}{'pairs':>8}")
    for name, count in sorted(by_pair.items(), key=lambda kv: -kv[1]):
        print(f"{name:<24}{count:>8,}")
    if not by_pair:
        candidates = sum(count for _, count in manifest.stat_rows(STAT_BITEXT_CANDIDATES))
        raise release.ReleaseFailed(f"no sentence pairs mined ({candidates:,} candidate document pairs); see manifest stats bitext_*")
    return 0


def _tokenize(out: str, beam_args: list[str]) -> int:
    """`corpus tokenize`: tokens/ of a finished release, from its shards and its tokenizer/spm.model."""
    from pipelines.build import launch_options
    from pipelines.tokens import MODEL, rewrite_card_and_manifest, run_tokenize

    manifest = _load_manifest(out)
    if _read_release_file(out, MODEL) is None:
        raise ConfigError(f"{out} has no {MODEL}: build with the tokenizer on, or put a SentencePiece model there")
    try:
        config = BuildConfig.model_validate({**manifest.config, "output": {**manifest.config.get("output", {}), "dir": out}})
    except ValueError as e:
        raise ConfigError(f"{out}/{release.MANIFEST}: its config is not one this version reads ({str(e).splitlines()[0]})") from None
    started = time.time()
    tokenized = run_tokenize(manifest.to_dict(), out, launch_options(config, beam_args))
    rewrite_card_and_manifest(tokenized, out)
    print(f"tokenized in {time.time() - started:.1f} s -> {out}/{release.TOKENS_DIR}\n")
    print(release.token_table(tokenized))
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

    _refuse_mixing(config)
    _check_inputs(config)
    _claim_output(config.output.dir, args.overwrite, args.resume, config)  # only once the inputs and config are known to be sound
    from pipelines.build import run_build

    demo_dir = tempfile.mkdtemp(prefix="corpus-demo-inputs-") if config.inputs.demo else None
    if demo_dir:
        from pipelines.interrupt import on_interrupt

        on_interrupt(lambda: shutil.rmtree(demo_dir, ignore_errors=True))
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
    from pipelines.interrupt import exit_on_interrupt, restore_stderr, wait_if_interrupted

    if sys.argv[1:2] and sys.argv[1] in ("build", "demo", "mine"):
        exit_on_interrupt()  # before any runner thread or worker starts: Ctrl-C is one line and exit code 130
    try:
        try:
            code = run(sys.argv[1:])
        except BaseException:
            wait_if_interrupted()  # the workers died of Ctrl-C: the runner's error is not the news
            raise
        finally:
            restore_stderr()  # the last lines (summary, one-line error) straight to the terminal
        sys.exit(code)
    except ConfigError as e:
        print(f"corpus: error: {e}", file=sys.stderr)
        sys.exit(2)
    except release.ReleaseFailed as e:
        print(f"corpus: failed: {e}", file=sys.stderr)
        sys.exit(1)
    except KeyboardInterrupt:  # where Ctrl-C could not be routed to pipelines.interrupt (not POSIX)
        from pipelines.interrupt import INTERRUPTED, MESSAGE

        print(f"corpus: {MESSAGE}", file=sys.stderr)
        sys.exit(INTERRUPTED)


if __name__ == "__main__":
    main()
