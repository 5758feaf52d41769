"""A silicon time estimate for Wormhole n150 from per-core kernel event logs (issue #16).

`wormhole_costs` holds the cited per-tile cycle costs, `events` the log format the runtime emits,
`replay` the pipeline replay (CB FIFOs, DST sections, source banks, NOC ports) and the device-time
estimate with its bound, `trace` the Chrome-trace export of the modelled pipeline, `runtime_log` the reader of the
runner's recorded event log (plan key "events").
"""
from .events import API_CALLS, CoreLog, Event, KernelLog, parse_event
from .runtime_log import read_core_logs
from .replay import CoreResult, CostModelError, Estimate, estimate, replay_core
from .trace import trace_events, write_trace

__all__ = ["API_CALLS", "CoreLog", "CoreResult", "CostModelError", "Estimate", "Event", "KernelLog", "estimate",
           "parse_event", "read_core_logs", "replay_core", "trace_events", "write_trace"]
