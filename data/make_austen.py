"""Writes data/austen.txt, Jane Austen's six novels as plain UTF-8 text, from
Debian's package r-cran-janeaustenr (which stores them as R data).

Usage: make_austen.py [--deb FILE.deb] [-o OUT.txt]

Without --deb the package is fetched with `apt-get download` (no install,
no R needed): the novels sit in the package's R lazy-load database
(data/Rdata.rdx, a gzip'd index; data/Rdata.rdb, zlib'd objects), in R's
XDR serialization, which this script reads itself. The texts are already
free of Project Gutenberg's header and license; the script removes the
italics markers (_word_), the editors' notes in brackets, the publisher's
note at the end of Northanger Abbey, trailing spaces and runs of more than
two blank lines, and joins the novels in order of publication.
"""
import argparse
import gzip
import hashlib
import os
import re
import struct
import subprocess
import sys
import tempfile
import zlib

PACKAGE = "r-cran-janeaustenr"
DATA_DIR = "usr/lib/R/site-library/janeaustenr/data"
# In order of publication.
NOVELS = ["sensesensibility", "prideprejudice", "mansfieldpark", "emma",
          "northangerabbey", "persuasion"]


class RReader:
    """The part of R's XDR serialization (versions 2 and 3) that character
    vectors, lists and their names attributes need."""

    NIL, SYM, LIST, CHAR, LGL, INT, REAL, STR, VEC, REF = (
        254, 1, 2, 9, 10, 13, 14, 16, 19, 255)

    def __init__(self, data):
        if data[:2] != b"X\n":
            raise ValueError("not R XDR serialization")
        self.data, self.pos, self.refs = data, 2, []
        version = self.int()
        self.int()  # R version that wrote it
        self.int()  # oldest R version that reads it
        if version == 3:
            length = self.int()  # of the native encoding's name
            self.pos += length

    def int(self):
        (v,) = struct.unpack_from(">i", self.data, self.pos)
        self.pos += 4
        return v

    def item(self):
        flags = self.int()
        kind, has_attr, has_tag = flags & 0xFF, flags & (1 << 9), flags & (1 << 10)
        if kind == self.NIL:
            return None
        if kind == self.REF:
            return self.refs[(flags >> 8) - 1]
        if kind == self.SYM:
            sym = ("sym", self.item())
            self.refs.append(sym)
            return sym
        if kind == self.CHAR:
            n = self.int()
            if n == -1:
                return None
            text = self.data[self.pos:self.pos + n]
            self.pos += n
            return text.decode("latin-1" if flags & (1 << 14) else "utf-8")
        if kind == self.LIST:  # pairlist: [(tag, value), ...]
            if has_attr:
                self.item()
            tag = self.item() if has_tag else None
            head = [(tag, self.item())]
            tail = self.item()
            return head + (tail or [])
        if kind in (self.STR, self.VEC):
            value = [self.item() for _ in range(self.int())]
        elif kind in (self.INT, self.LGL):
            n = self.int()
            value = list(struct.unpack_from(">%di" % n, self.data, self.pos))
            self.pos += 4 * n
        elif kind == self.REAL:
            n = self.int()
            value = list(struct.unpack_from(">%dd" % n, self.data, self.pos))
            self.pos += 8 * n
        else:
            raise ValueError(f"R type {kind} is not supported")
        if has_attr:
            for tag, attr in self.item():
                if tag == ("sym", "names") and kind == self.VEC:
                    value = dict(zip(attr, value))
        return value


def read_lazy_load_db(folder):
    """{name: R object} of an R package's data/Rdata.{rdx,rdb}."""
    with open(os.path.join(folder, "Rdata.rdx"), "rb") as f:
        index = RReader(gzip.decompress(f.read())).item()
    with open(os.path.join(folder, "Rdata.rdb"), "rb") as f:
        db = f.read()
    objects = {}
    for name, (offset, length) in index["variables"].items():
        blob = db[offset:offset + length]  # 4 bytes of length, then zlib
        objects[name] = RReader(zlib.decompress(blob[4:])).item()
    return objects


def clean(lines):
    """The text of one novel from its lines, without markup and notes."""
    text = "\n".join(line or "" for line in lines)
    text = text.split("\nA NOTE ON THE TEXT\n")[0]  # Northanger Abbey's editors
    # Editors' notes: "[End volume one of this edition. ...]", "[At this point
    # in the first and second editions, Volume 1 ends.]".
    text = re.sub(r"\n[ \t]*\[(End volume|At this point)[^\]]*\][ \t]*", "\n", text)
    text = re.sub(r"_([^_]*)_", r"\1", text)  # _italics_
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    text = re.sub(r"\n{4,}", "\n\n\n", text)
    return text.strip("\n") + "\n"


def fetch_deb(folder):
    subprocess.run(["apt-get", "download", PACKAGE], cwd=folder, check=True)
    debs = [f for f in os.listdir(folder) if f.endswith(".deb")]
    if len(debs) != 1:
        sys.exit(f"expected one .deb from apt-get download, found {debs}")
    return os.path.join(folder, debs[0])


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--deb", help=f"a downloaded {PACKAGE} package")
    parser.add_argument("-o", default=os.path.join(here, "austen.txt"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        deb = os.path.abspath(args.deb) if args.deb else fetch_deb(tmp)
        subprocess.run(["dpkg-deb", "-x", deb, os.path.join(tmp, "root")],
                       check=True)
        objects = read_lazy_load_db(os.path.join(tmp, "root", DATA_DIR))
    text = "\n\n\n".join(clean(objects[name]) for name in NOVELS)
    data = text.encode("utf-8")
    with open(args.o, "wb") as f:
        f.write(data)
    print(f"{args.o}: {len(data)} bytes, sha256 {hashlib.sha256(data).hexdigest()}")


if __name__ == "__main__":
    main()
