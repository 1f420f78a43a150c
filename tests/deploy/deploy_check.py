#!/usr/bin/python3
"""Checks the deployment files (deploy/) against the built programs.

    /usr/bin/python3 tests/deploy/deploy_check.py --source-dir . \
        --server-bin B/server/entente-server --cli-bin B/cli/entente \
        --admin-bin B/server/entente-admin --healthcheck-bin B/server/entente-healthcheck

No container engine runs in CI, so what can be checked without one is: the
scripts' syntax; that the Dockerfile, compose.yaml and the Kubernetes
manifests agree on ports, paths, image and secrets; that every server flag
they pass exists in the built server; that the runtime image's packages
exist and provide every library the binaries load (ldd, dpkg -S); and, for
real, that the systemd unit's command line starts a server that answers the
health check and exits 0 on SIGTERM, and that the TLS health probe of the
Kubernetes and compose files succeeds against a server started with their
TLS and tokens flags. Loopback only; ports are replaced by 0 (free ones).

The replicated cluster (compose.cluster.yaml, k8s-cluster/, the NATS
configuration files): the NATS configurations pass `nats-server -t`, compose
and Kubernetes agree on three NATS servers routed to each other and three
Entente nodes naming all three with distinct node names and volumes, and, for
real, three nats-server from the deploy configuration and three
entente-server from compose's command lines (addresses, ports, paths
rewritten to loopback and temporary directories) form a cluster in which a
statement ingested through node 1 is read from nodes 2 and 3.
Any other argument goes to unittest (-v, -k PATTERN).
"""

import argparse
import fnmatch
import json
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest

import yaml

ARGS = argparse.Namespace()

DATA_DIR = "/var/lib/entente"
BACKUP_DIR = "/var/lib/entente-backups"
GRPC_PORT = 50051
METRICS_PORT = 9464
LISTENING = re.compile(r"listening on (\S+):(\d+),")
METRICS_ON = re.compile(r"metrics on http://(\S+):(\d+)/metrics")
# The replicated cluster's NATS servers (deploy/nats/nats.conf and
# deploy/k8s-cluster/nats.conf): where the configuration and the JetStream
# store are mounted, and the image compose and Kubernetes run.
NATS_CONF_PATH = "/etc/nats/nats.conf"
NATS_STORE_DIR = "/var/lib/nats"
NATS_IMAGE = "entente-nats:latest"
CLUSTER_SIZE = 3
# Base of every Debian image: not listed among the runtime packages.
BASE_PACKAGES = {"libc6", "libgcc-s1"}


def source(*parts):
    return os.path.join(ARGS.source_dir, *parts)


def read(*parts):
    with open(source(*parts), encoding="utf-8") as f:
        return f.read()


def run(argv, **kw):
    return subprocess.run(argv, capture_output=True, text=True, **kw)


def flags_of(argv):
    """The --name of every --name or --name=value in argv, dashes as underscores."""
    return {a[2:].split("=", 1)[0].replace("-", "_") for a in argv if a.startswith("--")}


def flag_value(argv, name):
    """The value of --name=V or --name V in argv, or None."""
    for i, a in enumerate(argv):
        if a.startswith("--" + name + "="):
            return a.split("=", 1)[1]
        if a == "--" + name and i + 1 < len(argv):
            return argv[i + 1]
    return None


def grace_seconds(argv):
    value = flag_value(argv, "grace_ms")
    return (int(value) if value is not None else 5000) / 1000.0


def server_flags():
    """The flags the built server defines, from --help (docs/flags.md)."""
    out = run([ARGS.server_bin, "--help"])
    text = out.stdout + out.stderr
    return set(re.findall(r"^\s+--([a-z_0-9]+)(?: |$)", text, re.M))


def dockerfile_stages(*path):
    """[(FROM image, [instruction lines])] of deploy/Dockerfile (or the file
    at path) with continuation lines joined."""
    text = re.sub(r"\\\n", " ", read(*(path or ("deploy", "Dockerfile"))))
    stages = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        word, _, rest = line.partition(" ")
        if word.upper() == "FROM":
            stages.append((rest.split()[0], []))
        elif stages:
            stages[-1][1].append(line)
    return stages


def instruction(lines, name):
    return [l.partition(" ")[2].strip() for l in lines if l.split()[0].upper() == name]


def entrypoint():
    _, lines = dockerfile_stages()[-1]
    return json.loads(instruction(lines, "ENTRYPOINT")[-1])


def k8s_docs():
    docs = []
    for name in sorted(os.listdir(source("deploy", "k8s"))):
        if name.endswith((".yaml", ".yml")):
            with open(source("deploy", "k8s", name), encoding="utf-8") as f:
                docs += [(name, d) for d in yaml.safe_load_all(f) if d]
    return docs


def k8s_kind(kind):
    return [d for _, d in k8s_docs() if d.get("kind") == kind]


def statefulset_container():
    (sts,) = k8s_kind("StatefulSet")
    (container,) = sts["spec"]["template"]["spec"]["containers"]
    return sts, container


def compose_service():
    with open(source("deploy", "compose.yaml"), encoding="utf-8") as f:
        compose = yaml.safe_load(f)
    return compose, compose["services"]["entente"]


def compose_args(service):
    """compose's command with ${VAR:-default} replaced by the default."""
    return [re.sub(r"\$\{[A-Z_]+:-([^}]*)\}", r"\1", a) for a in service["command"]]


def unit_settings():
    """[Service] settings of the unit as (key, value) in order."""
    settings, section = [], None
    for line in read("deploy", "systemd", "entente.service").splitlines():
        line = line.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            section = line
        elif section == "[Service]":
            key, _, value = line.partition("=")
            settings.append((key.strip(), value.strip()))
    return settings


def unit_exec_start():
    (cmd,) = [v for k, v in unit_settings() if k == "ExecStart"]
    return shlex.split(cmd)


def seconds(value):
    m = re.fullmatch(r"(\d+)(s|min)?", value)
    return int(m.group(1)) * (60 if m.group(2) == "min" else 1)


def with_port(address, port):
    return address.rsplit(":", 1)[0] + ":" + str(port)


def load_yaml(*parts):
    with open(source(*parts), encoding="utf-8") as f:
        return yaml.safe_load(f)


def cluster_compose():
    """compose.cluster.yaml, and its NATS and Entente services by name."""
    compose = load_yaml("deploy", "compose.cluster.yaml")
    services = compose["services"]
    nats = {n: s for n, s in services.items() if s.get("image") == NATS_IMAGE}
    nodes = {n: s for n, s in services.items() if s.get("image") != NATS_IMAGE}
    return compose, nats, nodes


def parse_nats_conf(text):
    """The subset of nats-server's configuration syntax the deploy files use:
    `key: value`, `key { ... }` and `key: [` one item a line `]`, # comments.
    Fails on anything else, so that a file that outgrows it is noticed
    (nats-server -t checks the full syntax)."""
    root, stack, items = {}, [], None
    node = root
    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if items is not None:
            if line == "]":
                items = None
            else:
                items.append(line.rstrip(","))
            continue
        if line == "}":
            node = stack.pop()
            continue
        m = re.fullmatch(r"([A-Za-z_]+)\s*(?::|=)?\s*(.*)", line)
        assert m, f"line {n}: {raw!r} is outside the subset this check reads"
        key, value = m.groups()
        if value == "{":
            stack.append(node)
            node[key] = node = {}
        elif value == "[":
            node[key] = items = []
        else:
            node[key] = value
    assert not stack and items is None, "unclosed block"
    return root


def host_port(url):
    """("nats1", 6222) of nats://nats1:6222 or 0.0.0.0:6222."""
    host, _, port = url.split("://")[-1].rpartition(":")
    return host, int(port)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def json_patch(doc, op):
    """Applies one JSON 6902 add or replace (what the deploy patches use)."""
    assert op["op"] in ("add", "replace"), op
    *path, last = [p.replace("~1", "/").replace("~0", "~") for p in op["path"].split("/")[1:]]
    for p in path:
        doc = doc[int(p)] if isinstance(doc, list) else doc[p]
    if isinstance(doc, list):
        if last == "-":
            doc.append(op["value"])
        elif op["op"] == "add":
            doc.insert(int(last), op["value"])
        else:
            doc[int(last)] = op["value"]
    else:
        assert op["op"] == "add" or last in doc, f"replace of a missing {op['path']}"
        doc[last] = op["value"]


def kustomize(directory):
    """The documents `kubectl apply -k directory` applies, for the
    kustomization features the deploy files use (resources, namespace, JSON
    6902 patches, configMapGenerator; generated names without the hash
    suffix). Fails on any other feature."""
    with open(os.path.join(directory, "kustomization.yaml"), encoding="utf-8") as f:
        k = yaml.safe_load(f)
    unknown = set(k) - {"apiVersion", "kind", "namespace", "resources", "patches",
                        "configMapGenerator"}
    assert not unknown, f"{directory}: this check does not read {sorted(unknown)}"
    docs = []
    for r in k.get("resources", []):
        path = os.path.normpath(os.path.join(directory, r))
        if os.path.isdir(path):
            docs += kustomize(path)
        else:
            with open(path, encoding="utf-8") as f:
                docs += [d for d in yaml.safe_load_all(f) if d]
    for g in k.get("configMapGenerator", []):
        data = {}
        for name in g["files"]:
            with open(os.path.join(directory, name), encoding="utf-8") as f:
                data[os.path.basename(name)] = f.read()
        docs.append({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": g["name"]},
                     "data": data})
    for p in k.get("patches", []):
        target = p["target"]
        (doc,) = [d for d in docs if d["kind"] == target["kind"]
                  and d["metadata"]["name"] == target["name"]]
        with open(os.path.join(directory, p["path"]), encoding="utf-8") as f:
            for op in yaml.safe_load(f):
                json_patch(doc, op)
    if "namespace" in k:
        for d in docs:
            if d["kind"] != "Namespace":
                d["metadata"]["namespace"] = k["namespace"]
    return docs


def k8s_cluster():
    """deploy/k8s-cluster rendered: {kind: {name: document}}."""
    by_kind = {}
    for d in kustomize(source("deploy", "k8s-cluster")):
        by_kind.setdefault(d["kind"], {})[d["metadata"]["name"]] = d
    return by_kind


def only_container(sts):
    (container,) = sts["spec"]["template"]["spec"]["containers"]
    return container


def make_pki(d):
    """A CA, a certificate for entente and localhost signed by it, and a
    tokens file with one admin token, in directory d."""
    def openssl(*args):
        r = run(["openssl", *args], cwd=d)
        assert r.returncode == 0, r.stderr
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
            "-subj", "/CN=entente test CA", "-keyout", "ca.key", "-out", "ca.crt")
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=entente",
            "-keyout", "tls.key", "-out", "tls.csr")
    with open(os.path.join(d, "san.ext"), "w", encoding="utf-8") as f:
        f.write("subjectAltName=DNS:entente,DNS:localhost\n")
    openssl("x509", "-req", "-in", "tls.csr", "-CA", "ca.crt", "-CAkey", "ca.key",
            "-CAcreateserial", "-days", "2", "-extfile", "san.ext", "-out", "tls.crt")
    with open(os.path.join(d, "tokens"), "w", encoding="utf-8") as f:
        f.write(f"admin {ADMIN_TOKEN} operator\n")


ADMIN_TOKEN = "0123456789abcdef0123456789abcdef"
# compose's secrets, as make_pki names them.
COMPOSE_SECRET_FILES = {
    "/run/secrets/entente_tls_cert": "tls.crt", "/run/secrets/entente_tls_key": "tls.key",
    "/run/secrets/entente_tls_ca": "ca.crt", "/run/secrets/entente_tokens": "tokens"}


class Server:
    """An entente-server started from an argv; stderr collected in a thread."""

    def __init__(self, argv, timeout=60):
        self.lines = []
        self.address = self.metrics = None
        self._ready = threading.Event()
        self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.PIPE, text=True, errors="replace")
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self._ready.wait(timeout)

    def _read(self):
        for line in self.proc.stderr:
            self.lines.append(line)
            m = METRICS_ON.search(line)
            if m:
                self.metrics = f"{m.group(1)}:{m.group(2)}"
            m = LISTENING.search(line)
            if m and self.address is None:
                self.address = f"{m.group(1)}:{m.group(2)}"
                # The metrics line follows the listening one.
                threading.Timer(0.5, self._ready.set).start()
        self._ready.set()

    def log(self):
        return "".join(self.lines)

    def stop(self, timeout):
        """SIGTERM; the exit code, or None if still running after `timeout`."""
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            return None

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self._reader.join(5)
        self.proc.stderr.close()


class ScriptsTest(unittest.TestCase):
    def test_shell_scripts_parse(self):
        scripts = [os.path.join(d, f) for d, _, fs in os.walk(source("deploy"))
                   for f in fs if f.endswith(".sh")]
        self.assertIn(source("deploy", "install-deps.sh"), scripts)
        for path in scripts:
            r = run(["bash", "-n", path])
            self.assertEqual(r.returncode, 0, f"{path}: {r.stderr}")

    def test_install_deps_rejects_an_unknown_option(self):
        r = run(["bash", source("deploy", "install-deps.sh"), "--bogus"])
        self.assertEqual(r.returncode, 2)
        self.assertIn("usage", r.stderr)


def install_deps_set(option):
    r = run(["bash", source("deploy", "install-deps.sh"), option])
    assert r.returncode == 0, r.stderr
    return r.stdout.split()


class InstallDepsSetsTest(unittest.TestCase):
    # Packages that only test, fuzz or render: none belongs in the image's
    # build stage (install-deps.sh --build-only).
    NOT_FOR_BUILDING = r"^(clang|llvm|libclang|python3|chromium|libgtest|libgmock|libbenchmark" \
                       r"|iso-codes|openssl$)"

    def test_build_only_is_the_build_part_of_the_full_set(self):
        build, full = install_deps_set("--print-build-only"), install_deps_set("--print-all")
        self.assertTrue(build)
        self.assertLess(set(build), set(full))
        for package in build:
            self.assertNotRegex(package, self.NOT_FOR_BUILDING)
        # The full set (make, CI) still has the fuzz and test toolchains.
        for package in ("clang", "llvm", "libgtest-dev", "python3-yaml"):
            self.assertIn(package, full)
        # What CMakeLists.txt finds for the programs.
        for package in ("cmake", "ninja-build", "libgrpc++-dev", "protobuf-compiler-grpc",
                        "librocksdb-dev", "libabsl-dev", "libcpp-httplib-dev", "libssl-dev"):
            self.assertIn(package, build)


class DockerfileTest(unittest.TestCase):
    def test_stages_are_debian_bookworm_and_use_install_deps(self):
        stages = dockerfile_stages()
        self.assertGreaterEqual(len(stages), 2)
        # Pinned to one dated snapshot (deploy/README.md, "Refreshing the base
        # images"): a floating tag would change the packages under a rebuild.
        dates = set()
        for image, _ in stages:
            m = re.fullmatch(r"debian:bookworm-(\d{8})(-slim)?(@sha256:[0-9a-f]{64})?", image)
            self.assertIsNotNone(m, f"FROM {image}: not a dated debian:bookworm-YYYYMMDD tag")
            dates.add(m.group(1))
        self.assertEqual(len(dates), 1, f"the stages' dates differ: {sorted(dates)}")
        build, runtime = stages[0][1], stages[-1][1]
        self.assertRegex(stages[-1][0], r"^debian:bookworm-\d{8}-slim\b")
        build_runs = " ".join(instruction(build, "RUN"))
        self.assertRegex(build_runs, r"deploy/install-deps\.sh --build-only\b")
        self.assertIn("-DENTENTE_BUILD_TESTS=OFF", build_runs)
        self.assertRegex(build_runs, r"-DCMAKE_BUILD_TYPE=(Release|RelWithDebInfo)")
        self.assertIn("install-deps.sh --runtime", " ".join(instruction(runtime, "RUN")))
        # Each program the runtime stage copies is a target the build builds.
        copied = " ".join(c for c in instruction(runtime, "COPY") if c.startswith("--from"))
        for program in ("entente-server", "entente", "entente-admin", "entente-healthcheck"):
            self.assertIn("/" + program + " ", copied + " ")
            self.assertRegex(build_runs, r"--target [^&]*\b" + program + r"\b")

    def test_copied_sources_are_in_the_build_context(self):
        ignored = [l.strip() for l in read(".dockerignore").splitlines()
                   if l.strip() and not l.startswith("#")]
        copies = [c for _, lines in dockerfile_stages() for c in instruction(lines, "COPY")
                  if not c.startswith("--from")]
        self.assertTrue(copies)
        for copy in copies:
            for src in copy.split()[:-1]:
                self.assertTrue(os.path.exists(source(src)), f"COPY {src}: no such file")
                for pattern in ignored:
                    self.assertFalse(fnmatch.fnmatch(src.split("/")[0], pattern) and src != ".",
                                     f"COPY {src} is excluded by .dockerignore {pattern}")
        # The whole tree is copied: what must not go into the image is ignored.
        for local in ("build", "build-deploy", ".git", "data"):
            self.assertTrue(any(fnmatch.fnmatch(local, p) for p in ignored), local)

    def test_runtime_stage_runs_the_server_as_a_user_with_a_volume(self):
        _, lines = dockerfile_stages()[-1]
        user = instruction(lines, "USER")[-1]
        self.assertNotIn(user.split(":")[0], ("0", "root"))
        volumes = json.loads(instruction(lines, "VOLUME")[-1])
        self.assertEqual(volumes, [DATA_DIR, BACKUP_DIR])
        exposed = " ".join(instruction(lines, "EXPOSE")).split()
        self.assertEqual(sorted(exposed), sorted([str(GRPC_PORT), str(METRICS_PORT)]))
        argv = entrypoint()
        self.assertEqual(argv[0], "entente-server")
        self.assertEqual(flag_value(argv, "listen"), f"0.0.0.0:{GRPC_PORT}")
        self.assertEqual(flag_value(argv, "data"), DATA_DIR)
        self.assertEqual(flag_value(argv, "backup_dir"), BACKUP_DIR)
        self.assertEqual(flag_value(argv, "metrics_listen"), f"0.0.0.0:{METRICS_PORT}")
        health = instruction(lines, "HEALTHCHECK")[-1]
        self.assertIn("entente-healthcheck", health)
        self.assertIn(f"127.0.0.1:{GRPC_PORT}", health)

    def test_every_server_flag_in_the_deploy_files_exists(self):
        known = server_flags()
        self.assertIn("listen", known)  # --help was read
        _, container = statefulset_container()
        _, service = compose_service()
        used = {
            "Dockerfile": flags_of(entrypoint()),
            "k8s/statefulset.yaml": flags_of(container["args"]),
            "compose.yaml": flags_of(service["command"]),
            "systemd/entente.service": flags_of(unit_exec_start()),
        }
        _, _, nodes = cluster_compose()
        for name, node in nodes.items():
            used["compose.cluster.yaml " + name] = flags_of(node["command"])
        for name, sts in k8s_cluster()["StatefulSet"].items():
            if sts["spec"]["template"]["spec"]["containers"][0]["image"] != NATS_IMAGE:
                used["k8s-cluster StatefulSet " + name] = flags_of(only_container(sts)["args"])
        self.assertEqual(len(used), 4 + CLUSTER_SIZE + 1)
        for where, flags in used.items():
            self.assertFalse(flags - known, f"{where} passes flags entente-server lacks")


class RuntimePackagesTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        r = run(["bash", source("deploy", "install-deps.sh"), "--print-runtime"])
        assert r.returncode == 0, r.stderr
        cls.packages = r.stdout.split()

    def test_each_runtime_package_exists(self):
        self.assertIn("libgrpc++1.51", self.packages)
        # One call for all (apt-cache is slow to start); one each to name a missing one.
        if run(["apt-cache", "show"] + self.packages).returncode != 0:
            for p in self.packages:
                r = run(["apt-cache", "show", p])
                self.assertEqual(r.returncode, 0, f"apt-cache show {p}: {r.stderr}")

    def test_runtime_packages_provide_every_library_the_programs_load(self):
        allowed = set(self.packages) | BASE_PACKAGES
        users = {}
        for binary in (ARGS.server_bin, ARGS.cli_bin, ARGS.admin_bin, ARGS.healthcheck_bin):
            r = run(["ldd", binary])
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertNotIn("not found", r.stdout)
            for lib in re.findall(r"=> (/\S+)", r.stdout):
                users.setdefault(lib, set()).add(os.path.basename(binary))
        self.assertGreater(len(users), 10)
        owners = self._owners(users)
        for lib in sorted(users):
            package = owners.get(lib)
            self.assertIsNotNone(package, f"no Debian package owns {lib}")
            self.assertIn(package, allowed,
                          f"{lib} (loaded by {', '.join(sorted(users[lib]))}) comes from "
                          f"{package}, which install-deps.sh --runtime does not install")

    @staticmethod
    def _owners(libs):
        """lib path -> the package that owns it, from one dpkg -S call."""
        # Debian 12 merges /lib into /usr/lib; dpkg knows one spelling.
        spellings = {}
        for lib in libs:
            for p in (lib, os.path.realpath(lib)):
                for q in (p, p[4:] if p.startswith("/usr/") else "/usr" + p):
                    spellings.setdefault(q, lib)
        owned = {}
        for line in run(["dpkg", "-S"] + sorted(spellings)).stdout.splitlines():
            package, _, path = line.partition(": ")
            if path in spellings:
                owned.setdefault(spellings[path], package.split(":")[0])
        return owned


class ComposeTest(unittest.TestCase):
    def test_compose_serves_the_image_with_a_volume_secrets_and_both_ports(self):
        compose, service = compose_service()
        self.assertEqual(service["build"]["dockerfile"], "deploy/Dockerfile")
        self.assertTrue(os.path.isfile(source("deploy", service["build"]["context"],
                                              "deploy", "Dockerfile")))
        volumes = {v.split(":")[1]: v.split(":")[0] for v in service["volumes"]}
        for path in (DATA_DIR, BACKUP_DIR):
            self.assertIn(volumes.get(path), compose["volumes"], f"{path}: no named volume")
        targets = {str(p).split(":")[-1] for p in service["ports"]}
        self.assertEqual(targets, {str(GRPC_PORT), str(METRICS_PORT)})
        for name in service["secrets"]:
            self.assertIn(name, compose["secrets"])
        args = compose_args(service)
        mounted = {"/run/secrets/" + s for s in service["secrets"]}
        for flag in ("tls_cert", "tls_key", "tokens_file"):
            self.assertIn(flag_value(args, flag), mounted, flag)
        probe = service["healthcheck"]["test"]
        self.assertEqual(probe[:2], ["CMD", "entente-healthcheck"])
        self.assertIn(flag_value(probe, "tls_ca"), mounted)
        self.assertGreater(seconds(service["stop_grace_period"]), grace_seconds(args))
        self.assertEqual(service["stop_signal"], "SIGTERM")


class MetricsPortTest(unittest.TestCase):
    """9464, as the server's --help says; 9090 is the Prometheus server's own
    port, so a unit on 9090 restart-loops on a host that runs Prometheus."""

    def test_every_file_uses_the_documented_metrics_port(self):
        help_text = run([ARGS.server_bin, "--help"])
        help_text = help_text.stdout + help_text.stderr
        self.assertIn(f":{METRICS_PORT}", help_text, "--help names another metrics port")
        _, service = compose_service()
        _, container = statefulset_container()
        listens = {
            "Dockerfile ENTRYPOINT": flag_value(entrypoint(), "metrics_listen"),
            "systemd ExecStart": flag_value(unit_exec_start(), "metrics_listen"),
        }
        for where, value in listens.items():
            self.assertIsNotNone(value, where)
            self.assertEqual(value.rsplit(":", 1)[1], str(METRICS_PORT), where)
        _, runtime = dockerfile_stages()[-1]
        exposed = " ".join(instruction(runtime, "EXPOSE")).split()
        self.assertIn(str(METRICS_PORT), exposed)
        published = [str(p) for p in service["ports"]]
        self.assertIn(f"127.0.0.1:{METRICS_PORT}:{METRICS_PORT}", published)
        sts, _ = statefulset_container()
        annotations = sts["spec"]["template"]["metadata"]["annotations"]
        self.assertEqual(annotations["prometheus.io/port"], str(METRICS_PORT))
        for name, doc in k8s_docs():
            if doc.get("kind") == "Service":
                for p in doc["spec"]["ports"]:
                    if p["targetPort"] == "metrics":
                        self.assertEqual(p["port"], METRICS_PORT, name)
        # No setting in deploy/ may still use Prometheus' own port (comments
        # and the README may name it to say why not).
        for d, _, files in os.walk(source("deploy")):
            for f in files:
                if f.endswith(".md"):
                    continue
                with open(os.path.join(d, f), encoding="utf-8", errors="replace") as fh:
                    for n, line in enumerate(fh, 1):
                        if not line.lstrip().startswith("#"):
                            self.assertNotRegex(line, r"\b9090\b", f"{os.path.join(d, f)}:{n}")


class KubernetesTest(unittest.TestCase):
    def test_kustomization_applies_existing_files_and_no_example_secret(self):
        with open(source("deploy", "k8s", "kustomization.yaml"), encoding="utf-8") as f:
            kustomization = yaml.safe_load(f)
        resources = kustomization["resources"]
        self.assertTrue(resources)
        for name in resources:
            self.assertTrue(os.path.isfile(source("deploy", "k8s", name)), name)
            # The example's placeholder tokens are valid tokens: applying
            # them would hand out admin. Secrets are created by hand.
            self.assertNotIn("example", name)
            with open(source("deploy", "k8s", name), encoding="utf-8") as f:
                kinds = [d.get("kind") for d in yaml.safe_load_all(f) if d]
            self.assertNotIn("Secret", kinds, f"{name}: kustomization applies a Secret")
        for key in ("secretGenerator", "generators", "components"):
            self.assertNotIn(key, kustomization)

    def test_statefulset_keeps_data_on_a_claim_and_runs_unprivileged(self):
        sts, container = statefulset_container()
        spec = sts["spec"]
        self.assertEqual(spec["replicas"], 1)
        claims = {c["metadata"]["name"] for c in spec["volumeClaimTemplates"]}
        mounts = {m["mountPath"]: m["name"] for m in container["volumeMounts"]}
        for flag in ("data", "backup_dir"):
            path = flag_value(entrypoint(), flag)
            self.assertIn(mounts.get(path), claims, f"--{flag} {path} is not on a claim")
        pod = spec["template"]["spec"]
        self.assertTrue(pod["securityContext"]["runAsNonRoot"])
        self.assertNotEqual(pod["securityContext"]["runAsUser"], 0)
        self.assertTrue(container["securityContext"]["readOnlyRootFilesystem"])
        self.assertFalse(container["securityContext"]["allowPrivilegeEscalation"])
        self.assertIn("memory", container["resources"]["limits"])
        self.assertGreater(pod["terminationGracePeriodSeconds"],
                           grace_seconds(container["args"]))
        self.assertEqual(spec["template"]["metadata"]["labels"], spec["selector"]["matchLabels"])
        _, service = compose_service()
        self.assertEqual(container["image"], service["image"])

    def test_ports_services_and_probes_agree(self):
        sts, container = statefulset_container()
        ports = {p["name"]: p["containerPort"] for p in container["ports"]}
        self.assertEqual(ports, {"grpc": GRPC_PORT, "metrics": METRICS_PORT})
        labels = sts["spec"]["template"]["metadata"]["labels"]
        services = {s["metadata"]["name"]: s for s in k8s_kind("Service")}
        self.assertIn(sts["spec"]["serviceName"], services)
        self.assertEqual(services[sts["spec"]["serviceName"]]["spec"].get("clusterIP"), "None")
        for s in services.values():
            self.assertEqual(s["spec"]["selector"], labels)
            for p in s["spec"]["ports"]:
                self.assertIn(p["targetPort"], ports)
        for name in ("startupProbe", "readinessProbe", "livenessProbe"):
            probe = container[name]
            if "grpc" in probe:  # the built-in probe: plaintext only
                self.assertEqual(probe["grpc"]["port"], GRPC_PORT)
                self.assertIsNone(flag_value(container["args"], "tls_cert"),
                                  f"{name}: built-in gRPC probes cannot speak TLS")
            else:
                cmd = probe["exec"]["command"]
                self.assertEqual(cmd[0], "entente-healthcheck", name)
                self.assertEqual(flag_value(cmd, "server"), f"127.0.0.1:{GRPC_PORT}", name)
                if flag_value(container["args"], "tls_cert"):
                    self.assertIsNotNone(flag_value(cmd, "tls_ca"), f"{name} needs --tls_ca")

    def test_flag_files_come_from_the_mounted_secrets(self):
        sts, container = statefulset_container()
        volumes = {v["name"]: v for v in sts["spec"]["template"]["spec"]["volumes"]}
        secrets = {s["metadata"]["name"]: s for s in k8s_kind("Secret")}
        files = {}  # path in the container -> (secret, key)
        for m in container["volumeMounts"]:
            secret = volumes.get(m["name"], {}).get("secret")
            if secret:
                self.assertIn(secret["secretName"], secrets)
                for key in secrets[secret["secretName"]]["stringData"]:
                    files[m["mountPath"] + "/" + key] = key
        probe = container["readinessProbe"]["exec"]["command"]
        for path in (flag_value(container["args"], "tls_cert"),
                     flag_value(container["args"], "tls_key"),
                     flag_value(container["args"], "tokens_file"), flag_value(probe, "tls_ca")):
            self.assertIn(path, files)


class SystemdUnitTest(unittest.TestCase):
    def test_unit_is_hardened_and_stops_within_its_timeout(self):
        settings = dict(unit_settings())
        self.assertTrue(settings.get("DynamicUser") == "yes" or settings.get("User"))
        self.assertEqual(settings["StateDirectory"].split(), ["entente", "entente-backups"])
        self.assertEqual(settings["ProtectSystem"], "strict")
        self.assertEqual(settings["NoNewPrivileges"], "yes")
        self.assertEqual(settings["Restart"], "on-failure")
        self.assertEqual(settings["KillSignal"], "SIGTERM")
        argv = unit_exec_start()
        # The two state directories: nothing else is writable.
        self.assertEqual(flag_value(argv, "data"), DATA_DIR)
        self.assertEqual(flag_value(argv, "backup_dir"), BACKUP_DIR)
        self.assertIsNotNone(flag_value(argv, "metrics_listen"))
        self.assertGreater(seconds(settings["TimeoutStopSec"]), grace_seconds(argv))

    def test_exec_start_serves_health_and_exits_0_on_sigterm(self):
        argv = unit_exec_start()
        self.assertTrue(argv[0].endswith("/entente-server"))
        with tempfile.TemporaryDirectory() as state:
            argv = [ARGS.server_bin] + [a.replace("/var/lib/", state + "/") for a in argv[1:]]
            for d in dict(unit_settings())["StateDirectory"].split():
                os.mkdir(os.path.join(state, d))  # as systemd does before ExecStart
            # Free ports instead of the unit's fixed ones, which another
            # server on this machine may hold.
            for flag in ("listen", "metrics_listen"):
                i = argv.index("--" + flag) + 1
                argv[i] = with_port(argv[i], 0)
            server = Server(argv)
            try:
                self.assertIsNotNone(server.address, server.log())
                r = run([ARGS.healthcheck_bin, "--server", server.address])
                self.assertEqual((r.returncode, r.stdout.strip()), (0, "SERVING"), r.stderr)
                self.assertIsNotNone(server.metrics, server.log())
                r = run(["/usr/bin/python3", "-c",
                         "import sys, urllib.request;"
                         "print(urllib.request.urlopen(sys.argv[1], timeout=10).status)",
                         f"http://{server.metrics}/metrics"])
                self.assertEqual(r.stdout.strip(), "200", r.stderr)
                # A backup lands in the second state directory.
                r = run([ARGS.cli_bin, "--server", server.address, "admin", "backup"])
                self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
                self.assertTrue(os.listdir(os.path.join(state, "entente-backups")), r.stdout)
                timeout = seconds(dict(unit_settings())["TimeoutStopSec"])
                self.assertEqual(server.stop(timeout), 0, server.log())
            finally:
                server.kill()
            self.assertTrue(os.listdir(os.path.join(state, "entente")), "no database written")
        # Stopped: the probe now reports it cannot connect.
        r = run([ARGS.healthcheck_bin, "--server", server.address, "--timeout_ms", "500"])
        self.assertEqual(r.returncode, 2, r.stderr)

    def test_systemd_analyze_verify(self):
        tool = shutil.which("systemd-analyze")
        if tool is None:
            print("\nNOTE: systemd-analyze is not installed; the unit was not verified")
            self.skipTest("systemd-analyze unavailable")
        with tempfile.TemporaryDirectory() as d:
            unit = os.path.join(d, "entente.service")
            text = read("deploy", "systemd", "entente.service")
            with open(unit, "w", encoding="utf-8") as f:
                f.write(text.replace("/usr/local/bin/entente-server", ARGS.server_bin))
            r = run([tool, "verify", unit], cwd=d)
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)


class TlsProbeTest(unittest.TestCase):
    """The Kubernetes and compose configurations, TLS and tokens, for real."""

    def _check(self, server_args, probe, files):
        """Starts the server with `server_args` (container paths mapped to
        `files`), then runs `probe` against it."""
        if shutil.which("openssl") is None:
            self.skipTest("openssl unavailable")
        with tempfile.TemporaryDirectory() as d:
            make_pki(d)

            def local(arg):
                for container_path, name in files.items():
                    arg = arg.replace(container_path, os.path.join(d, name))
                return arg
            argv = [ARGS.server_bin] + [local(a) for a in entrypoint()[1:] + server_args]
            argv[argv.index("--listen") + 1] = "127.0.0.1:0"
            argv[argv.index("--data") + 1] = os.path.join(d, "db")
            argv[argv.index("--backup_dir") + 1] = os.path.join(d, "backups")
            argv[argv.index("--metrics_listen") + 1] = "127.0.0.1:0"
            server = Server(argv)
            try:
                self.assertIsNotNone(server.address, server.log())
                cmd = [ARGS.healthcheck_bin] + [local(a) for a in probe[1:]]
                cmd = [a.replace(f"127.0.0.1:{GRPC_PORT}", server.address) for a in cmd]
                r = run(cmd)
                self.assertEqual((r.returncode, r.stdout.strip()), (0, "SERVING"),
                                 r.stderr + server.log())
                # The same port refuses plaintext: it is the TLS one.
                r = run([ARGS.healthcheck_bin, "--server", server.address,
                         "--timeout_ms", "1000"])
                self.assertNotEqual(r.returncode, 0)
                self.assertEqual(server.stop(30), 0, server.log())
            finally:
                server.kill()

    def test_kubernetes_probe_against_its_tls_server(self):
        _, container = statefulset_container()
        self._check(container["args"], container["readinessProbe"]["exec"]["command"], {
            "/etc/entente/tls/": "", "/etc/entente/tokens/": ""})

    def test_compose_healthcheck_against_its_tls_server(self):
        _, service = compose_service()
        probe = [re.sub(r"\$\{[A-Z_]+:-([^}]*)\}", r"\1", a) for a in service["healthcheck"]["test"]]
        self._check(compose_args(service), probe[1:], COMPOSE_SECRET_FILES)


def nats_server_bin():
    path = shutil.which("nats-server") or shutil.which("nats-server", path="/usr/sbin")
    assert path, "nats-server not found: deploy/install-deps.sh installs it (Debian nats-server)"
    return path


NATS_CONFIGS = {  # file -> a SERVER_NAME it is run with
    ("deploy", "nats", "nats.conf"): "nats1",
    ("deploy", "k8s-cluster", "nats.conf"): "nats-0",
}


class NatsConfigTest(unittest.TestCase):
    def test_configs_pass_nats_server_t(self):
        nats = nats_server_bin()
        for parts, name in NATS_CONFIGS.items():
            env = dict(os.environ, SERVER_NAME=name)
            r = run([nats, "-t", "-c", source(*parts)], env=env)
            self.assertEqual(r.returncode, 0, f"{'/'.join(parts)}: {r.stdout}{r.stderr}")
            self.assertIn("is valid", r.stdout + r.stderr)
            # The server name comes from the environment, which compose and
            # Kubernetes must therefore set.
            env.pop("SERVER_NAME")
            r = run([nats, "-t", "-c", source(*parts)], env=env)
            self.assertNotEqual(r.returncode, 0, "/".join(parts))
            self.assertIn("SERVER_NAME", r.stdout + r.stderr)
        # -t does check: a misspelt key fails it.
        with tempfile.NamedTemporaryFile("w", suffix=".conf") as f:
            f.write(read("deploy", "nats", "nats.conf") + "\njetstrem { store_dir: /tmp }\n")
            f.flush()
            r = run([nats, "-t", "-c", f.name], env=dict(os.environ, SERVER_NAME="x"))
            self.assertNotEqual(r.returncode, 0, r.stdout + r.stderr)

    def test_compose_and_kubernetes_configs_differ_only_in_routes(self):
        confs = [parse_nats_conf(read(*parts)) for parts in NATS_CONFIGS]
        for conf in confs:
            self.assertEqual(conf["server_name"], "$SERVER_NAME")
            self.assertEqual(conf["jetstream"]["store_dir"], NATS_STORE_DIR)
            self.assertTrue(conf["cluster"]["name"])
            self.assertEqual(len(conf["cluster"]["routes"]), CLUSTER_SIZE)
        routes = [c["cluster"].pop("routes") for c in confs]
        self.assertEqual(confs[0], confs[1])
        self.assertNotEqual(routes[0], routes[1])


class ComposeClusterTest(unittest.TestCase):
    def test_single_server_compose_stays_one_server_without_replication(self):
        compose, service = compose_service()
        self.assertEqual(list(compose["services"]), ["entente"])
        self.assertNotIn("profiles", service)
        self.assertIsNone(flag_value(service["command"], "replication"))

    def test_three_nats_servers_routed_to_each_other(self):
        compose, nats, _ = cluster_compose()
        self.assertEqual(len(nats), CLUSTER_SIZE)
        conf = parse_nats_conf(read("deploy", "nats", "nats.conf"))
        _, route_port = host_port(conf["cluster"]["listen"])
        # Every server's routes name every server (itself included) at the
        # route port: a full mesh, whichever starts first.
        self.assertEqual({host_port(r) for r in conf["cluster"]["routes"]},
                         {(name, route_port) for name in nats})
        stores, server_names = set(), set()
        for name, svc in nats.items():
            self.assertTrue(os.path.isfile(source("deploy", svc["build"]["context"],
                                                  "Dockerfile")), name)
            mounts = {v.split(":")[1]: v.split(":")[0] for v in svc["volumes"]}
            self.assertEqual(mounts[NATS_CONF_PATH], "./nats/nats.conf", name)
            self.assertIn(mounts[NATS_STORE_DIR], compose["volumes"], name)
            stores.add(mounts[NATS_STORE_DIR])
            server_names.add(svc["environment"]["SERVER_NAME"])
            self.assertNotIn("ports", svc, f"{name}: NATS has no authentication")
            self.assertEqual(svc["networks"], ["log"], name)
            probe = " ".join(svc["healthcheck"]["test"])
            self.assertIn(f"127.0.0.1:{host_port(conf['http'])[1]}/healthz", probe, name)
        self.assertEqual(len(stores), CLUSTER_SIZE, "NATS servers share a volume")
        self.assertEqual(len(server_names), CLUSTER_SIZE, "NATS server names repeat")
        self.assertTrue(compose["networks"]["log"]["internal"])

    def test_three_entente_nodes_on_all_three_nats_servers(self):
        compose, nats, nodes = cluster_compose()
        single_compose, single = compose_service()
        self.assertEqual(len(nodes), CLUSTER_SIZE)
        conf = parse_nats_conf(read("deploy", "nats", "nats.conf"))
        _, client_port = host_port(conf["listen"])
        node_names, volumes, host_ports, streams = set(), [], [], set()
        for name, node in nodes.items():
            args = compose_args(node)
            # The single server's flags (TLS, tokens, logs, grace), plus the log.
            self.assertLessEqual(set(compose_args(single)), set(args), name)
            self.assertEqual({host_port(u) for u in flag_value(args, "replication").split(",")},
                             {(n, client_port) for n in nats}, name)
            node_names.add(flag_value(args, "replication_node"))
            streams.add(flag_value(args, "stream"))
            self.assertEqual(node["image"], single["image"], name)
            self.assertEqual(node["secrets"], single["secrets"], name)
            self.assertEqual(node["healthcheck"]["test"], single["healthcheck"]["test"], name)
            self.assertGreater(seconds(node["stop_grace_period"]), grace_seconds(args))
            self.assertEqual(set(node["depends_on"]), set(nats), name)
            for dep in node["depends_on"].values():
                self.assertEqual(dep["condition"], "service_healthy")
            self.assertIn("log", node["networks"])
            mounts = {v.split(":")[1]: v.split(":")[0] for v in node["volumes"]}
            for path in (DATA_DIR, BACKUP_DIR):
                self.assertIn(mounts.get(path), compose["volumes"], f"{name} {path}")
                volumes.append(mounts[path])
            published = {str(p).rsplit(":", 1)[1]: str(p).rsplit(":", 1)[0]
                         for p in node["ports"]}
            self.assertEqual(set(published), {str(GRPC_PORT), str(METRICS_PORT)}, name)
            self.assertTrue(published[str(METRICS_PORT)].startswith("127.0.0.1:"), name)
            host_ports += published.values()
        self.assertEqual(len(node_names), CLUSTER_SIZE, "--replication_node repeats")
        self.assertNotIn(None, node_names)
        self.assertEqual(len(streams), 1, "the nodes name different streams")
        self.assertEqual(len(set(volumes)), len(volumes), "nodes share a volume")
        self.assertEqual(len(set(host_ports)), len(host_ports), "nodes share a host port")
        # Every node builds the image as compose.yaml does (a node without
        # a build section would have compose pull the image from a registry).
        for name, node in nodes.items():
            self.assertEqual(node["build"], single["build"], name)
        self.assertEqual(compose["secrets"], single_compose["secrets"])

    def test_nats_image_is_debian_nats_server_on_the_pinned_base(self):
        (image, lines), = dockerfile_stages("deploy", "nats", "Dockerfile")
        main_dates = {re.search(r"bookworm-(\d{8})", i).group(1) for i, _ in dockerfile_stages()}
        self.assertEqual({re.search(r"bookworm-(\d{8})", image).group(1)}, main_dates,
                         "deploy/nats/Dockerfile's snapshot is not deploy/Dockerfile's")
        self.assertRegex(" ".join(instruction(lines, "RUN")),
                         r"apt-get install [^&]*\bnats-server\b")
        self.assertNotIn(instruction(lines, "USER")[-1].split(":")[0], ("0", "root"))
        self.assertEqual(json.loads(instruction(lines, "VOLUME")[-1]), [NATS_STORE_DIR])
        conf = parse_nats_conf(read("deploy", "nats", "nats.conf"))
        ports = {host_port(conf["listen"])[1], host_port(conf["cluster"]["listen"])[1],
                 host_port(conf["http"])[1]}
        self.assertEqual({int(p) for p in " ".join(instruction(lines, "EXPOSE")).split()}, ports)
        self.assertEqual(json.loads(instruction(lines, "ENTRYPOINT")[-1]),
                         ["nats-server", "-c", NATS_CONF_PATH])


class KubernetesClusterTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.docs = k8s_cluster()
        statefulsets = cls.docs["StatefulSet"].values()
        (cls.nats,) = [s for s in statefulsets if only_container(s)["image"] == NATS_IMAGE]
        (cls.entente,) = [s for s in statefulsets if only_container(s)["image"] != NATS_IMAGE]
        cls.conf = parse_nats_conf(read("deploy", "k8s-cluster", "nats.conf"))

    def test_applies_no_secret_and_keeps_to_its_namespace(self):
        self.assertNotIn("Secret", self.docs)
        (namespace,) = self.docs["Namespace"]
        for kind, docs in self.docs.items():
            for name, d in docs.items():
                if kind != "Namespace":
                    self.assertEqual(d["metadata"]["namespace"], namespace, f"{kind} {name}")
        kubectl = shutil.which("kubectl")
        if kubectl is None:
            print("\nNOTE: kubectl is not installed; this check's kustomize was not compared")
            return
        # This check's reading of the kustomization against kustomize's own.
        r = run([kubectl, "kustomize", source("deploy", "k8s-cluster")])
        self.assertEqual(r.returncode, 0, r.stderr)
        theirs = {}
        for d in yaml.safe_load_all(re.sub(r"(nats-config)-[a-z0-9]{10}\b", r"\1", r.stdout)):
            theirs.setdefault(d["kind"], {})[d["metadata"]["name"]] = d
        self.assertEqual(theirs, self.docs)

    def test_nats_statefulset_routes_its_three_pods_to_each_other(self):
        spec = self.nats["spec"]
        self.assertEqual(spec["replicas"], CLUSTER_SIZE)
        self.assertEqual(spec["podManagementPolicy"], "Parallel")
        headless = self.docs["Service"][spec["serviceName"]]["spec"]
        self.assertEqual(headless["clusterIP"], "None")
        self.assertTrue(headless["publishNotReadyAddresses"])
        _, route_port = host_port(self.conf["cluster"]["listen"])
        name, service = self.nats["metadata"]["name"], spec["serviceName"]
        self.assertEqual({host_port(r) for r in self.conf["cluster"]["routes"]},
                         {(f"{name}-{i}.{service}", route_port) for i in range(CLUSTER_SIZE)})
        container = only_container(self.nats)
        (env,) = [e for e in container["env"] if e["name"] == "SERVER_NAME"]
        self.assertEqual(env["valueFrom"]["fieldRef"]["fieldPath"], "metadata.name")
        ports = {p["name"]: p["containerPort"] for p in container["ports"]}
        self.assertEqual(ports, {"client": host_port(self.conf["listen"])[1],
                                 "cluster": route_port, "monitor": host_port(self.conf["http"])[1]})
        volumes = {v["name"]: v for v in spec["template"]["spec"]["volumes"]}
        mounts = {m["mountPath"]: m["name"] for m in container["volumeMounts"]}
        config = volumes[mounts[os.path.dirname(NATS_CONF_PATH)]]["configMap"]["name"]
        self.assertEqual(self.docs["ConfigMap"][config]["data"][os.path.basename(NATS_CONF_PATH)],
                         read("deploy", "k8s-cluster", "nats.conf"))
        claims = {c["metadata"]["name"] for c in spec["volumeClaimTemplates"]}
        self.assertIn(mounts[NATS_STORE_DIR], claims)
        for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
            self.assertEqual(container[probe]["httpGet"]["port"], "monitor", probe)
        self.assertTrue(self.docs["PodDisruptionBudget"])

    def test_entente_statefulset_names_every_nats_pod_and_its_own_name(self):
        spec = self.entente["spec"]
        self.assertEqual(spec["replicas"], CLUSTER_SIZE)
        container = only_container(self.entente)
        args = container["args"]
        _, base = statefulset_container()
        self.assertEqual(args[:len(base["args"])], base["args"])
        nats, service = self.nats["metadata"]["name"], self.nats["spec"]["serviceName"]
        _, client_port = host_port(self.conf["listen"])
        self.assertEqual({host_port(u) for u in flag_value(args, "replication").split(",")},
                         {(f"{nats}-{i}.{service}", client_port) for i in range(CLUSTER_SIZE)})
        # Distinct per pod: the pod's name, which Kubernetes substitutes.
        self.assertEqual(flag_value(args, "replication_node"), "$(POD_NAME)")
        (env,) = [e for e in container["env"] if e["name"] == "POD_NAME"]
        self.assertEqual(env["valueFrom"]["fieldRef"]["fieldPath"], "metadata.name")
        claims = {c["metadata"]["name"] for c in spec["volumeClaimTemplates"]}
        mounts = {m["mountPath"]: m["name"] for m in container["volumeMounts"]}
        for path in (DATA_DIR, BACKUP_DIR):
            self.assertIn(mounts[path], claims, path)  # one claim per pod each
        # Readiness is the health check, which a lagging node fails; startup
        # and liveness must not be, or catching up would restart the pod.
        self.assertEqual(container["readinessProbe"]["exec"]["command"][0], "entente-healthcheck")
        for probe in ("startupProbe", "livenessProbe"):
            self.assertEqual(container[probe], {**container[probe], "tcpSocket": {"port": "grpc"}})

    def test_compose_and_kubernetes_run_the_same_cluster(self):
        _, nats, nodes = cluster_compose()
        self.assertEqual(len(nats), self.nats["spec"]["replicas"])
        self.assertEqual(len(nodes), self.entente["spec"]["replicas"])
        args = only_container(self.entente)["args"]
        _, base = statefulset_container()
        _, single = compose_service()
        for node in nodes.values():
            # Both add the same flags to their single server's.
            self.assertEqual(flags_of(compose_args(node)) - flags_of(compose_args(single)),
                             flags_of(args) - flags_of(base["args"]))
            self.assertEqual(flag_value(compose_args(node), "stream"), flag_value(args, "stream"))


def rewrite_flag(argv, name, value):
    """argv with --name's value (either spelling) replaced by value(old)."""
    out = list(argv)
    for i, a in enumerate(out):
        if a.startswith("--" + name + "="):
            out[i] = "--" + name + "=" + value(a.split("=", 1)[1])
        elif a == "--" + name:
            out[i + 1] = value(out[i + 1])
    return out


def wait_until(what, timeout):
    """Calls what() until it returns a true value or timeout seconds pass;
    returns its last value."""
    deadline = time.monotonic() + timeout
    while True:
        result = what()
        if result or time.monotonic() > deadline:
            return result
        time.sleep(0.2)


class ClusterRunTest(unittest.TestCase):
    """compose.cluster.yaml's six command lines, for real, on loopback."""

    def test_statement_ingested_through_node_1_is_read_on_nodes_2_and_3(self):
        nats_bin = nats_server_bin()
        if shutil.which("openssl") is None:
            self.skipTest("openssl unavailable")
        started = time.monotonic()
        _, nats, nodes = cluster_compose()
        conf_text = read("deploy", "nats", "nats.conf")
        conf = parse_nats_conf(conf_text)
        procs, servers = [], []
        with tempfile.TemporaryDirectory() as d:
            make_pki(d)
            # Free loopback ports for each NATS server's three listeners.
            ports = {n: {"listen": free_port(), "cluster": free_port(), "http": free_port()}
                     for n in nats}
            try:
                for name, svc in sorted(nats.items()):
                    text = conf_text.replace(conf["listen"], f"127.0.0.1:{ports[name]['listen']}")
                    text = text.replace(conf["http"], f"127.0.0.1:{ports[name]['http']}")
                    text = text.replace(conf["cluster"]["listen"],
                                        f"127.0.0.1:{ports[name]['cluster']}")
                    text = text.replace(NATS_STORE_DIR, os.path.join(d, name))
                    for route in conf["cluster"]["routes"]:
                        host, _ = host_port(route)
                        text = text.replace(route, f"nats://127.0.0.1:{ports[host]['cluster']}")
                    path = os.path.join(d, name + ".conf")
                    with open(path, "w", encoding="utf-8") as f:
                        f.write(text)
                    with open(os.path.join(d, name + ".log"), "w") as log:
                        procs.append(subprocess.Popen(
                            [nats_bin, "-c", path], stdin=subprocess.DEVNULL, stdout=log,
                            stderr=subprocess.STDOUT, env=dict(os.environ, **svc["environment"])))
                # compose's health check of each: 200 once the cluster has a
                # JetStream leader, so the routes work.
                for name, svc in sorted(nats.items()):
                    probe = [a.replace(f"127.0.0.1:{host_port(conf['http'])[1]}",
                                       f"127.0.0.1:{ports[name]['http']}")
                             for a in svc["healthcheck"]["test"][1:]]
                    if shutil.which(probe[0]) is None:
                        self.skipTest(f"{probe[0]} unavailable")
                    ok = wait_until(lambda: run(probe).returncode == 0, 15)
                    self.assertTrue(ok, f"{name}: {' '.join(probe)} fails: " + self._log(d, name))

                def local_url(url):
                    host, _ = host_port(url)
                    return f"nats://127.0.0.1:{ports[host]['listen']}"

                addresses = {}
                for name, node in sorted(nodes.items()):
                    argv = entrypoint()[1:] + compose_args(node)
                    for container_path, file in COMPOSE_SECRET_FILES.items():
                        argv = [a.replace(container_path, os.path.join(d, file)) for a in argv]
                    argv = rewrite_flag(argv, "replication",
                                        lambda v: ",".join(local_url(u) for u in v.split(",")))
                    argv = rewrite_flag(argv, "listen", lambda v: "127.0.0.1:0")
                    argv = rewrite_flag(argv, "metrics_listen", lambda v: "127.0.0.1:0")
                    argv = rewrite_flag(argv, "data", lambda v: os.path.join(d, name + "-data"))
                    argv = rewrite_flag(argv, "backup_dir",
                                        lambda v: os.path.join(d, name + "-backups"))
                    server = Server([ARGS.server_bin] + argv)
                    servers.append(server)
                    self.assertIsNotNone(server.address, server.log())
                    addresses[name] = server.address
                    # compose's health check: SERVING once the node has
                    # reached JetStream and caught up.
                    probe = [a.replace(f"127.0.0.1:{GRPC_PORT}", server.address)
                             .replace("/run/secrets/entente_tls_ca", os.path.join(d, "ca.crt"))
                             for a in compose_args({"command": node["healthcheck"]["test"][2:]})]
                    checks = []
                    ok = wait_until(lambda: checks.append(run([ARGS.healthcheck_bin] + probe))
                                    or checks[-1].returncode == 0, 15)
                    self.assertTrue(ok, f"{name}: {checks[-1].stdout}{checks[-1].stderr}"
                                    + server.log())

                first, *others = sorted(nodes)
                nonce = os.urandom(8).hex()
                with open(source("tests", "fixtures", "seed-2024-10-22.jsonl"),
                          encoding="utf-8") as f:
                    statement = json.loads(f.readline())
                statement["quote"] += " (deploy check " + nonce + ")"
                with open(os.path.join(d, "one.jsonl"), "w", encoding="utf-8") as f:
                    f.write(json.dumps(statement) + "\n")

                def cli(node, *args):
                    # localhost: a name the test certificate holds.
                    port = addresses[node].rsplit(":", 1)[1]
                    return run([ARGS.cli_bin, "--server", "localhost:" + port, *args,
                                "--tls-ca", os.path.join(d, "ca.crt")],
                               env=dict(os.environ, ENTENTE_TOKEN=ADMIN_TOKEN))

                r = cli(first, "ingest", os.path.join(d, "one.jsonl"))
                self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
                for node in others:
                    def found():
                        r = cli(node, "statements", statement["actor"]["name"], "--json")
                        return nonce in r.stdout
                    self.assertTrue(wait_until(found, 15), f"{node} never got the statement")
                for server in servers:
                    self.assertEqual(server.stop(30), 0, server.log())
            finally:
                for server in servers:
                    server.kill()
                for p in procs:
                    p.terminate()
                for p in procs:
                    try:
                        p.wait(10)
                    except subprocess.TimeoutExpired:
                        p.kill()
                        p.wait()
        elapsed = time.monotonic() - started
        print(f"\nNOTE: cluster of {len(nats)} NATS and {len(nodes)} Entente nodes: up, "
              f"one statement replicated, down in {elapsed:.1f} s")
        self.assertLess(elapsed, 60)

    @staticmethod
    def _log(d, name):
        with open(os.path.join(d, name + ".log"), encoding="utf-8", errors="replace") as f:
            return f.read()[-2000:]


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    for name in ("source-dir", "server-bin", "cli-bin", "admin-bin", "healthcheck-bin"):
        parser.add_argument("--" + name, required=True)
    ARGS, rest = parser.parse_known_args()
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)
