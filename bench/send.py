#!/usr/bin/env python3
"""POSTs BODY_FILE to URL N times over one kept-alive connection, one request at a time (what
bench/run.sh counts instructions over). Exits non-zero at the first answer that is not 200.
Usage: send.py URL BODY_FILE N"""
import http.client
import sys
import urllib.parse


def main():
    url, body_file, n = urllib.parse.urlsplit(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    with open(body_file, "rb") as f:
        body = f.read()
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=120)
    for _ in range(n):
        connection.request("POST", url.path or "/", body, {"Content-Type": "application/json"})
        answer = connection.getresponse()
        answer.read()
        if answer.status != 200:
            sys.exit(f"{sys.argv[1]} answered {answer.status}")
    connection.close()


if __name__ == "__main__":
    main()
