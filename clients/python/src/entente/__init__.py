"""entente: the Python client of Entente, the diplomatic-event knowledge graph.

    import entente
    with entente.Client("127.0.0.1:50051") as client:
        client.ingest_stream(entente.read_jsonl("tests/fixtures/seed-2024-10-22.jsonl"))
        evidence = client.statements("North Korea", codes=["06"]).to_pandas()
        graph = client.traverse("North Korea", max_depth=1).to_networkx()

Client has one method per RPC (clients/python/README.md lists them);
entente.v1 holds the protocol's generated messages and stubs (made from
proto/ when the package is built), for whatever the wrappers do not cover.
"""

from entente.client import (DEFAULT_BATCH_SIZE, DEFAULT_TIMEOUT_S, Client, StatementLike,
                            open_channel, read_jsonl, to_statement)
from entente.errors import (DeadlineExceeded, EntenteError, FailedPrecondition, FieldViolation,
                            InvalidArgument, NotFound, PermissionDenied, ResourceExhausted,
                            Unauthenticated, Unavailable)
from entente.results import (ClaimList, Edge, IngestResult, Node, Paths, Profile, Rejection,
                             Statements, Timeline, Traversal, profiles_to_pandas, statement_row)
from entente.values import Filter, date, date_text, entity_ref

__version__ = "0.1.0"

__all__ = [
    "Client", "open_channel", "read_jsonl", "to_statement", "StatementLike",
    "DEFAULT_BATCH_SIZE", "DEFAULT_TIMEOUT_S", "Filter", "date", "date_text", "entity_ref",
    "EntenteError", "FieldViolation", "InvalidArgument", "NotFound", "FailedPrecondition",
    "PermissionDenied", "Unauthenticated", "ResourceExhausted", "Unavailable",
    "DeadlineExceeded", "Statements", "statement_row", "IngestResult", "Rejection", "Node", "Edge",
    "Traversal", "Paths", "Timeline", "Profile", "profiles_to_pandas", "ClaimList",
]
