"""Token files of a release: documents (MMLM) and mined sentence pairs (TLM) as token ids, and a reader.

The files are Megatron's indexed dataset, so Megatron-LM, NeMo and anything reading that layout
load them as they are:

    PREFIX.bin   the token ids of every sequence, one after the other (little-endian, `dtype`)
    PREFIX.idx   b"MMIDIDX\\x00\\x00", version 1 (uint64), the dtype's code (uint8), the number of
                 sequences and of document indices (uint64 each), then each sequence's length (int32),
                 each sequence's byte offset in PREFIX.bin (int64) and the document indices (int64:
                 0, then the sequence count after each document)

The dtype fits the vocabulary: uint16 below 65,536 pieces, int32 above (Megatron's own choice for
large vocabularies; XLM-R's 250,002 pieces overflow uint16).

MMLM: tokens/mmlm/<lang>/part-NNNNN-of-MMMMM.{bin,idx}, one document a sequence, SentencePiece's
ids of the text without added specials. TLM: tokens/tlm/<l1>-<l2>/part-...{bin,idx,langs.npy}, one
document per mined pair holding its two sequences `<s> l1 </s> l2 </s>` and `<s> l2 </s> l1 </s>`;
PREFIX.langs.npy (a NumPy structured array) gives per sequence the language of its first and its
second sentence and the offset of the second sentence's first token: what XLM needs to reset
positions and choose language embeddings.

Read them without this project:

    import numpy as np, struct
    idx = open("tokens/mmlm/fra_Latn/part-00000-of-00001.idx", "rb").read()
    _, version, code, n, n_docs = struct.unpack_from("<9sQBQQ", idx)
    lengths = np.frombuffer(idx, np.int32, n, 34)
    pointers = np.frombuffer(idx, np.int64, n, 34 + 4 * n)

or with this module's reader (numpy only, no torch):

    from corpus.tokens import TokenRelease
    release = TokenRelease("OUT")
    for ids in release.open("fra_Latn").documents(): ...        # one array per document
    for ids in release.open("fra_Latn").blocks(512): ...        # fixed-length blocks
    for seq, first, second, offset in release.open("eng_Latn-fra_Latn").pairs(): ...
    for label, block in release.sample(512, seed=0): ...        # languages drawn with the card's q_i

and feed a PyTorch DataLoader from it, one seed per worker:

    import torch
    class Blocks(torch.utils.data.IterableDataset):
        def __iter__(self):
            worker = torch.utils.data.get_worker_info()
            for label, block in TokenRelease("OUT").sample(512, seed=worker.id if worker else 0):
                yield torch.from_numpy(block.astype("int64"))
    loader = torch.utils.data.DataLoader(Blocks(), batch_size=32, num_workers=2)
"""

from __future__ import annotations

import hashlib
import json
import os
import struct
from typing import Any, BinaryIO, Iterable, Iterator, Mapping, NamedTuple, Sequence

import numpy as np

from corpus.rebalance import temperature_weights

INDEX_HEADER = b"MMIDIDX\x00\x00"
INDEX_VERSION = 1
# Megatron's codes for the dtype of the .bin (megatron/core/datasets/indexed_dataset.py, DType).
DTYPE_CODES = {"uint8": 1, "int8": 2, "int16": 3, "int32": 4, "int64": 5, "float64": 6, "float32": 7, "uint16": 8}
UINT16_PIECES = 1 << 16  # a vocabulary of fewer pieces fits uint16
MMLM = "mmlm"
TLM = "tlm"
BIN = ".bin"
IDX = ".idx"
LANGS = ".langs.npy"  # TLM sidecar
ENCODE_BATCH = 64  # texts per SentencePiece call: one C++ loop instead of one Python call per text
_FIXED = struct.Struct("<9sQBQQ")  # header, version, dtype code, sequences, document indices


def token_dtype(vocab_size: int) -> np.dtype:
    """The narrowest dtype Megatron reads that holds every id of the vocabulary."""
    return np.dtype("<u2") if vocab_size < UINT16_PIECES else np.dtype("<i4")


def dtype_code(dtype: np.dtype) -> int:
    return DTYPE_CODES[np.dtype(dtype).name]


def dtype_of_code(code: int) -> np.dtype:
    names = {c: name for name, c in DTYPE_CODES.items()}
    if code not in names:
        raise ValueError(f"unknown dtype code {code}")
    return np.dtype(names[code]).newbyteorder("<")


def encode_index(lengths: Sequence[int], dtype: np.dtype, document_indices: Sequence[int]) -> bytes:
    """The .idx of sequences of the given lengths (in tokens) stored one after the other in the .bin."""
    sizes = np.asarray(lengths, dtype="<i4")
    pointers = np.zeros(len(sizes), dtype="<i8")
    if len(sizes):
        np.cumsum(sizes[:-1].astype("<i8") * np.dtype(dtype).itemsize, out=pointers[1:])
    documents = np.asarray(document_indices, dtype="<i8")
    head = _FIXED.pack(INDEX_HEADER, INDEX_VERSION, dtype_code(dtype), len(sizes), len(documents))
    return head + sizes.tobytes() + pointers.tobytes() + documents.tobytes()


class Index(NamedTuple):
    """A parsed .idx: the dtype of the .bin, and per sequence its length and byte offset; the document indices."""

    dtype: np.dtype
    lengths: np.ndarray
    pointers: np.ndarray
    documents: np.ndarray


def decode_index(data: bytes | memoryview | np.ndarray) -> Index:
    """Parse a .idx (bytes or a memory map); ValueError when it is not one."""
    buffer = memoryview(data).cast("B") if not isinstance(data, np.ndarray) else data
    if len(buffer) < _FIXED.size:
        raise ValueError("shorter than the index header")
    header, version, code, count, doc_count = _FIXED.unpack_from(buffer)
    if header != INDEX_HEADER or version != INDEX_VERSION:
        raise ValueError("not a Megatron index (header or version)")
    expected = _FIXED.size + 4 * count + 8 * count + 8 * doc_count
    if len(buffer) != expected:
        raise ValueError(f"{len(buffer)} bytes, {expected} expected for {count} sequences and {doc_count} document indices")
    lengths = np.frombuffer(buffer, "<i4", count, _FIXED.size)
    pointers = np.frombuffer(buffer, "<i8", count, _FIXED.size + 4 * count)
    documents = np.frombuffer(buffer, "<i8", doc_count, _FIXED.size + 12 * count)
    return Index(dtype_of_code(code), lengths, pointers, documents)


def index_problems(index: Index, bin_bytes: int) -> list[str]:
    """What is inconsistent between an index and its .bin's size (empty when sound)."""
    problems = []
    item = index.dtype.itemsize
    if len(index.lengths) and index.lengths.min() < 0:
        problems.append("a negative sequence length")
    expected = np.concatenate([[0], np.cumsum(index.lengths[:-1].astype(np.int64) * item)]) if len(index.lengths) else index.pointers
    if not np.array_equal(index.pointers, expected):
        problems.append("sequence pointers do not follow the lengths")
    if int(index.lengths.astype(np.int64).sum()) * item != bin_bytes:
        problems.append(f".bin holds {bin_bytes} bytes, the index {int(index.lengths.sum()) * item}")
    docs = index.documents
    if not len(docs) or docs[0] != 0 or docs[-1] != len(index.lengths) or np.any(np.diff(docs) < 0):
        problems.append("document indices do not run from 0 to the sequence count")
    return problems


class FileStats(NamedTuple):
    """What a written .bin holds, for the manifest."""

    sequences: int
    documents: int
    tokens: int


class IndexedWriter:
    """Streams sequences into an open .bin (any writable binary stream), keeping only the lengths;
    `index()` is the matching .idx. The .bin's sha256 and size are counted as it is written."""

    def __init__(self, stream: BinaryIO, dtype: np.dtype):
        self.stream = stream
        self.dtype = np.dtype(dtype)
        self.lengths: list[int] = []
        self.document_indices = [0]
        self.sha256 = hashlib.sha256()
        self.bytes = 0

    def add(self, ids: np.ndarray) -> None:
        data = np.ascontiguousarray(ids, dtype=self.dtype).tobytes()
        self.stream.write(data)
        self.sha256.update(data)
        self.bytes += len(data)
        self.lengths.append(len(ids))

    def end_document(self) -> None:
        self.document_indices.append(len(self.lengths))

    def index(self) -> bytes:
        return encode_index(self.lengths, self.dtype, self.document_indices)

    def stats(self) -> FileStats:
        return FileStats(len(self.lengths), len(self.document_indices) - 1, sum(self.lengths))


def encode_texts(sp, texts: Iterable[str]) -> Iterator[list[int]]:
    """SentencePiece ids of each text, in order, encoded in batches on one thread."""
    batch: list[str] = []
    for text in texts:
        batch.append(text)
        if len(batch) == ENCODE_BATCH:
            yield from sp.encode(batch, num_threads=1)
            batch = []
    if batch:
        yield from sp.encode(batch, num_threads=1)


def write_documents(writer: IndexedWriter, sp, texts: Iterable[str]) -> None:
    """MMLM: each text one document of one sequence, its ids without added specials."""
    for ids in encode_texts(sp, texts):
        writer.add(np.asarray(ids, dtype=writer.dtype))
        writer.end_document()


class Pair(NamedTuple):
    """One mined pair as the TLM writer needs it."""

    src_lang: str
    tgt_lang: str
    src_text: str
    tgt_text: str


def langs_dtype(labels: Iterable[str]) -> np.dtype:
    width = max((len(label.encode("utf-8")) for label in labels), default=1)
    return np.dtype([("first", f"S{width}"), ("second", f"S{width}"), ("offset", "<i4")])


def write_pairs(writer: IndexedWriter, sp, pairs: Sequence[Pair]) -> np.ndarray:
    """TLM: each pair one document of two sequences, `<s> a </s> b </s>` in both directions;
    returns the sidecar (first language, second language, offset of the second sentence) per sequence."""
    bos, eos = sp.bos_id(), sp.eos_id()
    if bos < 0 or eos < 0:
        raise ValueError("the SentencePiece model has no <s> or </s> piece, which TLM sequences need")
    texts = (text for pair in pairs for text in (pair.src_text, pair.tgt_text))
    encoded = encode_texts(sp, texts)
    sidecar = np.zeros(2 * len(pairs), dtype=langs_dtype(lang for p in pairs for lang in (p.src_lang, p.tgt_lang)))
    for i, pair in enumerate(pairs):
        sides = ((pair.src_lang, next(encoded)), (pair.tgt_lang, next(encoded)))
        for j, ((first, a), (second, b)) in enumerate((sides, sides[::-1])):
            writer.add(np.asarray([bos, *a, eos, *b, eos], dtype=writer.dtype))
            sidecar[2 * i + j] = (first.encode(), second.encode(), len(a) + 2)
        writer.end_document()
    return sidecar


def sidecar_bytes(sidecar: np.ndarray) -> bytes:
    """The .langs.npy file: NumPy's own format, so np.load (allow_pickle=False) reads it anywhere."""
    import io

    buffer = io.BytesIO()
    np.save(buffer, sidecar, allow_pickle=False)
    return buffer.getvalue()


def probabilities(tokens: Mapping[str, int], alpha: float) -> dict[str, float]:
    """Sampling probabilities q_i = p_i^alpha / sum_j p_j^alpha, p_i being each label's share of tokens."""
    weights = temperature_weights(tokens, alpha)
    total = sum(weights.values())
    return {label: round(w / total, 6) for label, w in sorted(weights.items())} if total else {}


# ---------------------------------------------------------------------------------------------------
# The reader


class IndexedFile:
    """One .bin/.idx pair, memory-mapped: sequence i is a view into the .bin, nothing is read ahead."""

    def __init__(self, prefix: str):
        self.prefix = prefix
        self.index = decode_index(np.memmap(prefix + IDX, dtype=np.uint8, mode="r"))
        size = os.path.getsize(prefix + BIN)
        self.tokens = np.memmap(prefix + BIN, dtype=self.index.dtype, mode="r") if size else np.zeros(0, self.index.dtype)
        self.langs = np.load(prefix + LANGS, allow_pickle=False) if os.path.exists(prefix + LANGS) else None

    def __len__(self) -> int:
        return len(self.index.lengths)

    def __getitem__(self, i: int) -> np.ndarray:
        start = int(self.index.pointers[i]) // self.index.dtype.itemsize
        return self.tokens[start : start + int(self.index.lengths[i])]

    def documents(self) -> Iterator[list[np.ndarray]]:
        """Each document's sequences."""
        docs = self.index.documents
        for start, end in zip(docs[:-1], docs[1:]):
            yield [self[i] for i in range(int(start), int(end))]


class TokenSet:
    """The files of one language (MMLM) or one language pair (TLM), in shard order."""

    def __init__(self, prefixes: Sequence[str]):
        self.files = [IndexedFile(prefix) for prefix in prefixes]

    def __len__(self) -> int:
        return sum(len(f) for f in self.files)

    def sequences(self) -> Iterator[np.ndarray]:
        for f in self.files:
            for i in range(len(f)):
                yield f[i]

    def documents(self) -> Iterator[np.ndarray]:
        """One array per document (its sequences joined; an MMLM document is one sequence)."""
        for f in self.files:
            for sequences in f.documents():
                yield sequences[0] if len(sequences) == 1 else np.concatenate(sequences)

    def pairs(self) -> Iterator[tuple[np.ndarray, str, str, int]]:
        """TLM: each sequence with its first and second language and where the second sentence starts."""
        for f in self.files:
            if f.langs is None:
                raise ValueError(f"{f.prefix} has no {LANGS} sidecar: not a TLM file")
            for i in range(len(f)):
                first, second, offset = f.langs[i]
                yield f[i], first.decode(), second.decode(), int(offset)

    def blocks(self, length: int, separator: int | None = None) -> Iterator[np.ndarray]:
        """Fixed-length blocks of the documents laid end to end (`separator` between documents, e.g. </s>);
        the last, shorter block is left out. Streams: at most one block and one document are held."""
        pending: list[np.ndarray] = []
        held = 0
        for doc in self.documents():
            parts = [doc] if separator is None else [doc, np.asarray([separator], dtype=doc.dtype)]
            for part in parts:
                pending.append(part)
                held += len(part)
                while held >= length:
                    joined = np.concatenate(pending)
                    yield joined[:length]
                    pending, held = [joined[length:]], held - length


class TokenRelease:
    """The token files of a release folder, found through its manifest's `tokens` section."""

    def __init__(self, folder: str):
        self.folder = folder
        with open(os.path.join(folder, "manifest.json"), encoding="utf-8") as f:
            self.info: dict[str, Any] = json.load(f).get("tokens") or {}
        if not self.info:
            raise ValueError(f"{folder} has no token files (build with output.tokens, or run `corpus tokenize`)")

    @property
    def languages(self) -> list[str]:
        return sorted(self.info.get(MMLM, {}))

    @property
    def pairs(self) -> list[str]:
        return sorted(self.info.get(TLM, {}))

    def open(self, label: str) -> TokenSet:
        """A language (`fra_Latn`) or a language pair (`eng_Latn-fra_Latn`)."""
        for kind in (MMLM, TLM):
            if label in self.info.get(kind, {}):
                return TokenSet([os.path.join(self.folder, p) for p in self.info[kind][label]["files"]])
        raise KeyError(f"no token files for {label}; languages: {', '.join(self.languages)}; pairs: {', '.join(self.pairs)}")

    def probabilities(self, kind: str = MMLM) -> dict[str, float]:
        """The card's sampling probability of each language (or pair)."""
        return {label: v["probability"] for label, v in self.info.get(kind, {}).items()}

    def sample(self, length: int, seed: int = 0, kind: str = MMLM, separator: int | None = None) -> Iterator[tuple[str, np.ndarray]]:
        """An endless stream of (label, block): each block's language drawn with the card's probabilities,
        each language's blocks read in order and started again when they run out."""
        chances = self.probabilities(kind)
        labels = [label for label, q in chances.items() if q > 0]
        weights = np.asarray([chances[label] for label in labels], dtype=np.float64)
        streams = {label: self.open(label).blocks(length, separator) for label in labels}
        rng = np.random.default_rng(seed)
        while labels:
            label = labels[rng.choice(len(labels), p=weights / weights.sum())]
            block = next(streams[label], None)
            if block is None:  # an epoch of this language ended: start it again
                streams[label] = self.open(label).blocks(length, separator)
                block = next(streams[label], None)
            if block is None:  # fewer tokens than one block: never drawn again
                keep = [i for i, name in enumerate(labels) if name != label]
                labels, weights = [labels[i] for i in keep], weights[keep]
                continue
            yield label, block
