"""Tests of the todo service: each test runs the app on a free port with its own database."""
import json
import os
import tempfile
import threading
import unittest
import urllib.error
import urllib.request

import app


class AppTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.server = app.serve(0, os.path.join(self.dir.name, "test.db"))
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def tearDown(self):
        self.server.shutdown()
        self.server.server_close()
        self.dir.cleanup()

    def request(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.base + path, data=data, method=method)
        try:
            with urllib.request.urlopen(req) as response:
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"null")

    def test_add_and_list(self):
        self.assertEqual(self.request("POST", "/todos", {"title": "write tests"}),
                         (201, {"id": 1, "title": "write tests"}))
        self.assertEqual(self.request("GET", "/todos"), (200, [{"id": 1, "title": "write tests"}]))

    def test_title_is_required(self):
        self.assertEqual(self.request("POST", "/todos", {"title": " "})[0], 400)

    def test_delete(self):
        self.request("POST", "/todos", {"title": "gone soon"})
        self.assertEqual(self.request("DELETE", "/todos/1"), (204, None))
        self.assertEqual(self.request("GET", "/todos"), (200, []))

    def test_delete_unknown_id(self):
        self.assertEqual(self.request("DELETE", "/todos/7"), (404, {"error": "not found"}))

    def test_unknown_path(self):
        self.assertEqual(self.request("GET", "/nope")[0], 404)


if __name__ == "__main__":
    unittest.main()
