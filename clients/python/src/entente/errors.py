"""Failed calls as Python exceptions.

Every wrapper of the client raises ``EntenteError`` (or a subclass named after
the gRPC code, such as ``NotFound``) instead of ``grpc.RpcError``. It carries
the gRPC status code, the server's message and the google.rpc.BadRequest field
violations the server attaches to INVALID_ARGUMENT (in the trailing metadata
``grpc-status-details-bin``), so a notebook can show which field was wrong:

    try:
        client.statements("North Korea", since="2024-13")
    except entente.InvalidArgument as e:
        e.field_violations   # [FieldViolation(field='filter.date_from.month', ...)]
"""

from __future__ import annotations

import contextlib
import functools
from dataclasses import dataclass
from typing import Callable, Dict, Iterator, List, Optional, Type, TypeVar

import grpc

from entente._google.rpc import error_details_pb2, status_pb2

STATUS_DETAILS_KEY = "grpc-status-details-bin"


@dataclass(frozen=True)
class FieldViolation:
    """One offending field, as a path ("statements[0].confidence"), and why."""
    field: str
    description: str


class EntenteError(Exception):
    """A call the server (or the channel) failed.

    code: the grpc.StatusCode; code_name its name ("INVALID_ARGUMENT").
    message: the server's description.
    field_violations: the BadRequest field violations, possibly empty.
    status: the google.rpc.Status of the details, or None without details.
    """

    def __init__(self, code: grpc.StatusCode, message: str,
                 field_violations: List[FieldViolation] = (),  # type: ignore[assignment]
                 status: Optional[status_pb2.Status] = None):
        self.code = code
        self.code_name = code.name
        self.message = message
        self.field_violations = list(field_violations)
        self.status = status
        super().__init__(self.describe())

    def describe(self) -> str:
        """CODE: message, then one line per field violation."""
        lines = [f"{self.code_name}: {self.message}"]
        lines += [f"  {v.field}: {v.description}" for v in self.field_violations]
        return "\n".join(lines)

    @property
    def fields(self) -> List[str]:
        """The violated fields' paths alone."""
        return [v.field for v in self.field_violations]


class InvalidArgument(EntenteError):
    """INVALID_ARGUMENT: bad input; see field_violations."""


class NotFound(EntenteError):
    """NOT_FOUND: an unknown entity, statement, claim or merge."""


class FailedPrecondition(EntenteError):
    """FAILED_PRECONDITION: e.g. claims asked of a database that keeps none."""


class PermissionDenied(EntenteError):
    """PERMISSION_DENIED: the token's role is too low for the call."""


class Unauthenticated(EntenteError):
    """UNAUTHENTICATED: no token, or an unknown one."""


class ResourceExhausted(EntenteError):
    """RESOURCE_EXHAUSTED: a limit (query memory, concurrent calls)."""


class Unavailable(EntenteError):
    """UNAVAILABLE: the server cannot be reached or is shutting down; retryable."""


class DeadlineExceeded(EntenteError):
    """DEADLINE_EXCEEDED: the call's timeout passed."""


_BY_CODE: Dict[grpc.StatusCode, Type[EntenteError]] = {
    grpc.StatusCode.INVALID_ARGUMENT: InvalidArgument,
    grpc.StatusCode.NOT_FOUND: NotFound,
    grpc.StatusCode.FAILED_PRECONDITION: FailedPrecondition,
    grpc.StatusCode.PERMISSION_DENIED: PermissionDenied,
    grpc.StatusCode.UNAUTHENTICATED: Unauthenticated,
    grpc.StatusCode.RESOURCE_EXHAUSTED: ResourceExhausted,
    grpc.StatusCode.UNAVAILABLE: Unavailable,
    grpc.StatusCode.DEADLINE_EXCEEDED: DeadlineExceeded,
}


def violations_of(status: Optional[status_pb2.Status]) -> List[FieldViolation]:
    """The field violations of every BadRequest among a status's details."""
    result: List[FieldViolation] = []
    for detail in status.details if status is not None else ():
        if detail.Is(error_details_pb2.BadRequest.DESCRIPTOR):
            bad_request = error_details_pb2.BadRequest()
            detail.Unpack(bad_request)
            result += [FieldViolation(v.field, v.description)
                       for v in bad_request.field_violations]
    return result


def from_rpc_error(error: grpc.RpcError) -> EntenteError:
    """The EntenteError of a grpc.RpcError (a grpc.Call, as every failed
    call of a channel is)."""
    status = None
    for key, value in error.trailing_metadata() or ():  # type: ignore[attr-defined]
        if key == STATUS_DETAILS_KEY:
            status = status_pb2.Status.FromString(value)
    code = error.code()  # type: ignore[attr-defined]
    cls = _BY_CODE.get(code, EntenteError)
    return cls(code, error.details() or "", violations_of(status), status)  # type: ignore


@contextlib.contextmanager
def translated() -> Iterator[None]:
    """Runs the body with grpc.RpcError raised as EntenteError."""
    try:
        yield
    except grpc.RpcError as error:
        raise from_rpc_error(error) from None


F = TypeVar("F", bound=Callable)


def raises_entente_errors(method: F) -> F:
    """Decorates a wrapper whose calls raise grpc.RpcError."""
    @functools.wraps(method)
    def wrapper(*args, **kwargs):
        with translated():
            return method(*args, **kwargs)
    return wrapper  # type: ignore[return-value]


def stream_raising_entente_errors(method: F) -> F:
    """Decorates a generator wrapper: errors while iterating are translated
    too (a stream fails when its iteration reaches the failure)."""
    @functools.wraps(method)
    def wrapper(*args, **kwargs):
        with translated():
            yield from method(*args, **kwargs)
    return wrapper  # type: ignore[return-value]
