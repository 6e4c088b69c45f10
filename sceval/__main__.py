"""`python -m sceval` (on Windows `py -m sceval`): the same CLI as the `sceval` script, for users
whose Python `Scripts\\` folder is not on PATH (the usual case for a per-user python.org install)."""
from sceval.cli.app import app

if __name__ == "__main__":
    app(prog_name="sceval")
