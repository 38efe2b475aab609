"""What happened in the assessments app, told to whoever listens (the webhooks app does).

The services send these inside their transaction, as its last step. A listener must not act
before the commit: it defers what it does with transaction.on_commit, so a write that is rolled
back notifies nobody (the webhooks listener looks up who listens, and only when somebody does
queues its work for after the commit). A listener's error is logged, never raised into the
write. Assessments import nothing of their listeners (import-linter's layers).

- `assessment_submitted`: assessment, user
- `action_updated`: action, user, created (a new action, or a change to one)
- `import_completed`: assessments (the submitted assessments one CSV file created), user
"""

from __future__ import annotations

import logging

from django.dispatch import Signal

logger = logging.getLogger(__name__)

assessment_submitted = Signal()
action_updated = Signal()
import_completed = Signal()


def send(signal: Signal, **kwargs) -> None:
    """Tell the listeners; one that fails is logged and the write goes on."""
    for receiver, outcome in signal.send_robust(sender=None, **kwargs):
        if isinstance(outcome, Exception):
            logger.error("event listener %r failed", receiver, exc_info=outcome)
