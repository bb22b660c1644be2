#!/usr/bin/env python3
"""Times `docsteward lsp` as an editor uses it on one repository.

    python3 bench/lsp_latency.py DOCSTEWARD REPO DOCUMENT [EDITS]

Starts the server in REPO, opens DOCUMENT (repository-relative) and prints two lines,
in seconds: `first` (from `initialized` to the document's first diagnostics: the whole
index, then one check), and `edit`, the median of EDITS changes (default 20) from the
change sent to its diagnostics published. Each change appends a line with a link, so
that the document's references change every time.
"""

import json
import os
import statistics
import subprocess
import sys
import time


def main():
    binary, repo, document = sys.argv[1:4]
    edits = int(sys.argv[4]) if len(sys.argv) > 4 else 20
    root = os.path.realpath(repo)
    uri = "file://" + os.path.join(root, document)
    server = subprocess.Popen(
        [binary, "lsp"], cwd=root, stdin=subprocess.PIPE, stdout=subprocess.PIPE
    )

    def send(message):
        body = json.dumps(message).encode()
        server.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        server.stdin.flush()

    def receive():
        length = None
        while True:
            line = server.stdout.readline()
            if not line:
                raise SystemExit("lsp_latency.py: the server stopped")
            line = line.strip()
            if not line:
                break
            if line.startswith(b"Content-Length:"):
                length = int(line.split(b":")[1])
        return json.loads(server.stdout.read(length))

    def diagnostics():
        while True:
            m = receive()
            if m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == uri:
                return m

    send({"jsonrpc": "2.0", "id": 1, "method": "initialize",
          "params": {"processId": None, "rootUri": "file://" + root, "capabilities": {}}})
    while receive().get("id") != 1:
        pass
    with open(os.path.join(root, document), encoding="utf-8", errors="replace") as f:
        text = f.read()
    start = time.perf_counter()
    send({"jsonrpc": "2.0", "method": "initialized", "params": {}})
    send({"jsonrpc": "2.0", "method": "textDocument/didOpen",
          "params": {"textDocument": {"uri": uri, "languageId": "markdown", "version": 1,
                                      "text": text}}})
    diagnostics()
    first = time.perf_counter() - start
    times = []
    for i in range(edits):
        text += f"\nEdit {i}: see [the index](missing-{i}.md).\n"
        start = time.perf_counter()
        send({"jsonrpc": "2.0", "method": "textDocument/didChange",
              "params": {"textDocument": {"uri": uri, "version": i + 2},
                         "contentChanges": [{"text": text}]}})
        diagnostics()
        times.append(time.perf_counter() - start)
    send({"jsonrpc": "2.0", "id": 2, "method": "shutdown", "params": None})
    while receive().get("id") != 2:
        pass
    send({"jsonrpc": "2.0", "method": "exit", "params": None})
    server.wait(timeout=60)
    print(f"first {first}")
    print(f"edit {statistics.median(times)}")


if __name__ == "__main__":
    main()
