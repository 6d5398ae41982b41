"""The report form's fields, in form order: one row per field drives the modal, the parser, the
copy into the `Case` and the lines the desk sees.

A field's block id is also its `Case` column (and its draft key); its label is the catalogue key
`report.field.<block id>` and, when it is shown to the desk, `case.label.<block id>`. To add an
optional text field the desk should see: one `Field` row here, those two catalogue keys, the
column in `storage/models.py` and a migration.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Kind(StrEnum):
    TEXT = "plain_text_input"
    DATETIME = "datetimepicker"
    SELECT = "static_select"
    MULTI_SELECT = "multi_static_select"
    RADIO = "radio_buttons"
    CHECKBOXES = "checkboxes"
    FILES = "file_input"  # evidence: Slack's file_input, modals only
    USERS = "multi_users_select"  # people (`max_length` is its max_selected_items)


@dataclass(frozen=True)
class Field:
    block_id: str
    kind: Kind
    optional: bool = False
    max_length: int = 0  # TEXT: Slack's max_length on the input, and the parser's limit
    multiline: bool = True  # TEXT
    choices: tuple[str, ...] = ()  # SELECT/RADIO/CHECKBOXES: the option values, in order
    choice_labels: str = ""  # catalogue prefix of the choices' labels: "<prefix>.<choice>"
    initial: tuple[str, ...] = ()  # RADIO/CHECKBOXES: the choices selected when the form opens
    described: bool = False  # RADIO: each choice has `<prefix>.<choice>.description`
    shown_to_desk: bool = False  # TEXT: a labelled quote on the desk's case message
    hint: str = ""  # catalogue key of the hint under the field
    placeholder: str = ""  # catalogue key of the placeholder
    note: str = ""  # catalogue key of a context line just above the field ({channel}: the desk)
    only_with_link: bool = False  # shown only when the form was opened on a message (a link)

    @property
    def action_id(self) -> str:
        # One input element per block, so each block's action id is the block id + "_input".
        return self.block_id + "_input"


NARRATIVE_MAX = 3000
SHORT_TEXT_MAX = 1500

CONTACT_CHANNELS = ("face_to_face", "phone", "email_chat", "social_media", "off_site")
CUSTOMER_TYPES = ("customer", "job_seeker", "corporate_client", "business_partner", "other")
IDENTITY_CHOICES = ("named", "anonymous")
PREFERENCE_CHECKINS = "checkins"
PREFERENCE_POLICE_OK = "police_ok"
# What an optional choice left empty is stored as (the desk sees "Not given").
UNKNOWN = "unknown"

CHOOSE = "report.placeholder.choose"

IN_DANGER = Field(
    "in_danger",
    Kind.RADIO,
    choices=("no", "yes"),
    choice_labels="report.danger",
    initial=("no",),
)
NARRATIVE = Field(
    "narrative",
    Kind.TEXT,
    max_length=NARRATIVE_MAX,
    hint="report.hint.narrative",
    placeholder="report.placeholder.narrative",
)
# The choices come from the guidance content (`GuidanceLibrary.category_choices`).
CATEGORIES = Field(
    "categories",
    Kind.MULTI_SELECT,
    optional=True,
    hint="report.hint.categories",
    placeholder="report.placeholder.categories",
)
# Optional with a default: now (the picker opens on it) and "unknown" for the two choices.
OCCURRED_AT = Field("occurred_at", Kind.DATETIME, optional=True)
CONTACT_CHANNEL = Field(
    "contact_channel",
    Kind.SELECT,
    optional=True,
    choices=CONTACT_CHANNELS,
    choice_labels="report.channel",
    placeholder=CHOOSE,
)
CUSTOMER_TYPE = Field(
    "customer_type",
    Kind.SELECT,
    optional=True,
    choices=CUSTOMER_TYPES,
    choice_labels="report.customer",
    placeholder=CHOOSE,
)
IDENTITY = Field(
    "identity",
    Kind.RADIO,
    choices=IDENTITY_CHOICES,
    choice_labels="report.identity",
    initial=("named",),
    described=True,
    note="report.who_sees",
)
# Evidence: up to 10 files (Slack's file_input limit; `max_length` is its max_files), handed to
# the conversation feature's evidence intake with the new case (ReportDraft.evidence).
EVIDENCE_MAX_FILES = 10
EVIDENCE = Field(
    "evidence",
    Kind.FILES,
    optional=True,
    max_length=EVIDENCE_MAX_FILES,
    hint="evidence.form.hint",
)
# Privacy: an anonymous reporter's link to the message (their own DM or channel) reaches the
# desk only if they tick this.
SHARE_LINK_CHOICE = "share_link"
SHARE_LINK = Field(
    "share_link",
    Kind.CHECKBOXES,
    optional=True,
    choices=(SHARE_LINK_CHOICE,),
    choice_labels="report.share_link",
    only_with_link=True,
)
PREFERENCES = Field(
    "preferences",
    Kind.CHECKBOXES,
    optional=True,
    choices=(PREFERENCE_CHECKINS,),
    choice_labels="report.preference",
    initial=(PREFERENCE_CHECKINS,),
)
# Police consent is its own question (left empty, the desk asks before involving the police).
POLICE = Field(
    "police",
    Kind.CHECKBOXES,
    optional=True,
    choices=(PREFERENCE_POLICE_OK,),
    choice_labels="report.preference",
    hint="report.hint.police",
)

# Privacy: desk members the reporter names as people who must never see the case. Not a case
# column: the restriction feature stores the names in a table of their own (ReportDraft.excluded,
# `Feature(exclusion_hooks=…)`).
EXCLUDED_MAX = 10
EXCLUDED = Field(
    "excluded",
    Kind.USERS,
    optional=True,
    max_length=EXCLUDED_MAX,
    hint="report.hint.excluded",
)


def _optional_text(
    block_id: str, max_length: int = SHORT_TEXT_MAX, multiline: bool = True
) -> Field:
    return Field(
        block_id,
        Kind.TEXT,
        optional=True,
        max_length=max_length,
        multiline=multiline,
        shown_to_desk=True,
    )


# Insight: *Where did it happen* (a place from LOCATIONS, or typed when it is not listed) and
# *Who was the customer, if known*. The place list comes from settings (`report_modal(locations=)`);
# without LOCATIONS only the text field shows. The chosen place is stored in `Case.location`.
LOCATION_CHOICE = Field(
    "location_choice",
    Kind.SELECT,
    optional=True,
    placeholder=CHOOSE,
    hint="report.hint.location_choice",
)
LOCATION_MAX = 100
CUSTOMER_TEXT_MAX = 200


# The one-minute form: safety and who will read it first, then the only required field, so an
# error (if any) shows near the top; everything after the narrative is optional.
FIELDS: tuple[Field, ...] = (
    IN_DANGER,
    IDENTITY,
    NARRATIVE,
    CATEGORIES,
    OCCURRED_AT,
    CONTACT_CHANNEL,
    CUSTOMER_TYPE,
    LOCATION_CHOICE,
    _optional_text("location", LOCATION_MAX, multiline=False),
    _optional_text("customer_text", CUSTOMER_TEXT_MAX, multiline=False),
    _optional_text("demands"),
    _optional_text("witnesses", 500, multiline=False),
    _optional_text("injury"),
    _optional_text("immediate_action"),
    _optional_text("wants"),
    EVIDENCE,
    SHARE_LINK,
    PREFERENCES,
    POLICE,
    EXCLUDED,
)
# Free text the reporter typed, copied into the case column of the same name.
TEXT_FIELDS: tuple[Field, ...] = tuple(field for field in FIELDS if field.kind is Kind.TEXT)
# The optional texts the desk sees under the narrative, in form order.
DESK_TEXT_FIELDS: tuple[Field, ...] = tuple(field for field in FIELDS if field.shown_to_desk)
