#!/usr/bin/python3
"""A small Python client for Entente, and an example of using its gRPC API.

Entente's protocol is plain gRPC (proto/entente/v1/*.proto), so any gRPC
client works. This module shows the parts a caller has to get right:

* ingesting JSON-lines statements in batches (``json_format.Parse`` into
  ``Statement``), with per-statement rejections;
* reading the ``google.rpc.BadRequest`` of a failed call, which the server
  sends in the trailing metadata ``grpc-status-details-bin``;
* ListStatements with a filter and page tokens, FindPaths,
  GetRelationTimeline and the streamed Traverse;
* claims (docs/claims.md): ListClaims over every page, GetClaim with the
  statements that assert and deny a claim, and the filter's min_sources
  and contested, which need a server started with --claims;
* who is who (groups.proto): merges of entities that are one, and
  memberships, which the queries' ``rollup=`` follows ("country": a
  minister seen as her country; "parent": one step up).

It needs Debian's python3-grpcio and python3-protobuf (run it with
/usr/bin/python3) and the generated modules: run ``generate.sh`` first. They
are looked up in $ENTENTE_PYTHON_GEN, else in the ``gen/`` directory beside
this file.

As a library::

    import entente_client as ec
    with ec.Client("127.0.0.1:50051") as client:
        summary = client.ingest(ec.read_jsonl("seed.jsonl"))
        for s in client.iter_statements("Russia", direction=ec.graph_pb2.IN):
            print(ec.describe(s))

As a command line, see ``entente_client.py --help`` and README.md.
"""

import argparse
import datetime
import os
import sys
from dataclasses import dataclass, field
from typing import Dict, Iterable, Iterator, List, Optional

# The generated modules are not installed anywhere: put their directory on
# the import path before importing them.
_GEN_DIR = os.environ.get("ENTENTE_PYTHON_GEN") or os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "gen")
if _GEN_DIR not in sys.path:
    sys.path.insert(0, _GEN_DIR)

import grpc  # noqa: E402
from google.protobuf import json_format  # noqa: E402

try:
    from entente.v1 import claims_pb2, filter_pb2, graph_pb2, graph_pb2_grpc  # noqa: E402
    from entente.v1 import groups_pb2  # noqa: E402
    from entente.v1 import ingest_pb2, ingest_pb2_grpc, statement_pb2  # noqa: E402
    from google.rpc import error_details_pb2, status_pb2  # noqa: E402
    from google.protobuf import timestamp_pb2  # noqa: E402
except ImportError as e:  # pragma: no cover - a set-up problem, not a bug
    raise ImportError(
        f"{e}: generated modules not found in {_GEN_DIR}; run "
        "clients/python/generate.sh (or set ENTENTE_PYTHON_GEN)") from e

# The server's limit on statements per Ingest request is 10,000.
DEFAULT_BATCH_SIZE = 1000
DEFAULT_TIMEOUT_S = 30.0


# ---------------------------------------------------------------------------
# Reading statements

def read_jsonl(path: str) -> Iterator[statement_pb2.Statement]:
    """Yields the Statement of each non-blank line of a JSON-lines file.

    Each line is one Statement in the standard protobuf JSON mapping
    (lowerCamelCase names, enums by name), as in
    tests/fixtures/seed-2024-10-22.jsonl. A line that does not parse raises
    ValueError naming the line: better than sending a half-read statement.
    """
    with open(path, encoding="utf-8") as f:
        for line_no, line in enumerate(f, start=1):
            if not line.strip():
                continue
            try:
                yield json_format.Parse(line, statement_pb2.Statement())
            except json_format.ParseError as e:
                raise ValueError(f"{path}:{line_no}: {e}") from e


# ---------------------------------------------------------------------------
# Rich errors: google.rpc.Status in the trailing metadata

STATUS_DETAILS_KEY = "grpc-status-details-bin"


def rich_status(error: grpc.RpcError) -> Optional[status_pb2.Status]:
    """The google.rpc.Status the server attached to a failed call, if any.

    gRPC carries it, serialized, in the trailing metadata entry
    ``grpc-status-details-bin`` (a "-bin" key, so the value arrives as
    bytes). Its ``details`` are google.protobuf.Any messages such as
    google.rpc.BadRequest.
    """
    for key, value in error.trailing_metadata() or ():
        if key == STATUS_DETAILS_KEY:
            return status_pb2.Status.FromString(value)
    return None


def field_violations(error: grpc.RpcError) -> List[error_details_pb2.BadRequest.FieldViolation]:
    """The field violations of the BadRequest details of a failed call.

    Entente fails a call with INVALID_ARGUMENT and one google.rpc.BadRequest
    naming each offending field as a path ("statements[0].confidence",
    "filter.date_from.month"). Empty if the call carries no BadRequest.
    """
    status = rich_status(error)
    violations = []
    for detail in status.details if status else ():
        if detail.Is(error_details_pb2.BadRequest.DESCRIPTOR):
            bad_request = error_details_pb2.BadRequest()
            detail.Unpack(bad_request)
            violations.extend(bad_request.field_violations)
    return violations


def describe_error(error: grpc.RpcError) -> str:
    """One readable paragraph for a failed call: code, message, fields."""
    lines = [f"{error.code().name}: {error.details()}"]
    for v in field_violations(error):
        lines.append(f"  {v.field}: {v.description}")
    return "\n".join(lines)


# ---------------------------------------------------------------------------
# Formatting

def format_date(date: statement_pb2.Date) -> str:
    """2024, 2024-10 or 2024-10-21, as precise as the date is."""
    if not date.year:
        return "-"
    text = f"{date.year:04d}"
    if date.month:
        text += f"-{date.month:02d}"
        if date.day:
            text += f"-{date.day:02d}"
    return text


def describe(s: statement_pb2.Statement) -> str:
    """A statement on one line, its quote on the next."""
    code = f" [{s.action.cameo_code}]" if s.action.cameo_code else ""
    said = f", said by {s.attributed_to.name}" if s.HasField("attributed_to") else ""
    modality = statement_pb2.Modality.Name(s.modality).lower()
    head = (f"#{s.id} {format_date(s.date)}  {s.actor.name} -> {s.action.text}{code} -> "
            f"{s.target.name}  ({modality}, {s.confidence:.2f}{said})")
    return head + (f'\n    "{s.quote}"' if s.quote else "")


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' if n != 1 else ''}"


def claim_days(claim: claims_pb2.Claim) -> str:
    """2024-10-18..2024-10-20, or one day when the claim has one."""
    first, last = format_date(claim.first_date), format_date(claim.last_date)
    return first if first == last else f"{first}..{last}"


def describe_claim(claim: claims_pb2.Claim, names: Dict[int, str]) -> str:
    """A claim on one line: id, subject, days, evidence, contested or not.

    ``names``: entity id -> name, from the response's ``entities``.
    """
    actor = names.get(claim.actor_id, f"#{claim.actor_id}")
    target = names.get(claim.target_id, f"#{claim.target_id}")
    action = f"[{claim.cameo_code}]" if claim.cameo_code else f'"{claim.action_text}"'
    contested = (f"  CONTESTED ({claim.asserted} asserted, {claim.denied} denied)"
                 if claim.contested else "")
    return (f"claim {claim.id}  {actor} -> {target} {action}  {claim_days(claim)}  "
            f"{_plural(claim.statements, 'statement')}, {_plural(claim.documents, 'document')}, "
            f"{_plural(claim.sources, 'source')}{contested}")


def describe_evidence(s: statement_pb2.Statement) -> str:
    """A statement of a claim: id, date, modality, quote, publisher, who says so."""
    modality = statement_pb2.Modality.Name(s.modality).lower()
    publisher = s.source.publisher or "(no publisher)"
    said = (f"said by {s.attributed_to.name}" if s.HasField("attributed_to")
            else "said by the document itself")
    lines = [f"#{s.id} {format_date(s.date)}  {modality}, {s.confidence:.2f}"]
    if s.quote:
        lines.append(f'    "{s.quote}"')
    lines.append(f"    {publisher} ({s.source.document_id}), {said}")
    return "\n".join(lines)


def parse_date(text: str) -> statement_pb2.Date:
    """'2024', '2024-10' or '2024-10-21' as a Date."""
    parts = [int(p) for p in text.split("-")]
    if not 1 <= len(parts) <= 3:
        raise ValueError(f"not a date: {text!r} (want YYYY, YYYY-MM or YYYY-MM-DD)")
    return statement_pb2.Date(**dict(zip(("year", "month", "day"), parts)))


# EdgeFilter.contested by name, as edge_filter() and the command line take it.
CONTESTED = {
    "any": claims_pb2.CONTESTED_ANY,
    "only": claims_pb2.CONTESTED_ONLY,
    "exclude": claims_pb2.CONTESTED_EXCLUDE,
}

# ListClaimsRequest.order by name.
CLAIM_ORDERS = {
    "sources": claims_pb2.CLAIM_ORDER_SOURCES,
    "recent": claims_pb2.CLAIM_ORDER_RECENT,
}


def edge_filter(since: Optional[str] = None, until: Optional[str] = None,
                codes: Iterable[str] = (), min_confidence: Optional[float] = None,
                min_sources: Optional[int] = None, contested: Optional[str] = None
                ) -> filter_pb2.EdgeFilter:
    """An EdgeFilter, the filter every graph query takes. Empty = everything.

    ``min_sources``: only statements whose claim has at least that many
    independent sources (publishers); 0 or 1 is every statement.
    ``contested``: "any" (the default), "only" (statements of contested
    claims) or "exclude" (of uncontested ones). A min_sources above 1 or a
    contested other than "any" needs a server whose database keeps claims
    (entente-server --claims), else the query fails with
    FAILED_PRECONDITION; a negative min_sources is INVALID_ARGUMENT
    naming ``filter.min_sources``, which the server, not this function,
    decides.
    """
    f = filter_pb2.EdgeFilter(code_prefixes=list(codes))
    if since:
        f.date_from.CopyFrom(parse_date(since))
    if until:
        f.date_to.CopyFrom(parse_date(until))
    if min_confidence is not None:
        f.min_confidence = min_confidence
    if min_sources is not None:
        f.min_sources = min_sources
    if contested is not None:
        if contested not in CONTESTED:
            raise ValueError(f"contested: {contested!r} is not one of {', '.join(CONTESTED)}")
        if CONTESTED[contested] != claims_pb2.CONTESTED_ANY:
            f.contested = CONTESTED[contested]
    return f


# FindPathsRequest.temporal_mode by name, as find_paths() and the command
# line take it.
TEMPORAL_MODES = {
    "earliest": graph_pb2.TEMPORAL_MODE_EARLIEST_ARRIVAL,
    "latest": graph_pb2.TEMPORAL_MODE_LATEST_DEPARTURE,
    "fastest": graph_pb2.TEMPORAL_MODE_FASTEST,
    "shortest": graph_pb2.TEMPORAL_MODE_SHORTEST,
}


# Rollup by name, as the query methods' ``rollup`` and the command line take
# it. None (or "none") is ROLLUP_UNSPECIFIED: every entity as itself.
ROLLUPS = {
    "none": graph_pb2.ROLLUP_UNSPECIFIED,
    "country": graph_pb2.ROLLUP_COUNTRY,
    "parent": graph_pb2.ROLLUP_PARENT,
}


def rollup_value(rollup: Optional[str]) -> int:
    """The Rollup of a name of ROLLUPS (None: none); ValueError otherwise.

    Under "country" a query sees each entity as the top of its chain of
    memberships on each statement's day (a minister as her country), under
    "parent" as the entity it belongs to. The entities a query names are
    taken as their group today; statements still name who acted.
    """
    if rollup is None:
        return graph_pb2.ROLLUP_UNSPECIFIED
    if rollup not in ROLLUPS:
        raise ValueError(f"rollup: {rollup!r} is not one of {', '.join(ROLLUPS)}")
    return ROLLUPS[rollup]


def timestamp(when) -> timestamp_pb2.Timestamp:
    """A Timestamp for ``as_of``: from a datetime (naive means UTC), or an
    RFC 3339 string ("2026-11-28T12:00:00Z")."""
    t = timestamp_pb2.Timestamp()
    if isinstance(when, str):
        t.FromJsonString(when)
    else:
        if when.tzinfo is None:
            when = when.replace(tzinfo=datetime.timezone.utc)
        t.FromDatetime(when.astimezone(datetime.timezone.utc).replace(tzinfo=None))
    return t


def _as_of(request, as_of):
    """Sets request.as_of when `as_of` is given (see timestamp())."""
    if as_of is not None:
        request.as_of.CopyFrom(timestamp(as_of))
    return request


def ref(entity) -> statement_pb2.EntityRef:
    """An EntityRef from a name (str) or an id (int)."""
    if isinstance(entity, int):
        return statement_pb2.EntityRef(id=entity)
    return statement_pb2.EntityRef(name=entity)


# ---------------------------------------------------------------------------
# The client

@dataclass
class Rejection:
    """A statement the server did not store."""
    index: int        # position in the whole input, from 0
    field: str        # the first offending field, relative to its request
    description: str


@dataclass
class ClaimList:
    """What Client.list_claims returns: the claims of every page, in order."""
    claims: List[claims_pb2.Claim] = field(default_factory=list)
    names: Dict[int, str] = field(default_factory=dict)  # entity id -> name
    total: int = 0  # as the server counts them, every page together


@dataclass
class IngestSummary:
    accepted: int = 0
    duplicate: int = 0
    rejected: int = 0
    rejections: List[Rejection] = field(default_factory=list)
    statement_ids: List[int] = field(default_factory=list)  # 0 if rejected

    def __str__(self):
        return (f"accepted {self.accepted}, duplicate {self.duplicate}, "
                f"rejected {self.rejected}")


def _read_file(path: Optional[str]) -> Optional[bytes]:
    if not path:
        return None
    with open(path, "rb") as f:
        return f.read()


def open_channel(server: str, options=(), token: Optional[str] = None,
                 tls_ca: Optional[str] = None, tls_cert: Optional[str] = None,
                 tls_key: Optional[str] = None) -> grpc.Channel:
    """A channel to ``server`` (docs/security.md).

    ``tls_ca``: PEM file of the CA to trust, which turns TLS on (as does
    ``tls_cert``; without ``tls_ca`` the system's roots are trusted).
    ``tls_cert``/``tls_key``: client certificate for mutual TLS. ``token``:
    sent on every call as ``authorization: Bearer TOKEN``. gRPC sends such
    call credentials over secure channels only; without TLS the token goes
    over "local" credentials, which gRPC allows to loopback addresses only,
    the one place where plaintext tokens make sense.
    """
    options = list(options)
    if bool(tls_cert) != bool(tls_key):
        raise ValueError("tls_cert and tls_key go together")
    if tls_ca or tls_cert:
        credentials = grpc.ssl_channel_credentials(
            root_certificates=_read_file(tls_ca), private_key=_read_file(tls_key),
            certificate_chain=_read_file(tls_cert))
    elif token:
        credentials = grpc.local_channel_credentials(grpc.LocalConnectionType.LOCAL_TCP)
    else:
        return grpc.insecure_channel(server, options=options)
    if token:
        credentials = grpc.composite_channel_credentials(
            credentials, grpc.access_token_call_credentials(token))
    return grpc.secure_channel(server, credentials, options=options)


class Client:
    """A connection to one Entente server and helpers for its RPCs.

    ``options`` are gRPC channel options; for example
    ``[("grpc.enable_http_proxy", 0)]`` keeps a loopback connection away from
    an http_proxy set in the environment. Every call has a deadline of
    ``timeout`` seconds. Failed calls raise grpc.RpcError: see
    ``describe_error`` and ``field_violations``.
    """

    def __init__(self, server: str, options=None, timeout: float = DEFAULT_TIMEOUT_S,
                 token: Optional[str] = None, tls_ca: Optional[str] = None,
                 tls_cert: Optional[str] = None, tls_key: Optional[str] = None):
        self.channel = open_channel(server, options or [], token=token, tls_ca=tls_ca,
                                    tls_cert=tls_cert, tls_key=tls_key)
        self.ingest_stub = ingest_pb2_grpc.IngestServiceStub(self.channel)
        self.graph = graph_pb2_grpc.GraphServiceStub(self.channel)
        self.timeout = timeout

    def close(self):
        self.channel.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def wait_ready(self, timeout: float = 10.0):
        """Blocks until the channel is connected (grpc.FutureTimeoutError if not)."""
        grpc.channel_ready_future(self.channel).result(timeout=timeout)

    # -- Ingest -------------------------------------------------------------

    def ingest_batch(self, statements: List[statement_pb2.Statement],
                     name_resolution=ingest_pb2.NAME_RESOLUTION_ALIAS
                     ) -> ingest_pb2.IngestResponse:
        """One Ingest call: the raw IngestResponse.

        Bad statements come back in ``rejections`` while the others are
        stored. But if *every* statement of the request is rejected (always
        the case for a single bad statement), the call itself fails with
        INVALID_ARGUMENT: grpc.RpcError, whose BadRequest names the fields.
        """
        request = ingest_pb2.IngestRequest(statements=statements,
                                           name_resolution=name_resolution)
        return self.ingest_stub.Ingest(request, timeout=self.timeout)

    def ingest(self, statements: Iterable[statement_pb2.Statement],
               batch_size: int = DEFAULT_BATCH_SIZE,
               name_resolution=ingest_pb2.NAME_RESOLUTION_ALIAS) -> IngestSummary:
        """Ingests any number of statements in batches; returns the totals.

        Re-running it is safe: statements already stored count as
        duplicates. A batch whose statements are all invalid fails with
        INVALID_ARGUMENT; its field violations (``statements[i]...``) are
        turned into rejections like those of a partly bad batch. Any other
        failure (server down, deadline, a per-request limit) is raised.
        """
        summary = IngestSummary()
        batch: List[statement_pb2.Statement] = []

        def flush(start: int):
            try:
                response = self.ingest_batch(batch, name_resolution)
            except grpc.RpcError as error:
                violations = field_violations(error)
                if (error.code() != grpc.StatusCode.INVALID_ARGUMENT or not violations
                        or not all(v.field.startswith("statements[") for v in violations)):
                    raise
                # Every statement was rejected: nothing was stored.
                summary.rejected += len(batch)
                summary.statement_ids.extend([0] * len(batch))
                for v in violations:
                    index = int(v.field[len("statements["):v.field.index("]")])
                    summary.rejections.append(Rejection(start + index, v.field, v.description))
                return
            summary.accepted += response.accepted
            summary.duplicate += response.duplicate
            summary.rejected += response.rejected
            summary.statement_ids.extend(response.statement_ids)
            for r in response.rejections:
                summary.rejections.append(Rejection(start + r.index, r.field, r.description))

        start = 0
        for statement in statements:
            batch.append(statement)
            if len(batch) == batch_size:
                flush(start)
                start += len(batch)
                batch = []
        if batch:
            flush(start)
        return summary

    # -- Graph queries --------------------------------------------------------

    def iter_statements(self, entity, direction=graph_pb2.BOTH,
                        filter: Optional[filter_pb2.EdgeFilter] = None,
                        page_size: int = 50, as_of=None,
                        rollup: Optional[str] = None) -> Iterator[statement_pb2.Statement]:
        """An entity's statements, newest first, fetching page after page.

        Each ListStatements response carries a next_page_token; sending it
        back with the same request gets the next page, until it is empty.
        ``as_of`` (a datetime or an RFC 3339 string): the statements as the
        server knew them then, later retractions included. ``rollup``
        ("country", "parent"; see rollup_value): the statements of the
        entity's group, every member's on the days it belonged.
        """
        request = _as_of(graph_pb2.ListStatementsRequest(
            entity=ref(entity), direction=direction, filter=filter, page_size=page_size,
            rollup=rollup_value(rollup)), as_of)
        while True:
            response = self.graph.ListStatements(request, timeout=self.timeout)
            yield from response.statements
            if not response.next_page_token:
                return
            request.page_token = response.next_page_token

    def find_paths(self, source, target, max_hops: int = 4,
                   evidence_per_hop: int = 3,
                   filter: Optional[filter_pb2.EdgeFilter] = None,
                   count_sources: bool = False, as_of=None,
                   temporal: Optional[str] = None, start: Optional[str] = None,
                   max_gap_days: Optional[int] = None,
                   direction=graph_pb2.BOTH,
                   rollup: Optional[str] = None) -> graph_pb2.FindPathsResponse:
        """The shortest paths between two entities (distance -1: none).

        ``count_sources``: fill each hop's ``sources`` (distinct independent
        sources among its counted statements; costs a read per statement).
        ``as_of``: as the server knew it then (see iter_statements).
        ``temporal``: only time-respecting paths, the best by "earliest"
        (arrival), "latest" (departure), "fastest" or "shortest"; ``start``
        (YYYY[-MM[-DD]]) starts the clock, ``max_gap_days`` bounds the days
        between two hops. Each hop then has its ``used_date``.
        ``rollup``: paths between groups (see rollup_value).
        """
        request = graph_pb2.FindPathsRequest(
            max_hops=max_hops, direction=direction, filter=filter,
            evidence_per_hop=evidence_per_hop, count_sources=count_sources,
            rollup=rollup_value(rollup))
        _as_of(request, as_of)
        if temporal is not None:
            if temporal not in TEMPORAL_MODES:
                raise ValueError(f"temporal: {temporal!r} is not one of {', '.join(TEMPORAL_MODES)}")
            request.temporal_mode = TEMPORAL_MODES[temporal]
        if start is not None:
            request.start_date.CopyFrom(parse_date(start))
        if max_gap_days is not None:
            request.max_gap_days = max_gap_days
        # `from` is a Python keyword: set it with getattr/CopyFrom.
        getattr(request, "from").CopyFrom(ref(source))
        request.to.CopyFrom(ref(target))
        return self.graph.FindPaths(request, timeout=self.timeout)

    def relation_timeline(self, a, b, granularity=graph_pb2.MONTH,
                          filter: Optional[filter_pb2.EdgeFilter] = None,
                          page_size: int = 50, count_sources: bool = False, as_of=None,
                          rollup: Optional[str] = None
                          ) -> graph_pb2.GetRelationTimelineResponse:
        """Buckets of counts between a and b, and the first page of statements.

        ``count_sources``: fill each bucket's ``sources``. ``as_of``: as the
        server knew it then (see iter_statements). ``rollup``: between the
        groups of a and b (see rollup_value).
        """
        request = _as_of(graph_pb2.GetRelationTimelineRequest(
            a=ref(a), b=ref(b), granularity=granularity, filter=filter,
            page_size=page_size, count_sources=count_sources,
            rollup=rollup_value(rollup)), as_of)
        return self.graph.GetRelationTimeline(request, timeout=self.timeout)

    def iter_claim_pages(self, entity=None, other=None, since: Optional[str] = None,
                         until: Optional[str] = None, contested_only: bool = False,
                         min_sources: int = 0, order: str = "sources",
                         page_size: int = 50, claimant=None
                         ) -> Iterator[claims_pb2.ListClaimsResponse]:
        """The ListClaimsResponse pages of a query, one after the other.

        Like iter_statements: each page's next_page_token is sent back with
        the same request until it is empty. See list_claims for the
        arguments.
        """
        if order not in CLAIM_ORDERS:
            raise ValueError(f"order: {order!r} is not one of {', '.join(CLAIM_ORDERS)}")
        if entity is None and claimant is None:
            raise ValueError("list_claims needs an entity, a claimant or both")
        request = claims_pb2.ListClaimsRequest(
            contested_only=contested_only, min_sources=min_sources,
            order=CLAIM_ORDERS[order], page_size=page_size)
        if entity is not None:
            request.entity.CopyFrom(ref(entity))
        if claimant is not None:
            request.claimant.CopyFrom(ref(claimant))
        if other is not None:
            request.other.CopyFrom(ref(other))
        if since:
            request.date_from.CopyFrom(parse_date(since))
        if until:
            request.date_to.CopyFrom(parse_date(until))
        while True:
            response = self.graph.ListClaims(request, timeout=self.timeout)
            yield response
            if not response.next_page_token:
                return
            request.page_token = response.next_page_token

    def list_claims(self, entity=None, other=None, since: Optional[str] = None,
                    until: Optional[str] = None, contested_only: bool = False,
                    min_sources: int = 0, order: str = "sources",
                    page_size: int = 50, claimant=None) -> "ClaimList":
        """Every claim where ``entity`` is actor or target, all pages together.

        ``claimant``: only the claims this entity is a claimant of (the
        attributed_to of one of their statements); ``entity`` is then
        optional and, if given, narrows to claims where it is actor or
        target. Not with ``other`` (the server says INVALID_ARGUMENT).
        ``other``: only the claims between the two (either direction).
        ``since``/``until``: only claims with some day in that inclusive
        window (YYYY[-MM[-DD]]). ``contested_only``: only claims that are both
        asserted and denied. ``min_sources``: at least that many independent
        sources (publishers). ``order``: "sources" (most sources first, then
        most statements, then newest) or "recent" (latest last day first).
        The server must keep claims (entente-server --claims), else
        FAILED_PRECONDITION.
        """
        result = ClaimList()
        for page in self.iter_claim_pages(entity, other, since, until, contested_only,
                                          min_sources, order, page_size, claimant):
            result.claims.extend(page.claims)
            result.names.update((e.id, e.name) for e in page.entities)
            result.total = page.total
        return result

    def get_claim(self, claim_id: int, max_statements: int = 0
                  ) -> claims_pb2.GetClaimResponse:
        """One claim and its statements: ``asserting``, ``denying``, ``other``.

        Each statement has its quote, its document (with publisher) and who
        it is attributed to. ``max_statements`` per side (0: the server's
        100); ``truncated`` says a side had more. An id that is a statement
        of a claim but not the claim's id is NOT_FOUND, the message naming
        the claim.
        """
        request = claims_pb2.GetClaimRequest(id=claim_id, max_statements=max_statements)
        return self.graph.GetClaim(request, timeout=self.timeout)

    def watch(self, cursor: str = "", entity=None,
              filter: Optional[filter_pb2.EdgeFilter] = None,
              stop_when_caught_up: bool = False
              ) -> Iterator[graph_pb2.StatementChange]:
        """Every statement ingested and retracted after ``cursor`` (empty:
        from the first), once each in commit order, then new ones as they
        come (unless ``stop_when_caught_up``). Each change carries the
        ``cursor`` to resume right after it, across disconnects and server
        restarts. No deadline: break out of the loop to end it.
        """
        request = graph_pb2.WatchStatementsRequest(
            cursor=cursor, filter=filter, stop_when_caught_up=stop_when_caught_up)
        if entity is not None:
            request.entity.CopyFrom(ref(entity))
        for response in self.graph.WatchStatements(request):
            yield from response.changes

    def traverse(self, seeds, max_depth: int = 2,
                 filter: Optional[filter_pb2.EdgeFilter] = None,
                 direction=graph_pb2.BOTH, count_sources: bool = False,
                 rollup: Optional[str] = None,
                 **limits) -> Iterator[graph_pb2.TraverseResponse]:
        """The chunks of a Traverse stream, as they arrive.

        The stream ends with a chunk whose ``done`` is true; its
        ``truncated`` names the limit that cut the answer short, if any.
        ``limits``: max_nodes, max_edges, max_fanout, evidence_per_edge.
        ``count_sources``: fill each edge's ``sources``. ``rollup``: nodes
        are groups (see rollup_value).
        Breaking out of the loop early cancels the call on the server.
        """
        request = graph_pb2.TraverseRequest(
            seeds=[ref(s) for s in seeds], max_depth=max_depth,
            direction=direction, filter=filter, count_sources=count_sources,
            rollup=rollup_value(rollup), **limits)
        yield from self.graph.Traverse(request, timeout=self.timeout)

    def entity_profile(self, entity, top: int = 10, rollup: Optional[str] = None
                       ) -> graph_pb2.GetEntityProfileResponse:
        """An entity's degree, dates, quad mix and top counterparts.

        ``rollup``: the profile of its group today, counterparts as groups
        (see rollup_value), added up over every member.
        """
        request = graph_pb2.GetEntityProfileRequest(entity=ref(entity), top=top,
                                                    rollup=rollup_value(rollup))
        return self.graph.GetEntityProfile(request, timeout=self.timeout)

    # -- Who is who ---------------------------------------------------------
    #
    # Entities are named as stored (a name, resolved by alias, or an id) and
    # never created. Writes need the writer role on a server with tokens;
    # the server records the caller's token name with them. Bad input is
    # INVALID_ARGUMENT naming the field (see field_violations).

    def merge(self, from_entity, into, reason: str) -> groups_pb2.EntityMerge:
        """Merges ``from_entity`` into ``into``: every query then sees
        ``into`` for both. ``reason`` is required. Returns the merge, whose
        ``id`` unmerge() takes."""
        request = ingest_pb2.MergeEntitiesRequest(into=ref(into), reason=reason)
        # `from` is a Python keyword: set it with getattr/CopyFrom.
        getattr(request, "from").CopyFrom(ref(from_entity))
        return self.ingest_stub.MergeEntities(request, timeout=self.timeout).merge

    def unmerge(self, merge_id: int) -> groups_pb2.EntityMerge:
        """Undoes a merge: the queries answer as before it. NOT_FOUND naming
        merge_id for an unknown id."""
        request = ingest_pb2.UnmergeEntitiesRequest(merge_id=merge_id)
        return self.ingest_stub.UnmergeEntities(request, timeout=self.timeout).merge

    def merges(self) -> List[groups_pb2.EntityMerge]:
        """Every merge, undone ones too (``undone_at_micros`` set), by id."""
        response = self.graph.ListMerges(graph_pb2.ListMergesRequest(), timeout=self.timeout)
        return list(response.merges)

    def set_membership(self, member, parent, role: str = "", since: Optional[str] = None,
                       until: Optional[str] = None, origin: str = ""
                       ) -> groups_pb2.Membership:
        """Records that ``member`` belongs to ``parent`` (replacing what was
        recorded for the pair), from the first day of ``since`` to the last
        of ``until`` (YYYY[-MM[-DD]]; None: open). ``origin`` defaults to
        the caller's token name, else "rpc"."""
        request = ingest_pb2.SetMembershipRequest(member=ref(member), parent=ref(parent),
                                                  role=role, origin=origin)
        if since:
            request.since.CopyFrom(parse_date(since))
        if until:
            request.until.CopyFrom(parse_date(until))
        return self.ingest_stub.SetMembership(request, timeout=self.timeout).membership

    member = set_membership

    def remove_membership(self, member, parent) -> None:
        """Forgets that ``member`` belongs to ``parent`` (NOT_FOUND if it
        was not recorded)."""
        request = ingest_pb2.RemoveMembershipRequest(member=ref(member), parent=ref(parent))
        self.ingest_stub.RemoveMembership(request, timeout=self.timeout)

    def memberships(self, entity=None, page_size: int = 1000) -> List[groups_pb2.Membership]:
        """The memberships ``entity`` is member or parent in (None: all),
        every page, by member id then parent id."""
        request = graph_pb2.ListMembershipsRequest(page_size=page_size)
        if entity is not None:
            request.entity.CopyFrom(ref(entity))
        out = []
        while True:
            response = self.graph.ListMemberships(request, timeout=self.timeout)
            out.extend(response.memberships)
            if not response.next_page_token:
                return out
            request.page_token = response.next_page_token


# ---------------------------------------------------------------------------
# Command line

def _cmd_ingest(client: Client, args) -> int:
    summary = client.ingest(read_jsonl(args.file), batch_size=args.batch_size)
    print(summary)
    for r in summary.rejections:
        print(f"  statement {r.index}: {r.field}: {r.description}")
    return 0


def _cmd_bad(client: Client, args) -> int:
    """Sends one invalid statement to show what a failed call looks like."""
    bad = json_format.Parse(
        '{"actor": {"name": "Russia"}, "action": {"text": "met"},'
        ' "target": {"name": "China"}, "date": {"year": 2024, "month": 10},'
        ' "source": {"documentId": "example"}, "confidence": 1.5}',
        statement_pb2.Statement())
    try:
        client.ingest_batch([bad])
    except grpc.RpcError as error:
        print("the call failed, as it should:")
        print(describe_error(error))
        return 0
    print("unexpectedly accepted", file=sys.stderr)
    return 1


def _claims_filter(args) -> filter_pb2.EdgeFilter:
    """The EdgeFilter of --min-sources and --contested (empty without them)."""
    return edge_filter(min_sources=args.min_sources, contested=args.contested)


def _cmd_statements(client: Client, args) -> int:
    direction = graph_pb2.Direction.Value(args.direction.upper())
    f = edge_filter(args.since, args.until, args.code or (), args.min_confidence,
                    min_sources=args.min_sources, contested=args.contested)
    n = 0
    for s in client.iter_statements(args.entity, direction, f, page_size=args.page_size,
                                    as_of=args.as_of, rollup=args.rollup):
        print(describe(s))
        n += 1
    print(f"{n} statement{'s' if n != 1 else ''}")
    return 0


def _cmd_path(client: Client, args) -> int:
    response = client.find_paths(args.source, args.target, max_hops=args.max_hops,
                                 evidence_per_hop=1, filter=_claims_filter(args),
                                 count_sources=args.sources, rollup=args.rollup)
    print(f"distance {response.distance}")
    for path in response.paths:
        names = {e.id: e.name for e in path.entities}
        print("\n" + " -> ".join(e.name for e in path.entities))
        for hop in path.hops:
            print(f"  {names[hop.from_id]} -> {names[hop.to_id]}: "
                  f"{hop.count} statement{'s' if hop.count != 1 else ''}"
                  + (f", {_plural(hop.sources, 'source')}" if args.sources else ""))
            for s in hop.statements:
                print("    " + describe(s).replace("\n", "\n    "))
    return 0


def _cmd_timeline(client: Client, args) -> int:
    granularity = graph_pb2.Granularity.Value(args.by.upper())
    response = client.relation_timeline(args.a, args.b, granularity, _claims_filter(args),
                                        count_sources=args.sources, rollup=args.rollup)
    print(f"{response.a.name} (A) and {response.b.name} (B)")
    print(f"{'START':<10} {'TOTAL':>5} " + (f"{'SRC':>4} " if args.sources else "")
          + f"{'VC':>3} {'MC':>3} {'VX':>3} {'MX':>3} "
          f"{'NONE':>4} {'A>B':>4} {'B>A':>4} {'GOLDSTEIN':>9}")
    for b in response.buckets:
        print(f"{format_date(b.start):<10} {b.total:>5} "
              + (f"{b.sources:>4} " if args.sources else "")
              + f"{b.verbal_cooperation:>3} "
              f"{b.material_cooperation:>3} {b.verbal_conflict:>3} "
              f"{b.material_conflict:>3} {b.unclassified:>4} {b.a_to_b:>4} "
              f"{b.b_to_a:>4} {b.mean_goldstein:>9.1f}")
    for s in response.statements:
        print(describe(s))
    return 0


def _cmd_traverse(client: Client, args) -> int:
    nodes, edges, truncated = [], [], ""
    for chunk in client.traverse(args.seeds, max_depth=args.depth,
                                 filter=_claims_filter(args),
                                 direction=graph_pb2.Direction.Value(args.direction.upper()),
                                 count_sources=args.sources, rollup=args.rollup):
        nodes.extend(chunk.nodes)
        edges.extend(chunk.edges)
        if chunk.done:
            truncated = chunk.truncated
    for node in sorted(nodes, key=lambda n: (n.depth, n.entity.name)):
        print(f"{node.depth}  {node.entity.name}")
    if args.sources:
        names = {n.entity.id: n.entity.name for n in nodes}
        for e in edges:
            print(f"{names.get(e.actor_id, e.actor_id)} -> {names.get(e.target_id, e.target_id)}: "
                  f"{_plural(e.count, 'statement')}, {_plural(e.sources, 'source')}")
    print(f"{len(nodes)} entities, {len(edges)} edges"
          + (f" (truncated by {truncated})" if truncated else ""))
    return 0


def _cmd_claims(client: Client, args) -> int:
    if args.entity is None and args.claimant is None:
        print("claims: give ENTITY, --claimant WHO, or both", file=sys.stderr)
        return 2
    result = client.list_claims(args.entity, args.other, args.since, args.until,
                                contested_only=args.contested,
                                min_sources=args.min_sources or 0, order=args.order,
                                page_size=args.page_size, claimant=args.claimant)
    for claim in result.claims:
        print(describe_claim(claim, result.names))
    print(_plural(result.total, "claim"))
    return 0


def _cmd_claim(client: Client, args) -> int:
    response = client.get_claim(args.id)
    c = response.claim
    names = {e.id: e.name for e in response.entities}
    print(describe_claim(c, names))
    print(f"  {c.asserted} asserted, {c.denied} denied, {c.intended} intended, "
          f"{c.hypothetical} hypothetical; {_plural(c.claimants, 'claimant')}")
    for title, side in (("asserting", response.asserting), ("denying", response.denying),
                        ("other", response.other)):
        if not side:
            continue
        print(f"\n{title} ({len(side)})")
        for s in side:
            print("  " + describe_evidence(s).replace("\n", "\n  "))
    if response.truncated:
        print("\n(more statements than shown on some side)")
    return 0


def _cmd_watch(client: Client, args) -> int:
    cursor = args.cursor
    for change in client.watch(args.cursor, args.entity, stop_when_caught_up=args.once):
        sign = "-" if change.kind == graph_pb2.StatementChange.RETRACTED else "+"
        print(f"{sign} {describe(change.statement)}")
        cursor = change.cursor
    print(f"# resume with --from {cursor}")
    return 0


def _format_micros(micros: int) -> str:
    return datetime.datetime.fromtimestamp(
        micros / 1e6, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _describe_merge(m) -> str:
    undone = (f", undone {_format_micros(m.undone_at_micros)} by {m.undone_by or '-'}"
              if m.undone_at_micros else "")
    return (f"merge {m.id}: {getattr(m, 'from').name} (#{getattr(m, 'from').id}) into "
            f"{m.into.name} (#{m.into.id}), by {m.merged_by or '-'} "
            f"{_format_micros(m.merged_at_micros)}: {m.reason}{undone}")


def _describe_membership(m) -> str:
    period = f"{format_date(m.since)}..{format_date(m.until)}"
    role = f" as {m.role}" if m.role else ""
    return (f"{m.member.name} (#{m.member.id}) in {m.parent.name} (#{m.parent.id}){role}, "
            f"{period} ({m.origin})")


def _cmd_merge(client: Client, args) -> int:
    print(_describe_merge(client.merge(args.source, args.into, args.reason)))
    return 0


def _cmd_unmerge(client: Client, args) -> int:
    print(_describe_merge(client.unmerge(args.id)))
    return 0


def _cmd_merges(client: Client, args) -> int:
    merges = client.merges()
    for m in merges:
        print(_describe_merge(m))
    print(_plural(len(merges), "merge"))
    return 0


def _cmd_member(client: Client, args) -> int:
    if args.remove:
        client.remove_membership(args.member, args.parent)
        print(f"removed: {args.member} no longer belongs to {args.parent}")
        return 0
    print(_describe_membership(client.set_membership(args.member, args.parent, args.role,
                                                     args.since, args.until)))
    return 0


def _cmd_members(client: Client, args) -> int:
    memberships = client.memberships(args.entity)
    for m in memberships:
        print(_describe_membership(m))
    print(_plural(len(memberships), "membership"))
    return 0


def _add_rollup_option(p):
    p.add_argument("--rollup", choices=["country", "parent"],
                   help="see members as their group: their country (the top of their "
                        "memberships) or their parent, on each statement's day")


def _add_sources_option(p):
    p.add_argument("--sources", action="store_true",
                   help="also count the distinct independent sources (publishers)")


def _add_claims_filter_options(p):
    p.add_argument("--min-sources", type=int, metavar="N",
                   help="only statements of claims with at least N independent sources "
                        "(needs a server with --claims)")
    p.add_argument("--contested", choices=["only", "exclude"],
                   help="only statements of contested claims, or only of uncontested ones "
                        "(needs a server with --claims)")


def build_parser() -> argparse.ArgumentParser:
    """The command line: global options, then one subcommand whose ``run``
    takes (client, args)."""
    parser = argparse.ArgumentParser(
        description="Example client of the Entente gRPC API.",
        epilog="Example: %(prog)s --server 127.0.0.1:50051 ingest "
               "tests/fixtures/seed-2024-10-22.jsonl")
    parser.add_argument("--server", default="127.0.0.1:50051",
                        help="HOST:PORT of entente-server (default %(default)s)")
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT_S,
                        help="deadline of each call in seconds")
    parser.add_argument("--tls-ca", help="PEM CA file to trust; connects with TLS")
    parser.add_argument("--tls-cert", help="PEM client certificate (mutual TLS)")
    parser.add_argument("--tls-key", help="PEM key of --tls-cert")
    parser.add_argument("--token", default=os.environ.get("ENTENTE_TOKEN"),
                        help="bearer token (default $ENTENTE_TOKEN)")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("ingest", help="ingest a JSON-lines file of statements")
    p.add_argument("file")
    p.add_argument("--batch-size", type=int, default=DEFAULT_BATCH_SIZE)
    p.set_defaults(run=_cmd_ingest)

    p = sub.add_parser("bad", help="send an invalid statement and decode the error")
    p.set_defaults(run=_cmd_bad)

    p = sub.add_parser("statements", help="an entity's statements (ListStatements)")
    p.add_argument("entity")
    p.add_argument("--direction", choices=["out", "in", "both"], default="both")
    p.add_argument("--since", help="YYYY[-MM[-DD]]")
    p.add_argument("--until", help="YYYY[-MM[-DD]]")
    p.add_argument("--code", action="append", help="CAMEO code prefix (repeatable)")
    p.add_argument("--min-confidence", type=float)
    p.add_argument("--page-size", type=int, default=50)
    p.add_argument("--as-of", help="as the server knew it then (RFC 3339, 2026-11-28T12:00:00Z)")
    _add_claims_filter_options(p)
    _add_rollup_option(p)
    p.set_defaults(run=_cmd_statements)

    p = sub.add_parser("path", help="shortest paths between two entities (FindPaths)")
    p.add_argument("source")
    p.add_argument("target")
    p.add_argument("--max-hops", type=int, default=4)
    _add_claims_filter_options(p)
    _add_sources_option(p)
    _add_rollup_option(p)
    p.set_defaults(run=_cmd_path)

    p = sub.add_parser("timeline", help="the relation of two entities over time")
    p.add_argument("a")
    p.add_argument("b")
    p.add_argument("--by", choices=["day", "week", "month", "year"], default="month")
    _add_claims_filter_options(p)
    _add_sources_option(p)
    _add_rollup_option(p)
    p.set_defaults(run=_cmd_timeline)

    p = sub.add_parser("traverse", help="the neighbourhood of entities (streamed)")
    p.add_argument("seeds", nargs="+")
    p.add_argument("--depth", type=int, default=2)
    p.add_argument("--direction", choices=["out", "in", "both"], default="both")
    _add_claims_filter_options(p)
    _add_sources_option(p)
    _add_rollup_option(p)
    p.set_defaults(run=_cmd_traverse)

    p = sub.add_parser("claims", help="the claims of an entity or a pair (ListClaims; "
                                      "needs a server with --claims)")
    p.add_argument("entity", nargs="?",
                   help="claims where it is actor or target (optional with --claimant)")
    p.add_argument("other", nargs="?", help="only the claims between ENTITY and OTHER")
    p.add_argument("--claimant", metavar="WHO",
                   help="only the claims WHO is a claimant of (not with OTHER)")
    p.add_argument("--since", help="YYYY[-MM[-DD]]")
    p.add_argument("--until", help="YYYY[-MM[-DD]]")
    p.add_argument("--contested", action="store_true",
                   help="only claims both asserted and denied")
    p.add_argument("--min-sources", type=int, metavar="N",
                   help="only claims with at least N independent sources")
    p.add_argument("--order", choices=list(CLAIM_ORDERS), default="sources",
                   help="most sources first, or latest first (default %(default)s)")
    p.add_argument("--page-size", type=int, default=50)
    p.set_defaults(run=_cmd_claims)

    p = sub.add_parser("claim", help="one claim with its asserting and denying statements "
                                     "(GetClaim)")
    p.add_argument("id", type=int)
    p.set_defaults(run=_cmd_claim)

    p = sub.add_parser("watch", help="statements as they are ingested (+) and retracted (-) "
                                     "(WatchStatements)")
    p.add_argument("entity", nargs="?", help="only this entity's statements")
    p.add_argument("--from", dest="cursor", default="", help="resume after this cursor")
    p.add_argument("--once", action="store_true", help="stop once caught up")
    p.set_defaults(run=_cmd_watch)

    p = sub.add_parser("merge", help="make every query see INTO for SOURCE too (MergeEntities)")
    p.add_argument("source")
    p.add_argument("into")
    p.add_argument("--reason", required=True, help="why they are one (kept with the merge)")
    p.set_defaults(run=_cmd_merge)

    p = sub.add_parser("unmerge", help="undo a merge by its id (UnmergeEntities)")
    p.add_argument("id", type=int)
    p.set_defaults(run=_cmd_unmerge)

    p = sub.add_parser("merges", help="every merge, undone ones too (ListMerges)")
    p.set_defaults(run=_cmd_merges)

    p = sub.add_parser("member", help="record that MEMBER belongs to PARENT, for --rollup "
                                      "(SetMembership; RemoveMembership with --remove)")
    p.add_argument("member")
    p.add_argument("parent")
    p.add_argument("--role", default="", help="what MEMBER is in PARENT")
    p.add_argument("--since", help="YYYY[-MM[-DD]]: from the first day of it")
    p.add_argument("--until", help="YYYY[-MM[-DD]]: to the last day of it")
    p.add_argument("--remove", action="store_true", help="forget the membership instead")
    p.set_defaults(run=_cmd_member)

    p = sub.add_parser("members", help="memberships of ENTITY, or all (ListMemberships)")
    p.add_argument("entity", nargs="?")
    p.set_defaults(run=_cmd_members)
    return parser


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    with Client(args.server, timeout=args.timeout, token=args.token, tls_ca=args.tls_ca,
                tls_cert=args.tls_cert, tls_key=args.tls_key) as client:
        try:
            return args.run(client, args)
        except grpc.RpcError as error:
            print(describe_error(error), file=sys.stderr)
            return 1


if __name__ == "__main__":
    sys.exit(main())
