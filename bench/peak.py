"""Peak memory of this process alone: ``VmHWM`` (the high-water mark of its own address space,
which ``exec`` starts afresh), not ``ru_maxrss``, which on Linux keeps the RSS of the process
that forked it (the bench's own, then) as a floor.

``python -m bench.peak PEAKFILE participa-args…`` runs ``participa`` with those arguments and
writes its peak RSS in KiB to PEAKFILE; ``vm_hwm_kib()`` is for a measured child's own use.
"""

from __future__ import annotations

import resource
import sys
from pathlib import Path


def vm_hwm_kib() -> int:
    """This process's peak resident set in KiB (``ru_maxrss`` where /proc is missing)."""
    try:
        for line in Path("/proc/self/status").read_text(encoding="ascii").splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def main() -> int:
    from participa.cli import main as participa

    code = participa(sys.argv[2:])
    Path(sys.argv[1]).write_text(str(vm_hwm_kib()), encoding="ascii")
    return code


if __name__ == "__main__":
    sys.exit(main())
