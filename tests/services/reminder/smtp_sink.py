"""An SMTP sink for the reminder tests: Debian's aiosmtpd on 127.0.0.1:PORT, writing each
message it accepts to DIR as one JSON file (written whole, then renamed) before it answers
250, so a message the client saw accepted is already on disk. Parsed with Python's email
package: the headers decoded (and the Subject as sent), the text/plain body decoded.

usage: smtp_sink.py PORT DIR READY_FILE [DROP_FIRST]
  READY_FILE is created once it listens; SIGTERM stops. DROP_FIRST (default 0): that many
  messages are written and then the connection is cut before any answer to them (a relay that
  took a message and crashed before saying so).
"""
import email
import email.policy
import json
import os
import signal
import sys
import threading
import time

from aiosmtpd.controller import Controller


class Handler:
    def __init__(self, out, drop_first=0):
        self.out = out
        self.count = 0
        self.drop_first = drop_first

    async def handle_DATA(self, server, session, envelope):
        raw = envelope.original_content or envelope.content
        parsed = email.message_from_bytes(raw, policy=email.policy.default)
        plain = email.message_from_bytes(raw)  # compat32: headers as sent
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "from": str(parsed["From"]),
            "to": str(parsed["To"]),
            "subject": str(parsed["Subject"]),
            "subject_raw": plain["Subject"],
            "message_id": str(parsed["Message-ID"]),
            "reminder": str(parsed["X-Allies-Reminder"]),
            "date": str(parsed["Date"]),
            "content_type": parsed.get_content_type(),
            "charset": parsed.get_content_charset(),
            "transfer_encoding": str(parsed["Content-Transfer-Encoding"]),
            "body": parsed.get_content(),
        }
        self.count += 1
        name = "%d-%d-%d" % (time.time_ns(), os.getpid(), self.count)
        tmp = os.path.join(self.out, "." + name + ".tmp")
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(record, f, ensure_ascii=False)
        os.rename(tmp, os.path.join(self.out, name + ".json"))
        if self.drop_first > 0:
            self.drop_first -= 1
            server.transport.abort()  # no answer to the message: the client never hears
        return "250 OK"


def main():
    port, out, ready = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    drop_first = int(sys.argv[4]) if len(sys.argv) > 4 else 0
    controller = Controller(Handler(out, drop_first), hostname="127.0.0.1", port=port)
    controller.start()
    with open(ready, "w") as f:
        f.write(str(os.getpid()))
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    controller.stop()


if __name__ == "__main__":
    main()
