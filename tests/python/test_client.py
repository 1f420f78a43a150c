#!/usr/bin/python3
"""Tests the Python example client (clients/python) against a real server.

    /usr/bin/python3 tests/python/test_client.py --server-bin build/server/entente-server

Generates the Python modules into a temporary directory with
clients/python/generate.sh, starts entente-server on 127.0.0.1:0 with a
temporary database, runs the example library's calls on the seed fixture,
and stops the server with SIGTERM. Loopback only. Any other argument goes to
unittest (-v, -k PATTERN, ...). Needs Debian's python3-grpcio and
python3-protobuf, protoc and grpc_python_plugin.
"""

import argparse
import importlib
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import unittest

# Do not leave __pycache__ in the source tree (clients/python) when run by CI.
sys.dont_write_bytecode = True

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
CLIENT_DIR = os.path.join(ROOT, "clients", "python")

# Set from the command line in __main__.
ARGS = argparse.Namespace(
    server_bin=os.path.join(ROOT, "build", "server", "entente-server"),
    fixture=os.path.join(ROOT, "tests", "fixtures", "seed-2024-10-22.jsonl"),
    startup_timeout=60.0)

LISTENING = re.compile(r"listening on (\S+):(\d+)")


class ServerProcess:
    """entente-server on 127.0.0.1:0; its stderr is collected in a thread."""

    def __init__(self, binary, data_dir, timeout, extra=()):
        self.stderr_lines = []
        self.address = None
        self._ready = threading.Event()
        self.proc = subprocess.Popen(
            [binary, "--listen", "127.0.0.1:0", "--data", data_dir, *extra],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE, text=True, errors="replace")
        self._reader = threading.Thread(target=self._read_stderr, daemon=True)
        self._reader.start()
        if not self._ready.wait(timeout) or self.address is None:
            self.kill()
            raise RuntimeError(f"entente-server did not report its port (exit code "
                               f"{self.proc.returncode}):\n" + self.stderr())

    def _read_stderr(self):
        for line in self.proc.stderr:
            self.stderr_lines.append(line)
            match = LISTENING.search(line)
            if match and self.address is None:
                self.address = f"{match.group(1)}:{match.group(2)}"
                self._ready.set()
        self._ready.set()  # EOF: the process is gone

    def stderr(self):
        return "".join(self.stderr_lines)

    def terminate(self, timeout=30):
        """SIGTERM, then the exit code."""
        self.proc.send_signal(signal.SIGTERM)
        code = self.proc.wait(timeout)
        self._reader.join(5)
        return code

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self._reader.join(5)


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

    def test_9_sigterm_stops_cleanly(self):
        code = self.server.terminate()
        self.assertEqual(code, 0, self.server.stderr())
        self.assertIn("stopped", self.server.stderr())


def openssl(*args):
    subprocess.run(["openssl", *args], check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)


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
        key = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        openssl("req", "-x509", *key, "-keyout", f"{d}/ca.key", "-out", f"{d}/ca.pem",
                "-days", "2", "-subj", "/CN=Python Test CA")
        with open(f"{d}/server.ext", "w") as f:
            f.write("subjectAltName=IP:127.0.0.1,DNS:localhost\n")
        openssl("req", "-new", *key, "-keyout", f"{d}/server.key", "-out", f"{d}/server.csr",
                "-subj", "/CN=localhost")
        openssl("x509", "-req", "-in", f"{d}/server.csr", "-CA", f"{d}/ca.pem", "-CAkey",
                f"{d}/ca.key", "-set_serial", "2", "-days", "2", "-extfile", f"{d}/server.ext",
                "-out", f"{d}/server.pem")
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
    parser.add_argument("--startup-timeout", type=float, default=ARGS.startup_timeout,
                        help="seconds to wait for 'listening on' (default %(default)s)")
    args, rest = parser.parse_known_args()
    if not os.access(args.server_bin, os.X_OK):
        sys.exit(f"test_client.py: --server-bin {args.server_bin} is not an executable")
    vars(ARGS).update(vars(args))
    unittest.main(argv=[sys.argv[0]] + rest)


if __name__ == "__main__":
    main()
