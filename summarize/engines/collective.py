"""Several processes of one run: torch's elastic launcher on this machine, and accelerate's
process group that tells each process its place.

The runners reach torch.distributed and accelerate only through here; both are imported inside
functions, so ``summarize --help`` imports neither.
"""

from __future__ import annotations

import logging
import signal
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from summarize.engines.devices import cuda_available


@dataclass(frozen=True)
class GroupPlace:
    """This process's place in the process group, as accelerate reads it from the launcher."""

    index: int
    count: int
    #: Index among the processes on this node.
    local_index: int
    #: accelerate's device for it: ``cuda:N``, or ``cpu``/``cpu:N`` on CPU.
    device: str


def join_group(device: str = "auto") -> GroupPlace:
    """Join the launched processes' group (over gloo on CPU) and say where this one stands."""
    from accelerate import PartialState  # sets up torch.distributed; only when launched

    # Without cpu=True accelerate treats torchrun processes on a machine with no GPU as one
    # process each; with it they join one group over gloo.
    on_cpu = device == "cpu" or not cuda_available()
    state = PartialState(cpu=on_cpu)
    return GroupPlace(
        index=state.process_index,
        count=state.num_processes,
        local_index=state.local_process_index,
        device=str(state.device),
    )


def wait_for_group() -> None:
    """Block until every process of the group gets here."""
    from accelerate import PartialState  # imports torch; only when launched

    PartialState().wait_for_everyone()


def _quiet_launcher_logs() -> None:
    """Silence torch's launcher, which logs each process failure it sees (once its modules,
    and so its loggers, exist)."""
    for name in list(logging.root.manager.loggerDict):
        if name.startswith(("torch.distributed.elastic", "torch.distributed.launcher")):
            logging.getLogger(name).setLevel(logging.CRITICAL)


class LocalLaunch:
    """``count`` processes on this machine, started as ``torchrun --standalone`` starts them.

    The main process (rank 0) keeps the terminal and copies what it writes to
    :attr:`main_copy` (its environment's ``copy_variable`` names that file); the others' stderr
    goes to files in ``folder``, named in :attr:`stderrs` once the processes start. ``quiet``
    silences the launcher's own logging of each process failure.
    """

    def __init__(self, count: int, folder: Path, copy_variable: str, *, quiet: bool) -> None:
        self.count = count
        self.quiet = quiet
        self._logs = _logs_specs(count, folder, copy_variable)

    @property
    def main_copy(self) -> Path:
        """Where the main process's stderr is copied."""
        return self._logs.main_copy

    @property
    def stderrs(self) -> dict[int, str]:
        """Rank -> file of that process's stderr (ranks 1 and up), once they have started."""
        return self._logs.stderrs

    def run(self, program: str, args: Sequence[str]) -> list[tuple[int, int]]:
        """Run ``program args`` in every process until all end; the failed processes' (rank,
        exit code) in the order they stopped (empty when all succeeded). Ctrl-C, which the
        launcher has passed on to the processes, raises KeyboardInterrupt."""
        # torch loads only when processes are launched.
        from torch.distributed.elastic.multiprocessing import SignalException
        from torch.distributed.elastic.multiprocessing.errors import ChildFailedError
        from torch.distributed.launcher.api import LaunchConfig, elastic_launch

        if self.quiet:
            _quiet_launcher_logs()
        settings = LaunchConfig(
            min_nodes=1,
            max_nodes=1,
            nproc_per_node=self.count,
            run_id=str(uuid.uuid4()),
            rdzv_backend="c10d",
            rdzv_endpoint="localhost:0",  # a free port on this machine
            max_restarts=0,  # a failed share is reported, not run again
            logs_specs=self._logs,
        )
        try:
            elastic_launch(settings, program)(*args)
        except ChildFailedError as error:
            # In the order they stopped (to the second; then the launcher's SIGTERMs last).
            failures = sorted(
                error.failures.items(),
                key=lambda pair: (pair[1].timestamp, pair[1].exitcode == -signal.SIGTERM),
            )
            return [(rank, failure.exitcode) for rank, failure in failures]
        except SignalException as stop:  # the launcher has stopped the processes already
            if stop.sigval == signal.SIGINT:
                raise KeyboardInterrupt from None
            raise
        return []


def _logs_specs(count: int, folder: Path, copy_variable: str) -> Any:
    """torch's LogsSpecs for :class:`LocalLaunch`."""
    from torch.distributed.elastic.multiprocessing import DefaultLogsSpecs, Std  # see run()

    class Logs(DefaultLogsSpecs):
        def __init__(self) -> None:
            super().__init__(log_dir=str(folder), redirects={r: Std.ERR for r in range(1, count)})
            self.main_copy = folder / "main-stderr.log"
            self.stderrs: dict[int, str] = {}

        def reify(self, envs):  # called once the processes' environments are made
            destinations = super().reify(envs)
            self.stderrs = {rank: path for rank, path in destinations.stderrs.items() if path}
            envs[0][copy_variable] = str(self.main_copy)
            return destinations

    return Logs()
