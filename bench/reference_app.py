"""The bare Flask + SQLAlchemy reference the benchmarks measure us against: the same questions
and answer rows, no CSRF, no validation, no dedupe, no counters. Results GROUP BY the raw rows."""

import csv
import io
import os
from datetime import UTC, datetime

from flask import Flask, Response, redirect, request
from sqlalchemy import create_engine, text

QUESTIONS = {}  # question id -> list of (option id, label); read from the survey being measured
engine = create_engine(os.environ["REFERENCE_DATABASE_URL"])
app = Flask(__name__)
with engine.connect() as db:
    for qid, oid, label in db.execute(
        text("SELECT question_id, id, label FROM option ORDER BY id")
    ):
        QUESTIONS.setdefault(qid, []).append((oid, label))


@app.get("/s/<int:survey>")
def form(survey):
    fields = "".join(
        f'<label><input type="radio" name="q{q}" value="{o}">{label}</label>'
        for q, options in QUESTIONS.items()
        for o, label in options
    )
    return f'<form method="post">{fields}<button>提交</button></form>'


@app.post("/s/<int:survey>")
def submit(survey):
    with engine.begin() as db:
        now = datetime.now(UTC).replace(tzinfo=None)
        rid = db.execute(
            text("INSERT INTO ref_response (survey_id, submitted_at) VALUES (:s, :t) RETURNING id"),
            {"s": survey, "t": now},
        ).scalar()
        rows = [
            {"r": rid, "q": int(k[1:]), "o": int(v)}
            for k, vs in request.form.lists()
            for v in vs
            if k.startswith("q")
        ]
        db.execute(
            text(
                "INSERT INTO ref_answer (response_id, question_id, option_id) VALUES (:r, :q, :o)"
            ),
            rows,
        )
    return redirect(f"/s/{survey}/thanks", code=303)


@app.get("/s/<int:survey>/thanks")
def thanks(survey):
    return "提交成功"


@app.get("/s/<int:survey>/results")
def results(survey):
    with engine.connect() as db:
        counts = db.execute(
            text(
                "SELECT question_id, option_id, count(*) FROM ref_answer "
                "GROUP BY question_id, option_id"
            )
        ).all()
    return "".join(f"<tr><td>{q}</td><td>{o}</td><td>{n}</td></tr>" for q, o, n in counts)


@app.get("/s/<int:survey>/export.csv")
def export(survey):
    def rows():
        with engine.connect() as db:
            result = db.execution_options(yield_per=5000).execute(
                text(
                    "SELECT r.id, r.submitted_at, a.question_id, a.option_id, a.text FROM ref_response r "
                    "JOIN ref_answer a ON a.response_id = r.id WHERE r.survey_id = :s ORDER BY r.id"
                ),
                {"s": survey},
            )
            for chunk in result.partitions():
                out = io.StringIO()
                csv.writer(out).writerows(chunk)
                yield out.getvalue()

    return Response(rows(), mimetype="text/csv")
