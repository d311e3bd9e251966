"""`python -m mediakpi.lab` (make lab): JupyterLab on the project (lab/server.py)."""
import sys

from .server import main

sys.exit(main())
