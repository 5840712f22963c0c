"""`manage.py serve`: granian and the mail worker, run as `make run` runs
them, as real processes on 127.0.0.1, each on a throwaway database (see
test_live_server.py)."""

import json
import os
import signal
import socket
import time
import urllib.request
from pathlib import Path

from test_live_server import (  # noqa: F401 (fixtures)
    ARTICLE_PATH,
    children,
    is_mail_worker,
    server_database_url,
    start_server,
    static_root,
    web_server_of,
)

from ta1 import wsgi
from ta1.management.commands import serve

# How long a process may take to be replaced; polled, never waited out.
DEADLINE_SECONDS = 15
SLOW_CLIENTS = 50


def eventually(condition):
    """`condition()` once it is truthy, or its last value at the deadline."""
    deadline = time.monotonic() + DEADLINE_SECONDS
    while not (value := condition()) and time.monotonic() < deadline:
        time.sleep(0.1)
    return value


def mail_worker_of(server):
    """The running mail worker's pid, or None (a killed one not yet reaped has no command line)."""
    return next((pid for pid in children(server.process.pid) if is_mail_worker(pid)), None)


def logged(server):
    """The JSON lines the server wrote, the announcement and other plain text left out."""
    entries = []
    for line in server.log_path.read_text().splitlines():
        if line.startswith("{"):
            entries.append(json.loads(line))
    return entries


def health(server):
    with urllib.request.urlopen(server.base + "/healthz", timeout=5) as response:
        return response.status


def still_waiting(client):
    """True while the server has neither answered nor closed the connection."""
    client.setblocking(False)
    try:
        client.recv(1)
    except BlockingIOError:
        return True
    return False


def test_the_site_answers_through_manage_py_serve(start_server):
    server = start_server()
    assert "Thymosin Alpha 1" in server.get(ARTICLE_PATH)


def test_without_the_outbox_sender_serve_runs_the_web_server_alone(start_server):
    server = start_server(OUTBOX_SENDER="0")
    assert [is_mail_worker(pid) for pid in children(server.process.pid)] == [False]


def test_a_killed_mail_worker_is_started_again_and_the_log_says_so(start_server):
    server = start_server()
    killed = eventually(lambda: mail_worker_of(server))
    os.kill(killed, signal.SIGKILL)
    started = eventually(lambda: (pid := mail_worker_of(server)) != killed and pid)
    assert started
    serve_lines = [entry for entry in logged(server) if entry["logger"] == "ta1.serve"]
    assert any(entry.get("pid") == killed and entry.get("exit_status") == -signal.SIGKILL for entry in serve_lines)
    assert any(entry.get("pid") == started and "Started the mail worker" in entry["message"] for entry in serve_lines)


def test_a_killed_web_worker_is_replaced_and_the_site_answers_again(start_server):
    server = start_server(WEB_CONCURRENCY="2")
    web = web_server_of(server)
    workers = eventually(lambda: len(children(web)) == 2 and children(web))
    os.kill(workers[0], signal.SIGKILL)
    replaced = eventually(lambda: workers[0] not in (now := children(web)) and len(now) == 2 and now)
    assert replaced and workers[1] in replaced
    # Three starts logged: the two workers, then the one that replaced the killed one.
    assert eventually(lambda: sum(entry["message"].startswith("Started worker-") for entry in logged(server)) == 3)
    assert {health(server) for _ in range(20)} == {200}
    assert server.process.poll() is None


def test_ctrl_c_stops_the_web_server_and_the_mail_worker_leaving_no_process_behind(start_server):
    server = start_server()
    web = web_server_of(server)
    processes = [web, *children(web), eventually(lambda: mail_worker_of(server))]
    os.kill(server.process.pid, signal.SIGINT)
    assert server.process.wait(timeout=60) == 0
    assert [pid for pid in processes if Path(f"/proc/{pid}").exists()] == []


def test_when_the_web_server_stops_by_itself_serve_stops_the_mail_worker_and_fails(start_server):
    server = start_server()
    mail_worker = eventually(lambda: mail_worker_of(server))
    os.kill(web_server_of(server), signal.SIGKILL)
    assert server.process.wait(timeout=60) != 0
    assert not Path(f"/proc/{mail_worker}").exists()


def test_fifty_slow_clients_do_not_keep_the_health_check_from_answering(start_server):
    server = start_server()
    slow = [socket.create_connection(("127.0.0.1", server.port), timeout=5) for _ in range(SLOW_CLIENTS)]
    try:
        for client in slow:
            client.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
        for client in slow:
            client.sendall(b"a")
        assert health(server) == 200
        assert [still_waiting(client) for client in slow] == [True] * SLOW_CLIENTS
    finally:
        for client in slow:
            client.close()


def test_a_mail_worker_that_keeps_dying_at_once_is_started_again_less_and_less_often():
    delays = [0]
    for _ in range(8):
        delays.append(serve.restart_delay(delays[-1], lived=1))
    assert delays[1:] == [1, 2, 4, 8, 16, 32, 60, 60]


def test_a_mail_worker_that_ran_a_while_is_started_again_at_once():
    assert serve.restart_delay(serve.MAX_RESTART_DELAY, lived=serve.SETTLED_SECONDS) == 0


def test_a_request_carries_none_of_the_servers_environment(monkeypatch):
    monkeypatch.setenv("EMAIL_HOST_PASSWORD", "s3cret")
    seen = {}
    application = wsgi.without_the_process_environment(lambda environ, start_response: seen.update(environ) or [])
    # As granian builds a request's environ: the process's environment, then the request's own keys.
    application({**os.environ, "REQUEST_METHOD": "GET", "PATH_INFO": "/", "HTTP_HOST": "127.0.0.1"}, None)
    assert "EMAIL_HOST_PASSWORD" not in seen
    assert seen["HTTP_HOST"] == "127.0.0.1"
