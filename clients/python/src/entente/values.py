"""Values the wrappers take: names for the protocol's enums, dates, entity
references, filters and instants, each turned into its protocol message.

Everything here accepts the protocol message itself too, so a caller who
builds an ``EdgeFilter`` or a ``Date`` by hand can pass it unchanged.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Dict, Iterable, Optional, Sequence, Union

from google.protobuf import timestamp_pb2

from entente.v1 import claims_pb2, filter_pb2, graph_pb2, ingest_pb2, statement_pb2

# An entity as the wrappers take it: a name (resolved by the server, by alias
# unless the call says exact), an id, or an EntityRef.
EntityLike = Union[str, int, statement_pb2.EntityRef]
# A date: "2024", "2024-10", "2024-10-21", a datetime.date, or a Date.
DateLike = Union[str, datetime.date, statement_pb2.Date]
# An instant for as_of: an RFC 3339 string, a datetime (naive is UTC), or a
# Timestamp.
InstantLike = Union[str, datetime.datetime, timestamp_pb2.Timestamp]


def lookup(kind: str, table: Dict[str, int], value) -> int:
    """The enum number of a name of ``table`` (any case), or the number itself."""
    if value is None:
        return 0
    if isinstance(value, int):
        return value
    key = str(value).lower()
    if key not in table:
        raise ValueError(f"{kind}: {value!r} is not one of {', '.join(sorted(table))}")
    return table[key]


DIRECTIONS = {"both": graph_pb2.BOTH, "out": graph_pb2.OUT, "in": graph_pb2.IN}
GRANULARITIES = {"day": graph_pb2.DAY, "week": graph_pb2.WEEK, "month": graph_pb2.MONTH,
                 "year": graph_pb2.YEAR}
# None or "none": every entity as itself.
ROLLUPS = {"none": graph_pb2.ROLLUP_UNSPECIFIED, "country": graph_pb2.ROLLUP_COUNTRY,
           "parent": graph_pb2.ROLLUP_PARENT}
TEMPORAL_MODES = {"earliest": graph_pb2.TEMPORAL_MODE_EARLIEST_ARRIVAL,
                  "latest": graph_pb2.TEMPORAL_MODE_LATEST_DEPARTURE,
                  "fastest": graph_pb2.TEMPORAL_MODE_FASTEST,
                  "shortest": graph_pb2.TEMPORAL_MODE_SHORTEST}
ENTITY_VIEWS = {"full": graph_pb2.ENTITY_VIEW_FULL, "basic": graph_pb2.ENTITY_VIEW_BASIC}
STATEMENT_VIEWS = {"full": graph_pb2.STATEMENT_VIEW_FULL, "basic": graph_pb2.STATEMENT_VIEW_BASIC,
                   "index": graph_pb2.STATEMENT_VIEW_INDEX}
CLAIM_ORDERS = {"sources": claims_pb2.CLAIM_ORDER_SOURCES, "recent": claims_pb2.CLAIM_ORDER_RECENT}
CONTESTED = {"any": claims_pb2.CONTESTED_ANY, "only": claims_pb2.CONTESTED_ONLY,
             "exclude": claims_pb2.CONTESTED_EXCLUDE}
# Quad classes by the short names the command line uses, and by their own.
QUAD_CLASSES = {"vc": statement_pb2.VERBAL_COOPERATION, "mc": statement_pb2.MATERIAL_COOPERATION,
                "vx": statement_pb2.VERBAL_CONFLICT, "mx": statement_pb2.MATERIAL_CONFLICT,
                **{name.lower(): number for name, number in statement_pb2.QuadClass.items()
                   if number}}
MODALITIES = {name.lower(): number for name, number in statement_pb2.Modality.items() if number}
# The names to_pandas() and to_networkx() give quad classes: the enum's, in
# lower case ("material_cooperation"); unclassified statements get None.
QUAD_CLASS_NAMES = {number: name.lower() for name, number in statement_pb2.QuadClass.items()
                    if number}


def name_resolution(exact: bool) -> int:
    """NAME_RESOLUTION_EXACT (names as identifiers, ICEWS) or _ALIAS."""
    return ingest_pb2.NAME_RESOLUTION_EXACT if exact else ingest_pb2.NAME_RESOLUTION_ALIAS


def entity_ref(entity: EntityLike) -> statement_pb2.EntityRef:
    """An EntityRef from a name, an id or an EntityRef.

    ``bool`` is refused: ``True`` would otherwise become entity 1.
    """
    if isinstance(entity, statement_pb2.EntityRef):
        return entity
    if isinstance(entity, bool) or not isinstance(entity, (int, str)):
        raise TypeError(f"an entity is a name (str) or an id (int), not {entity!r}")
    if isinstance(entity, int):
        return statement_pb2.EntityRef(id=entity)
    return statement_pb2.EntityRef(name=entity)


def date(value: DateLike) -> statement_pb2.Date:
    """A Date from "YYYY", "YYYY-MM", "YYYY-MM-DD", a datetime.date or a Date.

    The server checks that the date exists; this only splits it, and raises
    ValueError for text that is not of that shape.
    """
    if isinstance(value, statement_pb2.Date):
        return value
    if isinstance(value, datetime.date):
        return statement_pb2.Date(year=value.year, month=value.month, day=value.day)
    parts = str(value).split("-")
    if not 1 <= len(parts) <= 3 or not all(p.isdigit() for p in parts):
        raise ValueError(f"not a date: {value!r} (want YYYY, YYYY-MM or YYYY-MM-DD)")
    return statement_pb2.Date(**dict(zip(("year", "month", "day"), map(int, parts))))


def date_text(value: statement_pb2.Date) -> Optional[str]:
    """"2024", "2024-10" or "2024-10-21", as precise as the date; None if unset."""
    if not value.year:
        return None
    text = f"{value.year:04d}"
    if value.month:
        text += f"-{value.month:02d}"
        if value.day:
            text += f"-{value.day:02d}"
    return text


def date_start(value: statement_pb2.Date) -> Optional[datetime.date]:
    """The first day of the date's period (2024-10 -> 2024-10-01); None if unset."""
    if not value.year:
        return None
    return datetime.date(value.year, value.month or 1, value.day or 1)


def date_precision(value: statement_pb2.Date) -> Optional[str]:
    """"year", "month" or "day"; None if unset."""
    if not value.year:
        return None
    return "day" if value.day else "month" if value.month else "year"


def timestamp(value: InstantLike) -> timestamp_pb2.Timestamp:
    """A Timestamp for ``as_of``: RFC 3339 text, a datetime (naive is UTC)."""
    if isinstance(value, timestamp_pb2.Timestamp):
        return value
    result = timestamp_pb2.Timestamp()
    if isinstance(value, str):
        result.FromJsonString(value)
        return result
    if value.tzinfo is None:
        value = value.replace(tzinfo=datetime.timezone.utc)
    result.FromDatetime(value.astimezone(datetime.timezone.utc).replace(tzinfo=None))
    return result


@dataclass
class Filter:
    """Which statements a query follows (entente.v1.EdgeFilter); every field
    narrows, and the defaults mean all.

    since, until: inclusive window on the statements' dates (DateLike).
    codes: CAMEO code prefixes, any of which may match ("06", "19").
    quads: quad classes by name: "vc", "mc", "vx", "mx" (or
      "verbal_cooperation", ...).
    min_confidence: 0..1.
    modalities: "asserted", "denied", "intended", "hypothetical".
    min_sources, contested ("any", "only", "exclude"): claim criteria; the
      server must keep claims (entente-server --claims).
    """
    since: Optional[DateLike] = None
    until: Optional[DateLike] = None
    codes: Sequence[str] = ()
    quads: Sequence[str] = ()
    min_confidence: Optional[float] = None
    modalities: Sequence[str] = ()
    min_sources: Optional[int] = None
    contested: Optional[str] = None

    def to_proto(self) -> filter_pb2.EdgeFilter:
        """The EdgeFilter; ValueError for an unknown name, before any call."""
        if isinstance(self.codes, str) or isinstance(self.quads, str) or isinstance(
                self.modalities, str):
            raise TypeError("codes, quads and modalities are lists: codes=['06'], not '06'")
        result = filter_pb2.EdgeFilter(
            code_prefixes=list(self.codes),
            quad_classes=[lookup("quads", QUAD_CLASSES, q) for q in self.quads],
            modalities=[lookup("modalities", MODALITIES, m) for m in self.modalities])
        if self.since is not None:
            result.date_from.CopyFrom(date(self.since))
        if self.until is not None:
            result.date_to.CopyFrom(date(self.until))
        if self.min_confidence is not None:
            result.min_confidence = self.min_confidence
        if self.min_sources is not None:
            result.min_sources = self.min_sources
        contested = lookup("contested", CONTESTED, self.contested)
        if contested:
            result.contested = contested
        return result


FilterLike = Union[Filter, filter_pb2.EdgeFilter, None]


def edge_filter(value: FilterLike, criteria: Dict[str, object]) -> Optional[filter_pb2.EdgeFilter]:
    """The EdgeFilter of a query: ``value`` (a Filter or an EdgeFilter) or the
    keyword criteria of a Filter (since=, codes=, ...), not both."""
    if criteria:
        if value is not None:
            raise TypeError("give filter= or its criteria as keywords, not both")
        unknown = set(criteria) - set(Filter.__dataclass_fields__)
        if unknown:
            raise TypeError(f"unknown filter criteria: {', '.join(sorted(unknown))} "
                            f"(want {', '.join(Filter.__dataclass_fields__)})")
        value = Filter(**criteria)  # type: ignore[arg-type]
    if value is None:
        return None
    if isinstance(value, Filter):
        return value.to_proto()
    if isinstance(value, filter_pb2.EdgeFilter):
        return value
    raise TypeError(f"filter: want an entente.Filter or an EdgeFilter, not {type(value).__name__}")


def all_of(values: Iterable) -> list:
    """A list, refusing a lone string where a list is meant (a str iterates
    over its characters, which would send one id or code per letter)."""
    if isinstance(values, (str, bytes)):
        raise TypeError(f"want a list, not the string {values!r}")
    return list(values)


__all__ = ["EntityLike", "DateLike", "InstantLike", "Filter", "FilterLike", "entity_ref",
           "date", "date_text", "date_start", "date_precision", "timestamp", "edge_filter",
           "name_resolution", "lookup", "all_of", "DIRECTIONS", "GRANULARITIES", "ROLLUPS",
           "TEMPORAL_MODES", "ENTITY_VIEWS", "STATEMENT_VIEWS", "CLAIM_ORDERS", "CONTESTED",
           "QUAD_CLASSES", "MODALITIES", "QUAD_CLASS_NAMES"]
