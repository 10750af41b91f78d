"""Moments are stored as naive UTC and read or shown in the office's time zone, which callers
pass in (the web layer and the shell read it from the settings)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M")


def to_utc(local: datetime, zone: ZoneInfo) -> datetime:
    if local.tzinfo is None:
        local = local.replace(tzinfo=zone)
    return local.astimezone(UTC).replace(tzinfo=None)


def to_local(moment: datetime, zone: ZoneInfo) -> datetime:
    return moment.replace(tzinfo=UTC).astimezone(zone).replace(tzinfo=None)


def parse_local(value: object, zone: ZoneInfo, *, end_of_day: bool = False) -> datetime:
    """Read "2023-11-01 08:00" (or a bare date) as office time; a bare closing date includes
    that whole day. Raises ValueError for anything else, the calendar's first and last days
    too (in UTC they fall outside it)."""
    try:
        return _parse_local(value, zone, end_of_day)
    except OverflowError:
        raise ValueError(value) from None


def _parse_local(value: object, zone: ZoneInfo, end_of_day: bool) -> datetime:
    if isinstance(value, datetime):
        return to_utc(value, zone)
    if isinstance(value, date):
        day = value
    elif isinstance(value, str):
        text = value.strip()
        for fmt in FORMATS:
            try:
                return to_utc(datetime.strptime(text, fmt), zone)
            except ValueError:
                pass
        day = date.fromisoformat(text)
    else:
        raise ValueError(value)
    start = datetime.combine(day, time())
    return to_utc(start + timedelta(days=1) if end_of_day else start, zone)


def format_local(moment: datetime | None, zone: ZoneInfo, fmt: str = "%Y-%m-%d %H:%M") -> str:
    return to_local(moment, zone).strftime(fmt) if moment else ""


def day_or_moment(moment: datetime, zone: ZoneInfo, *, end: bool = False) -> str:
    """A bound of a period as people write it: a whole day shows as its date, and a period
    ending at midnight ends on the day before ("2023-11-01 至 2023-11-30")."""
    local = to_local(moment, zone)
    if local.time() != time():
        return local.strftime("%Y-%m-%d %H:%M")
    return (local - timedelta(days=1) if end else local).strftime("%Y-%m-%d")
