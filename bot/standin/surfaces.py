"""What a Slack client does with a modal once the app has answered: the other half of views.

The stand-in's ``views.open``/``views.push`` build a person's modal stack; Slack's client then
applies the app's answer to a ``view_submission`` (``response_action``) and closes modals when the
person dismisses them. The playground drives these; the same Block Kit checks as ``views.*`` apply
to views sent back in an answer (Slack refuses them the same way).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .blockkit import limit, validate_view

if TYPE_CHECKING:
    from .server import SlackStandIn

__all__ = ["ViewOutcome", "apply_view_answer", "close_view"]


@dataclass(frozen=True)
class ViewOutcome:
    """``errors`` maps block ids to the message shown under the field; ``problem`` is set when
    Slack would refuse the answer itself (the client shows a generic error in the modal)."""

    errors: dict[str, str] = field(default_factory=dict)
    problem: str | None = None


def _stack(standin: SlackStandIn, user_id: str) -> list[str]:
    return standin._stacks.setdefault(user_id, [])


def close_view(standin: SlackStandIn, user_id: str, view_id: str) -> None:
    """The person closes ``view_id`` (and so every modal pushed over it)."""
    with standin._lock:
        stack = _stack(standin, user_id)
        if view_id in stack:
            del stack[stack.index(view_id) :]


def apply_view_answer(standin: SlackStandIn, user_id: str, view_id: str, body: str) -> ViewOutcome:
    """Apply the app's HTTP answer to a ``view_submission`` of ``view_id`` as Slack does."""
    try:
        answer: Any = json.loads(body) if body.strip() else {}
    except ValueError:
        return ViewOutcome(problem="invalid_json")
    action = answer.get("response_action") if isinstance(answer, dict) else None
    if action == "errors":
        errors = answer.get("errors")
        if not isinstance(errors, dict) or not errors:
            return ViewOutcome(problem="invalid_errors")
        return ViewOutcome(errors={str(k): str(v) for k, v in errors.items()})
    if action == "clear":
        with standin._lock:
            _stack(standin, user_id).clear()
        return ViewOutcome()
    if action in ("update", "push"):
        view = answer.get("view")
        problems = validate_view(view) if isinstance(view, dict) else ["view is missing"]
        if problems:
            return ViewOutcome(problem="; ".join(problems))
        assert isinstance(view, dict)
        with standin._lock:
            stack = _stack(standin, user_id)
            if action == "update":
                standin._store_view(dict(view), view_id)
            elif len(stack) >= limit("views.push stack depth"):
                return ViewOutcome(problem="push_limit_reached")
            else:
                stored = standin._store_view(dict(view), previous=view_id)
                stack.append(stored["id"])
        return ViewOutcome()
    close_view(standin, user_id, view_id)
    return ViewOutcome()
