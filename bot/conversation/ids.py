"""Action, view and block ids and outbox kinds of the case conversation.

Desk buttons on the case message carry ``"<case id>"`` (sending a message or asking for the
name does not depend on the case's version). Reporter buttons carry ``"<case id>"`` (receipt
DM: add information, withdraw; consent answers) or ``"<message id>:<case id>"`` (which case a
DM outside any thread is about). The clicker is always checked against the case's reporter
or the desk's members.
"""

# Case message (desk channel): opens MESSAGE_VIEW.
MESSAGE_REPORTER_ACTION = "conv_message_reporter"
# Case message: asks an anonymous reporter, in their DM thread, whether they share their name.
ASK_NAME_ACTION = "conv_ask_name"
CASE_BLOCK = "conv_case"

# Receipt DM (reporter): opens ADD_INFO_VIEW / withdraws after Slack's confirm dialog.
ADD_INFO_ACTION = "conv_add_info"
WITHDRAW_ACTION = "conv_withdraw"
RECEIPT_BLOCK = "conv_receipt"

# Consent request in the DM thread.
CONSENT_YES_ACTION = "conv_consent_yes"
CONSENT_NO_ACTION = "conv_consent_no"
# "Which report is this about?" in the DM: one button per open case (action ids
# conv_route_0 .. conv_route_4, newest case first).
ROUTE_ACTION = "conv_route"
ROUTE_CHOICES_MAX = 5
DESK_BUTTONS = (MESSAGE_REPORTER_ACTION, ASK_NAME_ACTION)
REPORTER_BUTTONS = (
    ADD_INFO_ACTION,
    WITHDRAW_ACTION,
    CONSENT_YES_ACTION,
    CONSENT_NO_ACTION,
    *(f"{ROUTE_ACTION}_{i}" for i in range(ROUTE_CHOICES_MAX)),
)

# Modals. private_metadata is JSON {"case_id": int}.
MESSAGE_VIEW = "conv_message_submit"
ADD_INFO_VIEW = "conv_add_info_submit"
TEXT_BLOCK = "conv_text"
TEXT_INPUT = "conv_text_input"
SIGN_BLOCK = "conv_sign"
SIGN_INPUT = "conv_sign_input"
SIGN_VALUE = "sign"
# Evidence on a modal (Add information; the report form): Slack's file_input element.
FILES_BLOCK = "conv_files"
FILES_INPUT = "conv_files_input"

# Outbox kinds (each has a renderer in renderers.py).
TO_DESK = "conversation.to_desk"  # a reporter's message -> case thread
DELIVERED_MARK = "conversation.delivered"  # ✓ on the reporter's message once relayed
TO_REPORTER = "conversation.to_reporter"  # a desk message -> reporter's DM thread
DESK_COPY = "conversation.desk_copy"  # the desk message's copy in the case thread
COPY_UPDATE = "conversation.copy_update"  # an edit/deletion mirrored in the case thread
DM_NOTICE = "conversation.dm_notice"  # a short answer to the reporter in their DM
DESK_LINE = "conversation.desk_line"  # a line in the case thread (consent, withdrawal)
CONSENT_REQUEST = "conversation.consent_request"  # Yes/No in the DM thread
CONSENT_ANSWERED = "conversation.consent_answered"  # the request with its answer, no buttons
ROUTE_QUESTION = "conversation.route_question"  # which case? (buttons)
ROUTE_ANSWERED = "conversation.route_answered"  # the question with the choice, no buttons
EVIDENCE_COPY = "evidence.copy"  # download, strip metadata, upload into the case thread
# Retention: the Slack side of a purged case (rows without a case: the case is gone by then).
PURGE_FILE = "conversation.purge_file"  # files.delete of the bot's copy
PURGE_POST = "conversation.purge_post"  # chat.delete of a bot post (DM thread, case thread)
OUTBOX_KINDS = frozenset(
    {
        TO_DESK,
        DELIVERED_MARK,
        TO_REPORTER,
        DESK_COPY,
        COPY_UPDATE,
        DM_NOTICE,
        DESK_LINE,
        CONSENT_REQUEST,
        CONSENT_ANSWERED,
        ROUTE_QUESTION,
        ROUTE_ANSWERED,
        EVIDENCE_COPY,
        PURGE_FILE,
        PURGE_POST,
    }
)

DELIVERED_REACTION = "white_check_mark"
# Emoji-only, mention or long messages are relayed; only blank ones are not.

# Sealed mode: the reporter's Open button on a notice of a new message from the desk (value: the
# case id); it opens the modal with the desk's messages and a reply box (bot/access).
REPORTER_OPEN_ACTION = "reporter_open"
