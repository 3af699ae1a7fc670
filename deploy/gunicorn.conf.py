"""gunicorn settings for Yiqi behind nginx (deploy/nginx/yiqi.conf); used by deploy/systemd/yiqi-web.service and by
.ci/production.sh:  gunicorn -c deploy/gunicorn.conf.py yiqi.wsgi

Each value may be overridden by GUNICORN_CMD_ARGS or the command line.
"""

import multiprocessing
import os

import gunicorn.http.wsgi

# Only nginx talks to gunicorn, on the loopback interface.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8001")
workers = int(os.environ.get("GUNICORN_WORKERS", min(2 * multiprocessing.cpu_count() + 1, 9)))
# An .xlsx export of 110,000 records takes about a minute to build (README, production notes).
timeout = 120
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then, so that a slow leak cannot grow without bound.
max_requests = 2000
max_requests_jitter = 200
# Requests reach gunicorn through nginx only; it trusts X-Forwarded-Proto from there and nowhere else. (Which
# X-Forwarded-For address is the client's is the app's business: YIQI_TRUSTED_PROXY_COUNT=1.)
forwarded_allow_ips = "127.0.0.1"
accesslog = "-"
errorlog = "-"
capture_output = True
proc_name = "yiqi-web"
# No control socket (gunicornc): nothing uses it, and under systemd the home directory is read-only.
control_socket_disable = True

# No "Server: gunicorn" banner naming the software to an attacker (nginx replaces it anyway; this covers a
# gunicorn reached directly). gunicorn has no setting for it: its response class reads this module global.
gunicorn.http.wsgi.SERVER = "yiqi"


def post_worker_init(worker):
    """Load the views and the in-process caches before this worker takes a request (``yiqi.core.warmup``). On a
    reload (HUP) requests wait in the listen queue until the first new worker is warm; none is refused."""
    from yiqi.core import warmup

    took = warmup.run(after_step=worker.notify)
    worker.log.info(
        "worker warm in %.1f s (%s)", sum(took.values()), ", ".join(f"{k} {v:.1f} s" for k, v in took.items())
    )
