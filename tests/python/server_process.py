"""entente-server on 127.0.0.1:0 for the Python tests (tests/python).

Starts the real server with a database directory of the test's, reads the
address it prints ("listening on 127.0.0.1:PORT"), and stops it with
SIGTERM (terminate(), which returns the exit code) or SIGKILL (kill()).
make_tls_files() writes a CA and a server certificate for 127.0.0.1.
"""

import re
import signal
import subprocess
import threading

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
        self.proc.stderr.close()
        return code

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self._reader.join(5)
        self.proc.stderr.close()


def openssl(*args):
    subprocess.run(["openssl", *args], check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)


def make_tls_files(d):
    """Writes d/ca.pem (a CA of two days) and d/server.pem, d/server.key
    (signed by it, for IP 127.0.0.1 and localhost), with the openssl CLI."""
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
