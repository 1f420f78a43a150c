#!/usr/bin/python3
"""Tests the Python example client (clients/python) against a real server.

    /usr/bin/python3 tests/python/test_client.py --server-bin build/server/entente-server

Generates the Python modules into a temporary directory with
clients/python/generate.sh, starts entente-server on 127.0.0.1:0 with a
temporary database, runs the example library's calls on the seed fixture,
and stops the server with SIGTERM. The claims calls run against a second
server, started with --claims, on the claims fixture alone
(tests/fixtures/README.md). Loopback only. Any other argument goes to
unittest (-v, -k PATTERN, ...). Needs Debian's python3-grpcio and
python3-protobuf, protoc and grpc_python_plugin.
"""

import argparse
import contextlib
import datetime
import importlib
import io
import os
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

# Do not leave __pycache__ in the source tree (clients/python) when run by CI.
sys.dont_write_bytecode = True

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
CLIENT_DIR = os.path.join(ROOT, "clients", "python")

sys.path.insert(0, HERE)
from server_process import ServerProcess, make_tls_files  # noqa: E402  (tests/python, shared)

# Set from the command line in __main__.
ARGS = argparse.Namespace(
    server_bin=os.path.join(ROOT, "build", "server", "entente-server"),
    fixture=os.path.join(ROOT, "tests", "fixtures", "seed-2024-10-22.jsonl"),
    claims_fixture=os.path.join(ROOT, "tests", "fixtures", "claims-2024-10.jsonl"),
    startup_timeout=60.0)

def load_client(tmp):
    """Generates the Python modules once and imports entente_client and grpc."""
    if "entente_client" not in sys.modules:
        gen = os.path.join(tmp, "gen")
        subprocess.run([os.path.join(CLIENT_DIR, "generate.sh"), gen], check=True)
        os.environ["ENTENTE_PYTHON_GEN"] = gen
        sys.path.insert(0, CLIENT_DIR)
    return importlib.import_module("entente_client"), importlib.import_module("grpc")


class PythonClientTest(unittest.TestCase):
    """One server for the class; the tests run in name order and build on
    each other (test_1 ingests what the later ones query)."""

    @classmethod
    def setUpClass(cls):
        # Class cleanups run even when setUpClass fails half-way.
        cls.tmp = tempfile.mkdtemp(prefix="entente-pytest-")
        cls.addClassCleanup(shutil.rmtree, cls.tmp, ignore_errors=True)
        cls.ec, cls.grpc = load_client(cls.tmp)

        cls.server = ServerProcess(ARGS.server_bin, os.path.join(cls.tmp, "db"),
                                   ARGS.startup_timeout)
        cls.addClassCleanup(cls.server.kill)  # no-op once test_9 has stopped it
        # Loopback: never through an http_proxy of the environment.
        cls.client = cls.ec.Client(cls.server.address,
                                   options=[("grpc.enable_http_proxy", 0)], timeout=30)
        cls.addClassCleanup(cls.client.close)
        cls.client.wait_ready(timeout=10)

    def seed(self):
        return list(self.ec.read_jsonl(ARGS.fixture))

    def test_1_ingest_seed(self):
        statements = self.seed()
        self.assertEqual(len(statements), 26)
        summary = self.client.ingest(statements, batch_size=10)  # 3 batches
        self.assertEqual((summary.accepted, summary.duplicate, summary.rejected), (26, 0, 0))
        self.assertEqual(len(summary.statement_ids), 26)
        self.assertNotIn(0, summary.statement_ids)

    def test_2_reingest_is_duplicate(self):
        summary = self.client.ingest(self.seed())
        self.assertEqual((summary.accepted, summary.duplicate, summary.rejected), (0, 26, 0))

    def test_3_list_statements(self):
        ec = self.ec
        # Russia as target, code 07 (provide aid), two per page.
        found = list(self.client.iter_statements(
            "Russia", direction=ec.graph_pb2.IN, filter=ec.edge_filter(codes=["07"]),
            page_size=2))
        self.assertEqual(len(found), 1)
        s = found[0]
        self.assertEqual((s.actor.name, s.target.name), ("North Korea", "Russia"))
        self.assertEqual(s.action.text, "deployed troops to")
        self.assertEqual(s.action.cameo_code, "072")
        self.assertEqual(s.quote, "North Korea\u2019s troop deployment to Russia")
        self.assertEqual(s.source.document_id, "newstoday-2024-10-22-yoon-nato")

        # All of Russia's statements, in pages of 2: same as in one page.
        paged = [s.id for s in self.client.iter_statements("russia", page_size=2)]
        whole = [s.id for s in self.client.iter_statements("Russia", page_size=1000)]
        self.assertGreater(len(whole), 2)
        self.assertEqual(paged, whole)
        self.assertIn(s.id, whole)

    def test_4_bad_statement_alone_fails_with_bad_request(self):
        ec, grpc = self.ec, self.grpc
        bad = self.seed()[0]
        bad.confidence = 1.5
        with self.assertRaises(grpc.RpcError) as raised:
            self.client.ingest_batch([bad])
        error = raised.exception
        self.assertEqual(error.code(), grpc.StatusCode.INVALID_ARGUMENT)
        status = ec.rich_status(error)
        self.assertIsNotNone(status, "no grpc-status-details-bin trailer")
        self.assertEqual(status.code, grpc.StatusCode.INVALID_ARGUMENT.value[0])
        fields = [v.field for v in ec.field_violations(error)]
        self.assertIn("statements[0].confidence", fields)

    def test_5_batch_rejections(self):
        # One new good statement and one bad one: the good one is stored.
        good, bad = self.seed()[:2]
        good.idempotency_key = "python-client-test:1"
        bad.confidence = -1
        summary = self.client.ingest([good, bad])
        self.assertEqual((summary.accepted, summary.duplicate, summary.rejected), (1, 0, 1))
        self.assertEqual([(r.index, r.field) for r in summary.rejections],
                         [(1, "statements[1].confidence")])
        # A batch with only bad statements fails as a call; ingest() reports
        # it as rejections with their position in the whole input.
        summary = self.client.ingest(self.seed()[:1] + [bad], batch_size=1)
        self.assertEqual((summary.accepted, summary.duplicate, summary.rejected), (0, 1, 1))
        self.assertEqual([(r.index, r.field) for r in summary.rejections],
                         [(1, "statements[0].confidence")])

    def test_6_find_paths(self):
        response = self.client.find_paths("Mark Rutte", "Ukraine", evidence_per_hop=1)
        self.assertEqual(response.distance, 2)
        self.assertGreaterEqual(len(response.paths), 1)
        names = [e.name for e in response.paths[0].entities]
        self.assertEqual(names, ["Mark Rutte", "NATO", "Ukraine"])
        for hop in response.paths[0].hops:
            self.assertGreaterEqual(hop.count, 1)
            self.assertTrue(hop.statements[0].quote)

    def test_7_relation_timeline(self):
        response = self.client.relation_timeline("Russia", "North Korea")
        self.assertEqual(len(response.buckets), 1)
        bucket = response.buckets[0]
        self.assertEqual((bucket.start.year, bucket.start.month), (2024, 10))
        # 4, 6 (North Korea -> Russia), 5 and 26 (Russia -> North Korea).
        self.assertEqual(bucket.total, 4)
        self.assertEqual((bucket.a_to_b, bucket.b_to_a), (2, 2))
        self.assertEqual(len(response.statements), 4)

    def test_8_traverse_stream(self):
        chunks = list(self.client.traverse(["North Korea"], max_depth=1))
        self.assertTrue(chunks)
        self.assertTrue(chunks[-1].done)
        self.assertFalse(any(c.done for c in chunks[:-1]))
        self.assertEqual(chunks[-1].truncated, "")
        depth = {n.entity.name: n.depth for c in chunks for n in c.nodes}
        self.assertEqual(depth["North Korea"], 0)
        for name in ("Russia", "South Korea", "Mark Rutte", "Yoon Suk Yeol"):
            self.assertEqual(depth.get(name), 1, name)
        self.assertGreaterEqual(sum(len(c.edges) for c in chunks), 4)

    def test_8b_watch_as_of_and_temporal_paths(self):
        ec = self.ec
        changes = list(self.client.watch(stop_when_caught_up=True))
        self.assertEqual(len(changes), 27)  # the seed and test_5's good statement
        self.assertTrue(all(c.kind == ec.graph_pb2.StatementChange.INGESTED for c in changes))
        self.assertEqual([c.statement.id for c in changes],
                         sorted(c.statement.id for c in changes))
        before = datetime.datetime.now(datetime.timezone.utc)
        time.sleep(0.01)
        victim = next(c.statement.id for c in changes
                      if (c.statement.actor.name, c.statement.target.name) == ("NATO", "Ukraine"))
        response = self.client.ingest_stub.Retract(
            ec.ingest_pb2.RetractRequest(statement_ids=[victim], reason="python test"),
            timeout=30)
        self.assertEqual(list(response.retracted_ids), [victim])
        # The feed resumes after the last change with the retraction only.
        rest = list(self.client.watch(changes[-1].cursor, stop_when_caught_up=True))
        self.assertEqual([(c.kind, c.statement.id) for c in rest],
                         [(ec.graph_pb2.StatementChange.RETRACTED, victim)])
        self.assertEqual(rest[0].retraction_reason, "python test")
        # As of before the retraction, the statement is still there.
        now_ids = {s.id for s in self.client.iter_statements("Ukraine")}
        then_ids = {s.id for s in self.client.iter_statements("Ukraine", as_of=before)}
        self.assertEqual(then_ids - now_ids, {victim})
        then = self.client.find_paths("Mark Rutte", "Ukraine", as_of=before.isoformat())
        self.assertEqual(then.distance, 2)
        # A time-respecting path carries the day each hop used.
        paths = self.client.find_paths("South Korea", "Russia", temporal="earliest",
                                       direction=ec.graph_pb2.OUT)
        self.assertGreater(paths.distance, 0)
        for hop in paths.paths[0].hops:
            self.assertEqual(hop.used_date.year, 2024)
        with self.assertRaises(ValueError):
            self.client.find_paths("South Korea", "Russia", temporal="soonest")

    def test_8a_claims_need_a_server_with_claims(self):
        # This server was started without --claims: its database keeps none.
        grpc = self.grpc
        with self.assertRaises(grpc.RpcError) as listed:
            self.client.list_claims("North Korea", "Russia")
        self.assertEqual(listed.exception.code(), grpc.StatusCode.FAILED_PRECONDITION)
        self.assertIn("--claims", listed.exception.details())
        with self.assertRaises(grpc.RpcError) as path:
            self.client.find_paths("Mark Rutte", "Ukraine",
                                   filter=self.ec.edge_filter(min_sources=2))
        self.assertEqual(path.exception.code(), grpc.StatusCode.FAILED_PRECONDITION)
        # min_sources 0 or 1 and contested "any" ask nothing of claims.
        response = self.client.find_paths(
            "Mark Rutte", "Ukraine", filter=self.ec.edge_filter(min_sources=1, contested="any"))
        self.assertEqual(response.distance, 2)

    def test_9_sigterm_stops_cleanly(self):
        code = self.server.terminate()
        self.assertEqual(code, 0, self.server.stderr())
        self.assertIn("stopped", self.server.stderr())


class ClaimsTest(unittest.TestCase):
    """Claims (docs/claims.md) on a server started with --claims, holding
    the claims fixture alone, so that statement n has id n and the claims
    are those of tests/fixtures/README.md. The tests run in name order;
    test_1 ingests what the later ones query."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="entente-pyclaims-")
        cls.addClassCleanup(shutil.rmtree, cls.tmp, ignore_errors=True)
        cls.ec, cls.grpc = load_client(cls.tmp)
        cls.server = ServerProcess(ARGS.server_bin, os.path.join(cls.tmp, "db"),
                                   ARGS.startup_timeout, ["--claims"])
        cls.addClassCleanup(cls.server.kill)
        cls.client = cls.ec.Client(cls.server.address,
                                   options=[("grpc.enable_http_proxy", 0)], timeout=30)
        cls.addClassCleanup(cls.client.close)
        cls.client.wait_ready(timeout=10)

    def run_command(self, *argv):
        """A subcommand of entente_client.py against this server: its output."""
        args = self.ec.build_parser().parse_args(list(argv))
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            code = args.run(self.client, args)
        self.assertEqual(code, 0)
        return out.getvalue()

    def test_1_ingest_claims_fixture(self):
        statements = list(self.ec.read_jsonl(ARGS.claims_fixture))
        self.assertEqual(len(statements), 22)
        summary = self.client.ingest(statements)
        self.assertEqual((summary.accepted, summary.duplicate, summary.rejected), (22, 0, 0))
        self.assertEqual(summary.statement_ids, list(range(1, 23)))

    def test_2_list_claims_between_north_korea_and_russia(self):
        claims = self.client.list_claims("North Korea", "Russia")
        self.assertEqual(claims.total, 3)
        # Most sources first: the deployment claim (4), 19 (2), 2 (1).
        self.assertEqual([c.id for c in claims.claims], [1, 19, 2])
        first = claims.claims[0]
        self.assertEqual((claims.names[first.actor_id], claims.names[first.target_id]),
                         ("North Korea", "Russia"))
        self.assertEqual(first.cameo_code, "072")
        self.assertEqual((first.statements, first.documents, first.sources), (9, 5, 4))
        self.assertEqual((first.asserted, first.denied, first.intended), (5, 3, 1))
        self.assertTrue(first.contested)
        self.assertFalse(any(c.contested for c in claims.claims[1:]))
        # Page after page, one claim each: the same claims.
        paged = self.client.list_claims("North Korea", "Russia", page_size=1)
        self.assertEqual([c.id for c in paged.claims], [1, 19, 2])
        self.assertEqual(paged.total, 3)

    def test_3_list_claims_filters(self):
        contested = self.client.list_claims("North Korea", contested_only=True)
        self.assertEqual([c.id for c in contested.claims], [1])
        # Claim 2 has 2 documents but 1 source (Korea Morning Post).
        corroborated = self.client.list_claims("North Korea", "Russia", min_sources=2)
        self.assertEqual([c.id for c in corroborated.claims], [1, 19])
        recent = self.client.list_claims("North Korea", "Russia", order="recent")
        self.assertEqual(recent.claims[0].id, 19)  # 10-23, the latest
        window = self.client.list_claims("North Korea", "Russia", since="2024-10-22")
        self.assertEqual([c.id for c in window.claims], [19])

    def test_4_get_claim(self):
        response = self.client.get_claim(1)
        self.assertEqual(response.claim.id, 1)
        self.assertEqual(len(response.asserting), 5)
        self.assertEqual(len(response.denying), 3)
        self.assertEqual(len(response.other), 1)  # line 5, intended
        self.assertFalse(response.truncated)
        self.assertEqual(sorted(s.id for s in response.asserting), [1, 3, 7, 12, 14])
        self.assertEqual(sorted(s.id for s in response.denying), [8, 10, 11])
        self.assertEqual(sorted(s.attributed_to.name for s in response.denying),
                         ["North Korea", "North Korea", "Russia"])
        for s in list(response.asserting) + list(response.denying):
            self.assertTrue(s.quote)
            self.assertTrue(s.source.publisher)
        self.assertEqual({s.source.publisher for s in response.asserting},
                         {"Korea Morning Post", "Global Wire", "Eurasia Ledger",
                          "Pacific Dispatch"})
        # A statement id that is not a claim id names its claim.
        with self.assertRaises(self.grpc.RpcError) as raised:
            self.client.get_claim(3)
        self.assertEqual(raised.exception.code(), self.grpc.StatusCode.NOT_FOUND)
        self.assertIn("claim 1", raised.exception.details())

    def test_5_find_paths_min_sources(self):
        ec = self.ec
        direct = self.client.find_paths("United Kingdom", "Russia")
        self.assertEqual(direct.distance, 1)
        # Claim 17 (UK -> Russia) has one source; claims 9 and 6, two each.
        response = self.client.find_paths("United Kingdom", "Russia",
                                          filter=ec.edge_filter(min_sources=2))
        self.assertEqual(response.distance, 2)
        self.assertEqual([e.name for e in response.paths[0].entities],
                         ["United Kingdom", "South Korea", "Russia"])
        self.assertEqual([h.count for h in response.paths[0].hops], [2, 2])
        none = self.client.find_paths("United Kingdom", "Russia",
                                      filter=ec.edge_filter(min_sources=3))
        self.assertEqual(none.distance, -1)

    def test_6_negative_min_sources_is_invalid(self):
        ec, grpc = self.ec, self.grpc
        with self.assertRaises(grpc.RpcError) as raised:
            self.client.find_paths("United Kingdom", "Russia",
                                   filter=ec.edge_filter(min_sources=-1))
        self.assertEqual(raised.exception.code(), grpc.StatusCode.INVALID_ARGUMENT)
        self.assertIn("filter.min_sources",
                      [v.field for v in ec.field_violations(raised.exception)])
        with self.assertRaises(grpc.RpcError) as listed:
            self.client.list_claims("Russia", min_sources=-1)
        self.assertEqual(listed.exception.code(), grpc.StatusCode.INVALID_ARGUMENT)
        self.assertIn("min_sources", [v.field for v in ec.field_violations(listed.exception)])
        with self.assertRaises(ValueError):
            ec.edge_filter(contested="sometimes")

    def test_7_contested_filter(self):
        ec = self.ec

        def neighbours(contested):
            chunks = self.client.traverse(["North Korea"], max_depth=1,
                                          filter=ec.edge_filter(contested=contested))
            return sorted(n.entity.name for c in chunks for n in c.nodes if n.depth == 1)

        self.assertEqual(neighbours("only"), ["Russia"])
        self.assertEqual(neighbours("exclude"), ["David Lammy", "Lloyd Austin", "Russia"])
        only = list(self.client.iter_statements("North Korea", direction=ec.graph_pb2.OUT,
                                                filter=ec.edge_filter(contested="only")))
        self.assertEqual(sorted(s.id for s in only), [1, 3, 5, 7, 8, 10, 11, 12, 14])

    def test_8_command_line(self):
        out = self.run_command("claims", "North Korea", "Russia")
        lines = out.splitlines()
        self.assertEqual(len(lines), 4, out)
        self.assertTrue(lines[0].startswith("claim 1  North Korea -> Russia [072]  "
                                            "2024-10-18..2024-10-20  9 statements, "
                                            "5 documents, 4 sources  CONTESTED"), out)
        self.assertEqual(lines[-1], "3 claims")
        out = self.run_command("claims", "North Korea", "--contested")
        self.assertEqual(out.splitlines()[-1], "1 claim", out)
        out = self.run_command("claim", "1")
        self.assertIn("\nasserting (5)\n", out)
        self.assertIn("\ndenying (3)\n", out)
        self.assertIn("\nother (1)\n", out)
        self.assertIn("Eurasia Ledger (eurasialedger-2024-10-21-denials), said by Russia", out)
        out = self.run_command("path", "United Kingdom", "Russia", "--min-sources", "2")
        self.assertIn("United Kingdom -> South Korea -> Russia", out)
        out = self.run_command("traverse", "North Korea", "--depth", "1", "--contested", "only")
        self.assertEqual(out.splitlines()[-1], "2 entities, 1 edges", out)

    def test_9_count_sources(self):
        ec = self.ec
        response = self.client.find_paths("United Kingdom", "Russia",
                                          filter=ec.edge_filter(min_sources=2),
                                          count_sources=True)
        self.assertEqual(response.distance, 2)
        self.assertEqual([(h.count, h.sources) for h in response.paths[0].hops],
                         [(2, 2), (2, 2)])
        chunks = list(self.client.traverse(["North Korea"], max_depth=1,
                                           direction=ec.graph_pb2.OUT, count_sources=True))
        names = {n.entity.id: n.entity.name for c in chunks for n in c.nodes}
        edges = {(names[e.actor_id], names[e.target_id]): (e.count, e.sources)
                 for c in chunks for e in c.edges}
        self.assertEqual(edges[("North Korea", "Russia")], (11, 4))
        # Without count_sources, sources stay 0.
        plain = self.client.find_paths("United Kingdom", "Russia",
                                       filter=ec.edge_filter(min_sources=2))
        self.assertEqual([h.sources for h in plain.paths[0].hops], [0, 0])
        out = self.run_command("path", "United Kingdom", "Russia", "--min-sources", "2",
                               "--sources")
        self.assertIn("United Kingdom -> South Korea: 2 statements, 2 sources", out)
        out = self.run_command("traverse", "North Korea", "--depth", "1", "--direction",
                               "out", "--sources")
        self.assertIn("North Korea -> Russia: 11 statements, 4 sources", out)

    def test_9_list_claims_by_claimant(self):
        lammy = self.client.list_claims(claimant="David Lammy")
        self.assertEqual({c.id for c in lammy.claims}, {1, 9, 15, 17, 18})
        self.assertEqual(lammy.total, 5)
        about = self.client.list_claims("North Korea", claimant="David Lammy")
        self.assertEqual({c.id for c in about.claims}, {1, 15})
        with self.assertRaises(ValueError):
            self.client.list_claims()
        out = self.run_command("claims", "--claimant", "David Lammy")
        self.assertEqual(out.splitlines()[-1], "5 claims", out)
        out = self.run_command("claims", "North Korea", "--claimant", "David Lammy")
        self.assertEqual(out.splitlines()[-1], "2 claims", out)


class GroupsTest(unittest.TestCase):
    """Who is who (groups.proto) on a server of its own holding the seed:
    memberships that rollup= follows, merges and their undo, the fields bad
    input names, and the commands. The tests run in name order."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="entente-pygroups-")
        cls.addClassCleanup(shutil.rmtree, cls.tmp, ignore_errors=True)
        cls.ec, cls.grpc = load_client(cls.tmp)
        cls.server = ServerProcess(ARGS.server_bin, os.path.join(cls.tmp, "db"),
                                   ARGS.startup_timeout)
        cls.addClassCleanup(cls.server.kill)
        cls.client = cls.ec.Client(cls.server.address,
                                   options=[("grpc.enable_http_proxy", 0)], timeout=30)
        cls.addClassCleanup(cls.client.close)
        cls.client.wait_ready(timeout=10)
        summary = cls.client.ingest(cls.ec.read_jsonl(ARGS.fixture))
        assert summary.accepted == 26, summary

    run_command = ClaimsTest.run_command

    def fields_of(self, call, *args, **kwargs):
        """The BadRequest fields of a call that must fail with INVALID_ARGUMENT."""
        with self.assertRaises(self.grpc.RpcError) as raised:
            call(*args, **kwargs)
        self.assertEqual(raised.exception.code(), self.grpc.StatusCode.INVALID_ARGUMENT,
                         raised.exception.details())
        return [v.field for v in self.ec.field_violations(raised.exception)]

    def test_1_rollup_follows_a_membership(self):
        client = self.client
        m = client.member("Yoon Suk Yeol", "South Korea", role="president", since="2022-05")
        self.assertEqual((m.member.name, m.parent.name, m.role), ("Yoon Suk Yeol", "South Korea",
                                                                  "president"))
        self.assertEqual((m.since.year, m.since.month), (2022, 5))
        self.assertFalse(m.HasField("until"))
        self.assertEqual(m.origin, "rpc")
        plain = client.relation_timeline("South Korea", "Russia")
        rolled = client.relation_timeline("South Korea", "Russia", rollup="country")
        self.assertEqual((len(plain.statements), len(rolled.statements)), (1, 3))
        self.assertIn("Yoon Suk Yeol", {s.actor.name for s in rolled.statements})
        yoon = {s.id for s in client.iter_statements("Yoon Suk Yeol")}
        group = {s.id for s in client.iter_statements("South Korea", rollup="parent")}
        self.assertTrue(yoon <= group)
        depth = {n.entity.name for c in client.traverse(["South Korea"], max_depth=1,
                                                         rollup="country") for n in c.nodes}
        self.assertIn("Mark Rutte", depth)
        alone = client.entity_profile("South Korea")
        whole = client.entity_profile("South Korea", rollup="country")
        self.assertGreater(whole.out_statements, alone.out_statements)
        with self.assertRaises(self.grpc.RpcError) as same:
            client.find_paths("Yoon Suk Yeol", "South Korea", rollup="country")
        self.assertEqual(same.exception.code(), self.grpc.StatusCode.INVALID_ARGUMENT)
        with self.assertRaises(ValueError):
            client.relation_timeline("South Korea", "Russia", rollup="galaxy")
        self.assertEqual([(x.member.name, x.parent.name) for x in client.memberships("South Korea")],
                         [("Yoon Suk Yeol", "South Korea")])

    def test_2_merge_and_unmerge(self):
        client = self.client
        before = [s.SerializeToString() for s in client.iter_statements("NATO")]
        merge = client.merge("Mark Rutte", "NATO", reason="one voice in this story")
        self.assertEqual((getattr(merge, "from").name, merge.into.name), ("Mark Rutte", "NATO"))
        self.assertEqual(merge.merged_by, "")
        self.assertEqual(merge.reason, "one voice in this story")
        merged = list(client.iter_statements("NATO"))
        self.assertGreater(len(merged), len(before))
        self.assertNotIn("Mark Rutte", {s.actor.name for s in merged})
        undone = client.unmerge(merge.id)
        self.assertGreater(undone.undone_at_micros, 0)
        self.assertEqual([s.SerializeToString() for s in client.iter_statements("NATO")], before)
        self.assertEqual([(m.id, m.undone_at_micros > 0) for m in client.merges()],
                         [(merge.id, True)])
        with self.assertRaises(self.grpc.RpcError) as unknown:
            client.unmerge(999)
        self.assertEqual(unknown.exception.code(), self.grpc.StatusCode.NOT_FOUND)
        self.assertTrue(unknown.exception.details().startswith("merge_id"))

    def test_3_bad_input_names_the_field(self):
        client = self.client
        self.assertEqual(self.fields_of(client.merge, "NATO", "NATO", "why not"), ["into"])
        self.assertEqual(self.fields_of(client.merge, "Mark Rutte", "NATO", ""), ["reason"])
        self.assertEqual(self.fields_of(client.unmerge, 1), ["merge_id"])  # already undone
        self.assertEqual(self.fields_of(client.member, "David Lammy", "United Kingdom",
                                        since="2024", until="2020"), ["until"])
        self.assertEqual(self.fields_of(client.member, "South Korea", "Yoon Suk Yeol"),
                         ["parent"])  # a cycle

    def test_4_command_line(self):
        out = self.run_command("member", "David Lammy", "United Kingdom", "--role", "minister")
        self.assertIn("David Lammy", out)
        self.assertIn(" as minister", out)
        out = self.run_command("members", "United Kingdom")
        self.assertEqual(out.splitlines()[-1], "1 membership", out)
        out = self.run_command("timeline", "United Kingdom", "South Korea", "--rollup", "country")
        self.assertIn("United Kingdom (A) and South Korea (B)", out)
        out = self.run_command("merge", "Mark Rutte", "NATO", "--reason", "again")
        self.assertTrue(out.startswith("merge 2: Mark Rutte"), out)
        out = self.run_command("merges")
        self.assertEqual(out.splitlines()[-1], "2 merges", out)
        out = self.run_command("unmerge", "2")
        self.assertIn("undone", out)
        out = self.run_command("member", "David Lammy", "United Kingdom", "--remove")
        self.assertIn("removed", out)
        out = self.run_command("statements", "United Kingdom", "--rollup", "parent")
        self.assertTrue(out.splitlines()[-1].endswith("statements"), out)


class TokenAndTlsTest(unittest.TestCase):
    """The client's token and TLS options against servers with --tokens_file
    and TLS (docs/security.md), with certificates made by openssl here."""

    READER = "reader-token-python-0123456789"
    WRITER = "writer-token-python-0123456789"

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="entente-pyauth-")
        cls.addClassCleanup(shutil.rmtree, cls.tmp, ignore_errors=True)
        cls.ec, cls.grpc = load_client(cls.tmp)
        d = cls.tmp
        make_tls_files(d)
        cls.tokens = f"{d}/tokens.txt"
        with open(cls.tokens, "w") as f:
            f.write(f"reader {cls.READER} python reader\nwriter {cls.WRITER}\n")

    def start(self, name, *extra):
        server = ServerProcess(ARGS.server_bin, os.path.join(self.tmp, name),
                               ARGS.startup_timeout, ["--tokens_file", self.tokens, *extra])
        self.addCleanup(server.kill)
        return server

    def client(self, server, **kwargs):
        client = self.ec.Client(server.address, options=[("grpc.enable_http_proxy", 0)],
                                timeout=30, **kwargs)
        self.addCleanup(client.close)
        return client

    def check_roles(self, server, **tls):
        seed = list(self.ec.read_jsonl(ARGS.fixture))
        with self.assertRaises(self.grpc.RpcError) as no_token:
            self.client(server, **tls).ingest_batch(seed)
        self.assertEqual(no_token.exception.code(), self.grpc.StatusCode.UNAUTHENTICATED)
        with self.assertRaises(self.grpc.RpcError) as reader:
            self.client(server, token=self.READER, **tls).ingest_batch(seed)
        self.assertEqual(reader.exception.code(), self.grpc.StatusCode.PERMISSION_DENIED)
        self.assertIn("writer", reader.exception.details())
        summary = self.client(server, token=self.WRITER, **tls).ingest(seed)
        self.assertEqual(summary.accepted, 26)
        statements = list(self.client(server, token=self.READER, **tls)
                          .iter_statements("Russia"))
        self.assertGreater(len(statements), 0)

    def test_tokens_over_tls(self):
        server = self.start("tls", "--tls_cert", f"{self.tmp}/server.pem",
                            "--tls_key", f"{self.tmp}/server.key")
        self.check_roles(server, tls_ca=f"{self.tmp}/ca.pem")

    def test_tokens_over_plaintext_on_loopback(self):
        self.check_roles(self.start("plain"))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], add_help=False)
    parser.add_argument("--server-bin", default=ARGS.server_bin,
                        help="the entente-server binary (default %(default)s)")
    parser.add_argument("--fixture", default=ARGS.fixture,
                        help="the seed JSON-lines file (default %(default)s)")
    parser.add_argument("--claims-fixture", default=ARGS.claims_fixture,
                        help="the claims JSON-lines file (default %(default)s)")
    parser.add_argument("--startup-timeout", type=float, default=ARGS.startup_timeout,
                        help="seconds to wait for 'listening on' (default %(default)s)")
    args, rest = parser.parse_known_args()
    if not os.access(args.server_bin, os.X_OK):
        sys.exit(f"test_client.py: --server-bin {args.server_bin} is not an executable")
    vars(ARGS).update(vars(args))
    unittest.main(argv=[sys.argv[0]] + rest)


if __name__ == "__main__":
    main()
