"""Make this folder's helper modules (report_rows, sample_digest, browser_harness) importable
under any pytest import mode (the suite runs with ``--import-mode=importlib``)."""

from __future__ import annotations

import sys
from pathlib import Path

_HERE = str(Path(__file__).parent)
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)
