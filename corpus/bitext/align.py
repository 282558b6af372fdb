"""Monotonic alignment of the sentences of two documents that translate each other,
by dynamic programming over beads (1-1, 1-2, 2-1, 1-0, 0-1), in the manner of
vecalign and hunalign.

A bead's score is the ratio margin of its similarity, where similarity mixes the
cosine of the bead's vectors (sums of its sentences' raw vectors, so a 1-2 bead
is scored as the concatenation it stands for) with a Gale-Church-style length
agreement and closeness to the diagonal (relative positions, hunalign's prior). The path maximises the sum of (margin - skip_margin) over its
aligned beads; a sentence is left unaligned (1-0, 0-1) when no bead scores above
`skip_margin`, which keeps distractor sentences out.

The path is monotonic, so a sentence moved elsewhere in the other document falls off
it; with `crossed_margin`, sentences left over on both sides are then paired when they
are each other's best match among the left-overs and their plain cosine margin reaches
it (the global-mining rule, inside the document pair).
"""

from __future__ import annotations

from typing import NamedTuple, Sequence

import numpy as np

from corpus.bitext.lexical import normalise_rows


class Bead(NamedTuple):
    src: tuple[int, ...]  # sentence indices in the first document
    tgt: tuple[int, ...]  # sentence indices in the second document
    score: float  # ratio margin of the bead
    similarity: float  # its mixed cosine / length similarity


def length_agreement(len1: np.ndarray, len2: np.ndarray, ratio: float, sigma: float = 0.4) -> np.ndarray:
    """exp(-delta^2 / 2) with delta the log ratio of lengths against the documents' own ratio (Gale-Church)."""
    delta = np.log((len2[None, :] + 1.0) / (ratio * len1[:, None] + 1.0)) / sigma
    return np.exp(-0.5 * delta * delta)


def _pair_sums(values: np.ndarray) -> np.ndarray:
    return values[:-1] + values[1:] if len(values) > 1 else values[:0]


def align(
    raw1: np.ndarray,
    raw2: np.ndarray,
    len1: Sequence[float],
    len2: Sequence[float],
    *,
    k: int,
    length_weight: float,
    position_weight: float,
    skip_margin: float,
    merge_penalty: float | tuple[float, float],
    crossed_margin: float | None,
    paragraphs1: Sequence[int] | None = None,
    paragraphs2: Sequence[int] | None = None,
) -> list[Bead]:
    """The best monotonic path of beads through two documents' sentences.

    raw1, raw2: unnormalised sentence vectors (rows), so that sums encode concatenations;
    len1, len2: sentence lengths in characters;
    paragraphs1, paragraphs2: each sentence's paragraph: a 1-2 or 2-1 bead never spans two paragraphs
    (it would glue a heading to the sentence after it);
    merge_penalty: taken off the margin of a bead that joins two sentences, one value or
    (joining two of the first document's, joining two of the second's).
    """
    n, m = len(raw1), len(raw2)
    if n == 0 or m == 0:
        return []
    len1 = np.asarray(len1, dtype=np.float64)
    len2 = np.asarray(len2, dtype=np.float64)
    ratio = len2.sum() / max(len1.sum(), 1.0)
    x1, x2 = normalise_rows(raw1), normalise_rows(raw2)
    y1, y2 = normalise_rows(_pair_sums(raw1)), normalise_rows(_pair_sums(raw2))
    l1p, l2p = _pair_sums(len1), _pair_sums(len2)

    # Relative positions (sentence centres): translations sit near the diagonal (hunalign's prior).
    pos1, pos2 = (np.arange(n) + 0.5) / n, (np.arange(m) + 0.5) / m
    pair_pos1, pair_pos2 = _pair_sums(pos1) / 2, _pair_sums(pos2) / 2

    def similarity(a, b, la, lb, pa, pb):
        diagonal = np.exp(-0.5 * ((pa[:, None] - pb[None, :]) / 0.15) ** 2)
        cosine_weight = 1 - length_weight - position_weight
        return cosine_weight * (a @ b.T) + length_weight * length_agreement(la, lb, ratio) + position_weight * diagonal

    s11 = similarity(x1, x2, len1, len2, pos1, pos2)
    kk = min(k, n, m)
    mean1 = -np.sort(-s11, axis=1)[:, :kk].mean(axis=1)  # each sentence's k nearest in the other document
    mean2 = -np.sort(-s11, axis=0)[:kk, :].mean(axis=0)
    pair_mean1, pair_mean2 = _pair_sums(mean1) / 2, _pair_sums(mean2) / 2

    def margin(sims, m1, m2):
        return sims / np.maximum((m1[:, None] + m2[None, :]) / 2, 1e-6)

    s21 = similarity(y1, x2, l1p, len2, pair_pos1, pos2)  # two sentences of the first document, one of the second
    s12 = similarity(x1, y2, len1, l2p, pos1, pair_pos2)
    def mergeable(paragraphs, count):
        if paragraphs is None:
            return np.zeros(max(count - 1, 0))
        same = np.asarray(paragraphs[:-1]) == np.asarray(paragraphs[1:])
        return np.where(same, 0.0, -np.inf)

    merge1, merge2 = merge_penalty if isinstance(merge_penalty, tuple) else (merge_penalty, merge_penalty)
    beads = {  # (di, dj) -> (margins, similarities)
        (1, 1): (margin(s11, mean1, mean2), s11),
        (2, 1): (margin(s21, pair_mean1, mean2) - merge1 + mergeable(paragraphs1, n)[:, None], s21),
        (1, 2): (margin(s12, mean1, pair_mean2) - merge2 + mergeable(paragraphs2, m)[None, :], s12),
    }
    best = np.full((n + 1, m + 1), -np.inf)
    back = np.zeros((n + 1, m + 1, 2), dtype=np.int8)
    best[0, 0] = 0.0
    for i in range(n + 1):
        for j in range(m + 1):
            if i == 0 and j == 0:
                continue
            top, move = -np.inf, (0, 0)
            if i > 0 and best[i - 1, j] > top:  # 1-0: skip a sentence of the first document
                top, move = best[i - 1, j], (1, 0)
            if j > 0 and best[i, j - 1] > top:  # 0-1
                top, move = best[i, j - 1], (0, 1)
            for (di, dj), (margins, _) in beads.items():
                if i >= di and j >= dj:
                    value = best[i - di, j - dj] + margins[i - di, j - dj] - skip_margin
                    if value > top:
                        top, move = value, (di, dj)
            best[i, j] = top
            back[i, j] = move
    path: list[Bead] = []
    i, j = n, m
    while i > 0 or j > 0:
        di, dj = (int(v) for v in back[i, j])
        i, j = i - di, j - dj
        if di and dj:
            margins, sims = beads[(di, dj)]
            path.append(Bead(tuple(range(i, i + di)), tuple(range(j, j + dj)), float(margins[i, j]), float(sims[i, j])))
    path = path[::-1]
    if crossed_margin is not None:
        path = sorted(path + _crossed(x1, x2, path, k, crossed_margin))
    return path


def _crossed(x1: np.ndarray, x2: np.ndarray, path: list[Bead], k: int, threshold: float) -> list[Bead]:
    """1-1 beads between sentences the path left out: mutual best cosine margins >= threshold."""
    left1 = np.array(sorted(set(range(len(x1))) - {i for b in path for i in b.src}), dtype=np.int64)
    left2 = np.array(sorted(set(range(len(x2))) - {j for b in path for j in b.tgt}), dtype=np.int64)
    if len(left1) == 0 or len(left2) == 0:
        return []
    cosines = x1 @ x2.T
    kk = min(k, len(x1), len(x2))
    # Neighbourhoods over whole documents, as in the path's margins: a left-over sentence
    # close to everything (a hub) keeps a low margin.
    mean1 = -np.sort(-cosines, axis=1)[:, :kk].mean(axis=1)
    mean2 = -np.sort(-cosines, axis=0)[:kk, :].mean(axis=0)
    margins = cosines / np.maximum((mean1[:, None] + mean2[None, :]) / 2, 1e-6)
    sub = margins[np.ix_(left1, left2)]
    out = []
    for a, b in enumerate(sub.argmax(axis=1)):
        if sub[:, b].argmax() == a and sub[a, b] >= threshold:
            i, j = int(left1[a]), int(left2[b])
            out.append(Bead((i,), (j,), float(sub[a, b]), float(cosines[i, j])))
    return out
