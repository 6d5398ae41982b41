"""Action ids, outbox kinds and answer values of the check-in feature."""

# Buttons on the reporter's check-in DM.
ANSWER_OK = "checkin_ok"
ANSWER_TALK = "checkin_talk"
ANSWER_LATER = "checkin_later"  # a static select: in 1 hour / tomorrow
ANSWER_STOP = "checkin_stop"
ANSWER_BLOCK = "checkin_answer"

# Buttons on the desk's case message.
DESK_EXTRA = "checkin_desk_extra"
DESK_CANCEL = "checkin_desk_cancel"
DESK_BLOCK = "checkin_desk"

# Outbox kinds.
SEND = "checkin.send"
ANSWERED = "checkin.answered"
TALK = "checkin.talk"
UNANSWERED = "checkin.unanswered"
OUTBOX_KINDS = frozenset({SEND, ANSWERED, TALK, UNANSWERED})

# What a reporter answered (CheckIn.response; audited as "checkin:<answer>").
OK = "ok"
TALK_ANSWER = "talk"
LATER_HOUR = "later_1h"
LATER_TOMORROW = "later_tomorrow"
STOP = "stop"
# Not an answer: the desk was told that an in-danger reporter has not answered.
UNANSWERED_FLAG = "unanswered"

LATER_CHOICES = {"1h": LATER_HOUR, "tomorrow": LATER_TOMORROW}
BUTTON_ANSWERS = {ANSWER_OK: OK, ANSWER_TALK: TALK_ANSWER, ANSWER_STOP: STOP}
ALL_ANSWERS = frozenset({OK, TALK_ANSWER, LATER_HOUR, LATER_TOMORROW, STOP})
