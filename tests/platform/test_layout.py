"""The house rules the layout promises (docs/architecture.md), checked on the source itself."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from bot.app import FeaturesDoNotFit, check_renderers
from bot.deps import Feature
from bot.outbox import Delivery, Skip
from tests.harness import PROJECT_ROOT

FEATURES = (
    "report",
    "desk",
    "checkins",
    "home",
    "guidance",
    "retention",
    "conversation",
    "awareness",
    "sos",
    "customers",
    "deskhours",
    "export",
    "stats",
    "privacy",
    "restriction",
)


def imports_of(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.append(node.module)
        elif isinstance(node, ast.Import):
            found.extend(alias.name for alias in node.names)
    return found


@pytest.mark.parametrize("feature", FEATURES)
def test_a_feature_uses_other_features_only_through_their_package(feature: str) -> None:
    """`from bot.report import enqueue_case_update` is fine, `bot.report.service` is not."""
    offending = []
    for path in sorted((PROJECT_ROOT / "bot" / feature).glob("*.py")):
        for module in imports_of(path):
            parts = module.split(".")
            inside_another = len(parts) > 2 and parts[0] == "bot" and parts[1] in FEATURES
            if inside_another and parts[1] != feature:
                offending.append(f"{path.name}: {module}")
    assert offending == []


def test_desk_and_home_do_not_import_each_other_both_ways() -> None:
    def uses(feature: str, other: str) -> bool:
        return any(
            module == f"bot.{other}" or module.startswith(f"bot.{other}.")
            for path in (PROJECT_ROOT / "bot" / feature).glob("*.py")
            for module in imports_of(path)
        )

    assert not (uses("desk", "home") and uses("home", "desk"))


def test_listeners_and_features_leave_sql_to_the_repositories() -> None:
    for folder in ("handlers",):
        for path in (PROJECT_ROOT / folder).rglob("*.py"):
            assert not any(m.startswith("sqlalchemy") for m in imports_of(path)), path
    for path in (PROJECT_ROOT / "bot").rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        assert "from sqlalchemy import select" not in source, path


def skip(session: object, message: object) -> Delivery:
    return Skip("test")


def test_the_app_refuses_to_start_with_an_outbox_kind_nobody_renders() -> None:
    declared_only = Feature(outbox_kinds=frozenset({"x.kind"}))
    with pytest.raises(FeaturesDoNotFit, match=r"'x\.kind' has no renderer"):
        check_renderers([declared_only])
    undeclared = Feature(renderers={"y.kind": skip})
    with pytest.raises(FeaturesDoNotFit, match=r"'y\.kind' is not declared"):
        check_renderers([undeclared])
    both = Feature(outbox_kinds=frozenset({"z.kind"}), renderers={"z.kind": skip})
    assert set(check_renderers([both])) == {"z.kind"}


# A comment naming a ticket points at a tracker that is not in the repository; git history keeps
# the link. Migrations' revision ids are names, not comments, and do not match.
TICKET = re.compile(r"\b(issue|finding) #?\d+", re.IGNORECASE)


def test_comments_and_docstrings_say_the_concept_not_the_ticket() -> None:
    found = [
        f"{path.relative_to(PROJECT_ROOT)}:{number}"
        for folder in ("bot", "handlers", "storage", "tests", "bench")
        for path in sorted((PROJECT_ROOT / folder).rglob("*"))
        if path.suffix in (".py", ".yaml")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if TICKET.search(line)
    ]
    assert found == []
