"""``perfkit capture`` and reading what it wrote.

* :mod:`perfkit.capture.run`: the ``perfkit capture`` command (:func:`capture`, :func:`main`);
* :mod:`perfkit.capture.plan`: the commands it runs and the files they write;
* :mod:`perfkit.capture.meta`: the machine facts of ``capture.json`` and writing it safely;
* :mod:`perfkit.capture.redact`: ``--redact``;
* :mod:`perfkit.capture.psutil_stand_in`: psutil samples when sysstat or procps are missing;
* :mod:`perfkit.capture.load`: :func:`load_capture` and the :class:`Capture` it returns;
* :mod:`perfkit.capture.schema`: the layout of ``capture.json``, checked on load.

>>> from perfkit.capture import Capture, load_capture, capture, main, CaptureError
"""

from __future__ import annotations

from .load import Capture, load_capture
from .run import CaptureError, capture, main
from .schema import CaptureFileError

__all__ = ["Capture", "CaptureError", "CaptureFileError", "capture", "load_capture", "main"]
