"""Processes of a test deployment: a free port, and waiting until a process listens on it."""

import socket
import time

import pytest


def free_port() -> int:
	with socket.socket() as s:
		s.bind(("127.0.0.1", 0))
		return s.getsockname()[1]


def wait_for_port(port: int, process, seconds: float = 60, what: str = "a server"):
	"""Until something listens on `port`; the test fails if `process` exits first or time runs out."""
	deadline = time.monotonic() + seconds
	while time.monotonic() < deadline:
		if process.poll() is not None:
			pytest.fail(f"{what} exited before listening on port {port}")
		try:
			socket.create_connection(("127.0.0.1", port), timeout=1).close()
			return
		except OSError:
			time.sleep(0.3)
	process.kill()
	pytest.fail(f"{what} did not listen on port {port} within {seconds:.0f} s")
