"""Where a webhook may be sent: http or https to a public address, unless the configuration
allows a private network (the office's own OA server). The address is checked as it is
resolved for each delivery, and the delivery connects to the address that was checked, so a
name that later resolves inward (DNS rebinding) reaches nothing it should not."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from survey.core.i18n import _

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


class AddressRefused(Exception):
    """The URL may not be sent to; the message says why, for staff."""


@dataclass(frozen=True)
class Target:
    """A checked URL: where to connect, and what to ask for there."""

    scheme: str
    host: str  # as written (the Host header, and the name TLS checks)
    address: str  # the checked IP address connected to
    port: int
    path: str  # with its query


def networks(setting: str) -> list[Network]:
    """The allowed networks of WEBHOOK_ALLOWED_NETWORKS ("10.20.0.0/16, 127.0.0.1")."""
    return [ipaddress.ip_network(part.strip(), strict=False)
            for part in setting.split(",") if part.strip()]  # fmt: skip


def check_syntax(url: str) -> None:
    """Refuse a URL that could never be delivered to, before looking its host up."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises for a port that is not a number
    except ValueError as error:
        raise AddressRefused(_("网址格式不正确")) from error
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise AddressRefused(_("网址须以 http:// 或 https:// 开头，并包含主机名"))
    if parts.username or parts.password:
        raise AddressRefused(_("网址中不能包含用户名或密码"))


def resolve(url: str, allowed: Iterable[Network]) -> Target:
    """The address to deliver ``url`` to, checked: every address its host resolves to must be
    public or in an allowed network."""
    check_syntax(url)
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise AddressRefused(_("无法解析主机名 %(host)s", host=host)) from error
    addresses = [ipaddress.ip_address(info[4][0]) for info in found]
    allowed = list(allowed)
    for address in addresses:
        if not _reachable(address, allowed):
            refused = _(
                "%(host)s 指向非公网地址 %(address)s（本机、内网或链路本地），不能推送"
                "（管理员可在配置中允许该网段）", host=host, address=str(address),
            )  # fmt: skip
            raise AddressRefused(refused)
    path = parts.path or "/"
    return Target(parts.scheme, host, str(addresses[0]), port,
                  f"{path}?{parts.query}" if parts.query else path)  # fmt: skip


def _reachable(address: Address, allowed: list[Network]) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    if any(address in network for network in allowed):
        return True
    # is_global leaves out loopback, private (RFC 1918, fc00::/7), link-local, shared
    # (100.64/10), reserved and documentation ranges.
    return address.is_global and not address.is_multicast
