"""The desk workflow: acknowledge, assign, escalate, note, resolve, reopen; SLA timers; leads."""
