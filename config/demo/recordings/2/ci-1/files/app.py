"""A tiny todo service: the sample app of `fanout demo`.

Reads PORT (default 8000) and DATABASE_URL (sqlite:///abs/path, or a plain path;
default data/app.db). Python standard library only.
"""
import json
import os
import sqlite3
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def database_path():
    url = os.environ.get("DATABASE_URL", "data/app.db")
    return url[len("sqlite://"):] if url.startswith("sqlite://") else url


def connect(path=None):
    db = sqlite3.connect(path or database_path())
    db.row_factory = sqlite3.Row
    db.execute("CREATE TABLE IF NOT EXISTS todos (id INTEGER PRIMARY KEY, title TEXT NOT NULL)")
    columns = [row["name"] for row in db.execute("PRAGMA table_info(todos)")]
    if "done" not in columns:  # databases made before the column existed
        db.execute("ALTER TABLE todos ADD COLUMN done INTEGER NOT NULL DEFAULT 0")
    return db


def todo(row):
    return {"id": row["id"], "title": row["title"], "done": bool(row["done"])}


class Handler(BaseHTTPRequestHandler):
    db_path = None

    def send_json(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def read_json(self):
        length = int(self.headers.get("Content-Length", "0"))
        try:
            return json.loads(self.rfile.read(length) or b"{}")
        except ValueError:
            return None

    def do_GET(self):
        if self.path == "/todos":
            with connect(self.db_path) as db:
                rows = db.execute("SELECT id, title, done FROM todos ORDER BY id").fetchall()
            self.send_json(200, [todo(row) for row in rows])
        else:
            self.send_json(404, {"error": "not found"})

    def do_POST(self):
        parts = self.path.strip("/").split("/")
        if len(parts) == 3 and parts[0] == "todos" and parts[1].isdigit() and parts[2] == "done":
            with connect(self.db_path) as db:
                db.execute("UPDATE todos SET done = 1 WHERE id = ?", (int(parts[1]),))
                row = db.execute(
                    "SELECT id, title, done FROM todos WHERE id = ?", (int(parts[1]),)
                ).fetchone()
            if row is None:
                self.send_json(404, {"error": "not found"})
            else:
                self.send_json(200, todo(row))
            return
        if self.path != "/todos":
            self.send_json(404, {"error": "not found"})
            return
        body = self.read_json()
        title = body.get("title") if isinstance(body, dict) else None
        if not isinstance(title, str) or not title.strip():
            self.send_json(400, {"error": "title is required"})
            return
        with connect(self.db_path) as db:
            cursor = db.execute("INSERT INTO todos (title) VALUES (?)", (title.strip(),))
        self.send_json(201, {"id": cursor.lastrowid, "title": title.strip(), "done": False})

    def log_message(self, format, *args):
        pass


def serve(port, db_path=None):
    Handler.db_path = db_path
    return ThreadingHTTPServer(("127.0.0.1", port), Handler)


if __name__ == "__main__":
    port = int(os.environ.get("PORT", "8000"))
    print(f"todo app on http://127.0.0.1:{port} (database {database_path()})", flush=True)
    serve(port).serve_forever()
