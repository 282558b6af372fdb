"""Atomic publishing of a release, and what a later build may delete of it.

Everything a build writes goes under OUT/_work/ while it runs: the release files (shards,
tokenizer, card, report) are staged in OUT/_work/release/ and moved into place only once
the build is done, the manifest last. An interrupted build therefore leaves nothing outside
_work/ that looks like a release. Before the moves start, their list is written to
_work/published.jsonl, so that files a move left in place before an interruption are known
as the tool's own (--overwrite and --resume delete them; nothing else).
"""

from __future__ import annotations

import json
import os

from apache_beam.io.filesystems import FileSystems

from corpus import release
from corpus.config import ConfigError
from pipelines.checkpoint import CHECKPOINTS_DIR  # kept after a build, so that --resume can grow the release

STAGING_DIR = "release"  # under _work/: the release as it will be published
PUBLISHED = "published.jsonl"  # under _work/: the files being moved into place


def staging_dir(work: str) -> str:
    return FileSystems.join(work, STAGING_DIR)


def _relative(root: str, path: str) -> str:
    return path[len(FileSystems.join(root, "")):].lstrip("/")


def list_files(folder: str) -> list[str]:
    """The files under `folder` (any depth), relative to it; none when it does not exist."""
    if not FileSystems.exists(folder):
        return []
    found = FileSystems.match([FileSystems.join(folder, "**")])[0].metadata_list
    return sorted(_relative(folder, m.path) for m in found if not _is_dir(m.path))


def _is_dir(path: str) -> bool:
    return "://" not in path and os.path.isdir(path)


def _make_parent(path: str) -> None:
    if "://" not in path:  # object stores have no folders; a local rename needs its parent
        os.makedirs(os.path.dirname(path), exist_ok=True)


def publish(out: str, work: str) -> list[str]:
    """Move every staged file into place under `out` (replacing a file of the same name): the relative paths."""
    staged = staging_dir(work)
    files = list_files(staged)
    with FileSystems.create(FileSystems.join(work, PUBLISHED)) as f:
        f.write("".join(json.dumps(name) + "\n" for name in files).encode("utf-8"))
    for name in files:
        target = FileSystems.join(out, name)
        if FileSystems.exists(target):
            FileSystems.delete([target])
        _make_parent(target)
        FileSystems.rename([FileSystems.join(staged, name)], [target])
    return files


def remove_work(work: str, keep_checkpoints: bool) -> None:
    """The build's work files, all or all but the checkpoints."""
    if not FileSystems.exists(work):
        return
    if not keep_checkpoints:
        FileSystems.delete([work])
        return
    _remove_work_except(work, {CHECKPOINTS_DIR})


def clear_interrupted(work: str) -> None:
    """Before --resume: what an interrupted run left besides its checkpoints and its list of published files
    (staged files, statistics, progress), which would otherwise be published or counted with the new run's."""
    if FileSystems.exists(work):
        _remove_work_except(work, {CHECKPOINTS_DIR, PUBLISHED})


def _remove_work_except(work: str, kept: set[str]) -> None:
    doomed = [FileSystems.join(work, name) for name in list_files(work) if name.split("/")[0] not in kept]
    if doomed:
        FileSystems.delete(doomed)
    _remove_empty_folders(work)


def _read_json(path: str):
    if not FileSystems.exists(path):
        return None
    try:
        with FileSystems.open(path) as f:
            data = f.read().decode("utf-8")
        return json.loads(data) if path.endswith(".json") else [json.loads(line) for line in data.splitlines() if line.strip()]
    except ValueError:
        return None


def tool_files(out: str, work_name: str) -> set[str]:
    """The files under `out` this tool wrote: what the manifest lists, the card, the report and its plots,
    files of an interrupted publishing step, and anything in the work folder."""
    manifest = _read_json(FileSystems.join(out, release.MANIFEST))
    ours = {release.MANIFEST, release.CARD, release.REPORT}
    if isinstance(manifest, dict):
        ours |= release.written_files(manifest)
    ours |= set(_read_json(FileSystems.join(out, work_name, PUBLISHED)) or [])
    return ours


def is_tool_file(relative: str, ours: set[str], work_name: str) -> bool:
    top = relative.split("/")[0]
    return relative in ours or top == work_name or (top == release.PLOTS_DIR and relative.endswith(".png"))


def foreign_files(out: str, work_name: str) -> list[str]:
    """Files under `out` this tool did not write."""
    ours = tool_files(out, work_name)
    return [name for name in list_files(out) if not is_tool_file(name, ours, work_name)]


def remove_release(out: str, work_name: str, keep_work: bool) -> None:
    """Delete what this tool wrote under `out`, the manifest first (so the folder stops claiming to be a
    release); refuses, in one line, when any other file is there."""
    foreign = foreign_files(out, work_name)
    if foreign:
        more = f" (and {len(foreign) - 1} more)" if len(foreign) > 1 else ""
        raise ConfigError(f"{FileSystems.join(out, foreign[0])} was not written by this tool{more}: "
                          "move it out of the release folder, or choose another --out")
    ours = tool_files(out, work_name)
    present = [name for name in list_files(out) if name.split("/")[0] != work_name]
    manifest = [n for n in present if n == release.MANIFEST]
    for name in manifest + sorted(set(present) - set(manifest)):
        if name in ours or is_tool_file(name, ours, work_name):
            FileSystems.delete([FileSystems.join(out, name)])
    if not keep_work:
        work = FileSystems.join(out, work_name)
        if FileSystems.exists(work):
            FileSystems.delete([work])
    _remove_empty_folders(out)


def _remove_empty_folders(out: str) -> None:
    if "://" in out or not os.path.isdir(out):
        return
    for folder, _, _ in sorted(os.walk(out), key=lambda entry: -len(entry[0])):
        if folder != out and not os.listdir(folder):
            os.rmdir(folder)
