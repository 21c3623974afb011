#!/usr/bin/env python3
"""Regenerate mlsd_ftplib.golden from mlsd_cpython.txt and mlsd_edge.txt.

Runs CPython's own ftplib.FTP.mlsd over the lines (retrlines is replaced
by a function that hands the lines over the way retrlines would), and
writes one JSON array per line: [line, name, facts].

    python3 gen_mlsd_golden.py > mlsd_ftplib.golden
"""
import ftplib
import json
import os

here = os.path.dirname(os.path.abspath(__file__))


def lines():
    for fn in ("mlsd_cpython.txt", "mlsd_edge.txt"):
        with open(os.path.join(here, fn), "rb") as f:
            for raw in f.read().decode("utf-8").split("\n")[:-1]:
                yield raw + "\n"


def mlsd(line):
    ftp = ftplib.FTP()

    def retrlines(cmd, callback):
        s = line
        if s[-2:] == "\r\n":
            s = s[:-2]
        elif s[-1:] == "\n":
            s = s[:-1]
        callback(s)

    ftp.retrlines = retrlines
    return list(ftp.mlsd())


for line in lines():
    [(name, facts)] = mlsd(line)
    print(json.dumps([line, name, facts], ensure_ascii=False))
