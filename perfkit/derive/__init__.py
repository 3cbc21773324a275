"""Derived data: what plots, findings and the fleet lake compute from parsed frames.

The layer between the parsers and everything that reads their frames. It imports parsers'
results only (never plots, findings, captures or the lake), so a number a figure shows and
the number a finding reports are computed once, the same way:

* :mod:`~perfkit.derive.intervals`: interval samples (the since-boot row left out), and where
  each row sits in time;
* :mod:`~perfkit.derive.wide`: one column per CPU, device, interface or process;
* :mod:`~perfkit.derive.cpu`: busy = 100 - ``%idle`` - ``%iowait`` (I/O wait is idle time);
* :mod:`~perfkit.derive.processes` and :mod:`~perfkit.derive.commands`: CPU per process, and
  per command with its processes summed;
* :mod:`~perfkit.derive.tables`: one table of a result or a capture, with its facts;
* :mod:`~perfkit.derive.kernel_events`: OOM kills, segfaults, hung tasks and dropped
  connections in a kernel log (``perfkit.dmesg``), placed on a capture's clock.

>>> import pandas as pd
>>> from perfkit.derive.cpu import busy_percent
>>> busy_percent(pd.DataFrame({"%idle": [50.0], "%iowait": [30.0]})).tolist()
[20.0]
"""
