"""``flask --app survey <command>``: database, demo, import and export from the shell. Every
command calls the same services as the workspace, audited as done from the shell."""

from __future__ import annotations

import contextlib
import io
import json
import logging
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import click
from flask import Flask, current_app
from sqlalchemy import select

from survey import db
from survey.accounts.models import Department, User
from survey.accounts.roles import ROLE_NAMES, Role
from survey.accounts.services import create_department, create_user
from survey.accounts.tokens import MAX_DAYS, Scope, create_token
from survey.config import office_zone
from survey.consultations import reviewables as consultation_reviews
from survey.consultations.models import Consultation
from survey.core import audit, sealing
from survey.core import backup as backups
from survey.core.errors import Refusal
from survey.core.i18n import _
from survey.core.models import utcnow
from survey.core.timeutil import to_local
from survey.publishing import images
from survey.publishing.renderers import json as json_renderer
from survey.publishing.renderers import pdf, tables, text, word
from survey.review.kinds import Moment
from survey.review.models import ReviewRequest
from survey.review.services import go_public
from survey.surveys import counting, design, lifecycle, personal, publication
from survey.surveys import reviewables as survey_reviews
from survey.surveys.definition import DefinitionError, dump, export_definition
from survey.surveys.exports import CODINGS, csv_chunks, write_xlsx
from survey.surveys.models import Survey
from survey.surveys.queries import load_survey
from survey.surveys.textimport import load_any
from survey.webhooks import addresses, delivery, endpoints

IMPORT_FORMATS = {".yaml": "yaml", ".yml": "yaml", ".json": "json", ".txt": "txt"}
Result = TypeVar("Result")


def register(app: Flask) -> None:
    for command in (init_db, demo, import_survey, export_definition_cmd, export_results):
        app.cli.add_command(command)
    for command in (open_survey, close_survey, publish_results, create_user_cmd, recount_cmd):
        app.cli.add_command(command)
    for command in (generate_responses_cmd, export_responses, import_draft, export_feedback):
        app.cli.add_command(command)
    for command in (create_token_cmd, worker, rotate_data_key, purge_personal_data):
        app.cli.add_command(command)
    for command in (backup_cmd, restore_cmd):
        app.cli.add_command(command)


def _survey(slug: str) -> Survey:
    survey = load_survey(db.get_session(), slug)
    if survey is None:
        raise click.ClickException(_("没有问卷 %(slug)s", slug=slug))
    return survey


def _acting(username: str | None) -> User | None:
    """The account ``--as`` names (None: the shell itself, which review refuses)."""
    if username is None:
        return None
    user = db.get_session().scalar(select(User).where(User.username == username))
    if user is None or not user.is_active:
        raise click.ClickException(_("没有可用的账号 %(name)s", name=username))
    return user


def _go_public(
    action: str,
    subject: Any,
    actor: User | None,
    params: dict[str, Any],
    now: datetime | None = None,
) -> ReviewRequest | dict[str, Any]:
    """Send an item public as the workspace does: through review unless the install turned
    review off."""
    return go_public(
        db.get_session(), action, subject, actor, params,
        Moment(now or utcnow(), office_zone()), review=bool(current_app.config["REVIEW"]),
    )  # fmt: skip


def _said(result: ReviewRequest | dict[str, Any], done: str | None = None) -> None:
    """Say where a submission waits, or (``done``) what was carried out at once."""
    if isinstance(result, ReviewRequest):
        click.echo(
            _("已送审（送审单 %(n)s），等待%(step)s", n=result.id, step=result.chain[0]["name"]),
            err=True,
        )
    elif done:
        click.echo(done, err=True)


AS_USER = click.option(
    "--as", "as_user", metavar="USER", help="The staff account acting (needed with review on)."
)


def _carry_out(action: Callable[[], Result]) -> Result:
    """Run a service call and commit it; a refusal ends the command with its reason."""
    session = db.get_session()
    try:
        result = action()
    except Refusal as refusal:
        session.rollback()
        raise click.ClickException(refusal.message) from None
    session.commit()
    return result


@click.command("init-db")
def init_db() -> None:
    """Create or upgrade the database tables (Alembic migrations)."""
    db.upgrade(current_app)
    click.echo(_("数据库已就绪"), err=True)


@click.command("demo")
def demo() -> None:
    """Load the foreign-trade demo survey with sample answers, and two consultations of a draft
    (one open, one with its 意见采纳情况 published); print the survey's slug."""
    from survey.consultations import demo as consultations_demo
    from survey.surveys.demo import load_demo

    db.upgrade(current_app)
    session, secret_key = db.get_session(), current_app.config["SECRET_KEY"]
    survey = load_demo(session, office_zone(), utcnow(), secret_key)
    consultations_demo.load_demo(session, office_zone(), utcnow(), secret_key)
    click.echo(survey.slug)


@click.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--open", "open_now", is_flag=True, help="Open the survey for answers at once.")
@AS_USER
def import_survey(path: Path, open_now: bool, as_user: str | None) -> None:
    """Import a questionnaire (.yaml, .yml, .json, or .txt plain text); print the new slug."""
    fmt = IMPORT_FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise click.ClickException(
            _("不支持的文件类型 %(suffix)s：请用 .yaml、.json 或 .txt", suffix=path.suffix)
        )
    try:
        content = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise click.ClickException(_("文件不是 UTF-8 编码")) from None
    try:
        loaded = load_any(content, office_zone(), fmt)
    except DefinitionError as error:
        for problem in error.problems:
            click.echo(f"{path}: {problem}", err=True)
        sys.exit(1)
    for warning in loaded.warnings:
        click.echo(f"{path}: " + _("注意：%(problem)s", problem=warning), err=True)
    session = db.get_session()
    actor = _acting(as_user)
    opened: list[ReviewRequest | dict[str, Any]] = []

    def import_and_open() -> Survey:
        survey = design.import_survey(session, actor, loaded.definition, fmt)
        if open_now:
            session.flush()
            opened.append(_go_public(survey_reviews.OPEN, survey, actor, {"at": None}))
        return survey

    click.echo(_carry_out(import_and_open).slug)
    for result in opened:
        _said(result)


@click.command("export-definition")
@click.argument("slug")
@click.option("--format", "fmt", type=click.Choice(["yaml", "json"]), default="yaml")
def export_definition_cmd(slug: str, fmt: str) -> None:
    """Print a survey's questionnaire in the survey/v1 format."""
    click.echo(dump(export_definition(_survey(slug), office_zone()), fmt), nl=False)


@click.command("export-results")
@click.argument("slug")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "csv", "xlsx", "pdf", "docx"]),
    default="text",
)
@click.option(
    "--output", "-o", type=click.Path(dir_okay=False, path_type=Path), help="File to write."
)
def export_results(slug: str, fmt: str, output: Path | None) -> None:
    """Write the result tables (text: the annual-report format; xlsx, pdf and docx need
    --output)."""
    from survey.publishing.html import printable_html

    session = db.get_session()
    survey = _survey(slug)
    if fmt in ("xlsx", "pdf", "docx") and output is None:
        raise click.ClickException(_("%(format)s 需要用 --output 指定文件", format=fmt.upper()))
    document = publication.staff_document(session, survey, office_zone())
    _carry_out(lambda: audit.record(session, None, "results.export", survey, format=fmt))
    if fmt == "xlsx" and output is not None:
        tables.write_xlsx(document, output)
        return
    if fmt == "docx" and output is not None:
        pictures = images.pictures(document)
        if pictures is None:
            click.echo(_("注意：统计图未能生成，Word 文件只含表格"), err=True)
        today = to_local(utcnow(), office_zone()).date()
        output.write_bytes(word.render(document, today, pictures))
        return
    if fmt == "pdf" and output is not None:
        try:
            output.write_bytes(pdf.html_to_pdf(printable_html(document, utcnow())))
        except Refusal as refusal:
            raise click.ClickException(refusal.message) from None
        return
    if fmt == "json":
        content = json.dumps(json_renderer.render(document, slug), ensure_ascii=False, indent=2)
        content += "\n"
    elif fmt == "text":
        content = text.render(document)
    else:
        content = tables.to_csv(document)
    if output:
        output.write_text(content, encoding="utf-8")
        return
    with _stdout() as target:
        target.write(content)


@click.command("open")
@click.argument("slug")
@AS_USER
def open_survey(slug: str, as_user: str | None) -> None:
    """Open a survey for answers (from now, or from its opening time), through review."""
    survey, actor = _survey(slug), _acting(as_user)
    result = _carry_out(lambda: _go_public(survey_reviews.OPEN, survey, actor, {"at": None}))
    _said(result)


@click.command("close")
@click.argument("slug")
def close_survey(slug: str) -> None:
    """Stop taking answers."""
    survey = _survey(slug)
    _carry_out(lambda: lifecycle.close_survey(db.get_session(), survey, None))


@click.command("publish-results")
@click.argument("slug")
@click.option("--withdraw", is_flag=True, help="Take the results page down again.")
@click.option("--reason", default="", help="Why it is withdrawn (the public page says so).")
@AS_USER
def publish_results(slug: str, withdraw: bool, reason: str, as_user: str | None) -> None:
    """Publish the survey's 结果反馈 page (or withdraw it), through review."""
    session, survey, actor = db.get_session(), _survey(slug), _acting(as_user)
    if withdraw:
        result = _carry_out(
            lambda: _go_public(survey_reviews.WITHDRAW, survey, actor, {"reason": reason})
        )
        _said(result, _("结果已撤回"))
        return
    result = _carry_out(
        lambda: _go_public(
            survey_reviews.PUBLISH, survey, actor, publication.resolve(session, survey)
        )
    )
    version = result.get("version", "") if isinstance(result, dict) else ""
    _said(result, _("已发布第 %(n)s 版结果反馈", n=version))


@click.command("create-user")
@click.argument("username")
@click.option("--role", type=click.Choice([role.value for role in Role]), default=Role.EDITOR.value)
@click.option("--name", "display_name", default="", help="The person's name, for the audit log.")
@click.option("--department", default="", help="The 科室 (created if new).")
def create_user_cmd(username: str, role: str, display_name: str, department: str) -> None:
    """Create a staff account; the password is asked for (or read from standard input)."""
    if sys.stdin.isatty():
        password = click.prompt(_("密码"), hide_input=True, confirmation_prompt=_("再次输入密码"))
    else:
        password = sys.stdin.readline().rstrip("\n")
    session = db.get_session()

    def create() -> User:
        unit = None
        if department.strip():
            unit = session.scalar(
                select(Department).where(Department.name == department.strip())
            ) or create_department(session, department, None)
        return create_user(
            session, username, password, Role(role), display_name=display_name, department=unit
        )

    _carry_out(create)
    click.echo(
        _("已创建%(role)s账号 %(name)s", role=ROLE_NAMES[Role(role)], name=username), err=True
    )


@click.command("create-token")
@click.argument("username")
@click.option("--scope", type=click.Choice([scope.value for scope in Scope]), default="read")
@click.option("--expires", "days", type=click.IntRange(1, MAX_DAYS), help="Valid for DAYS days.")
@click.option("--name", default="", help="What the token is for (shown beside it).")
def create_token_cmd(username: str, scope: str, days: int | None, name: str) -> None:
    """Create an API token for USERNAME and print it, once: it is stored hashed only."""
    user = _acting(username)
    assert user is not None
    _token, plain = _carry_out(
        lambda: create_token(db.get_session(), user, Scope(scope), utcnow(), name=name, days=days)
    )
    click.echo(plain)


@click.command("worker")
@click.option("--once", is_flag=True, help="Deliver what is due now, then stop.")
def worker(once: bool) -> None:
    """Deliver webhook messages from the outbox until stopped (SIGTERM or Ctrl+C): run one
    or more beside gunicorn, on any host of the installation."""
    config = current_app.config
    send = delivery.http_sender(addresses.networks(config["WEBHOOK_ALLOWED_NETWORKS"]))
    open_session = current_app.extensions["survey.sessionmaker"]
    if once:
        with open_session() as session:
            click.echo(f"{delivery.run_once(session, send, config['DATA_KEY'])} attempted")
        return
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")  # each attempt
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_args: stop.set())
    click.echo("Delivering webhooks; stop with Ctrl+C", err=True)
    delivery.run(open_session, send, config["DATA_KEY"], config["WEBHOOK_POLL_SECONDS"], stop)


@click.command("rotate-data-key")
@click.option(
    "--new-key", metavar="KEY",
    help="The key to seal under (base64 of 32 bytes): by default a new one, written to "
    "instance/data_key. With SURVEY_DATA_KEY set, give the key every host already has.",
)  # fmt: skip
def rotate_data_key(new_key: str | None) -> None:
    """Seal every personal answer and webhook signing secret again under a new data key."""
    config = current_app.config
    keys = list(config["DATA_KEYS"])
    from_environment = "SURVEY_DATA_KEY" in os.environ
    if from_environment and new_key is None:
        raise click.ClickException(
            _("数据密钥来自 SURVEY_DATA_KEY：请先在每台主机上设置新的 SURVEY_DATA_KEY，并把旧密钥"
              "放入 SURVEY_PREVIOUS_DATA_KEYS，重启后再以 --new-key 运行本命令")
        )  # fmt: skip
    new_key = new_key or sealing.new_key()
    try:
        sealing.seal(new_key, "", "check")
    except sealing.SealingError as error:
        raise click.ClickException(str(error)) from None
    if not from_environment:
        # The old keys are kept first, then the new one takes over: every sealed value opens
        # under one of them throughout, and again if the run is interrupted and repeated.
        instance = Path(current_app.instance_path)
        instance.mkdir(parents=True, exist_ok=True)
        _replace_key_file(
            instance / "previous_data_keys", ",".join(k for k in keys if k != new_key)
        )
        _replace_key_file(instance / "data_key", new_key)
    session = db.get_session()
    answers = personal.reseal(session, keys, new_key)
    secrets_resealed = endpoints.reseal(session, keys, new_key)
    _carry_out(
        lambda: audit.record(
            session, None, "data_key.rotate", answers=answers, webhook_secrets=secrets_resealed
        )
    )
    click.echo(_("已用新密钥重新加密 %(a)s 条个人信息、%(w)s 个推送签名密钥。请重启所有进程。",
                 a=answers, w=secrets_resealed))  # fmt: skip


def _replace_key_file(path: Path, content: str) -> None:
    """Write a key file whole (readable by the owner only), replacing the old one at once."""
    staged = path.with_suffix(".new")
    fd = os.open(staged, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(content)
    os.replace(staged, path)


@click.command("purge-personal-data")
def purge_personal_data() -> None:
    """Delete the personal answers of surveys closed longer ago than their retention period
    (safe to run from cron: what is deleted once is not counted again)."""
    session = db.get_session()
    for survey, deleted in personal.purge(session, utcnow()):
        click.echo(_("《%(title)s》：已删除 %(n)s 条个人信息", title=survey.title, n=deleted))


@click.command("recount")
@click.argument("slug")
@click.option("--check", is_flag=True, help="Only compare; exit 1 if a counter is wrong.")
def recount_cmd(slug: str, check: bool) -> None:
    """Rebuild the result counters from the stored answers and report any difference."""
    session = db.get_session()
    differences = counting.recount(session, _survey(slug))
    for difference in differences:
        click.echo(str(difference))
    if check:
        session.rollback()
        if differences:
            sys.exit(1)
    else:
        session.commit()
    click.echo(
        _("计数一致") if not differences else _("已更正 %(n)s 处", n=len(differences)), err=True
    )


@click.command("backup")
@click.argument("path", metavar="FILE", type=click.Path(path_type=Path))
def backup_cmd(path: Path) -> None:
    """Write a copy of the whole database to FILE, safely while the app serves (SQLite: its
    online backup; PostgreSQL: pg_dump's custom format)."""
    try:
        written = backups.backup(current_app.config["DATABASE_URL"], path)
    except Refusal as refusal:
        raise click.ClickException(refusal.message) from None
    size = backups.size_text(written.size)
    click.echo(_("已备份到 %(path)s（%(size)s）", path=written.path, size=size))


@click.command("restore")
@click.argument("path", metavar="FILE", type=click.Path(path_type=Path))
def restore_cmd(path: Path) -> None:
    """Restore a backup made by `backup` into the configured database, which must be empty."""
    current_app.extensions["survey.engine"].dispose()  # no connection of ours stays open on it
    try:
        restored = backups.restore(current_app.config["DATABASE_URL"], path)
    except Refusal as refusal:
        raise click.ClickException(refusal.message) from None
    click.echo(_("已从 %(path)s 恢复到 %(target)s", path=path, target=restored.target))
    state, head = backups.revision_state(restored.revision, db.MIGRATIONS)
    if state == "behind":
        click.echo(
            _("备份的数据库版本 %(revision)s 早于本程序的 %(head)s：请先运行 "
              "flask --app survey init-db 升级，再启动服务", revision=restored.revision, head=head),
            err=True,
        )  # fmt: skip
    elif state == "unknown":
        click.echo(
            _("备份的数据库版本 %(revision)s 比本程序新（或不是本程序的）：请用做备份时的版本运行",
              revision=restored.revision),
            err=True,
        )  # fmt: skip
    elif state == "missing":
        click.echo(
            _("备份中没有数据库版本记录（alembic_version），可能不是本程序的数据库"), err=True
        )


@click.command("generate-responses")
@click.argument("slug")
@click.argument("count", type=click.IntRange(1, 10_000_000))
@click.option("--seed", type=int, help="Make the answers repeatable.")
def generate_responses_cmd(slug: str, count: int, seed: int | None) -> None:
    """Add COUNT valid synthetic responses (for demos and load tests)."""
    from survey.surveys.generate import generate_responses

    started = time.perf_counter()
    survey = _survey(slug)
    with click.progressbar(length=count, label=_("生成答卷"), file=sys.stderr) as bar:
        previous = 0
        for done in generate_responses(
            db.get_session(), survey, count, utcnow(), seed, current_app.config["DATA_KEY"]
        ):
            bar.update(done - previous)
            previous = done
    elapsed = f"{time.perf_counter() - started:.1f}"
    click.echo(_("已生成 %(n)s 份答卷，用时 %(s)s 秒", n=count, s=elapsed), err=True)


@click.command("export-responses")
@click.argument("slug")
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx"]), default="csv")
@click.option(
    "--coding", type=click.Choice(CODINGS), default="text", help="Options by text or number."
)
@click.option(
    "--output", "-o", type=click.Path(dir_okay=False, path_type=Path), help="File to write."
)
def export_responses(slug: str, fmt: str, coding: str, output: Path | None) -> None:
    """Write every response as a row (CSV to standard output unless --output is given)."""
    session = db.get_session()
    survey = _survey(slug)
    _carry_out(
        lambda: audit.record(session, None, "responses.export", survey, format=fmt, coding=coding)
    )
    if fmt == "xlsx":
        if output is None:
            raise click.ClickException(_("%(format)s 需要用 --output 指定文件", format="XLSX"))
        write_xlsx(session, survey, office_zone(), output, coding)
        return
    with open(output, "w", encoding="utf-8", newline="") if output else _stdout() as target:
        for chunk in csv_chunks(session, survey, office_zone(), coding):
            target.write(chunk)


@click.command("import-draft")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--title", default="", help="The title (default: the draft's first line).")
@click.option("--issuer", default="", help="发布单位.")
@click.option("--open", "open_now", is_flag=True, help="Open it for opinions at once.")
@click.option("--days", type=click.IntRange(1, 3650), help="Take opinions for this many days.")
@AS_USER
def import_draft(
    path: Path, title: str, issuer: str, open_now: bool, days: int | None, as_user: str | None
) -> None:
    """Put a draft (.txt or .docx) out for comment as a new 意见征集; print its slug."""
    from survey.consultations import design as drafts
    from survey.consultations.wordfile import read_docx

    suffix = path.suffix.lower()
    if suffix not in (".txt", ".docx"):
        raise click.ClickException(
            _("不支持的文件类型 %(suffix)s：请用 .txt 或 .docx", suffix=path.suffix)
        )
    warnings: list[str] = []
    try:
        if suffix == ".docx":
            word = read_docx(path.read_bytes())
            content, warnings = word.text, word.warnings
        else:
            content = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise click.ClickException(_("文件不是 UTF-8 编码")) from None
    except Refusal as refusal:
        raise click.ClickException(refusal.message) from None
    now = utcnow()
    settings = drafts.Settings(
        title=title, issuer=issuer, closes_at=now + timedelta(days=days) if days else None
    )
    session = db.get_session()
    actor = _acting(as_user)
    opened: list[ReviewRequest | dict[str, Any]] = []

    def create_and_open() -> Consultation:
        consultation, split_warnings = drafts.create_consultation(session, actor, settings, content)
        warnings.extend(split_warnings)
        if open_now:
            opened.append(_go_public(consultation_reviews.OPEN, consultation, actor, {}, now))
        return consultation

    consultation = _carry_out(create_and_open)
    for warning in warnings:
        click.echo(f"{path}: " + _("注意：%(problem)s", problem=warning), err=True)
    click.echo(consultation.slug)
    for result in opened:
        _said(result)


@click.command("export-feedback")
@click.argument("slug")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "xlsx", "pdf"]), default="text")
@click.option(
    "--output", "-o", type=click.Path(dir_okay=False, path_type=Path), help="File to write."
)
def export_feedback(slug: str, fmt: str, output: Path | None) -> None:
    """Write a consultation's 意见采纳情况 (the latest published version, else the opinions
    handled so far); xlsx and pdf need --output."""
    from survey.consultations import feedback
    from survey.consultations.handling import parse_outcomes
    from survey.consultations.queries import load_consultation
    from survey.publishing.html import printable_opinions_html
    from survey.publishing.renderers import opinions as opinion_tables

    session = db.get_session()
    consultation = load_consultation(session, slug)
    if consultation is None:
        raise click.ClickException(_("没有意见征集 %(slug)s", slug=slug))
    if fmt in ("xlsx", "pdf") and output is None:
        raise click.ClickException(_("%(format)s 需要用 --output 指定文件", format=fmt.upper()))
    publication = feedback.latest_publication(session, consultation)
    if publication is not None and consultation.feedback_published:
        document, published_at = feedback.published(publication), publication.published_at
    else:
        outcomes = parse_outcomes(current_app.config["OPINION_OUTCOMES"])
        document = feedback.document(session, consultation, office_zone(), outcomes)
        published_at = None
    _carry_out(lambda: audit.record(session, None, "feedback.export", consultation, format=fmt))
    if fmt == "pdf":
        try:
            content = pdf.html_to_pdf(printable_opinions_html(document, published_at))
        except Refusal as refusal:
            raise click.ClickException(refusal.message) from None
    else:
        content = opinion_tables.export(document, fmt)
    if output:
        output.write_bytes(content)
        return
    sys.stdout.buffer.write(content)
    sys.stdout.buffer.flush()


@contextlib.contextmanager
def _stdout() -> Iterator[io.TextIOWrapper]:
    """Standard output as UTF-8 text whatever the terminal's locale, left open afterwards."""
    wrapper = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="")
    try:
        yield wrapper
    finally:
        wrapper.flush()
        wrapper.detach()
