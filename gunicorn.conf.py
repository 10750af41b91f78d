"""gunicorn settings for one app server; override any of them with GUNICORN_CMD_ARGS."""

import multiprocessing
import os

bind = os.environ.get("SURVEY_BIND", "127.0.0.1:8000")
# Sync workers: each request is short (a form, a GROUP BY) and they beat threads for inserts.
workers = int(os.environ.get("SURVEY_WORKERS", multiprocessing.cpu_count() * 2))
worker_class = "sync"
# Streaming the CSV of a million responses takes about a minute and holds its worker meanwhile.
timeout = 300
# Recycle workers now and then so no slow leak can grow without bound.
max_requests = 5000
max_requests_jitter = 500
accesslog = "-"
forwarded_allow_ips = os.environ.get("SURVEY_FORWARDED_ALLOW_IPS", "127.0.0.1")
