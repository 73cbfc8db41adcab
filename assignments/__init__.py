import shared  # noqa: F401 -- first: quiet Ctrl-C/SIGTERM/SIGHUP from the first import on (shared/__init__.py)
