"""The client: one typed method per RPC of IngestService, GraphService and
AdminService (proto/entente/v1/*.proto say what each does).

Conventions of every method:

- Entities are names (resolved by alias: "DPRK" is North Korea; ``exact=True``
  matches names byte for byte, as ICEWS names need), ids, or EntityRef.
- Dates are "YYYY", "YYYY-MM", "YYYY-MM-DD" or datetime.date; ``as_of`` is an
  RFC 3339 string or a datetime (naive means UTC).
- Enums are lower-case names ("out", "month", "country", "earliest").
- Query methods take ``filter=`` (an entente.Filter or EdgeFilter), or the
  Filter's fields as keywords: ``since=``, ``until=``, ``codes=``,
  ``quads=``, ``min_confidence=``, ``modalities=``, ``min_sources=``,
  ``contested=``.
- A failed call raises entente.EntenteError (InvalidArgument, NotFound, ...)
  with the gRPC code and the BadRequest field violations. A bad name for an
  enum raises ValueError before any call.
- Every unary call has a deadline of ``timeout`` seconds; streams
  (iter_traverse, watch, ingest_stream) have none unless given.
"""

from __future__ import annotations

import itertools
from typing import Any, Dict, Iterable, Iterator, List, Optional, Sequence, Union

import grpc
from google.protobuf import json_format

from entente.errors import (EntenteError, raises_entente_errors, stream_raising_entente_errors,
                            translated, violations_of)
from entente.results import (ClaimList, Edge, IngestResult, Node, Paths, Profile, Rejection,
                             Statements, Timeline, Traversal)
from entente.v1 import (admin_pb2, admin_pb2_grpc, claims_pb2, filter_pb2, graph_pb2,
                        graph_pb2_grpc, groups_pb2, ingest_pb2, ingest_pb2_grpc, statement_pb2)
from entente.values import (CLAIM_ORDERS, DIRECTIONS, ENTITY_VIEWS, GRANULARITIES, QUAD_CLASSES,
                            QUAD_CLASS_NAMES, ROLLUPS, STATEMENT_VIEWS, TEMPORAL_MODES, DateLike,
                            EntityLike, FilterLike, InstantLike, all_of, date, date_text,
                            edge_filter, entity_ref, lookup, name_resolution, timestamp)

# A statement as ingest methods take it: the message, or its JSON mapping as
# a dict (lowerCamelCase or snake_case keys, enums by name) or a JSON string.
StatementLike = Union[statement_pb2.Statement, Dict[str, Any], str]

DEFAULT_TIMEOUT_S = 30.0
# The server takes at most 10,000 statements per Ingest request or stream
# message; 1,000 keeps each message around a megabyte.
DEFAULT_BATCH_SIZE = 1000
MAX_BATCH_SIZE = 10000


def to_statement(value: StatementLike) -> statement_pb2.Statement:
    """A Statement from a message, a dict or a JSON string (the protocol's
    JSON mapping, as in tests/fixtures/*.jsonl). ValueError if it does not
    parse (an unknown field, a wrong type)."""
    if isinstance(value, statement_pb2.Statement):
        return value
    try:
        if isinstance(value, str):
            return json_format.Parse(value, statement_pb2.Statement())
        if isinstance(value, dict):
            return json_format.ParseDict(value, statement_pb2.Statement())
    except json_format.ParseError as e:
        raise ValueError(f"not a statement: {e}") from e
    raise TypeError(f"a statement is a Statement, a dict or a JSON string, not "
                    f"{type(value).__name__}")


def read_jsonl(path: str) -> Iterator[statement_pb2.Statement]:
    """The statements of a JSON-lines file, one per non-blank line; a line
    that does not parse raises ValueError naming path:line."""
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, start=1):
            if line.strip():
                try:
                    yield to_statement(line)
                except ValueError as e:
                    raise ValueError(f"{path}:{number}: {e}") from None


def _read(path: Optional[str]) -> Optional[bytes]:
    if not path:
        return None
    with open(path, "rb") as f:
        return f.read()


def open_channel(target: str, *, token: Optional[str] = None, tls_ca: Optional[str] = None,
                 tls_cert: Optional[str] = None, tls_key: Optional[str] = None,
                 tls: bool = False, options: Sequence = ()) -> grpc.Channel:
    """A gRPC channel to ``target`` (docs/security.md).

    TLS is on with ``tls=True`` or ``tls_ca`` (PEM of the CA to trust; else
    the system's roots); ``tls_cert`` and ``tls_key`` add a client
    certificate (mutual TLS). ``token`` is sent as ``authorization: Bearer
    TOKEN``: gRPC sends call credentials only over TLS or, without it, over
    "local" credentials, which connect to loopback addresses only: a token
    never travels in the clear to another machine.
    """
    if bool(tls_cert) != bool(tls_key):
        raise ValueError("tls_cert and tls_key go together")
    if tls or tls_ca or tls_cert:
        credentials = grpc.ssl_channel_credentials(
            root_certificates=_read(tls_ca), private_key=_read(tls_key),
            certificate_chain=_read(tls_cert))
    elif token:
        credentials = grpc.local_channel_credentials(grpc.LocalConnectionType.LOCAL_TCP)
    else:
        return grpc.insecure_channel(target, options=list(options))
    if token:
        credentials = grpc.composite_channel_credentials(
            credentials, grpc.access_token_call_credentials(token))
    return grpc.secure_channel(target, credentials, options=list(options))


def _as_of(request, as_of: Optional[InstantLike]):
    if as_of is not None:
        request.as_of.CopyFrom(timestamp(as_of))
    return request


def _temporal(request, temporal: Optional[str], start: Optional[DateLike],
              max_gap_days: Optional[int]):
    """Sets the time-respecting fields shared by Traverse and FindPaths."""
    request.temporal_mode = lookup("temporal", TEMPORAL_MODES, temporal)
    if start is not None:
        request.start_date.CopyFrom(date(start))
    if max_gap_days is not None:
        request.max_gap_days = max_gap_days
    return request


class Client:
    """A connection to one Entente server. Use it as a context manager, or
    call close().

    target: "HOST:PORT". timeout: deadline in seconds of each unary call.
    token, tls, tls_ca, tls_cert, tls_key: see open_channel(). options: gRPC
    channel options; a loopback target gets ("grpc.enable_http_proxy", 0) so
    that an http_proxy of the environment is not used for it.
    """

    def __init__(self, target: str, *, timeout: float = DEFAULT_TIMEOUT_S,
                 token: Optional[str] = None, tls: bool = False, tls_ca: Optional[str] = None,
                 tls_cert: Optional[str] = None, tls_key: Optional[str] = None,
                 options: Sequence = ()):
        options = list(options)
        host = target.rsplit(":", 1)[0].strip("[]")
        if host in ("127.0.0.1", "localhost", "::1") and not any(
                key == "grpc.enable_http_proxy" for key, _ in options):
            options.append(("grpc.enable_http_proxy", 0))
        self.target = target
        self.timeout = timeout
        self.channel = open_channel(target, token=token, tls=tls, tls_ca=tls_ca,
                                    tls_cert=tls_cert, tls_key=tls_key, options=options)
        self.ingest_stub = ingest_pb2_grpc.IngestServiceStub(self.channel)
        self.graph_stub = graph_pb2_grpc.GraphServiceStub(self.channel)
        self.admin_stub = admin_pb2_grpc.AdminServiceStub(self.channel)

    def close(self) -> None:
        self.channel.close()

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"entente.Client({self.target!r})"

    def wait_ready(self, timeout: float = 10.0) -> None:
        """Blocks until connected; entente.Unavailable if not within timeout."""
        try:
            grpc.channel_ready_future(self.channel).result(timeout=timeout)
        except grpc.FutureTimeoutError:
            raise EntenteError(grpc.StatusCode.UNAVAILABLE,
                               f"no connection to {self.target} within {timeout} s") from None

    # -- IngestService ------------------------------------------------------

    @raises_entente_errors
    def ingest(self, statements: Iterable[StatementLike], *, exact: bool = False) -> IngestResult:
        """Ingest: one request of at most 10,000 statements.

        Bad statements come back in ``rejections`` (index, field,
        description, violations) while the others are stored. If every
        statement is bad, the server fails the call: InvalidArgument with a
        field violation per offending field ("statements[0].confidence").
        """
        request = ingest_pb2.IngestRequest(statements=[to_statement(s) for s in statements],
                                           name_resolution=name_resolution(exact))
        response = self.ingest_stub.Ingest(request, timeout=self.timeout)
        return _ingest_result(response, list(response.statement_ids))

    def ingest_stream(self, statements: Iterable[StatementLike], *,
                      batch_size: int = DEFAULT_BATCH_SIZE, exact: bool = False,
                      timeout: Optional[float] = None) -> IngestResult:
        """IngestStream: any number of statements from any iterable (a
        generator, read_jsonl(...)), sent in messages of ``batch_size`` as
        they are read, so memory stays flat. Rejections never fail the
        stream; their index counts across the whole stream. Each message is
        committed as it arrives: if the stream breaks, what was sent is
        stored, and sending it again counts duplicates.
        """
        if not 1 <= batch_size <= MAX_BATCH_SIZE:
            raise ValueError(f"batch_size: {batch_size} is not in 1..{MAX_BATCH_SIZE}")
        resolution = name_resolution(exact)
        failure: List[BaseException] = []

        def requests() -> Iterator[ingest_pb2.IngestRequest]:
            # gRPC reads this generator in its own thread, where an exception
            # would only cancel the call as UNKNOWN: keep it, end the stream,
            # and raise it to the caller once the server has answered.
            try:
                iterator = iter(statements)
                while True:
                    batch = [to_statement(s) for s in itertools.islice(iterator, batch_size)]
                    if not batch:
                        return
                    yield ingest_pb2.IngestRequest(statements=batch, name_resolution=resolution)
            except Exception as e:  # noqa: BLE001 - re-raised below, in the caller's thread
                failure.append(e)

        with translated():
            response = self.ingest_stub.IngestStream(requests(), timeout=timeout)
        if failure:
            raise failure[0]
        return _ingest_result(response, [])

    @raises_entente_errors
    def retract(self, statement_ids: Iterable[int] = (), document_ids: Iterable[str] = (), *,
                reason: str = "") -> ingest_pb2.RetractResponse:
        """Retract: takes statements back, by id and by whole document.

        Returns the RetractResponse: retracted (count), retracted_ids,
        not_found_statement_ids, not_found_document_ids. Idempotent: what is
        already gone is listed as not found, never an error.
        """
        request = ingest_pb2.RetractRequest(statement_ids=all_of(statement_ids),
                                            document_ids=all_of(document_ids), reason=reason)
        return self.ingest_stub.Retract(request, timeout=self.timeout)

    @raises_entente_errors
    def set_membership(self, member: EntityLike, parent: EntityLike, *, role: str = "",
                       since: Optional[DateLike] = None, until: Optional[DateLike] = None,
                       origin: str = "", exact: bool = False) -> groups_pb2.Membership:
        """SetMembership: ``member`` belongs to ``parent`` from ``since`` to
        ``until`` (open when unset), which rollup="country"/"parent" follows.
        Returns the Membership as recorded."""
        request = ingest_pb2.SetMembershipRequest(
            member=entity_ref(member), parent=entity_ref(parent),
            name_resolution=name_resolution(exact), role=role, origin=origin)
        if since is not None:
            request.since.CopyFrom(date(since))
        if until is not None:
            request.until.CopyFrom(date(until))
        return self.ingest_stub.SetMembership(request, timeout=self.timeout).membership

    @raises_entente_errors
    def remove_membership(self, member: EntityLike, parent: EntityLike, *,
                          exact: bool = False) -> None:
        """RemoveMembership: forgets the pair's membership (NotFound if none)."""
        self.ingest_stub.RemoveMembership(ingest_pb2.RemoveMembershipRequest(
            member=entity_ref(member), parent=entity_ref(parent),
            name_resolution=name_resolution(exact)), timeout=self.timeout)

    @raises_entente_errors
    def merge(self, merged: EntityLike, into: EntityLike, *, reason: str,
              exact: bool = False) -> groups_pb2.EntityMerge:
        """MergeEntities: every query sees ``into`` for ``merged`` too, until
        unmerge(). Returns the EntityMerge (its ``id`` undoes it)."""
        request = ingest_pb2.MergeEntitiesRequest(into=entity_ref(into), reason=reason,
                                                  name_resolution=name_resolution(exact))
        getattr(request, "from").CopyFrom(entity_ref(merged))  # `from` is a keyword
        return self.ingest_stub.MergeEntities(request, timeout=self.timeout).merge

    @raises_entente_errors
    def unmerge(self, merge_id: int) -> groups_pb2.EntityMerge:
        """UnmergeEntities: undoes a merge; returns it with undone_at_micros set."""
        return self.ingest_stub.UnmergeEntities(
            ingest_pb2.UnmergeEntitiesRequest(merge_id=merge_id), timeout=self.timeout).merge

    # -- GraphService: entities and statements ------------------------------

    @raises_entente_errors
    def entity(self, entity: EntityLike, *, exact: bool = False) -> statement_pb2.Entity:
        """GetEntity: one entity by name or id (NotFound if unknown)."""
        ref = entity_ref(entity)
        request = graph_pb2.GetEntityRequest(id=ref.id, name=ref.name,
                                             name_resolution=name_resolution(exact))
        return self.graph_stub.GetEntity(request, timeout=self.timeout)

    @raises_entente_errors
    def search(self, prefix: str, *, limit: int = 20) -> List[statement_pb2.Entity]:
        """SearchEntities: entities whose name or alias starts with ``prefix``
        after folding ("north k" finds North Korea), at most ``limit``."""
        request = graph_pb2.SearchEntitiesRequest(prefix=prefix, page_size=limit)
        return list(self.graph_stub.SearchEntities(request, timeout=self.timeout).entities)

    @stream_raising_entente_errors
    def iter_statements(self, entity: EntityLike, *, direction: str = "both",
                        filter: FilterLike = None, page_size: int = 200,
                        view: Optional[str] = None, as_of: Optional[InstantLike] = None,
                        rollup: Optional[str] = None, exact: bool = False,
                        **criteria) -> Iterator[statement_pb2.Statement]:
        """ListStatements, page after page: an entity's statements, newest
        first. ``direction``: "out" (as actor), "in" (as target), "both".
        ``view``: "full" (default), "basic", "index" (no quote; cheaper)."""
        request = _as_of(graph_pb2.ListStatementsRequest(
            entity=entity_ref(entity), name_resolution=name_resolution(exact),
            direction=lookup("direction", DIRECTIONS, direction),
            filter=edge_filter(filter, criteria), page_size=page_size,
            statement_view=lookup("view", STATEMENT_VIEWS, view),
            rollup=lookup("rollup", ROLLUPS, rollup)), as_of)
        while True:
            response = self.graph_stub.ListStatements(request, timeout=self.timeout)
            yield from response.statements
            if not response.next_page_token:
                return
            request.page_token = response.next_page_token

    def statements(self, entity: EntityLike, *, limit: Optional[int] = None,
                   **kwargs) -> Statements:
        """iter_statements() into a Statements list (with to_pandas()), at
        most ``limit`` of them (None: all)."""
        return Statements(itertools.islice(self.iter_statements(entity, **kwargs), limit))

    @raises_entente_errors
    def statement(self, statement_id: int, *,
                  as_of: Optional[InstantLike] = None) -> statement_pb2.Statement:
        """GetStatement: one statement in full, with its source and quote."""
        request = _as_of(graph_pb2.GetStatementRequest(id=statement_id), as_of)
        return self.graph_stub.GetStatement(request, timeout=self.timeout)

    # -- GraphService: the graph --------------------------------------------

    @stream_raising_entente_errors
    def iter_traverse(self, seeds: Union[EntityLike, Sequence[EntityLike]], *,
                      max_depth: int = 2, direction: str = "both", filter: FilterLike = None,
                      max_nodes: int = 0, max_edges: int = 0, max_fanout: int = 0,
                      evidence_per_edge: int = 0, entity_view: Optional[str] = None,
                      nodes_only: bool = False, count_sources: bool = False,
                      temporal: Optional[str] = None, start: Optional[DateLike] = None,
                      max_gap_days: Optional[int] = None, as_of: Optional[InstantLike] = None,
                      rollup: Optional[str] = None, exact: bool = False,
                      timeout: Optional[float] = None,
                      **criteria) -> Iterator[graph_pb2.TraverseResponse]:
        """Traverse, as streamed: the TraverseResponse chunks (nodes, edges;
        the last has done and truncated) as they arrive. Stopping the
        iteration cancels the call. Limits of 0 take the server's defaults.
        ``temporal`` ("earliest", ...), ``start`` and ``max_gap_days``: only
        time-respecting walks, each node with its arrival_date."""
        if isinstance(seeds, (str, int, statement_pb2.EntityRef)):
            seeds = [seeds]
        request = _temporal(_as_of(graph_pb2.TraverseRequest(
            seeds=[entity_ref(s) for s in seeds], name_resolution=name_resolution(exact),
            max_depth=max_depth, direction=lookup("direction", DIRECTIONS, direction),
            filter=edge_filter(filter, criteria), max_nodes=max_nodes, max_edges=max_edges,
            max_fanout=max_fanout, evidence_per_edge=evidence_per_edge,
            entity_view=lookup("entity_view", ENTITY_VIEWS, entity_view), nodes_only=nodes_only,
            count_sources=count_sources, rollup=lookup("rollup", ROLLUPS, rollup)), as_of),
            temporal, start, max_gap_days)
        call = self.graph_stub.Traverse(request, timeout=timeout)
        try:
            yield from call
        finally:
            call.cancel()  # no-op once the stream has ended

    def traverse(self, seeds: Union[EntityLike, Sequence[EntityLike]], *,
                 split_quads: bool = False, **kwargs) -> Traversal:
        """Traverse, collected into a Traversal (nodes with depth, edges;
        to_networkx(), to_pandas(), nodes_frame()). Takes iter_traverse()'s
        arguments.

        ``split_quads=True`` runs one traversal per quad class (the filter's
        ``quads``, default all four) and keeps each class's edges apart: the
        graph is then a MultiDiGraph keyed by quad class. The nodes are those
        any class reached, at their smallest depth; unclassified statements
        are left out. It costs one traversal per class.
        """
        # Collected, a traversal is one bounded answer: the client's deadline
        # applies, unlike iter_traverse's open stream.
        kwargs.setdefault("timeout", self.timeout)
        if not split_quads:
            return _collect(self.iter_traverse(seeds, **kwargs))
        base = edge_filter(kwargs.pop("filter", None), {
            key: kwargs.pop(key) for key in list(kwargs) if key in _FILTER_KEYS})
        base = base if base is not None else filter_pb2.EdgeFilter()
        classes = list(base.quad_classes) or [QUAD_CLASSES[q] for q in ("vc", "mc", "vx", "mx")]
        result = Traversal(split_quads=True)
        depths: Dict[int, Node] = {}
        for quad in classes:
            narrowed = filter_pb2.EdgeFilter()
            narrowed.CopyFrom(base)
            del narrowed.quad_classes[:]
            narrowed.quad_classes.append(quad)
            part = _collect(self.iter_traverse(seeds, filter=narrowed, **kwargs),
                            QUAD_CLASS_NAMES[quad])
            for node in part.nodes:
                if node.id not in depths or node.depth < depths[node.id].depth:
                    depths[node.id] = node
            result.edges += part.edges
            result.truncated = result.truncated or part.truncated
        result.nodes = sorted(depths.values(), key=lambda n: (n.depth, n.id))
        return result

    @raises_entente_errors
    def find_paths(self, source: EntityLike, target: EntityLike, *, max_hops: int = 0,
                   direction: str = "both", filter: FilterLike = None, max_paths: int = 0,
                   evidence_per_hop: int = 0, entity_view: Optional[str] = None,
                   view: Optional[str] = None, count_sources: bool = False,
                   temporal: Optional[str] = None, start: Optional[DateLike] = None,
                   max_gap_days: Optional[int] = None, as_of: Optional[InstantLike] = None,
                   rollup: Optional[str] = None, exact: bool = False, **criteria) -> Paths:
        """FindPaths: the shortest paths from ``source`` to ``target``
        (distance -1: none within max_hops, default 4), each hop with its
        statements. ``temporal``: "earliest", "latest", "fastest" or
        "shortest" for time-respecting paths (``start``, ``max_gap_days``).
        Returns Paths (to_networkx(), to_pandas(), statements())."""
        request = graph_pb2.FindPathsRequest(
            to=entity_ref(target), name_resolution=name_resolution(exact), max_hops=max_hops,
            direction=lookup("direction", DIRECTIONS, direction),
            filter=edge_filter(filter, criteria), max_paths=max_paths,
            evidence_per_hop=evidence_per_hop,
            entity_view=lookup("entity_view", ENTITY_VIEWS, entity_view),
            statement_view=lookup("view", STATEMENT_VIEWS, view), count_sources=count_sources,
            rollup=lookup("rollup", ROLLUPS, rollup))
        getattr(request, "from").CopyFrom(entity_ref(source))  # `from` is a keyword
        _temporal(_as_of(request, as_of), temporal, start, max_gap_days)
        return Paths.from_proto(self.graph_stub.FindPaths(request, timeout=self.timeout))

    @stream_raising_entente_errors
    def watch(self, cursor: str = "", *, entity: Optional[EntityLike] = None,
              filter: FilterLike = None, view: Optional[str] = None,
              stop_when_caught_up: bool = False, exact: bool = False,
              timeout: Optional[float] = None,
              **criteria) -> Iterator[graph_pb2.StatementChange]:
        """WatchStatements as an iterator of StatementChange (kind INGESTED
        or RETRACTED, statement, retraction_reason, cursor), in commit order.

        Resume after any change with watch(change.cursor). Without
        ``stop_when_caught_up`` it waits for new changes until the iteration
        stops (break, or close() of the generator), which cancels the call.
        """
        request = graph_pb2.WatchStatementsRequest(
            cursor=cursor, name_resolution=name_resolution(exact),
            filter=edge_filter(filter, criteria),
            statement_view=lookup("view", STATEMENT_VIEWS, view),
            stop_when_caught_up=stop_when_caught_up)
        if entity is not None:
            request.entity.CopyFrom(entity_ref(entity))
        call = self.graph_stub.WatchStatements(request, timeout=timeout)
        try:
            for response in call:
                yield from response.changes
        finally:
            call.cancel()

    @raises_entente_errors
    def timeline(self, a: EntityLike, b: EntityLike, *, granularity: str = "month",
                 filter: FilterLike = None, max_statements: Optional[int] = 0,
                 page_size: int = 0, view: Optional[str] = None,
                 entity_view: Optional[str] = None, count_sources: bool = False,
                 as_of: Optional[InstantLike] = None, rollup: Optional[str] = None,
                 exact: bool = False, **criteria) -> Timeline:
        """GetRelationTimeline: everything between ``a`` and ``b``, both
        directions, in buckets of ``granularity`` ("day", "week", "month",
        "year") with counts per quad class and mean Goldstein.

        ``max_statements``: how many of the statements to fetch as well,
        page after page, newest first (0: none, only the buckets; None: all).
        Returns a Timeline (to_pandas() of the buckets;
        .statements.to_pandas())."""
        wanted = max_statements
        request = _as_of(graph_pb2.GetRelationTimelineRequest(
            a=entity_ref(a), b=entity_ref(b), name_resolution=name_resolution(exact),
            filter=edge_filter(filter, criteria),
            granularity=lookup("granularity", GRANULARITIES, granularity),
            # Without statements wanted, one per page is the least to ask for.
            page_size=page_size or (1 if wanted == 0 else min(wanted or 1000, 1000)),
            entity_view=lookup("entity_view", ENTITY_VIEWS, entity_view),
            statement_view=lookup("view", STATEMENT_VIEWS, view), count_sources=count_sources,
            rollup=lookup("rollup", ROLLUPS, rollup)), as_of)
        response = self.graph_stub.GetRelationTimeline(request, timeout=self.timeout)
        result = Timeline(response.a, response.b, (granularity or "month").lower(),
                          list(response.buckets), Statements())
        while wanted != 0:
            result.statements.extend(response.statements)
            if not response.next_page_token or (
                    wanted is not None and len(result.statements) >= wanted):
                break
            request.page_token = response.next_page_token
            response = self.graph_stub.GetRelationTimeline(request, timeout=self.timeout)
        if wanted:
            del result.statements[wanted:]
        return result

    @raises_entente_errors
    def profile(self, entity: EntityLike, *, top: int = 10, entity_view: Optional[str] = None,
                count_sources: bool = False, as_of: Optional[InstantLike] = None,
                rollup: Optional[str] = None, exact: bool = False) -> Profile:
        """GetEntityProfile: degrees, statement counts, first and last date,
        quad mix and the ``top`` counterparts. Returns a Profile
        (to_pandas() of the counterparts; entente.profiles_to_pandas() for
        several profiles side by side)."""
        request = _as_of(graph_pb2.GetEntityProfileRequest(
            entity=entity_ref(entity), name_resolution=name_resolution(exact), top=top,
            entity_view=lookup("entity_view", ENTITY_VIEWS, entity_view),
            count_sources=count_sources, rollup=lookup("rollup", ROLLUPS, rollup)), as_of)
        return Profile(self.graph_stub.GetEntityProfile(request, timeout=self.timeout))

    # -- GraphService: claims, merges, memberships --------------------------

    @stream_raising_entente_errors
    def iter_claim_pages(self, entity: Optional[EntityLike] = None,
                         other: Optional[EntityLike] = None, *,
                         claimant: Optional[EntityLike] = None,
                         since: Optional[DateLike] = None, until: Optional[DateLike] = None,
                         contested_only: bool = False, min_sources: int = 0,
                         order: str = "sources", page_size: int = 0,
                         exact: bool = False) -> Iterator[claims_pb2.ListClaimsResponse]:
        """ListClaims, page after page (the ListClaimsResponse messages).
        Needs a server keeping claims (--claims), else FailedPrecondition."""
        request = claims_pb2.ListClaimsRequest(
            name_resolution=name_resolution(exact), contested_only=contested_only,
            min_sources=min_sources, order=lookup("order", CLAIM_ORDERS, order),
            page_size=page_size)
        for key, value in (("entity", entity), ("other", other), ("claimant", claimant)):
            if value is not None:
                getattr(request, key).CopyFrom(entity_ref(value))
        if since is not None:
            request.date_from.CopyFrom(date(since))
        if until is not None:
            request.date_to.CopyFrom(date(until))
        while True:
            response = self.graph_stub.ListClaims(request, timeout=self.timeout)
            yield response
            if not response.next_page_token:
                return
            request.page_token = response.next_page_token

    def claims(self, entity: Optional[EntityLike] = None, other: Optional[EntityLike] = None,
               **kwargs) -> ClaimList:
        """ListClaims, every page, into a ClaimList (claims, names, total;
        to_pandas()). Takes iter_claim_pages()'s arguments."""
        result = ClaimList()
        for page in self.iter_claim_pages(entity, other, **kwargs):
            result.claims += page.claims
            result.names.update((e.id, e.name) for e in page.entities)
            result.total = page.total
        return result

    @raises_entente_errors
    def claim(self, claim_id: int, *, max_statements: int = 0) -> claims_pb2.GetClaimResponse:
        """GetClaim: the claim and its statements in ``asserting``,
        ``denying`` and ``other`` (wrap them in entente.Statements for
        to_pandas())."""
        return self.graph_stub.GetClaim(
            claims_pb2.GetClaimRequest(id=claim_id, max_statements=max_statements),
            timeout=self.timeout)

    @raises_entente_errors
    def merges(self) -> List[groups_pb2.EntityMerge]:
        """ListMerges: every merge, undone ones too, by id."""
        return list(self.graph_stub.ListMerges(graph_pb2.ListMergesRequest(),
                                               timeout=self.timeout).merges)

    @raises_entente_errors
    def memberships(self, entity: Optional[EntityLike] = None, *, page_size: int = 0,
                    exact: bool = False) -> List[groups_pb2.Membership]:
        """ListMemberships, every page: those of ``entity`` (as member or
        parent), or all."""
        request = graph_pb2.ListMembershipsRequest(name_resolution=name_resolution(exact),
                                                   page_size=page_size)
        if entity is not None:
            request.entity.CopyFrom(entity_ref(entity))
        result: List[groups_pb2.Membership] = []
        while True:
            response = self.graph_stub.ListMemberships(request, timeout=self.timeout)
            result += response.memberships
            if not response.next_page_token:
                return result
            request.page_token = response.next_page_token

    @raises_entente_errors
    def server_info(self) -> graph_pb2.GetServerInfoResponse:
        """GetServerInfo (reader role): the server's version and build,
        start time and uptime, database figures (``data``: statements,
        entities, documents_estimate, ...), ``settings`` (claims, limits)
        and ``replication`` (role, applied_sequence, lag, ...)."""
        return self.graph_stub.GetServerInfo(graph_pb2.GetServerInfoRequest(),
                                             timeout=self.timeout)

    # -- AdminService (admin role) ------------------------------------------

    @raises_entente_errors
    def check(self, *, max_problems: int = 0,
              timeout: Optional[float] = None) -> admin_pb2.CheckResponse:
        """Check: verifies every record, index entry and summary. Returns the
        CheckResponse (consistent, counts, problems). Reads the whole
        database: ``timeout`` defaults to none."""
        return self.admin_stub.Check(admin_pb2.CheckRequest(max_problems=max_problems),
                                     timeout=timeout)

    @raises_entente_errors
    def create_backup(self, *, timeout: Optional[float] = None) -> admin_pb2.Backup:
        """CreateBackup: a backup in the server's --backup_dir; returns it
        (id, created_unix_seconds, size_bytes, file_count, backup_dir)."""
        return self.admin_stub.CreateBackup(admin_pb2.CreateBackupRequest(), timeout=timeout)

    @raises_entente_errors
    def list_backups(self) -> List[admin_pb2.Backup]:
        """ListBackups: the backups in the server's --backup_dir."""
        return list(self.admin_stub.ListBackups(admin_pb2.ListBackupsRequest(),
                                                timeout=self.timeout).backups)


# The Filter fields that query methods take as keywords.
_FILTER_KEYS = {"since", "until", "codes", "quads", "min_confidence", "modalities",
                "min_sources", "contested"}


def _collect(chunks: Iterable[graph_pb2.TraverseResponse],
             quad_class: Optional[str] = None) -> Traversal:
    result = Traversal()
    for chunk in chunks:
        result.nodes += [Node(n.entity, n.depth, date_text(n.arrival_date)) for n in chunk.nodes]
        result.edges += [Edge.from_proto(e, quad_class) for e in chunk.edges]
        if chunk.done:
            result.truncated = chunk.truncated
    return result


def _ingest_result(response: ingest_pb2.IngestResponse, ids: List[int]) -> IngestResult:
    return IngestResult(
        accepted=response.accepted, duplicate=response.duplicate, rejected=response.rejected,
        rejections=[Rejection(r.index, r.field, r.description,
                              violations_of(r.status) if r.HasField("status") else [])
                    for r in response.rejections],
        statement_ids=ids)


__all__ = ["Client", "open_channel", "read_jsonl", "to_statement", "StatementLike",
           "DEFAULT_TIMEOUT_S", "DEFAULT_BATCH_SIZE"]
