"""gunicorn settings for one app server; override any of them with GUNICORN_CMD_ARGS."""

import gc
import multiprocessing
import os

bind = os.environ.get("SURVEY_BIND", "127.0.0.1:8000")
# Sync workers: each request is short (a form, a GROUP BY) and they beat threads for inserts.
workers = int(os.environ.get("SURVEY_WORKERS", multiprocessing.cpu_count() * 2))
worker_class = "sync"
# Streaming the CSV of a million responses takes about a minute and holds its worker meanwhile.
timeout = 300
# The app is imported once, in the master, and each worker is forked from it: a replaced worker
# serves at once instead of spending a second of CPU importing the app again.
preload_app = True
# Replace workers now and then so no slow leak can grow without bound. Even forked, a new
# worker costs about 0.3 s of CPU (rendering its pages, warming its caches, the old one's exit):
# every 5,000 requests that was 5% of a loaded server's CPU, every 100,000 it is under 0.3%.
max_requests = 100_000
max_requests_jitter = 10_000
accesslog = "-"
forwarded_allow_ips = os.environ.get("SURVEY_FORWARDED_ALLOW_IPS", "127.0.0.1")


def when_ready(_server: object) -> None:
    """Put what the app allocated at import out of the garbage collector's reach before the
    workers are forked: a worker's full collections then scan only what it allocated itself.
    Scanning the whole imported app paused the request that set one off for about 0.1 s."""
    gc.freeze()


def post_fork(_server: object, _worker: object) -> None:
    """A forked worker opens its own database connections, never the master's."""
    from wsgi import app

    app.extensions["survey.engine"].dispose(close=False)
