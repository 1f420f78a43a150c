#!/usr/bin/python3
"""Executes the example notebook (clients/python/examples/seed-story.ipynb)
against a real server, as CI does.

    /usr/bin/python3 tests/python/test_notebook.py --server-bin build/server/entente-server \\
        --output build/tests/notebooks/seed-story.executed.ipynb [--icews14 DIR]

Installs the package into a temporary venv (package_venv.py), starts
entente-server on 127.0.0.1:0 with a temporary database, runs every cell with
nbclient on a kernel of that venv, and fails on any cell error. Then checks
the outputs against the fixtures, read here, not written in: the evidence
table shows the quote of every statement of material cooperation between
Russia and North Korea in the seed fixture; the summary's evidence ids, start
month and timeline total match it; with ICEWS14 (--icews14, default
$ENTENTE_ICEWS14), the events imported are those of the TSV files naming
either country; without it, the section says it is skipped. The executed
notebook is written to --output (its path printed) for a look afterwards.
"""

import argparse
import json
import os
import shutil
import sys
import tempfile
import time

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, HERE)
from server_process import ServerProcess  # noqa: E402

NOTEBOOK = os.path.join(ROOT, "clients", "python", "examples", "seed-story.ipynb")
SEED = os.path.join(ROOT, "tests", "fixtures", "seed-2024-10-22.jsonl")
PAIR = {"Russia", "North Korea"}
FOCUS = ("Russia", "North Korea")
MATERIAL_COOPERATION_ROOTS = ("06", "07", "08", "09")  # CAMEO quad class 2


def expected_evidence(seed_path):
    """The seed's statements of material cooperation between the pair."""
    with open(seed_path, encoding="utf-8") as f:
        lines = [json.loads(line) for line in f if line.strip()]
    return [line for line in lines
            if {line["actor"]["name"], line["target"]["name"]} == PAIR
            and line["action"].get("cameoCode", "").startswith(MATERIAL_COOPERATION_ROOTS)]


def expected_icews_rows(directory):
    """Events of the ICEWS14 files naming Russia or North Korea, as the
    notebook selects them by default."""
    count = 0
    for name in sorted(os.listdir(directory)):
        if name.startswith("icews14_") and name.endswith(".tsv"):
            with open(os.path.join(directory, name), encoding="utf-8") as f:
                for line in f:
                    subject, _, obj, _ = line.rstrip("\n").split("\t")
                    count += any(n in subject or n in obj for n in FOCUS)
    return count


def kernel_spec(tmp):
    """A kernelspec running the venv's python (this process's), since
    Debian's own python3 kernelspec runs /usr/bin/python3, which lacks the
    package. Returns its name; JUPYTER_PATH must include tmp."""
    name = "entente-test-venv"
    directory = os.path.join(tmp, "kernels", name)
    os.makedirs(directory)
    with open(os.path.join(directory, "kernel.json"), "w") as f:
        # -Xfrozen_modules=off: else ipykernel's debugger warns on every start.
        json.dump({"argv": [sys.executable, "-Xfrozen_modules=off", "-m", "ipykernel_launcher",
                            "-f", "{connection_file}"],
                   "display_name": "entente test venv", "language": "python"}, f)
    return name


def cell_text(cell):
    """Everything a cell showed: streams and the text of results."""
    parts = []
    for output in cell.get("outputs", []):
        if output.output_type == "stream":
            parts.append(output.text)
        elif output.output_type in ("execute_result", "display_data"):
            parts.append(output.data.get("text/plain", ""))
    return "".join(parts)


def tagged(nb, tag):
    cells = [c for c in nb.cells if tag in c.metadata.get("tags", [])]
    if len(cells) != 1:
        raise AssertionError(f"want one cell tagged {tag!r}, found {len(cells)}")
    return cells[0]


def check(condition, message):
    if not condition:
        raise AssertionError(message)


def run(args, tmp):
    import nbclient
    import nbformat

    env_jupyter = {"JUPYTER_PATH": tmp, "JUPYTER_RUNTIME_DIR": os.path.join(tmp, "runtime"),
                   "IPYTHONDIR": os.path.join(tmp, "ipython"), "JUPYTER_PLATFORM_DIRS": "1"}
    os.environ.update(env_jupyter)
    kernel = kernel_spec(tmp)
    server = ServerProcess(args.server_bin, os.path.join(tmp, "db"), 60)
    try:
        os.environ["ENTENTE_SERVER"] = server.address
        os.environ["ENTENTE_SEED"] = os.path.abspath(args.fixture)
        os.environ.pop("ENTENTE_ICEWS14_ALL", None)  # the test's budget: the focus only
        # An empty directory stands for "no ICEWS14" (the section skips).
        os.environ["ENTENTE_ICEWS14"] = args.icews14 or os.path.join(tmp, "no-icews14")
        nb = nbformat.read(NOTEBOOK, as_version=4)
        started = time.monotonic()
        client = nbclient.NotebookClient(
            nb, kernel_name=kernel, timeout=120, allow_errors=False,
            resources={"metadata": {"path": os.path.dirname(NOTEBOOK)}})
        try:
            client.execute()
        finally:
            os.makedirs(os.path.dirname(os.path.abspath(args.output)), exist_ok=True)
            nbformat.write(nb, args.output)
            print(f"executed notebook: {os.path.abspath(args.output)}", flush=True)
        print(f"notebook ran in {time.monotonic() - started:.1f} s", flush=True)
        code = server.terminate()
        check(code == 0, f"entente-server exited with {code}:\n{server.stderr()}")
    finally:
        server.kill()
    return nb


def verify(nb, args):
    evidence = expected_evidence(args.fixture)
    check(evidence, "the seed fixture has no material cooperation between the pair")
    table = cell_text(tagged(nb, "evidence"))
    for line in evidence:
        check(line["quote"] in table, f"evidence table lacks the quote {line['quote']!r}:\n{table}")
    summary = json.loads(cell_text(tagged(nb, "summary")))
    check(len(summary["evidence_ids"]) == len(evidence),
          f"evidence ids {summary['evidence_ids']}, fixture has {len(evidence)} statements")
    months = sorted("%04d-%02d" % (s["date"]["year"], s["date"].get("month", 1))
                    for s in evidence)
    check(summary["since"] == months[0], f"since {summary['since']}, fixture {months[0]}")
    with open(args.fixture, encoding="utf-8") as f:
        between = sum(1 for raw in f if raw.strip() and {
            json.loads(raw)["actor"]["name"], json.loads(raw)["target"]["name"]} == PAIR)
    check(summary["timeline_total"] == between,
          f"timeline total {summary['timeline_total']}, fixture has {between} between the pair")
    check(summary["path"][0] == "Mark Rutte" and summary["path"][-1] == "Ukraine",
          f"path {summary['path']}")
    check("Russia" in summary["neighbours"], f"neighbours {summary['neighbours']}")
    icews_cell = cell_text(tagged(nb, "icews-import"))
    if args.icews14:
        rows = expected_icews_rows(args.icews14)
        got = summary["icews"]
        check(got is not None, "the ICEWS14 section did not run:\n" + icews_cell)
        check(got["rows"] == rows, f"notebook read {got['rows']} ICEWS14 events, files have {rows}")
        check(got["accepted"] + got["duplicate"] + got["rejected"] == rows,
              f"ICEWS14 import {got} does not add up to {rows}")
        check(got["rejected"] == 0, f"ICEWS14 rejections: {got}")
        check(got["members"] > 0 and got["rolled_total"] > got["alone_total"],
              f"roll-up to countries changed nothing: {got}")
        check(got["months_with_partners"] == 12, f"partners in {got['months_with_partners']} "
              "months of 2014")
        print(f"ICEWS14: {got}")
    else:
        check("skipping the ICEWS14 section" in icews_cell, "no skip message:\n" + icews_cell)
        check(summary["icews"] is None, "ICEWS14 section ran without data")
    print(f"seed: {len(evidence)} statements of evidence, since {summary['since']}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--server-bin", default=os.path.join(ROOT, "build", "server",
                                                             "entente-server"))
    parser.add_argument("--fixture", default=SEED)
    parser.add_argument("--icews14", default=os.environ.get("ENTENTE_ICEWS14", ""),
                        help="directory of icews14_*.tsv; empty or absent: run without")
    parser.add_argument("--output", default=os.path.join(tempfile.gettempdir(),
                                                         "seed-story.executed.ipynb"))
    parser.add_argument("--in-venv", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.icews14 and not os.path.isdir(args.icews14):
        print(f"no ICEWS14 in {args.icews14}: the notebook runs without it", flush=True)
        args.icews14 = ""
    tmp = tempfile.mkdtemp(prefix="entente-notebook-")
    try:
        if not args.in_venv:
            from package_venv import run_in_venv
            argv = [a for a in sys.argv[1:]]
            return run_in_venv(os.path.abspath(__file__), argv, tmp)
        args.server_bin = os.path.abspath(args.server_bin)
        args.fixture = os.path.abspath(args.fixture)
        nb = run(args, tmp)
        verify(nb, args)
        print("notebook OK")
        return 0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
