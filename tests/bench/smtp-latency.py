#!/usr/bin/env python3
"""smtp-latency.py HOST PORT COUNT TAG - time each message of one SMTP session.

Sends COUNT messages of about 2 KB, one after the other over ONE SMTP
session (smtplib: MAIL, RCPT, DATA, each waiting for its reply), outbound
from rep@corp.test to one of 50 customers, each deal with its own subject,
so they fall into 50 threads. Message-IDs carry TAG, so two runs never
share one. Prints, one per line, the microseconds from MAIL FROM to the
250 after the closing dot: the time Postfix (and its milter, which answers
before that 250) took for the message. Used by bench-milter-pg.sh; exits 1
if a message is refused.
"""
import smtplib
import sys
import time
from email.utils import formatdate

BODY_LINE = ("Thanks for the call today - as discussed, the revised quote for the "
             "rollout is attached; happy to walk your team through it next week.\r\n")


def message(tag, i):
    deal = i % 50
    body = BODY_LINE * (2048 // len(BODY_LINE) + 1)
    head = (f"From: Pat Rep <rep@corp.test>\r\n"
            f"To: Buyer {deal} <buyer{deal}@customer.example>\r\n"
            f"Subject: Rollout quote, deal {deal}\r\n"
            f"Date: {formatdate(localtime=False)}\r\n"
            f"Message-ID: <{tag}.{i}@corp.test>\r\n"
            f"MIME-Version: 1.0\r\n"
            f"Content-Type: text/plain; charset=us-ascii\r\n\r\n")
    return deal, (head + body).encode("ascii")


def main():
    host, port, count, tag = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    out = []
    with smtplib.SMTP(host, port, local_hostname="client.test", timeout=60) as s:
        s.ehlo()
        for i in range(count):
            deal, msg = message(tag, i)
            t0 = time.perf_counter()
            refused = s.sendmail("rep@corp.test", [f"buyer{deal}@customer.example"], msg)
            out.append(round((time.perf_counter() - t0) * 1e6))
            if refused:
                print(f"refused: {refused}", file=sys.stderr)
                return 1
    sys.stdout.write("".join(f"{us}\n" for us in out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
