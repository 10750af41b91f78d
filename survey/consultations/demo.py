"""The 意见征集 of the demo: the sample draft open for comment with a few opinions, and the same
draft's earlier round, ended, handled and its 意见采纳情况 published."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from survey.consultations import design, feedback, handling, lifecycle, opinions
from survey.consultations.models import Channel, Consultation

DRAFT = Path(__file__).parent / "demo-draft.txt"
ISSUER = "招远市商务局"
OUTCOMES = handling.parse_outcomes("采纳,部分采纳*,不予采纳*,已有规定,其他")
# (article, opinion, name, outcome, reason) of the round already handled.
HANDLED = [
    ("第三条", "建议在培训中增加跨境电商内容。", "朱明", "采纳", ""),
    ("第四条", "奖励门槛1000万美元偏高，建议降至500万美元。", "山东某某进出口有限公司", "部分采纳",
     "综合考虑财政承受能力，门槛调整为800万美元。"),
    ("", "整体支持，建议尽快出台。", "李华", "采纳", ""),
    ("第五条", "建议取消重点企业联系制度。", "", "不予采纳",
     "联系制度是服务企业的必要安排，予以保留。"),
]  # fmt: skip


def load_demo(session: Session, zone: ZoneInfo, now: datetime, secret_key: str) -> None:
    """Load the demo consultations once."""
    if session.scalar(select(Consultation.id).limit(1)) is not None:
        return
    text = DRAFT.read_text(encoding="utf-8")
    earlier, _warnings = design.create_consultation(
        session,
        None,
        design.Settings(
            title="招远市外贸企业服务办法（征求意见稿）",
            issuer=ISSUER,
            opens_at=now - timedelta(days=60),
            closes_at=now - timedelta(days=30),
            minimum_period="days30",
        ),
        text,
    )
    earlier.status = "closed"
    for key, body, name, outcome, reason in HANDLED:
        part = next((p for p in earlier.current.parts if p.key == key), None)
        opinion = opinions.enter(
            session, earlier, None, opinions.Draft(body=body, name=name,
            part_id=part.id if part else None), Channel.EMAIL, now - timedelta(days=40),
            secret_key,
        )  # fmt: skip
        handling.answer(session, earlier, None, [opinion.id], outcome, reason, OUTCOMES, now)
    feedback.publish(session, earlier, None, now - timedelta(days=20), zone, OUTCOMES)

    current, _warnings = design.create_consultation(
        session,
        None,
        design.Settings(
            title="",
            issuer=ISSUER,
            closes_at=now + timedelta(days=30),
            minimum_period="days30",
            contact_lines="信函：招远市商务局外贸科（邮编265400）\n电子邮箱：swj@example.gov.cn",
        ),
        text,
    )
    lifecycle.open_consultation(session, current, None, now - timedelta(days=1))
    session.commit()
