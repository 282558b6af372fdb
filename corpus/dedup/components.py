"""Connected components of the duplicate graph, as map-reduce steps (Kiveris et al. 2014).

Edges are pairs (larger node, smaller node) of comparable nodes. Alternating
large-star and small-star rounds turns every component into a star around its
smallest node, the component's survivor. Each step looks at one node and its
neighbours, which it reads twice (minimum, then emit) instead of holding them,
so a hub with millions of neighbours costs no memory.

After a fixed number of rounds a node is *settled* when it has one smaller
neighbour and no larger one (a leaf of a star), or no smaller neighbour (a
root). The few unsettled nodes, if any, and their edges are finished in one
process by union-find, but only when they are few (see `NodeSummary`).
"""

from __future__ import annotations

from typing import Any, Hashable, Iterable, Iterator, NamedTuple

Node = Hashable
Edge = tuple[Any, Any]  # (larger, smaller)


def edge(a: Node, b: Node) -> Edge:
    return (a, b) if a > b else (b, a)


def large_star(node: Node, neighbours: Iterable[Node]) -> Iterator[tuple[Edge, bool]]:
    """Link every larger neighbour to the smallest of the neighbourhood: ((larger, smallest), changed)."""
    smallest = min(min(neighbours), node)
    for v in neighbours:
        if v > node:
            yield (v, smallest), smallest != node


def small_star(node: Node, smaller: Iterable[Node]) -> Iterator[tuple[Edge, bool]]:
    """Link the node and its smaller neighbours to the smallest of them: ((larger, smallest), changed)."""
    smallest = min(smaller)
    for v in smaller:
        if v != smallest:
            yield (v, smallest), True
    yield (node, smallest), False


class NodeSummary(NamedTuple):
    """What a node's edges say about it after the rounds: its smallest and largest smaller neighbour, and
    whether it has larger ones."""

    min_smaller: Any
    max_smaller: Any
    has_larger: bool

    @property
    def settled(self) -> bool:
        return self.min_smaller is None or (self.min_smaller == self.max_smaller and not self.has_larger)


def summary_of_edge_end(e: Edge) -> Iterator[tuple[Node, NodeSummary]]:
    larger, smaller = e
    yield larger, NodeSummary(smaller, smaller, False)
    yield smaller, NodeSummary(None, None, True)


def merge_summaries(summaries: Iterable[NodeSummary]) -> NodeSummary:
    lo = hi = None
    larger = False
    for s in summaries:
        if s.min_smaller is not None:
            lo = s.min_smaller if lo is None else min(lo, s.min_smaller)
            hi = s.max_smaller if hi is None else max(hi, s.max_smaller)
        larger = larger or s.has_larger
    return NodeSummary(lo, hi, larger)


def union_find_labels(edges: Iterable[Edge]) -> dict[Node, Node]:
    """Every node of the edges mapped to the smallest node of its component (in one process: leftovers only)."""
    parent: dict[Node, Node] = {}

    def find(x: Node) -> Node:
        root = x
        while parent.setdefault(root, root) != root:
            root = parent[root]
        while parent[x] != root:  # path compression
            parent[x], x = root, parent[x]
        return root

    for a, b in edges:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    return {x: find(x) for x in list(parent)}


def final_label(node: Node, summary: NodeSummary, leftover: dict[Node, Node] | None) -> Node:
    """The component's smallest node. Without the leftover (too large to finish in one worker), an
    unsettled node points to a smaller node of its own component: a component may then keep more than
    one node, but never loses all of them."""
    if leftover and node in leftover:
        return leftover[node]
    if summary.min_smaller is None:
        return node
    parent = summary.min_smaller
    return leftover.get(parent, parent) if leftover else parent
