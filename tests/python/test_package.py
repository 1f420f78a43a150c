#!/usr/bin/python3
"""Tests the `entente` Python package (clients/python) against real servers.

    /usr/bin/python3 tests/python/test_package.py --server-bin build/server/entente-server

Installs the package into a temporary venv (package_venv.py: offline, on
Debian's grpcio and protobuf), then runs these tests with the venv's python:
every wrapper against entente-server on 127.0.0.1:0 with the seed fixture;
errors and their field violations against what the raw stubs receive;
to_pandas() and to_networkx() against the raw responses; claims on a second
server started with --claims; tokens on a third. Any other argument goes to
unittest (-v, -k PATTERN).
"""

import argparse
import datetime
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, HERE)
from server_process import ServerProcess, make_tls_files  # noqa: E402

ARGS = argparse.Namespace(
    server_bin=os.path.join(ROOT, "build", "server", "entente-server"),
    fixture=os.path.join(ROOT, "tests", "fixtures", "seed-2024-10-22.jsonl"),
    claims_fixture=os.path.join(ROOT, "tests", "fixtures", "claims-2024-10.jsonl"))


def fixture_lines(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def day(d):
    """The first day of a Date's period, as to_pandas() gives it."""
    return datetime.datetime(d.year, d.month or 1, d.day or 1)


class ServerTest(unittest.TestCase):
    """One server for the class, with a database under a temporary dir."""
    server_flags = ()

    @classmethod
    def setUpClass(cls):
        import entente
        cls.entente = entente
        cls.tmp = tempfile.mkdtemp(prefix="entente-pkgtest-")
        cls.addClassCleanup(shutil.rmtree, cls.tmp, ignore_errors=True)
        cls.server = ServerProcess(ARGS.server_bin, os.path.join(cls.tmp, "db"), 60,
                                   extra=cls.server_flags)
        cls.addClassCleanup(cls.server.kill)
        cls.client = entente.Client(cls.server.address, timeout=30)
        cls.addClassCleanup(cls.client.close)
        cls.client.wait_ready(10)


class SeedTest(ServerTest):
    """The seed fixture, ingested once by IngestStream in setUpClass."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.lines = fixture_lines(ARGS.fixture)
        # A generator: ingest_stream must not need a list.
        cls.loaded = cls.client.ingest_stream((line for line in cls.lines), batch_size=7)

    def raw(self, method, request):
        """A GraphService call through the generated stub, unwrapped."""
        return getattr(self.client.graph_stub, method)(request, timeout=30)

    # -- IngestService -------------------------------------------------------

    def test_ingest_stream_batches_a_generator(self):
        self.assertEqual((self.loaded.accepted, self.loaded.duplicate, self.loaded.rejected),
                         (len(self.lines), 0, 0))
        self.assertEqual(self.loaded.statement_ids, [])  # IngestStream gives none
        again = self.client.ingest_stream(self.entente.read_jsonl(ARGS.fixture), batch_size=10)
        self.assertEqual((again.accepted, again.duplicate), (0, len(self.lines)))

    def test_ingest_stream_counts_rejection_index_across_messages(self):
        bad = dict(self.lines[0], confidence=2.0, idempotencyKey="pkgtest-bad-conf")
        result = self.client.ingest_stream(self.lines[:9] + [bad], batch_size=4)
        self.assertEqual((result.duplicate, result.rejected), (9, 1))
        self.assertEqual(result.rejections[0].index, 9)  # third message, third statement
        self.assertIn("confidence", result.rejections[0].field)

    def test_ingest_stream_raises_a_parse_error_in_the_callers_thread(self):
        with self.assertRaises(ValueError):
            self.client.ingest_stream([self.lines[0], {"no_such_field": 1}])

    def test_ingest_returns_ids_and_per_statement_rejections(self):
        good = dict(self.lines[0], idempotencyKey="pkgtest-good-1")
        bad = dict(self.lines[1], idempotencyKey="pkgtest-bad-1")
        bad["date"] = {"year": 2024, "month": 13}
        result = self.client.ingest([good, bad])
        self.assertEqual((result.accepted, result.rejected), (1, 1))
        self.assertNotEqual(result.statement_ids[0], 0)
        self.assertEqual(result.statement_ids[1], 0)
        rejection = result.rejections[0]
        self.assertEqual(rejection.index, 1)
        self.assertIn("statements[1].date.month", [v.field for v in rejection.violations])
        self.assertEqual(self.client.statement(result.statement_ids[0]).quote,
                         self.lines[0]["quote"])

    def test_all_bad_ingest_raises_invalid_argument_with_the_servers_violations(self):
        import grpc
        from entente.v1 import ingest_pb2
        bad = dict(self.lines[0], confidence=1.5)
        with self.assertRaises(self.entente.InvalidArgument) as raised:
            self.client.ingest([bad])
        error = raised.exception
        self.assertEqual(error.code, grpc.StatusCode.INVALID_ARGUMENT)
        self.assertIn("statements[0].confidence", error.fields)
        # The same request through the raw stub: the same code, message and
        # fields, decoded here from the trailer by hand.
        request = ingest_pb2.IngestRequest(statements=[self.entente.to_statement(bad)])
        with self.assertRaises(grpc.RpcError) as raw:
            self.client.ingest_stub.Ingest(request, timeout=30)
        from entente._google.rpc import error_details_pb2, status_pb2
        trailer = dict(raw.exception.trailing_metadata())["grpc-status-details-bin"]
        status = status_pb2.Status.FromString(trailer)
        detail = error_details_pb2.BadRequest()
        status.details[0].Unpack(detail)
        self.assertEqual(error.message, raw.exception.details())
        self.assertEqual([(v.field, v.description) for v in error.field_violations],
                         [(v.field, v.description) for v in detail.field_violations])

    def test_query_errors_are_typed(self):
        with self.assertRaises(self.entente.InvalidArgument) as raised:
            self.client.statements("North Korea", since="2024-13")
        self.assertEqual(raised.exception.fields, ["filter.date_from.month"])
        with self.assertRaises(self.entente.NotFound):
            self.client.entity("No Such Entity Anywhere")
        with self.assertRaises(self.entente.NotFound):
            self.client.profile("No Such Entity Anywhere")
        # Streams fail when iterated, with the same exception types.
        with self.assertRaises(self.entente.InvalidArgument):
            self.client.traverse("North Korea", max_depth=99)
        with self.assertRaises(self.entente.InvalidArgument) as raised:
            list(self.client.watch("not-a-cursor", stop_when_caught_up=True))
        self.assertIn("cursor", raised.exception.fields)

    def test_bad_names_fail_before_any_call(self):
        with self.assertRaises(ValueError):
            self.client.statements("Russia", direction="sideways")
        with self.assertRaises(ValueError):
            self.client.timeline("Russia", "North Korea", rollup="planet")
        with self.assertRaises(TypeError):
            self.client.statements("Russia", codes="06")  # a list, not a string
        with self.assertRaises(TypeError):
            self.client.statements("Russia", no_such_criterion=1)

    def test_retract_and_watch(self):
        key = "pkgtest-retract"
        stored = self.client.ingest([dict(self.lines[3], idempotencyKey=key)])
        sid = stored.statement_ids[0]
        changes = list(self.client.watch(stop_when_caught_up=True))
        self.assertEqual(changes[-1].statement.id, sid)
        self.assertEqual(changes[-1].kind, changes[-1].INGESTED)
        result = self.client.retract([sid, 999999], reason="package test")
        self.assertEqual(list(result.retracted_ids), [sid])
        self.assertEqual(list(result.not_found_statement_ids), [999999])
        # Resuming after the last change seen: the retraction alone.
        after = list(self.client.watch(changes[-1].cursor, stop_when_caught_up=True))
        self.assertEqual([(c.kind, c.statement.id, c.retraction_reason) for c in after],
                         [(changes[-1].RETRACTED, sid, "package test")])
        with self.assertRaises(self.entente.NotFound):
            self.client.statement(sid)

    def test_watch_yields_the_seed_in_commit_order(self):
        changes = list(self.client.watch(stop_when_caught_up=True, entity="Mark Rutte"))
        expected = [line for line in self.lines
                    if "Mark Rutte" in (line["actor"]["name"], line["target"]["name"])]
        self.assertEqual([c.statement.quote for c in changes[:len(expected)]],
                         [line.get("quote", "") for line in expected])

    def test_memberships_and_rollup(self):
        m = self.client.set_membership("Yoon Suk Yeol", "South Korea", role="president",
                                       since="2022-05")
        self.addCleanup(self.client.remove_membership, "Yoon Suk Yeol", "South Korea")
        self.assertEqual((m.member.name, m.parent.name, m.role), ("Yoon Suk Yeol", "South Korea",
                                                                   "president"))
        listed = self.client.memberships("South Korea")
        self.assertEqual([(x.member.name, x.since.year, x.since.month) for x in listed],
                         [("Yoon Suk Yeol", 2022, 5)])
        plain = self.client.timeline("South Korea", "North Korea")
        rolled = self.client.timeline("South Korea", "North Korea", rollup="country")
        total = lambda t: int(t.to_pandas()["total"].sum())  # noqa: E731
        self.assertGreater(total(rolled), total(plain))  # Yoon's statements count too

    def test_merge_and_unmerge(self):
        nato = self.client.entity("NATO")
        before = self.client.profile("NATO").response
        merge = self.client.merge("Mark Rutte", "NATO", reason="package test")
        try:
            self.assertEqual((getattr(merge, "from").name, merge.into.name),
                             ("Mark Rutte", "NATO"))
            self.assertIn(merge.id, [m.id for m in self.client.merges()])
            self.assertEqual(self.client.entity("Mark Rutte").id, nato.id)  # seen as NATO
        finally:
            undone = self.client.unmerge(merge.id)
        self.assertGreater(undone.undone_at_micros, 0)
        self.assertNotEqual(self.client.entity("Mark Rutte").id, nato.id)
        self.assertEqual(self.client.profile("NATO").response, before)

    def test_entities_search_and_statement(self):
        found = self.client.search("north k")
        self.assertEqual(found[0].name, "North Korea")
        self.assertEqual(self.client.entity("DPRK").id, found[0].id)
        self.assertEqual(self.client.entity(found[0].id).name, "North Korea")

    def test_admin_check_and_backups(self):
        check = self.client.check()
        self.assertTrue(check.consistent)
        self.assertGreaterEqual(check.statements, len(self.lines))
        backup = self.client.create_backup()
        self.assertIn(backup.id, [b.id for b in self.client.list_backups()])
        self.assertGreater(backup.size_bytes, 0)

    # -- pandas and networkx against the raw responses -----------------------

    def test_statements_to_pandas_matches_list_statements(self):
        from entente.v1 import graph_pb2
        frame = self.client.statements("North Korea", quads=["mc"]).to_pandas()
        raw = self.raw("ListStatements", graph_pb2.ListStatementsRequest(
            entity=self.entente.entity_ref("North Korea"), page_size=1000,
            filter=self.entente.Filter(quads=["mc"]).to_proto()))
        self.assertEqual(list(frame["id"]), [s.id for s in raw.statements])
        self.assertEqual(list(frame["quote"]), [s.quote for s in raw.statements])
        self.assertEqual(list(frame["date"]), [day(s.date) for s in raw.statements])
        self.assertEqual(list(frame["actor"]), [s.actor.name for s in raw.statements])
        self.assertEqual(set(frame["quad_class"]), {"material_cooperation"})
        self.assertEqual(str(frame["date"].dtype), "datetime64[ns]")
        self.assertEqual(str(frame["id"].dtype), "int64")
        self.assertEqual(str(frame["ingested_at"].dtype), "datetime64[ns, UTC]")
        self.assertEqual(list(frame.columns), self.entente.results.STATEMENT_COLUMNS)
        # Who says so: attributed_to where the fixture has one.
        by_quote = {line.get("quote"): line for line in self.lines}
        for _, row in frame.iterrows():
            said = by_quote[row["quote"]].get("attributedTo", {}).get("name")
            self.assertEqual(row["attributed_to"], said)

    def test_empty_statements_frame_keeps_columns_and_dtypes(self):
        frame = self.client.statements("North Korea", since="2030").to_pandas()
        self.assertEqual(len(frame), 0)
        self.assertEqual(str(frame["date"].dtype), "datetime64[ns]")
        self.assertEqual(list(frame.columns), self.entente.results.STATEMENT_COLUMNS)

    def test_timeline_to_pandas_matches_relation_timeline(self):
        from entente.v1 import graph_pb2
        timeline = self.client.timeline("Russia", "North Korea", granularity="day",
                                        max_statements=None, page_size=1)
        raw = self.raw("GetRelationTimeline", graph_pb2.GetRelationTimelineRequest(
            a=self.entente.entity_ref("Russia"), b=self.entente.entity_ref("North Korea"),
            granularity=graph_pb2.DAY, page_size=1000))
        frame = timeline.to_pandas()
        self.assertEqual(list(frame["start"]), [day(b.start) for b in raw.buckets])
        for column in ("total", "material_cooperation", "a_to_b", "b_to_a"):
            self.assertEqual(list(frame[column]), [getattr(b, column) for b in raw.buckets])
        self.assertEqual(str(frame["start"].dtype), "datetime64[ns]")
        # Every page, one statement a page: all of them, in the server's order.
        self.assertEqual([s.id for s in timeline.statements], [s.id for s in raw.statements])
        self.assertEqual(int(frame["total"].sum()), len(raw.statements))
        self.assertEqual(len(self.client.timeline("Russia", "North Korea").statements), 0)
        self.assertEqual(len(self.client.timeline("Russia", "North Korea",
                                                  max_statements=2).statements), 2)

    def test_profile_to_pandas_matches_entity_profile(self):
        from entente.v1 import graph_pb2
        profile = self.client.profile("North Korea", top=3)
        raw = self.raw("GetEntityProfile", graph_pb2.GetEntityProfileRequest(
            entity=self.entente.entity_ref("North Korea"), top=3))
        frame = profile.to_pandas()
        self.assertEqual(list(frame["name"]), [c.entity.name for c in raw.top_counterparts])
        self.assertEqual(list(frame["total"]),
                         [c.out_count + c.in_count for c in raw.top_counterparts])
        both = self.entente.profiles_to_pandas([profile, self.client.profile("Russia")])
        self.assertEqual(list(both["name"]), ["North Korea", "Russia"])
        self.assertEqual(both.loc[0, "in_degree"], raw.in_degree)
        self.assertEqual(both.loc[0, "first_date"], day(raw.first_date))
        self.assertEqual(str(both["last_date"].dtype), "datetime64[ns]")

    def test_traversal_to_networkx_matches_traverse(self):
        from entente.v1 import graph_pb2
        traversal = self.client.traverse("North Korea", max_depth=2)
        chunks = list(self.client.graph_stub.Traverse(graph_pb2.TraverseRequest(
            seeds=[self.entente.entity_ref("North Korea")], max_depth=2), timeout=30))
        nodes = {n.entity.id: n for c in chunks for n in c.nodes}
        edges = {(e.actor_id, e.target_id): e for c in chunks for e in c.edges}
        graph = traversal.to_networkx()
        self.assertEqual(type(graph).__name__, "DiGraph")
        self.assertEqual(set(graph.nodes), set(nodes))
        self.assertEqual(set(graph.edges), set(edges))
        for node_id, data in graph.nodes(data=True):
            self.assertEqual(data["label"], nodes[node_id].entity.name)
            self.assertEqual(data["depth"], nodes[node_id].depth)
        for (a, b), data in graph.edges.items():
            self.assertEqual(data["weight"], edges[a, b].count)
            self.assertEqual(data["evidence"],
                             ",".join(map(str, edges[a, b].evidence_statement_ids)))
            self.assertEqual(data["first_date"], self.entente.date_text(edges[a, b].first_date))
        self.assertEqual(len(traversal.to_pandas()), len(edges))

    def test_split_quads_gives_a_multidigraph_per_quad_class(self):
        graph = self.client.traverse("North Korea", max_depth=1, split_quads=True).to_networkx()
        self.assertEqual(type(graph).__name__, "MultiDiGraph")
        for quad in ("material_cooperation", "verbal_conflict"):
            alone = self.client.traverse("North Korea", max_depth=1,
                                         quads=[quad]).to_networkx()
            got = {(a, b): d["weight"] for a, b, k, d in graph.edges(keys=True, data=True)
                   if k == quad}
            self.assertEqual(got, {e: d["weight"] for e, d in alone.edges.items()})
            self.assertTrue(all(d["quad_class"] == quad
                                for *_, k, d in graph.edges(keys=True, data=True) if k == quad))

    def test_paths_to_networkx_matches_find_paths(self):
        import networkx as nx
        from entente.v1 import graph_pb2
        paths = self.client.find_paths("Mark Rutte", "Ukraine")
        request = graph_pb2.FindPathsRequest(to=self.entente.entity_ref("Ukraine"))
        getattr(request, "from").CopyFrom(self.entente.entity_ref("Mark Rutte"))
        raw = self.raw("FindPaths", request)
        self.assertEqual(paths.distance, raw.distance)
        graph = paths.to_networkx()
        first = raw.paths[0]
        ids = [e.id for e in first.entities]
        self.assertEqual(nx.shortest_path(graph, ids[0], ids[-1]), ids)
        self.assertEqual([graph.nodes[i]["label"] for i in ids], [e.name for e in first.entities])
        for hop in first.hops:
            data = graph.edges[hop.from_id, hop.to_id]
            self.assertEqual(data["weight"], hop.count)
            self.assertEqual(data["evidence"], ",".join(str(s.id) for s in hop.statements))
        frame = paths.to_pandas()
        self.assertEqual(len(frame), sum(len(p.hops) for p in raw.paths))
        self.assertEqual(frame.loc[0, "from"], "Mark Rutte")

    def test_temporal_paths_carry_used_dates(self):
        paths = self.client.find_paths("Mark Rutte", "Ukraine", temporal="earliest")
        frame = paths.to_pandas()
        if paths.distance > 0:
            self.assertFalse(frame["used_date"].isna().any())
            self.assertIsNotNone(paths.arrival)


class ClaimsTest(ServerTest):
    server_flags = ("--claims",)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.loaded = cls.client.ingest_stream(cls.entente.read_jsonl(ARGS.claims_fixture))

    def test_server_info(self):
        info = self.client.server_info()
        # What `entente-server --version` prints: "entente-server 0.1.0 (git X)".
        line = subprocess.run([ARGS.server_bin, "--version"], check=True, capture_output=True,
                              text=True).stdout.split()
        self.assertEqual(info.version, line[1])
        self.assertEqual(info.build.git_commit, line[3].rstrip(")"))
        self.assertGreater(self.loaded.accepted, 0)
        self.assertEqual(info.data.statements, self.loaded.accepted)
        self.assertEqual(info.data.statements_ingested, self.loaded.accepted)
        self.assertEqual(info.data.statements_retracted, 0)
        self.assertTrue(info.settings.claims)
        from entente.v1 import graph_pb2
        self.assertEqual(info.replication.role, graph_pb2.REPLICATION_ROLE_STANDALONE)

    def test_claims_and_claim(self):
        claims = self.client.claims("North Korea", "Russia", page_size=1)  # every page
        self.assertEqual(claims.total, len(claims.claims))
        frame = claims.to_pandas()
        self.assertEqual(list(frame["id"]), [c.id for c in claims.claims])
        self.assertEqual(set(frame["actor"]) | set(frame["target"]), {"North Korea", "Russia"})
        self.assertEqual(str(frame["first_date"].dtype), "datetime64[ns]")
        top = claims.claims[0]
        detail = self.client.claim(top.id)
        self.assertEqual(len(detail.asserting), top.asserted)
        self.assertEqual(len(detail.denying), top.denied)
        evidence = self.entente.Statements(detail.denying).to_pandas()
        self.assertEqual(set(evidence["modality"]), {"denied"} if top.denied else set())

    def test_min_sources_filter(self):
        strong = self.client.statements("Russia", min_sources=2)
        weak = self.client.statements("Russia")
        self.assertLess(len(strong), len(weak))
        with self.assertRaises(self.entente.InvalidArgument) as raised:
            self.client.statements("Russia", min_sources=-1)
        self.assertEqual(raised.exception.fields, ["filter.min_sources"])


class NoClaimsTest(ServerTest):
    def test_claims_need_a_claims_server(self):
        with self.assertRaises(self.entente.FailedPrecondition):
            self.client.claims("Russia")
        self.assertFalse(self.client.server_info().settings.claims)


class TokenAndTlsTest(unittest.TestCase):
    """Servers with --tokens_file, in plaintext on loopback (tokens over
    local credentials) and with TLS (tls_ca): a missing token and a
    too-low role are typed errors."""
    READER = "reader-token-0123456789abcdef"
    WRITER = "writer-token-0123456789abcdef"

    @classmethod
    def setUpClass(cls):
        import entente
        cls.entente = entente
        cls.tmp = tempfile.mkdtemp(prefix="entente-pkgtoken-")
        cls.addClassCleanup(shutil.rmtree, cls.tmp, ignore_errors=True)
        make_tls_files(cls.tmp)
        cls.tokens = os.path.join(cls.tmp, "tokens.txt")
        with open(cls.tokens, "w") as f:
            f.write(f"reader {cls.READER} analyst\nwriter {cls.WRITER} loader\n")

    def start(self, name, *extra):
        server = ServerProcess(ARGS.server_bin, os.path.join(self.tmp, name), 60,
                               extra=("--tokens_file", self.tokens, *extra))
        self.addCleanup(server.kill)
        return server

    def check_roles(self, server, **tls):
        def client(token=None):
            c = self.entente.Client(server.address, token=token, **tls)
            self.addCleanup(c.close)
            return c
        line = fixture_lines(ARGS.fixture)[0]
        self.assertEqual(client(self.WRITER).ingest([line]).accepted, 1)
        reader = client(self.READER)
        self.assertEqual(len(reader.statements(line["actor"]["name"])), 1)
        self.assertEqual(reader.server_info().data.statements, 1)
        with self.assertRaises(self.entente.PermissionDenied) as denied:
            reader.ingest([line])
        self.assertIn("writer", denied.exception.message)
        with self.assertRaises(self.entente.Unauthenticated):
            client().search("north")

    def test_tokens_over_plaintext_on_loopback(self):
        self.check_roles(self.start("plain"))

    def test_tokens_over_tls(self):
        server = self.start("tls", "--tls_cert", f"{self.tmp}/server.pem",
                            "--tls_key", f"{self.tmp}/server.key")
        self.check_roles(server, tls_ca=f"{self.tmp}/ca.pem")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--server-bin", default=ARGS.server_bin)
    parser.add_argument("--fixture", default=ARGS.fixture)
    parser.add_argument("--claims-fixture", default=ARGS.claims_fixture)
    parser.add_argument("--in-venv", action="store_true", help=argparse.SUPPRESS)
    args, rest = parser.parse_known_args()
    if not args.in_venv:
        from package_venv import run_in_venv
        tmp = tempfile.mkdtemp(prefix="entente-pkgvenv-")
        try:
            return run_in_venv(os.path.abspath(__file__), sys.argv[1:], tmp)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    ARGS.__dict__.update(server_bin=os.path.abspath(args.server_bin),
                         fixture=args.fixture, claims_fixture=args.claims_fixture)
    import entente
    # The installed package, not a source tree on the path.
    print(f"entente from {os.path.dirname(entente.__file__)}", flush=True)
    import entente.results  # noqa: F401  (STATEMENT_COLUMNS)
    program = unittest.main(argv=[sys.argv[0], *rest], exit=False)
    return 0 if program.result.wasSuccessful() else 1


if __name__ == "__main__":
    sys.exit(main())
