#!/usr/bin/env python3
"""Loopback stand-in for the Hugging Face hub, for tests only (binds 127.0.0.1, exits after --lifetime).

Serves one checkpoint folder as repo --repo with the hub's URL layout and headers:
  GET  /api/models/<repo>/revision/<rev>   {"id", "sha", "siblings": [{"rfilename"}]}; 404 RevisionNotFound
  HEAD/GET /<repo>/resolve/<rev>/<file>    small files: 200, ETag = git blob sha1, X-Repo-Commit
                                           LFS files:   302 to /lfs/<sha256>, X-Linked-Etag, X-Linked-Size
  GET  /lfs/<sha256>                       the bytes, with Range (206 / 416)
  GET  /static/<path>                      files under --static DIR, with Range (for `data fetch`)
--serve REPO REV DIR (repeatable) adds repo REPO at revision REV with the files of DIR, so one server
holds several models at several steps, each with its own weights.
--token T requires "Authorization: Bearer T" (else 401), --cut-after N closes the first --cuts GETs of
file bytes after N bytes, and --log FILE records every request as one JSON line (method, path, range).
--hostile MODE makes it lie, for tests/attack (see HOSTILE_MODES).
"""
import argparse
import hashlib
import json
import os
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote, urlsplit

LFS_SUFFIXES = (".safetensors", ".bin", ".gguf")

# How a hostile hub lies (--hostile), one way per mode:
HOSTILE_MODES = {
    "etag-nonhex": "file ETags that are no digest",
    "etag-traversal": "file ETags that climb out of blobs/",
    "commit-traversal": "a revision whose commit sha climbs out of snapshots/",
    "api-huge": "a revision answer far larger than any listing",
    "oversize": "LFS bytes beyond the size the HEAD declared",
    "tampered": "small files whose bytes do not match their git blob id",
    "tampered-lfs": "LFS files whose bytes do not match their sha256",
    "index-traversal": "a sharded checkpoint whose index names a shard outside the snapshot",
    "endless-error": "an error page that never ends",
}


def git_blob_sha1(data):
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


class Repo:
    def __init__(self, root, hide):
        self.files = {}
        for name in sorted(os.listdir(root)):
            path = os.path.join(root, name)
            if os.path.isfile(path) and name not in hide:
                with open(path, "rb") as f:
                    data = f.read()
                lfs = name.endswith(LFS_SUFFIXES)
                self.files[name] = {
                    "data": data,
                    "lfs": lfs,
                    "etag": hashlib.sha256(data).hexdigest() if lfs else git_blob_sha1(data),
                }
        self.by_sha256 = {f["etag"]: f["data"] for f in self.files.values() if f["lfs"]}

    def add(self, name, data):
        lfs = name.endswith(LFS_SUFFIXES)
        self.files[name] = {"data": data, "lfs": lfs,
                            "etag": hashlib.sha256(data).hexdigest() if lfs else git_blob_sha1(data)}
        if lfs:
            self.by_sha256[self.files[name]["etag"]] = data


class State:
    def __init__(self, args):
        self.args = args
        self.repo = Repo(args.root, set(args.hide or []))
        if args.hostile == "index-traversal":
            for name in ("model.safetensors", "pytorch_model.bin"):
                self.repo.files.pop(name, None)
            index = {"weight_map": {"gpt_neox.embed_in.weight": "../../../../escaped.safetensors"}}
            self.repo.add("model.safetensors.index.json", json.dumps(index).encode())
        # Branch -> commit. Fake but stable commit hashes, one per branch name.
        self.refs = {rev: hashlib.sha1(("commit:" + rev).encode()).hexdigest() for rev in args.revisions}
        # (repo, commit) -> Repo; the --root repo has the same files at every --revisions branch.
        self.repos = {args.repo: self.refs}
        self.files_at = {(args.repo, c): self.repo for c in self.refs.values()}
        for repo, rev, root in args.serve or []:
            commit = hashlib.sha1(("commit:" + repo + "@" + rev).encode()).hexdigest()
            self.repos.setdefault(repo, {})[rev] = commit
            self.files_at[(repo, commit)] = Repo(root, set())
        self.cuts_left = args.cuts
        self.lock = threading.Lock()

    def commit_of(self, rev, repo=None):
        refs = self.repos.get(repo or self.args.repo, {})
        if rev in refs:
            return refs[rev]
        if rev in refs.values():
            return rev
        return None

    def lfs_blob(self, sha256):
        for r in self.files_at.values():
            if sha256 in r.by_sha256:
                return r.by_sha256[sha256]
        return None

    def repo_of(self, path):
        """The served repo a request path names (longest name first: one may prefix another)."""
        for repo in sorted(self.repos, key=len, reverse=True):
            if path.startswith("/api/models/" + repo + "/") or path.startswith("/" + repo + "/resolve/"):
                return repo
        return self.args.repo

    def take_cut(self):
        with self.lock:
            if self.args.cut_after is not None and self.cuts_left > 0:
                self.cuts_left -= 1
                return True
            return False

    def log(self, entry):
        if self.args.log:
            with self.lock, open(self.args.log, "a") as f:
                f.write(json.dumps(entry) + "\n")


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    state = None

    def log_message(self, fmt, *args):  # quiet: tests read --log instead
        pass

    def do_HEAD(self):
        self.route(head=True)

    def do_GET(self):
        self.route(head=False)

    def send_plain(self, status, body=b"", headers=None, head=False):
        self.send_response(status)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if not head and body:
            self.wfile.write(body)

    def send_error_json(self, status, code, message, head):
        body = json.dumps({"error": message}).encode()
        self.send_plain(status, body, {"Content-Type": "application/json", "X-Error-Code": code}, head)

    def authorized(self):
        token = self.state.args.token
        return token is None or self.headers.get("Authorization") == "Bearer " + token

    def route(self, head):
        st = self.state
        path = unquote(urlsplit(self.path).path)
        st.log({"method": self.command, "path": path, "range": self.headers.get("Range"),
                "auth": self.headers.get("Authorization") is not None})
        repo = st.repo_of(path)
        if path.startswith("/static/") and st.args.static:
            return self.serve_static(path[len("/static/"):], head)
        if path.startswith("/lfs/"):
            data = st.lfs_blob(path[len("/lfs/"):])
            if data is None:
                return self.send_plain(404, b"not found", head=head)
            if st.args.hostile == "oversize":
                data = data + b"\0" * (1 << 20)
            elif st.args.hostile == "tampered-lfs":
                data = bytes([data[0] ^ 1]) + data[1:]
            return self.serve_bytes(data, {"ETag": '"%s"' % hashlib.md5(data).hexdigest()}, head)
        if not self.authorized():
            return self.send_error_json(401, "RepoNotFound", "Invalid credentials in Authorization header", head)
        api = "/api/models/" + repo + "/revision/"
        if path.startswith(api):
            commit = st.commit_of(path[len(api):], repo)
            if commit is None:
                return self.send_error_json(404, "RevisionNotFound", "Invalid rev id: " + path[len(api):], head)
            if st.args.hostile == "commit-traversal":
                commit = "../../../../escaped"
            if st.args.hostile == "api-huge":
                return self.send_endless(200, b" ", head)
            body = json.dumps({"_id": "fixture", "id": repo, "modelId": repo, "sha": commit,
                               "siblings": [{"rfilename": n} for n in st.files_at[(repo, commit)].files]}).encode()
            return self.send_plain(200, body, {"Content-Type": "application/json"}, head)
        resolve = "/" + repo + "/resolve/"
        if path.startswith(resolve):
            rev, _, name = path[len(resolve):].partition("/")
            commit = st.commit_of(rev, repo)
            if commit is None:
                return self.send_error_json(404, "RevisionNotFound", "Invalid rev id: " + rev, head)
            f = st.files_at[(repo, commit)].files.get(name)
            if f is None:
                return self.send_error_json(404, "EntryNotFound", name + " does not exist", head)
            if st.args.hostile == "endless-error" and not head:
                return self.send_endless(500, b"error ", head)
            etag = {"etag-nonhex": "not-a-digest", "etag-traversal": "../../../../escaped"}.get(st.args.hostile, f["etag"])
            if f["lfs"]:
                return self.send_plain(302, b"", {
                    "Location": "/lfs/" + f["etag"] + "?X-Amz-Signature=fixture",
                    "X-Repo-Commit": commit,
                    "X-Linked-Etag": '"%s"' % etag,
                    "X-Linked-Size": str(len(f["data"])),
                    "ETag": '"%s"' % git_blob_sha1(b"version https://git-lfs.github.com/spec/v1\n"),
                }, head)
            data = f["data"] + b" " if st.args.hostile == "tampered" else f["data"]
            return self.serve_bytes(data, {"ETag": '"%s"' % etag, "X-Repo-Commit": commit}, head)
        self.send_error_json(404, "RepoNotFound", "Repository not found", head)

    def send_endless(self, status, chunk, head):
        """A body announced as 1 TB that keeps coming until the client hangs up."""
        self.send_response(status)
        self.send_header("Content-Length", str(10 ** 12))
        self.end_headers()
        if head:
            return
        block = chunk * (65536 // len(chunk))
        try:
            for _ in range(10 ** 12 // len(block)):
                self.wfile.write(block)
        except OSError:
            pass
        self.close_connection = True

    def serve_static(self, rel, head):
        root = os.path.realpath(self.state.args.static)
        full = os.path.realpath(os.path.join(root, rel))
        if not full.startswith(root + os.sep) or not os.path.isfile(full):
            return self.send_plain(404, b"not found", head=head)
        with open(full, "rb") as f:
            data = f.read()
        return self.serve_bytes(data, {"ETag": '"%s"' % hashlib.md5(data).hexdigest()}, head)

    def serve_bytes(self, data, headers, head):
        start, status = 0, 200
        rng = self.headers.get("Range")
        if rng and rng.startswith("bytes="):
            first, _, last = rng[len("bytes="):].partition("-")
            start = int(first) if first else 0
            if start >= len(data):
                return self.send_plain(416, b"", {"Content-Range": "bytes */%d" % len(data)}, head)
            end = int(last) + 1 if last else len(data)
            headers = dict(headers, **{"Content-Range": "bytes %d-%d/%d" % (start, end - 1, len(data))})
            data, status = data[start:end], 206
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if head:
            return
        if len(data) > (self.state.args.cut_after or 0) and self.state.take_cut():
            self.wfile.write(data[: self.state.args.cut_after])
            self.wfile.flush()
            self.close_connection = True
            self.connection.shutdown(2)  # the client sees fewer bytes than Content-Length
            return
        self.wfile.write(data)


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--root", required=True, help="checkpoint folder served as the repo")
    p.add_argument("--repo", default="EleutherAI/tiny-neox")
    p.add_argument("--revisions", nargs="+", default=["main", "step3000"])
    p.add_argument("--hide", nargs="*", help="files of --root not to list")
    p.add_argument("--serve", nargs=3, action="append", metavar=("REPO", "REV", "DIR"),
                   help="also serve REPO at revision REV with the files of DIR (repeatable)")
    p.add_argument("--static", help="folder served under /static/")
    p.add_argument("--token")
    p.add_argument("--cut-after", type=int)
    p.add_argument("--cuts", type=int, default=1)
    p.add_argument("--log")
    p.add_argument("--hostile", choices=sorted(HOSTILE_MODES), help="lie to the client this way (tests/attack)")
    p.add_argument("--port-file", required=True)
    p.add_argument("--lifetime", type=float, default=300.0)
    args = p.parse_args()

    Handler.state = State(args)
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    tmp = args.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write(str(server.server_address[1]))
    os.replace(tmp, args.port_file)
    # Bounded lifetime: a test that dies never leaves a server behind for long.
    threading.Timer(args.lifetime, server.shutdown).start()
    server.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
