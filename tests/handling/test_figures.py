"""The monthly report's handling section (pure): small numbers shown as "<3", survey averages
only from three answers, and which step a case is at."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from bot.handling.messages import StepState, answer_state, case_blocks, step_line
from bot.stats.handling import handling_figures, handling_lines


def figures(survey: list[tuple[int, int]]) -> str:
    made = handling_figures(
        step_days={"facts": [1.0, 2.0, None], "care": [3.0]},
        prevention=(4, 1),
        ack=["on_time", "on_time", "on_time", "late"],
        feedback=["open", "open", "open"],
        survey=survey,
        cooperation=["made", "received", "received", "received"],
    )
    return handling_lines(made, "en")


def test_survey_averages_only_from_three_answers_and_small_counts_hidden() -> None:
    few = figures([(5, 5), (1, 1)])
    assert "Closing survey: <3 answers (averages shown from 3 answers)" in few
    assert "5.0" not in few and "3.0/5" not in few
    enough = figures([(5, 4), (4, 4), (3, 1)])
    assert "3 answers · felt supported 4.0/5 · would consult again 3.0/5" in enough
    assert "on time 3 · late <3 · not yet 0" in enough
    assert "Prevention actions open at month end: 4 (overdue <3)" in enough
    assert "made <3 · received 3" in enough
    assert "Facts 1.5" in enough and "Measures –" in enough


def state(
    facts: int = 0, care: int = 0, measures: int = 0, prevention_open: int = 0, **more: int
) -> StepState:
    return StepState(
        facts=facts,
        care=care,
        measures=measures,
        prevention_open=prevention_open,
        prevention_done=more.get("prevention_done", 0),
        stop_requested_by=None,
        ack="on_time",
        ack_due=date(2027, 1, 1),
        feedback="due",
        feedback_due=date(2027, 3, 1),
    )


def test_the_step_a_case_is_at() -> None:
    assert step_line(state(), "en").startswith("*Step:* Facts")
    assert step_line(state(facts=1, care=1), "en").startswith("*Step:* Measures")
    open_action = state(facts=1, care=1, measures=1, prevention_open=1)
    assert "Prevention (1 open)" in step_line(open_action, "en")
    done = state(facts=1, care=1, measures=2, prevention_done=1)
    assert step_line(done, "ja").startswith("*対応段階:* 4段階すべて記録済み")
    closed = case_blocks(done, 7, "en", closed=True)
    assert "handling_stop" not in str(closed) and "handling_feedback" in str(closed)


def test_answers_on_time_late_due_overdue() -> None:
    due = datetime(2027, 1, 8, tzinfo=UTC)
    assert answer_state(due - timedelta(days=1), due, due) == "on_time"
    assert answer_state(due + timedelta(seconds=1), due, due) == "late"
    assert answer_state(None, due, due) == "due"
    assert answer_state(None, due, due + timedelta(seconds=1)) == "overdue"
