"""What the wrappers return, and their conversions to pandas and networkx.

pandas and networkx are imported only when a ``to_pandas()`` or
``to_networkx()`` is called, so the client works without them (Debian:
python3-pandas, python3-networkx).

Dates in DataFrames are ``datetime64[ns]`` at the first day of the
statement's period (a statement dated 2024-10 is 2024-10-01) with the period
in a ``*_precision`` column ("year", "month", "day"); in graphs they are ISO
text ("2024-10", as precise as the date), which GraphML and GEXF writers take
as they are.
"""

from __future__ import annotations

import collections
import datetime
import importlib
from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, List, Optional

from entente.v1 import claims_pb2, graph_pb2, statement_pb2
from entente.values import (QUAD_CLASS_NAMES, date_precision, date_start, date_text)


def _optional_module(name: str, debian: str, needed_by: str):
    """Imports pandas or networkx when a conversion first needs it."""
    try:
        return importlib.import_module(name)
    except ImportError as e:  # pragma: no cover - depends on the machine
        raise ImportError(f"{needed_by} needs {name} (Debian: apt-get install {debian})") from e


def _pandas():
    return _optional_module("pandas", "python3-pandas", "to_pandas()")


def _networkx():
    return _optional_module("networkx", "python3-networkx", "to_networkx()")


def _frame(rows: List[Dict[str, Any]], columns: List[str], dtypes: Dict[str, str]):
    """A DataFrame with these columns in this order even when empty, and each
    column's dtype set (an empty or all-None column would be object)."""
    pd = _pandas()
    frame = pd.DataFrame(rows, columns=columns)
    for column, dtype in dtypes.items():
        if dtype == "datetime64[ns]":
            frame[column] = pd.to_datetime(frame[column])
        elif dtype == "datetime64[ns, UTC]":
            frame[column] = pd.to_datetime(frame[column], unit="us", utc=True)
        else:
            frame[column] = frame[column].astype(dtype)
    return frame


def _optional_date(value: statement_pb2.Date, present: bool):
    return date_start(value) if present else None


def _kind(entity) -> Optional[str]:
    """"country", "person", ... of an Entity or EntityRef; None if unset."""
    return statement_pb2.EntityKind.Name(entity.kind).lower() if entity.kind else None


def _quad_name(action: statement_pb2.Action) -> Optional[str]:
    return QUAD_CLASS_NAMES.get(action.quad_class) if action.HasField("quad_class") else None


# ---------------------------------------------------------------------------
# Statements

STATEMENT_COLUMNS = [
    "id", "date", "date_precision", "actor_id", "actor", "actor_kind", "action", "cameo_code",
    "quad_class", "goldstein", "target_id", "target", "target_kind", "modality", "confidence",
    "attributed_to", "quote",
    "document_id", "publisher", "title", "url", "published", "ingested_at"]
_STATEMENT_DTYPES = {
    "id": "int64", "date": "datetime64[ns]", "date_precision": "category",
    "actor_id": "int64", "target_id": "int64", "actor_kind": "category",
    "target_kind": "category", "quad_class": "category", "goldstein": "float64",
    "modality": "category", "confidence": "float64", "published": "datetime64[ns]",
    "ingested_at": "datetime64[ns, UTC]"}


def statement_row(s: statement_pb2.Statement) -> Dict[str, Any]:
    """One statement as a flat dict: the row of Statements.to_pandas()."""
    return {
        "id": s.id,
        "date": date_start(s.date),
        "date_precision": date_precision(s.date),
        "actor_id": s.actor.id,
        "actor": s.actor.name,
        "actor_kind": _kind(s.actor),
        "action": s.action.text,
        "cameo_code": s.action.cameo_code or None,
        "quad_class": _quad_name(s.action),
        # Unset for statements without a code, and in the BASIC and INDEX views.
        "goldstein": s.action.goldstein if s.action.HasField("goldstein") else float("nan"),
        "target_id": s.target.id,
        "target": s.target.name,
        "target_kind": _kind(s.target),
        "modality": statement_pb2.Modality.Name(s.modality).lower() if s.modality else None,
        "confidence": s.confidence if s.HasField("confidence") else float("nan"),
        "attributed_to": s.attributed_to.name if s.HasField("attributed_to") else None,
        "quote": s.quote if s.HasField("quote") else None,
        "document_id": s.source.document_id or None,
        "publisher": s.source.publisher or None,
        "title": s.source.title or None,
        "url": s.source.url or None,
        "published": _optional_date(s.source.published, s.source.HasField("published")),
        "ingested_at": s.ingested_at_micros if s.HasField("ingested_at_micros") else None,
    }


class Statements(List[statement_pb2.Statement]):
    """A list of entente.v1.Statement messages, with to_pandas()."""

    def to_pandas(self):
        """One row per statement; columns STATEMENT_COLUMNS:

        id, actor_id, target_id (int64); date (datetime64, first day of the
        period) and date_precision; actor, action, target (names and text);
        actor_kind, target_kind ("country", "person", "organization",
        "group", "other");
        cameo_code, quad_class ("material_cooperation", ...; None when
        unclassified), goldstein (float, NaN when unclassified or not sent);
        modality ("asserted", ...), confidence; attributed_to (who says so;
        None: the document itself); quote; document_id, publisher, title,
        url, published (datetime64); ingested_at (datetime64, UTC).
        Fields the statement view left out are None or NaN.
        """
        return _frame([statement_row(s) for s in self], STATEMENT_COLUMNS, _STATEMENT_DTYPES)


# ---------------------------------------------------------------------------
# Ingest

@dataclass
class Rejection:
    """A statement the server did not store.

    index: its position in the input, from 0 (across batches and stream
    messages). field: the first offending field ("statements[3].date.month",
    relative to its request). violations: every violated field, when the
    server gave them (google.rpc.BadRequest).
    """
    index: int
    field: str
    description: str
    violations: List[Any] = field(default_factory=list)


@dataclass
class IngestResult:
    """Totals of Ingest or IngestStream.

    statement_ids: for Ingest, one per statement in order (the stored id, the
    earlier id of a duplicate, 0 if rejected); empty for IngestStream.
    rejections: at most 1,000 for IngestStream (``rejected`` counts them all).
    """
    accepted: int = 0
    duplicate: int = 0
    rejected: int = 0
    rejections: List[Rejection] = field(default_factory=list)
    statement_ids: List[int] = field(default_factory=list)

    def __str__(self) -> str:
        return f"accepted {self.accepted}, duplicate {self.duplicate}, rejected {self.rejected}"


# ---------------------------------------------------------------------------
# Traversals

@dataclass
class Node:
    """An entity a traversal reached: its entity, its depth (0: a seed) and,
    for time-respecting traversals, its arrival date."""
    entity: statement_pb2.Entity
    depth: int
    arrival_date: Optional[str] = None

    @property
    def id(self) -> int:
        return self.entity.id

    @property
    def name(self) -> str:
        return self.entity.name


@dataclass
class Edge:
    """The statements from actor_id to target_id a traversal followed.

    quad_class: set when the traversal was split by quad class
    (Client.traverse(..., split_quads=True)); each class is then its own
    edge. first_date, last_date: ISO text as precise as the statements'.
    """
    actor_id: int
    target_id: int
    count: int
    first_date: Optional[str]
    last_date: Optional[str]
    mean_goldstein: float
    evidence_statement_ids: List[int]
    sources: int = 0
    quad_class: Optional[str] = None

    @classmethod
    def from_proto(cls, edge: graph_pb2.AggregatedEdge, quad_class: Optional[str] = None) -> "Edge":
        return cls(edge.actor_id, edge.target_id, edge.count, date_text(edge.first_date),
                   date_text(edge.last_date), edge.mean_goldstein,
                   list(edge.evidence_statement_ids), edge.sources, quad_class)


def _node_attributes(entity: statement_pb2.Entity) -> Dict[str, Any]:
    """A node's attributes: `label` is what Gephi and yEd show."""
    attributes = {"label": entity.name, "kind": _kind(entity) or "unspecified"}
    if entity.country_code:
        attributes["country_code"] = entity.country_code
    return attributes


@dataclass
class Traversal:
    """What Traverse reached: nodes (with depth) and aggregated edges.

    truncated: which limit cut it short ("max_nodes", "max_edges",
    "max_fanout"), empty if none. split_quads: edges are per quad class.
    """
    nodes: List[Node] = field(default_factory=list)
    edges: List[Edge] = field(default_factory=list)
    truncated: str = ""
    split_quads: bool = False

    def names(self) -> Dict[int, str]:
        """Entity id -> name of the reached entities."""
        return {n.id: n.name for n in self.nodes}

    def nodes_frame(self):
        """One row per node: id, name, kind, country_code, depth, arrival_date."""
        rows = [{"id": n.id, "name": n.name, **_node_attributes(n.entity), "depth": n.depth,
                 "arrival_date": n.arrival_date} for n in self.nodes]
        for row in rows:
            row.pop("label")
        return _frame(rows, ["id", "name", "kind", "country_code", "depth", "arrival_date"],
                      {"id": "int64", "depth": "int64", "kind": "category"})

    def to_pandas(self):
        """The edges, one row each: actor_id, actor, target_id, target,
        quad_class (None unless split_quads), count, sources, first_date,
        last_date (datetime64, first day of the period), mean_goldstein,
        evidence_statement_ids (a list). nodes_frame() has the nodes."""
        names = self.names()
        rows = [{"actor_id": e.actor_id, "actor": names.get(e.actor_id),
                 "target_id": e.target_id, "target": names.get(e.target_id),
                 "quad_class": e.quad_class, "count": e.count, "sources": e.sources,
                 "first_date": e.first_date and date_start_text(e.first_date),
                 "last_date": e.last_date and date_start_text(e.last_date),
                 "mean_goldstein": e.mean_goldstein,
                 "evidence_statement_ids": e.evidence_statement_ids} for e in self.edges]
        columns = ["actor_id", "actor", "target_id", "target", "quad_class", "count", "sources",
                   "first_date", "last_date", "mean_goldstein", "evidence_statement_ids"]
        return _frame(rows, columns, {
            "actor_id": "int64", "target_id": "int64", "count": "int64", "sources": "int64",
            "first_date": "datetime64[ns]", "last_date": "datetime64[ns]",
            "mean_goldstein": "float64", "quad_class": "category"})

    def to_networkx(self):
        """A networkx.DiGraph (MultiDiGraph keyed by quad class when
        split_quads), nodes keyed by entity id.

        Node attributes: label (the name), kind, country_code, depth,
        arrival_date. Edge attributes: weight (= count, statements), count,
        sources, first_date, last_date (ISO text), mean_goldstein, evidence
        (statement ids, comma-separated: GraphML takes no lists), and
        quad_class when split. Ready for nx.write_graphml / write_gexf.
        """
        nx = _networkx()
        graph = nx.MultiDiGraph() if self.split_quads else nx.DiGraph()
        for n in self.nodes:
            attributes = _node_attributes(n.entity)
            attributes["depth"] = n.depth
            if n.arrival_date:
                attributes["arrival_date"] = n.arrival_date
            graph.add_node(n.id, **attributes)
        for e in self.edges:
            attributes = {"weight": e.count, "count": e.count, "sources": e.sources,
                          "mean_goldstein": e.mean_goldstein,
                          "evidence": ",".join(map(str, e.evidence_statement_ids))}
            for key in ("first_date", "last_date"):
                if getattr(e, key):
                    attributes[key] = getattr(e, key)
            if self.split_quads:
                attributes["quad_class"] = e.quad_class
                graph.add_edge(e.actor_id, e.target_id, key=e.quad_class, **attributes)
            else:
                graph.add_edge(e.actor_id, e.target_id, **attributes)
        return graph


def date_start_text(text: str) -> datetime.date:
    """The first day of an ISO date of any precision ("2024-10" -> 2024-10-01)."""
    parts = [int(p) for p in text.split("-")] + [1, 1]
    return datetime.date(parts[0], parts[1], parts[2])


# ---------------------------------------------------------------------------
# Paths

@dataclass
class Paths:
    """What FindPaths answered.

    distance: hops of the shortest path, -1 if none within max_hops.
    paths: the entente.v1.Path messages (entities from ... to; hops, each
    with count, statements, sources and, for temporal modes, used_date).
    departure, arrival, duration_days: for temporal modes.
    """
    distance: int
    paths: List[graph_pb2.Path]
    departure: Optional[str] = None
    arrival: Optional[str] = None
    duration_days: int = 0

    @classmethod
    def from_proto(cls, response: graph_pb2.FindPathsResponse) -> "Paths":
        return cls(response.distance, list(response.paths), date_text(response.departure),
                   date_text(response.arrival), response.duration_days)

    def statements(self) -> Statements:
        """Every hop's statements, each once, in path and hop order."""
        seen, result = set(), Statements()
        for path in self.paths:
            for hop in path.hops:
                for s in hop.statements:
                    if s.id not in seen:
                        seen.add(s.id)
                        result.append(s)
        return result

    def to_pandas(self):
        """One row per hop: path (index in paths), hop (index in the path),
        from_id, from, to_id, to, count, sources, used_date (datetime64; NaT
        unless temporal), statement_ids (the hop's statements sent)."""
        rows = []
        for p, path in enumerate(self.paths):
            names = {e.id: e.name for e in path.entities}
            for h, hop in enumerate(path.hops):
                rows.append({"path": p, "hop": h, "from_id": hop.from_id,
                             "from": names.get(hop.from_id), "to_id": hop.to_id,
                             "to": names.get(hop.to_id), "count": hop.count,
                             "sources": hop.sources,
                             "used_date": _optional_date(hop.used_date, hop.HasField("used_date")),
                             "statement_ids": [s.id for s in hop.statements]})
        columns = ["path", "hop", "from_id", "from", "to_id", "to", "count", "sources",
                   "used_date", "statement_ids"]
        return _frame(rows, columns, {"path": "int64", "hop": "int64", "from_id": "int64",
                                      "to_id": "int64", "count": "int64", "sources": "int64",
                                      "used_date": "datetime64[ns]"})

    def to_networkx(self):
        """A networkx.DiGraph of every path's entities and hops, in path
        order (a hop's statements may go either way, as the request's
        direction allows).

        Node attributes: label, kind, country_code. Edge attributes: weight
        (= count), count, sources, quad_class (the most frequent among the
        hop's statements sent; absent if none is classified), quad_classes
        (all of them, comma-separated), first_date and last_date (of those
        statements, ISO text), used_date (temporal modes), evidence (their
        ids, comma-separated), paths (indexes of the paths using the hop).
        """
        nx = _networkx()
        graph = nx.DiGraph()
        for p, path in enumerate(self.paths):
            for entity in path.entities:
                graph.add_node(entity.id, **_node_attributes(entity))
            for hop in path.hops:
                if graph.has_edge(hop.from_id, hop.to_id):
                    data = graph.edges[hop.from_id, hop.to_id]
                    data["paths"] += f",{p}"
                    continue
                graph.add_edge(hop.from_id, hop.to_id, paths=str(p), **_hop_attributes(hop))
        return graph


def _hop_attributes(hop: graph_pb2.PathHop) -> Dict[str, Any]:
    quads = collections.Counter(q for q in (_quad_name(s.action) for s in hop.statements) if q)
    dates = sorted((date_start(s.date), date_text(s.date)) for s in hop.statements
                   if s.date.year)
    attributes: Dict[str, Any] = {
        "weight": hop.count, "count": hop.count, "sources": hop.sources,
        "quad_classes": ",".join(sorted(quads)),
        "evidence": ",".join(str(s.id) for s in hop.statements)}
    if quads:
        attributes["quad_class"] = quads.most_common(1)[0][0]
    if dates:
        attributes["first_date"], attributes["last_date"] = dates[0][1], dates[-1][1]
    if hop.HasField("used_date"):
        attributes["used_date"] = date_text(hop.used_date)
    return attributes


# ---------------------------------------------------------------------------
# Timelines

TIMELINE_COLUMNS = [
    "start", "total", "verbal_cooperation", "material_cooperation", "verbal_conflict",
    "material_conflict", "unclassified", "mean_goldstein", "a_to_b", "b_to_a", "sources"]


@dataclass
class Timeline:
    """What GetRelationTimeline answered, every page together.

    a, b: the two entities (Entity messages). granularity: "day", "week",
    "month" or "year". buckets: TimelineBucket messages, oldest first.
    statements: between a and b, both directions, newest first (as many as
    the call asked for).
    """
    a: statement_pb2.Entity
    b: statement_pb2.Entity
    granularity: str
    buckets: List[graph_pb2.TimelineBucket]
    statements: Statements

    def to_pandas(self):
        """One row per bucket: start (datetime64, its first day), total, the
        four quad classes and unclassified, mean_goldstein (float; NaN when
        the bucket has no classified statement), a_to_b, b_to_a, sources
        (0 unless count_sources). statements.to_pandas() has the statements."""
        rows = []
        for b in self.buckets:
            row = {column: getattr(b, column) for column in TIMELINE_COLUMNS[1:]}
            row["start"] = date_start(b.start)
            if b.total == b.unclassified:
                row["mean_goldstein"] = float("nan")
            rows.append(row)
        return _frame(rows, TIMELINE_COLUMNS, {
            "start": "datetime64[ns]", "mean_goldstein": "float64",
            **{c: "int64" for c in TIMELINE_COLUMNS if c not in ("start", "mean_goldstein")}})


# ---------------------------------------------------------------------------
# Profiles

PROFILE_COLUMNS = [
    "entity_id", "name", "kind", "country_code", "out_statements", "in_statements",
    "out_degree", "in_degree", "first_date", "last_date", "verbal_cooperation",
    "material_cooperation", "verbal_conflict", "material_conflict", "unclassified", "sources"]
COUNTERPART_COLUMNS = ["entity_id", "name", "kind", "country_code", "out_count", "in_count",
                       "total", "sources"]


@dataclass
class Profile:
    """What GetEntityProfile answered (the response message in ``response``)."""
    response: graph_pb2.GetEntityProfileResponse

    @property
    def entity(self) -> statement_pb2.Entity:
        return self.response.entity

    def row(self) -> Dict[str, Any]:
        """The profile as one flat dict: a row of profiles_to_pandas()."""
        r = self.response
        attributes = _node_attributes(r.entity)
        return {"entity_id": r.entity.id, "name": r.entity.name, "kind": attributes["kind"],
                "country_code": attributes.get("country_code"),
                **{c: getattr(r, c) for c in PROFILE_COLUMNS[4:8]},
                "first_date": _optional_date(r.first_date, r.HasField("first_date")),
                "last_date": _optional_date(r.last_date, r.HasField("last_date")),
                **{c: getattr(r, c) for c in PROFILE_COLUMNS[10:]}}

    def to_pandas(self):
        """The top counterparts, one row each, in the server's order: entity_id,
        name, kind, country_code, out_count (from the profiled entity to it),
        in_count, total, sources (0 unless count_sources)."""
        rows = []
        for c in self.response.top_counterparts:
            attributes = _node_attributes(c.entity)
            rows.append({"entity_id": c.entity.id, "name": c.entity.name,
                         "kind": attributes["kind"], "country_code": attributes.get("country_code"),
                         "out_count": c.out_count, "in_count": c.in_count,
                         "total": c.out_count + c.in_count, "sources": c.sources})
        return _frame(rows, COUNTERPART_COLUMNS, {
            "entity_id": "int64", "out_count": "int64", "in_count": "int64", "total": "int64",
            "sources": "int64"})


def profiles_to_pandas(profiles: Iterable[Profile]):
    """Several profiles side by side, one row each (PROFILE_COLUMNS):
    degrees, statement counts, quad mix, first_date and last_date
    (datetime64)."""
    counts = {c: "int64" for c in PROFILE_COLUMNS[4:8] + PROFILE_COLUMNS[10:]}
    return _frame([p.row() for p in profiles], PROFILE_COLUMNS,
                  {"entity_id": "int64", "first_date": "datetime64[ns]",
                   "last_date": "datetime64[ns]", **counts})


# ---------------------------------------------------------------------------
# Claims

CLAIM_COLUMNS = ["id", "actor_id", "actor", "cameo_code", "action_text", "target_id", "target",
                 "first_date", "last_date", "statements", "documents", "sources", "claimants",
                 "asserted", "denied", "intended", "hypothetical", "contested"]


@dataclass
class ClaimList:
    """What ListClaims answered, every page together: claims (Claim
    messages, in the server's order), names (entity id -> name, since a
    Claim holds ids only), total (as the server counts them)."""
    claims: List[claims_pb2.Claim] = field(default_factory=list)
    names: Dict[int, str] = field(default_factory=dict)
    total: int = 0

    def to_pandas(self):
        """One row per claim; dates as datetime64, counts as int64."""
        rows = []
        for c in self.claims:
            row = {k: getattr(c, k) for k in CLAIM_COLUMNS if hasattr(c, k)}
            row.update(actor=self.names.get(c.actor_id), target=self.names.get(c.target_id),
                       first_date=date_start(c.first_date), last_date=date_start(c.last_date),
                       cameo_code=c.cameo_code or None, action_text=c.action_text or None)
            rows.append(row)
        ints = ["id", "actor_id", "target_id", "statements", "documents", "sources", "claimants",
                "asserted", "denied", "intended", "hypothetical"]
        return _frame(rows, CLAIM_COLUMNS, {"first_date": "datetime64[ns]",
                                            "last_date": "datetime64[ns]", "contested": "bool",
                                            **{c: "int64" for c in ints}})


__all__ = ["Statements", "statement_row", "Rejection", "IngestResult", "Node", "Edge",
           "Traversal", "Paths", "Timeline", "Profile", "profiles_to_pandas", "ClaimList",
           "STATEMENT_COLUMNS", "TIMELINE_COLUMNS", "PROFILE_COLUMNS", "COUNTERPART_COLUMNS",
           "CLAIM_COLUMNS"]
