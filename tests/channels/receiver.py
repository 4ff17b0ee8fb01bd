"""A recording HTTP receiver for tests/it/channels.rs.

Every POST is answered 200 and appended to --out as one JSON line: the path, the headers, the
body, and, when --secret is given, whether PyPI's `standardwebhooks` (the Standard Webhooks
reference library) verified it. The port it listens on is written to --port-file once it
listens; --port reuses a port (the receiver comes back up where it was); --hang records a
request and never answers it.
"""

import argparse
import json
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--port-file", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--secret")
    # Record each request, then never answer: a delivery that went out, unacknowledged.
    parser.add_argument("--hang", action="store_true")
    args = parser.parse_args()

    webhook = None
    if args.secret:
        from standardwebhooks.webhooks import Webhook

        webhook = Webhook(args.secret)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers.get("content-length", "0"))
            body = self.rfile.read(length)
            headers = {k.lower(): v for k, v in self.headers.items()}
            record = {"path": self.path, "headers": headers, "body": body.decode("utf-8", "replace")}
            if webhook is not None:
                try:
                    webhook.verify(body, headers)
                    record["verified"] = True
                except Exception as e:  # the test shows why
                    record["verified"] = False
                    record["error"] = f"{type(e).__name__}: {e}"
            # Recorded before the answer: a delivery the sender counts as sent is on file.
            with open(args.out, "a", encoding="utf-8") as out:
                out.write(json.dumps(record) + "\n")
            if args.hang:
                import time

                time.sleep(3600)
            self.send_response(200)
            self.send_header("content-length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *a):
            pass

    server = HTTPServer(("127.0.0.1", args.port), Handler)
    with open(args.port_file + ".tmp", "w") as f:
        f.write(str(server.server_address[1]))
    import os

    os.replace(args.port_file + ".tmp", args.port_file)
    sys.stdout.flush()
    server.serve_forever()


if __name__ == "__main__":
    main()
