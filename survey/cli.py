"""``flask --app survey <command>``: database, demo, import and export from the shell."""

from __future__ import annotations

import contextlib
import io
import json
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import click
from flask import Flask, current_app

from survey import audit, db, lifecycle, snapshot, tally
from survey.accounts import AccountError, create_user
from survey.collect import load_survey
from survey.definition import DefinitionError, create_survey, dump, export_definition
from survey.models import Role, Survey, utcnow
from survey.publish import json as json_export
from survey.publish import tables
from survey.publish import text as text_export
from survey.publish.responses import CODINGS, csv_chunks, write_xlsx
from survey.results import survey_results
from survey.textimport import load_any
from survey.timeutil import office_zone

IMPORT_FORMATS = {".yaml": "yaml", ".yml": "yaml", ".json": "json", ".txt": "txt"}


def register(app: Flask) -> None:
    for command in (init_db, demo, import_survey, export_definition_cmd, export_results):
        app.cli.add_command(command)
    for command in (open_survey, close_survey, publish_results, create_user_cmd, recount_cmd):
        app.cli.add_command(command)
    for command in (generate_responses_cmd, export_responses):
        app.cli.add_command(command)


def _survey(slug: str) -> Survey:
    survey = load_survey(db.get_session(), slug)
    if survey is None:
        raise click.ClickException(f"没有问卷 {slug}")
    return survey


@click.command("init-db")
def init_db() -> None:
    """Create or upgrade the database tables (Alembic migrations)."""
    db.upgrade(current_app)
    click.echo("数据库已就绪", err=True)


@click.command("demo")
def demo() -> None:
    """Load the foreign-trade demo survey with sample answers; print its slug."""
    from survey.demo import load_demo

    db.upgrade(current_app)
    survey = load_demo(db.get_session(), office_zone(), utcnow(), current_app.secret_key)
    click.echo(survey.slug)


@click.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--open", "open_now", is_flag=True, help="Open the survey for answers at once.")
def import_survey(path: Path, open_now: bool) -> None:
    """Import a questionnaire (.yaml, .yml, .json, or .txt plain text); print the new slug."""
    fmt = IMPORT_FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise click.ClickException(f"不支持的文件类型 {path.suffix}：请用 .yaml、.json 或 .txt")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise click.ClickException("文件不是 UTF-8 编码") from None
    try:
        loaded = load_any(text, office_zone(), fmt)
    except DefinitionError as error:
        for problem in error.problems:
            click.echo(f"{path}: {problem}", err=True)
        sys.exit(1)
    for warning in loaded.warnings:
        click.echo(f"{path}: 注意：{warning}", err=True)
    session = db.get_session()
    survey = create_survey(session, loaded.definition)
    audit.record(session, None, "survey.import", survey, format=fmt)
    if open_now:
        try:
            survey.open(utcnow())
        except ValueError as error:
            raise click.ClickException(str(error)) from None
        audit.record(session, None, "survey.open", survey)
    session.commit()
    click.echo(survey.slug)


@click.command("export-definition")
@click.argument("slug")
@click.option("--format", "fmt", type=click.Choice(["yaml", "json"]), default="yaml")
def export_definition_cmd(slug: str, fmt: str) -> None:
    """Print a survey's questionnaire in the survey/v1 format."""
    click.echo(dump(export_definition(_survey(slug), office_zone()), fmt), nl=False)


@click.command("export-results")
@click.argument("slug")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json", "csv", "xlsx", "pdf"]), default="text"
)
@click.option(
    "--output", "-o", type=click.Path(dir_okay=False, path_type=Path), help="File to write."
)
def export_results(slug: str, fmt: str, output: Path | None) -> None:
    """Write the result tables (text: the annual-report format; xlsx and pdf need --output)."""
    session = db.get_session()
    survey = _survey(slug)
    results = survey_results(session, survey)
    audit.record(session, None, "results.export", survey, format=fmt)
    session.commit()
    if fmt in ("xlsx", "pdf") and output is None:
        raise click.ClickException(f"{fmt.upper()} 需要用 --output 指定文件")
    if fmt == "json":
        text = json.dumps(json_export.render(results), ensure_ascii=False, indent=2) + "\n"
    elif fmt == "text":
        text = text_export.render(results)
    elif fmt == "csv":
        text = tables.to_csv(snapshot.build(session, results))
    elif fmt == "xlsx":
        tables.write_xlsx(snapshot.build(session, results), output)  # type: ignore[arg-type]
        return
    else:
        document = snapshot.build(session, results)
        pdf = tables.html_to_pdf(tables.printable_html(document, utcnow()))
        output.write_bytes(pdf)  # type: ignore[union-attr]
        return
    if output:
        output.write_text(text, encoding="utf-8")
        return
    with _stdout() as target:
        target.write(text)


@click.command("open")
@click.argument("slug")
def open_survey(slug: str) -> None:
    """Open a survey for answers (from now, or from its opening time)."""
    survey = _survey(slug)
    try:
        survey.open(utcnow())
    except ValueError as error:
        raise click.ClickException(str(error)) from None
    audit.record(db.get_session(), None, "survey.open", survey)
    db.get_session().commit()


@click.command("close")
@click.argument("slug")
def close_survey(slug: str) -> None:
    """Stop taking answers."""
    survey = _survey(slug)
    survey.close()
    audit.record(db.get_session(), None, "survey.close", survey)
    db.get_session().commit()


@click.command("publish-results")
@click.argument("slug")
@click.option("--withdraw", is_flag=True, help="Take the results page down again.")
def publish_results(slug: str, withdraw: bool) -> None:
    """Publish the survey's 结果反馈 page (or withdraw it)."""
    session, survey = db.get_session(), _survey(slug)
    try:
        if withdraw:
            lifecycle.unpublish_results(session, survey, None)
        else:
            publication = lifecycle.publish_results(session, survey, None, utcnow())
            click.echo(f"已发布第 {publication.version} 版结果反馈", err=True)
    except lifecycle.LifecycleError as error:
        raise click.ClickException(str(error)) from None
    session.commit()


@click.command("create-user")
@click.argument("username")
@click.option("--role", type=click.Choice([role.value for role in Role]), default=Role.EDITOR.value)
@click.option("--name", "display_name", default="", help="The person's name, for the audit log.")
def create_user_cmd(username: str, role: str, display_name: str) -> None:
    """Create a staff account; the password is asked for (or read from standard input)."""
    if sys.stdin.isatty():
        password = click.prompt("密码", hide_input=True, confirmation_prompt="再次输入密码")
    else:
        password = sys.stdin.readline().rstrip("\n")
    session = db.get_session()
    try:
        create_user(session, username, password, Role(role), display_name=display_name)
    except AccountError as error:
        raise click.ClickException(str(error)) from None
    session.commit()
    click.echo(f"已创建 {role} 账号 {username}", err=True)


@click.command("recount")
@click.argument("slug")
@click.option("--check", is_flag=True, help="Only compare; exit 1 if a counter is wrong.")
def recount_cmd(slug: str, check: bool) -> None:
    """Rebuild the result counters from the stored answers and report any difference."""
    session = db.get_session()
    differences = tally.recount(session, _survey(slug))
    for difference in differences:
        click.echo(str(difference))
    if check:
        session.rollback()
        if differences:
            sys.exit(1)
    else:
        session.commit()
    click.echo("计数一致" if not differences else f"已更正 {len(differences)} 处", err=True)


@click.command("generate-responses")
@click.argument("slug")
@click.argument("count", type=click.IntRange(1, 10_000_000))
@click.option("--seed", type=int, help="Make the answers repeatable.")
def generate_responses_cmd(slug: str, count: int, seed: int | None) -> None:
    """Add COUNT valid synthetic responses (for demos and load tests)."""
    from survey.generate import generate_responses

    started = time.perf_counter()
    survey = _survey(slug)
    with click.progressbar(length=count, label="生成答卷", file=sys.stderr) as bar:
        previous = 0
        for done in generate_responses(db.get_session(), survey, count, utcnow(), seed):
            bar.update(done - previous)
            previous = done
    click.echo(f"已生成 {count} 份答卷，用时 {time.perf_counter() - started:.1f} 秒", err=True)


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
    audit.record(session, None, "responses.export", survey, format=fmt, coding=coding)
    session.commit()
    if fmt == "xlsx":
        if output is None:
            raise click.ClickException("XLSX 需要用 --output 指定文件")
        write_xlsx(session, survey, office_zone(), output, coding)
        return
    with open(output, "w", encoding="utf-8", newline="") if output else _stdout() as target:
        for chunk in csv_chunks(session, survey, office_zone(), coding):
            target.write(chunk)


@contextlib.contextmanager
def _stdout() -> Iterator[io.TextIOWrapper]:
    """Standard output as UTF-8 text whatever the terminal's locale, left open afterwards."""
    wrapper = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="")
    try:
        yield wrapper
    finally:
        wrapper.flush()
        wrapper.detach()
