"""Open a local HTML page in headless Chromium and report what its reader would get.

Talks the Chrome DevTools Protocol over a pipe (``--remote-debugging-pipe``: the browser reads
commands on file descriptor 3 and writes replies on 4), so nothing listens on any port. The
browser runs with a throwaway profile, resolves no host name (any fetch beyond the page's own
file fails and is recorded), and is closed when the page has been inspected; a timeout kills it.

Used by ``tests/python/test_report_browser.py`` and ``scripts/report_screenshots.py``.
Needs Debian's ``chromium`` package (or ``chromium-browser`` / ``google-chrome`` on PATH, or
``SALESCOMP_CHROMIUM``).
"""

from __future__ import annotations

import base64
import json
import os
import select
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["PageReport", "chromium_executable", "inspect_page"]


def chromium_executable() -> str | None:
    """The Chromium to run: ``$SALESCOMP_CHROMIUM`` or the first of chromium,
    chromium-browser, google-chrome on PATH; None when there is none."""
    explicit = os.environ.get("SALESCOMP_CHROMIUM")
    if explicit:
        return explicit
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


@dataclass
class PageReport:
    """What loading the page produced."""

    url: str
    errors: list[str] = field(default_factory=list)  # console errors, exceptions, failed loads, error logs
    console: list[str] = field(default_factory=list)  # every console message ("level: text")
    requests: list[str] = field(default_factory=list)  # every URL the page requested, in order
    images: list[dict[str, Any]] = field(default_factory=list)  # id, alt, natural and shown sizes, complete
    dom: dict[str, Any] = field(default_factory=dict)  # the result of the ``probe`` expression
    screenshots: dict[str, bytes] = field(default_factory=dict)


class _Pipe:
    """One Chromium process and its DevTools pipe."""

    def __init__(self, executable: str, timeout: float) -> None:
        self.deadline = time.monotonic() + timeout
        self.profile = tempfile.TemporaryDirectory(prefix="salescomp-chromium-")
        commands_r, self._commands = os.pipe()
        self._replies, replies_w = os.pipe()
        args = [executable, "--headless", "--remote-debugging-pipe", f"--user-data-dir={self.profile.name}",
                "--no-first-run", "--no-default-browser-check", "--disable-gpu", "--disable-extensions",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--host-resolver-rules=MAP * ~NOTFOUND", "--hide-scrollbars", "--mute-audio", "about:blank"]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            args.insert(1, "--no-sandbox")  # Chromium refuses to sandbox itself as root (containers, CI)

        # Chromium reads fd 3 and writes fd 4. A Python trampoline moves our pipe ends there and
        # execs the browser (no preexec_fn: it is unsafe in a process with threads).
        trampoline = ("import fcntl, os, sys; r, w = (fcntl.fcntl(int(f), fcntl.F_DUPFD_CLOEXEC, 10) for f in sys.argv[1:3]); "
                      "os.dup2(r, 3); os.dup2(w, 4); os.execv(sys.argv[3], sys.argv[3:])")
        self.process = subprocess.Popen([sys.executable, "-c", trampoline, str(commands_r), str(replies_w), *args],
                                        pass_fds=(commands_r, replies_w), stdin=subprocess.DEVNULL,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(commands_r)
        os.close(replies_w)
        self._buffer = b""
        self._next_id = 0
        self.events: list[dict[str, Any]] = []

    def send(self, method: str, params: dict[str, Any] | None = None, session: str | None = None) -> int:
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._commands, json.dumps(message).encode() + b"\0")
        return self._next_id

    def receive(self) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            remaining = self.deadline - time.monotonic()
            if remaining <= 0 or not select.select([self._replies], [], [], remaining)[0]:
                raise TimeoutError("Chromium did not answer in time")
            chunk = os.read(self._replies, 1 << 20)
            if not chunk:
                raise ConnectionError("Chromium closed the DevTools pipe")
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)

    def call(self, method: str, params: dict[str, Any] | None = None, session: str | None = None) -> dict[str, Any]:
        wanted = self.send(method, params, session)
        while True:
            message = self.receive()
            if message.get("id") == wanted:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})
            self.events.append(message)

    def wait_for(self, method: str) -> dict[str, Any]:
        for i, event in enumerate(self.events):
            if event.get("method") == method:
                return self.events.pop(i)
        while True:
            message = self.receive()
            if message.get("method") == method:
                return message
            self.events.append(message)

    def close(self) -> None:
        try:
            self.send("Browser.close")
            self.process.wait(timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            self.process.kill()
            self.process.wait()
        finally:
            os.close(self._commands)
            os.close(self._replies)
            self.profile.cleanup()


_IMAGES = """JSON.stringify(Array.from(document.images).map(i => ({
  figure: i.closest('figure') ? i.closest('figure').id : null, alt: i.alt, complete: i.complete,
  natural_width: i.naturalWidth, natural_height: i.naturalHeight,
  shown_width: i.getBoundingClientRect().width, shown_height: i.getBoundingClientRect().height})))"""

_RECT = """JSON.stringify((() => {{ const r = document.querySelector({selector!r}).getBoundingClientRect();
  const x = Math.max(0, r.left + window.scrollX - 16), y = Math.max(0, r.top + window.scrollY - 16);
  return {{x: x, y: y, width: r.right + window.scrollX + 16 - x, height: r.bottom + window.scrollY + 16 - y}}; }})())"""


def _evaluate(pipe: _Pipe, session: str, expression: str) -> Any:
    result = pipe.call("Runtime.evaluate", {"expression": expression, "returnByValue": True}, session)
    if "exceptionDetails" in result:
        raise RuntimeError(f"evaluating {expression[:60]!r}: {result['exceptionDetails']}")
    return json.loads(result["result"]["value"])


def inspect_page(path: str | os.PathLike[str], *, width: int = 1200, height: int = 900,
                 probe: str | None = None, screenshots: dict[str, str | None] | None = None,
                 timeout: float = 60.0, executable: str | None = None) -> PageReport:
    """Load ``path`` at ``width`` x ``height`` CSS pixels and return a :class:`PageReport`.

    ``probe``: a JavaScript expression returning JSON text, evaluated after the load event
    (its parsed value is ``PageReport.dom``). ``screenshots``: name -> CSS selector of the
    element to capture (None: the whole page), PNG bytes in ``PageReport.screenshots``."""
    executable = executable or chromium_executable()
    if executable is None:
        raise FileNotFoundError("no Chromium found (install Debian's chromium package or set SALESCOMP_CHROMIUM)")
    url = Path(path).resolve().as_uri()
    report = PageReport(url=url)
    pipe = _Pipe(executable, timeout)
    try:
        target = pipe.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = pipe.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            pipe.call(f"{domain}.enable", None, session)
        pipe.call("Emulation.setDeviceMetricsOverride",
                  {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False}, session)
        pipe.events.clear()  # what about:blank did is not the page's
        pipe.call("Page.navigate", {"url": url}, session)
        pipe.wait_for("Page.loadEventFired")
        report.images = _evaluate(pipe, session, _IMAGES)
        if probe:
            report.dom = _evaluate(pipe, session, probe)
        for name, selector in (screenshots or {}).items():
            if selector is None:
                size = _evaluate(pipe, session, "JSON.stringify({width: document.documentElement.scrollWidth, "
                                                "height: document.documentElement.scrollHeight})")
                clip = {"x": 0, "y": 0, **size}
            else:
                clip = _evaluate(pipe, session, _RECT.format(selector=selector))
            shot = pipe.call("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True,
                                                        "clip": {**clip, "scale": 1}}, session)
            report.screenshots[name] = base64.b64decode(shot["data"])
        _collect(report, pipe.events)
    finally:
        pipe.close()
    return report


def _collect(report: PageReport, events: list[dict[str, Any]]) -> None:
    for event in events:
        method, params = event.get("method"), event.get("params", {})
        if method == "Runtime.consoleAPICalled":
            text = " ".join(str(a.get("value", a.get("description", ""))) for a in params.get("args", []))
            report.console.append(f"{params.get('type')}: {text}")
            if params.get("type") in ("error", "assert"):
                report.errors.append(f"console.{params.get('type')}: {text}")
        elif method == "Runtime.exceptionThrown":
            details = params.get("exceptionDetails", {})
            report.errors.append(f"exception: {details.get('exception', {}).get('description') or details.get('text')}")
        elif method == "Log.entryAdded":
            entry = params.get("entry", {})
            report.console.append(f"{entry.get('level')}: {entry.get('text')}")
            if entry.get("level") == "error":
                report.errors.append(f"log: {entry.get('text')} ({entry.get('url', '')})")
        elif method == "Network.requestWillBeSent":
            report.requests.append(params.get("request", {}).get("url", ""))
        elif method == "Network.loadingFailed":
            report.errors.append(f"failed to load: {params.get('errorText')} ({params.get('type')})")
