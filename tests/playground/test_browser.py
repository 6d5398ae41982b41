"""The playground in a browser, as people use it: an employee reports from the form in Japanese,
a desk member acknowledges and messages the reporter, the reporter answers, a check-in is answered
after a fast-forward, and the desk lead opens the App Home. Each step waits for what the page
shows (Playwright's auto-waiting expectations), never for a fixed time. The screenshots the README
shows are taken here, so they are always of the app as it is."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import Locator, Page, expect

from tests.conversation_support import png_bytes
from tests.playground.conftest import SCREENSHOTS, Playground

# A busy 2-core machine: the app may take a while, but each wait ends as soon as the text shows.
expect.set_options(timeout=45_000)

NARRATIVE = "レジでお客様に30分以上大声で怒鳴られ、「顔を覚えたからな」と言われました。"
MENTAL_ABUSE = "精神的な攻撃(脅迫・中傷・名誉毀損・侮辱・暴言)"
DESK_MESSAGE = "ご報告ありがとうございます。今日お話しできる時間はありますか。"
REPORTER_ANSWER = "15時以降なら大丈夫です。"


def act_as(page: Page, name: str) -> None:
    person = page.get_by_role("button", name=name)
    person.click()
    expect(person).to_have_attribute("aria-pressed", "true")


def say(page: Page, text: str) -> None:
    box = page.locator("main .composer textarea")
    box.fill(text)
    box.press("Enter")


def message_with(page: Page, text: str) -> Locator:
    return page.locator("main .msg").filter(has_text=text).last


def case_message(page: Page, open_case: str = "ケースを開く") -> Locator:
    """The newest case message: sealed, it shows no text of the report, only its buttons."""
    return page.locator("main .msg").filter(has=page.get_by_role("button", name=open_case)).last


def shot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


def test_report_acknowledge_converse_checkin_and_home(playground: Playground, browser: Any) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 860}, locale="ja-JP")
    page.goto(playground.url)
    expect(page.locator("#banner")).to_contain_text("Slack には接続していません")

    # An employee reports from the form, in Japanese.
    act_as(page, "佐藤 花子")
    say(page, "/harassment")
    form = page.get_by_role("dialog", name="カスハラの報告")
    expect(form).to_be_visible()
    form.get_by_role("button", name="送信する").click()
    expect(form.get_by_role("alert").first).to_contain_text("この項目は必須です")
    form.get_by_role("textbox", name="何があったか").fill(NARRATIVE)
    form.get_by_label("行為の種類(当てはまるものすべて)").select_option(label=MENTAL_ABUSE)
    form.get_by_label("どのような場面で").select_option(label="対面")
    form.get_by_label("後日DMで様子を聞いてほしい").check()
    shot(page, "form")
    form.get_by_role("button", name="送信する").click()
    expect(form).to_contain_text("相談窓口へお届けします")
    form.get_by_role("button", name="閉じる").last.click()
    expect(form).to_be_hidden()
    receipt = message_with(page, "ご報告ありがとうございます")
    expect(receipt).to_be_visible()

    # A desk member sees the case (sealed: a notice, no text), acknowledges it, reads it in the
    # Open case modal and writes to the reporter.
    act_as(page, "田中 祐樹")
    case = case_message(page)
    expect(case).to_be_visible()
    expect(case).not_to_contain_text(NARRATIVE[:12])
    shot(page, "case")
    case.get_by_role("button", name="確認(受付)").click()
    expect(case_message(page)).to_contain_text("田中 祐樹")
    case_message(page).get_by_role("button", name="ケースを開く").click()
    opened = page.get_by_role("dialog", name=re.compile("ケース"))
    expect(opened).to_contain_text(NARRATIVE[:12])
    opened.get_by_role("button", name="閉じる").last.click()
    expect(opened).to_be_hidden()
    case_message(page).get_by_role("button", name="相談者にメッセージ").click()
    dialog = page.get_by_role("dialog", name="相談者へのメッセージ")
    dialog.get_by_role("textbox").first.fill(DESK_MESSAGE)
    dialog.get_by_role("button", name="送信").click()
    expect(dialog).to_be_hidden()

    # The reporter is told in the bot's DM, reads it with Open and answers in its thread.
    act_as(page, "佐藤 花子")
    receipt = message_with(page, "ご報告ありがとうございます")
    receipt.get_by_role("button", name=re.compile("件の返信")).click()
    thread = page.get_by_role("complementary", name="スレッド")
    expect(thread).to_contain_text("窓口から新しいメッセージがあります")
    expect(thread).not_to_contain_text(DESK_MESSAGE)
    thread.get_by_role("button", name="開く").last.click()
    letter = page.get_by_role("dialog", name="窓口より")
    expect(letter).to_contain_text(DESK_MESSAGE)
    letter.get_by_role("button", name="閉じる").last.click()
    expect(letter).to_be_hidden()
    box = thread.locator(".composer textarea")
    box.fill(REPORTER_ANSWER)
    box.press("Enter")
    expect(thread).to_contain_text(REPORTER_ANSWER)

    # The desk sees that the reporter wrote in the case thread, and reads it in the modal.
    act_as(page, "田中 祐樹")
    case_message(page).get_by_role("button", name=re.compile("件の返信")).click()
    expect(page.get_by_role("complementary", name="スレッド")).to_contain_text(
        "相談者からメッセージ"
    )
    shot(page, "conversation")
    case_message(page).get_by_role("button", name="ケースを開く").click()
    expect(page.get_by_role("dialog", name=re.compile("ケース"))).to_contain_text(REPORTER_ANSWER)
    page.get_by_role("dialog", name=re.compile("ケース")).get_by_role(
        "button", name="閉じる"
    ).last.click()

    # A day later the reporter is asked how they are, and answers.
    page.get_by_role("button", name="+1日").click()
    act_as(page, "佐藤 花子")
    checkin = page.locator("main .msg").filter(has=page.get_by_role("button", name="大丈夫です"))
    expect(checkin).to_be_visible()
    checkin.get_by_role("button", name="大丈夫です").click()
    expect(page.locator("main")).to_contain_text("ありがとうございます")

    # The desk lead opens the App Home overview.
    act_as(page, "伊藤 恵子")
    page.get_by_role("button", name="Harassment Desk").click()
    page.get_by_role("tab", name="ホーム").click()
    home = page.get_by_label("ホーム", exact=True)
    expect(home).to_contain_text("相談窓口")
    expect(home).to_contain_text("対応中の案件")
    shot(page, "home")


def test_typed_text_shortcuts_and_private_answers_look_as_in_slack(
    playground: Playground, browser: Any
) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 860}, locale="en-US")
    page.goto(playground.url)
    act_as(page, "Alex Morgan")
    page.get_by_role("button", name="# general").click()

    # What a person types is shown as typed: markup formats, HTML stays text.
    say(page, "<b>not bold</b> & *bold* _slanted_")
    typed = message_with(page, "<b>not bold</b> &")
    expect(typed.locator("b")).to_have_text("bold")
    expect(typed.locator("i")).to_have_text("slanted")

    # The app's answer to a command is shown to the one who typed it only.
    say(page, "/harassment help")
    expect(page.locator("main .ephemeral")).to_contain_text("Only visible to you")

    # The message shortcut on a colleague's message opens the form, filled in from it.
    colleague = message_with(page, "先ほどのお客様")
    colleague.hover()
    colleague.get_by_role("button", name="More actions").click()
    page.get_by_role("menuitem", name="Report this harassment").click()
    form = page.get_by_role("dialog", name="Report harassment")
    expect(form).to_contain_text("Filled in from")

    # The app's own check answers with response_action errors, shown under the field.
    form.get_by_label("When did it happen?").fill("2099-01-01T10:00")
    form.get_by_role("button", name="Send report").click()
    in_the_future = "This time is in the future. When did it happen?"
    expect(form.get_by_role("alert")).to_have_text(in_the_future)
    form.get_by_label("When did it happen?").fill("")

    # A file from the computer goes with the report and reaches the case thread.
    form.get_by_label("Evidence (screenshots, recordings, documents)").set_input_files(
        files=[{"name": "counter.png", "mimeType": "image/png", "buffer": png_bytes()}]
    )
    expect(form).to_contain_text("📎 counter.png")
    form.get_by_role("button", name="Send report").click()
    expect(form).to_contain_text("on its way to the consultation desk")
    form.get_by_role("button", name="Close").last.click()
    act_as(page, "Sam Lee")
    case = case_message(page)
    case.get_by_role("button", name=re.compile("replies")).click()
    # Sealed, the desk's copy is named neutrally: a file's name is text its sender wrote.
    expect(page.get_by_role("complementary", name="Thread")).to_contain_text("📎 evidence-1")
