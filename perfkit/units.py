"""Human-readable sizes to numbers: every memory size in perfkit is in **KiB**.

``free -h`` prints ``1.5Gi``, ``top`` prints ``1.2g`` and heads its summary ``MiB Mem``,
``vmstat -S M`` counts in MiB. perfkit converts all of them to KiB (1024 bytes), the unit
of ``/proc/meminfo`` and of ``free``'s and ``vmstat``'s defaults, so numbers from different
tools can be compared directly. Decimal commas (``1,5Gi`` in a German locale) are read as
decimal points, never dropped.

>>> size_to_kib("1.5Gi")
1572864.0
>>> size_to_kib("1,5Gi")
1572864.0
>>> size_to_kib("1.2g")        # top's suffixes are powers of 1024 too
1258291.2
>>> size_to_kib("512", unit="MiB")
524288.0
>>> size_to_kib("900B")
0.87890625
>>> size_to_kib("25G", si=True)   # free -h --si, vmstat -S m: powers of 1000
24414062.5
"""

from __future__ import annotations

import re

#: Multipliers from a unit name or suffix to KiB.
TO_KIB: dict[str, float] = {
    "": 1.0,
    "b": 1 / 1024, "B": 1 / 1024,
    "k": 1.0, "K": 1.0, "Ki": 1.0, "KiB": 1.0, "KB": 1.0, "kB": 1.0,
    "m": 1024.0, "M": 1024.0, "Mi": 1024.0, "MiB": 1024.0, "MB": 1024.0,
    "g": 1024.0**2, "G": 1024.0**2, "Gi": 1024.0**2, "GiB": 1024.0**2, "GB": 1024.0**2,
    "t": 1024.0**3, "T": 1024.0**3, "Ti": 1024.0**3, "TiB": 1024.0**3, "TB": 1024.0**3,
    "p": 1024.0**4, "P": 1024.0**4, "Pi": 1024.0**4, "PiB": 1024.0**4, "PB": 1024.0**4,
    "e": 1024.0**5, "E": 1024.0**5, "Ei": 1024.0**5, "EiB": 1024.0**5, "EB": 1024.0**5,
}

#: Multipliers to KiB for decimal (SI) units and suffixes, powers of 1000: ``free --si``,
#: ``free --kilo``/``--mega``..., ``vmstat -S k``/``-S m``.
SI_TO_KIB: dict[str, float] = {"": 1.0, "b": 1 / 1024, "B": 1 / 1024}
for _power, _letter in enumerate("kmgtpe", start=1):
    for _suffix in (_letter, _letter.upper(), _letter.upper() + "B", _letter + "B"):
        SI_TO_KIB[_suffix] = 1000.0**_power / 1024

_SIZE = re.compile(r"^\s*(-?\d+(?:[.,]\d+)?)\s*([A-Za-z]*)\s*$")


def size_to_kib(value: str | float | int, unit: str = "", *, si: bool = False) -> float:
    """Convert one printed size (``"1.5Gi"``, ``"1,5G"``, ``"900B"``) to KiB.

    ``unit`` is the unit of a bare number (``"MiB"`` for ``free -m``). With ``si=True`` a
    suffix without ``i`` (``G``, ``M``, ``kB``) means a power of 1000 (see :data:`SI_TO_KIB`);
    ``Gi``-style suffixes stay binary. Raises ``ValueError`` for text that is not a size.
    """
    table = SI_TO_KIB if si else TO_KIB
    if isinstance(value, (int, float)):
        return float(value) * (table.get(unit) or TO_KIB[unit])
    match = _SIZE.match(value)
    if not match:
        raise ValueError(f"not a size: {value!r}")
    suffix = match.group(2) or unit
    factor = table.get(suffix) or TO_KIB.get(suffix)
    if factor is None:
        raise ValueError(f"not a size: {value!r}")
    return float(match.group(1).replace(",", ".")) * factor
