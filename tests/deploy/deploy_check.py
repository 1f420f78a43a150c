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
import subprocess
import sys
import tempfile
import threading
import unittest

import yaml

ARGS = argparse.Namespace()

DATA_DIR = "/var/lib/entente"
BACKUP_DIR = "/var/lib/entente-backups"
GRPC_PORT = 50051
METRICS_PORT = 9464
LISTENING = re.compile(r"listening on (\S+):(\d+),")
METRICS_ON = re.compile(r"metrics on http://(\S+):(\d+)/metrics")
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


def dockerfile_stages():
    """[(FROM image, [instruction lines])] with continuation lines joined."""
    text = re.sub(r"\\\n", " ", read("deploy", "Dockerfile"))
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

    def _make_pki(self, d):
        def openssl(*args):
            r = run(["openssl", *args], cwd=d)
            self.assertEqual(r.returncode, 0, r.stderr)
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                "-subj", "/CN=entente test CA", "-keyout", "ca.key", "-out", "ca.crt")
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=entente",
                "-keyout", "tls.key", "-out", "tls.csr")
        with open(os.path.join(d, "san.ext"), "w", encoding="utf-8") as f:
            f.write("subjectAltName=DNS:entente,DNS:localhost\n")
        openssl("x509", "-req", "-in", "tls.csr", "-CA", "ca.crt", "-CAkey", "ca.key",
                "-CAcreateserial", "-days", "2", "-extfile", "san.ext", "-out", "tls.crt")
        with open(os.path.join(d, "tokens"), "w", encoding="utf-8") as f:
            f.write("admin 0123456789abcdef0123456789abcdef operator\n")

    def _check(self, server_args, probe, files):
        """Starts the server with `server_args` (container paths mapped to
        `files`), then runs `probe` against it."""
        if shutil.which("openssl") is None:
            self.skipTest("openssl unavailable")
        with tempfile.TemporaryDirectory() as d:
            self._make_pki(d)

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
        self._check(compose_args(service), probe[1:], {
            "/run/secrets/entente_tls_cert": "tls.crt", "/run/secrets/entente_tls_key": "tls.key",
            "/run/secrets/entente_tls_ca": "ca.crt", "/run/secrets/entente_tokens": "tokens"})


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    for name in ("source-dir", "server-bin", "cli-bin", "admin-bin", "healthcheck-bin"):
        parser.add_argument("--" + name, required=True)
    ARGS, rest = parser.parse_known_args()
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)
