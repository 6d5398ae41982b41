"""The closing survey: two questions to the reporter (felt supported, would consult again,
1-5) and an optional comment. Only the case's reporter may answer, once; the answers are only
ever shown in aggregate (the monthly figures, with counts under 3 shown as "<3")."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.exc import IntegrityError

from bot.clock import Clock
from bot.handling import ids
from bot.handling.modals import StepInput
from storage.db import SessionFactory
from storage.models import CaseStatus, SurveyAnswer
from storage.repositories import cases as cases_repo
from storage.repositories import handling as repo

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SurveyCase:
    case_id: int
    reference: str
    locale: str


class SurveyService:
    def __init__(self, *, sessions: SessionFactory, clock: Clock) -> None:
        self._sessions = sessions
        self._clock = clock

    def check(self, user_id: str, case_id: int) -> SurveyCase | str:
        """The reporter's own closed case, not answered yet; else the key of why not."""
        with self._sessions() as session:
            case = cases_repo.get(session, case_id)
            if case is None or case.reporter_user_id != user_id:
                return "handling.survey.not_yours"
            if case.status != CaseStatus.RESOLVED:
                return "handling.survey.not_closed"
            if session.get(SurveyAnswer, case_id) is not None:
                return "handling.survey.answered"
            return SurveyCase(case.id, case.reference, case.reporter_locale)

    def answer(self, user_id: str, case_id: int, step: StepInput) -> str:
        checked = self.check(user_id, case_id)
        if isinstance(checked, str):
            return checked
        now = self._clock.now()
        try:
            return self._store(case_id, step, now)
        except IntegrityError:  # the same answer submitted twice at once: one is kept
            return "handling.survey.answered"

    def _store(self, case_id: int, step: StepInput, now: datetime) -> str:
        with self._sessions.begin() as session:
            stored = repo.add_survey_answer(
                session,
                SurveyAnswer(
                    case_id=case_id,
                    supported=int(step.choices[ids.SUPPORTED_BLOCK]),
                    consult_again=int(step.choices[ids.AGAIN_BLOCK]),
                    comment=step.text(ids.COMMENT_BLOCK),
                    answered_at=now,
                ),
            )
            if not stored:
                return "handling.survey.answered"
            # The audit says that the survey was answered, never what or by whom.
            cases_repo.record_event(
                session,
                case_id=case_id,
                actor_user_id="system",
                action="handling.survey_answered",
                now=now,
            )
        log.info("survey answered for case %s", case_id)
        return "handling.survey.thanks"
