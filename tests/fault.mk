## Fault tests: truncation storms, full disks, crashes after flush,
## resource limits, signals and injected system-call failures.
