"""The client's address, as everything that keys on it (comment and report limits, the sign-in
lockout, logs) must see it.

Behind the deployment's reverse proxy, REMOTE_ADDR is the proxy's own address: keyed on it, every
citizen in the country would share one comment budget and one sign-in lockout. The proxy names
the client in X-Forwarded-For, but anybody can send that header, so it is believed only when the
connection comes from an address listed in TRUSTED_PROXIES, and then only up to the first hop
that is not itself trusted: the header is read from the right (the hop nearest to us) and each
trusted hop is skipped; the first untrusted one is the client. Whatever a client writes further
left is ignored. With TRUSTED_PROXIES empty (the default) nobody is trusted and the peer's address
is used. A header that cannot be parsed gives the peer's address, never a guess.

Addresses are reduced to what one client controls: an IPv4-mapped IPv6 address becomes the IPv4
address, and an IPv6 address becomes its /64 network, written as the network's first address
(2001:db8:1:2::), because a single home or phone is given a whole /64 and could otherwise take a
fresh budget for every one of its 2^64 addresses. The result is always a valid IP address (it is
stored in django-axes' address column), or "" when even the peer's address is not one.
"""

from __future__ import annotations

import functools
import ipaddress

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network

# Enough for any real chain of proxies; a longer header is treated as garbage.
MAX_HOPS = 20
_CACHED = "_client_address"


@functools.lru_cache(maxsize=8)
def trusted_networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    """TRUSTED_PROXIES parsed (addresses or CIDR networks); ImproperlyConfigured on a bad one."""
    networks = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError as error:
            raise ImproperlyConfigured(
                f"TRUSTED_PROXIES: {entry!r} is not an IP address or network"
            ) from error
    return tuple(networks)


def parse_address(text: str) -> Address | None:
    """An IP address from a header or REMOTE_ADDR (IPv6 with or without brackets, without a
    zone), IPv4-mapped IPv6 turned into IPv4; None for anything else."""
    text = text.strip()
    if text.startswith("[") and text.endswith("]"):
        text = text[1:-1]
    if not text or len(text) > 45 or "%" in text:
        return None
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def reduce(address: Address) -> str:
    """The key of one client: an IPv4 address as is, an IPv6 address as its /64 network's first
    address."""
    if isinstance(address, ipaddress.IPv6Address):
        return str(ipaddress.IPv6Network((address, 64), strict=False).network_address)
    return str(address)


def _is_trusted(address: Address, networks: tuple[Network, ...]) -> bool:
    return any(address.version == network.version and address in network for network in networks)


def client_address(request: HttpRequest) -> str:
    """The address that identifies the client of `request` (see the module docstring): never
    raises, whatever the headers hold; computed once per request."""
    cached = getattr(request, _CACHED, None)
    if cached is not None:
        return cached
    result = _client_address(request.META)
    setattr(request, _CACHED, result)
    return result


def _client_address(meta) -> str:
    peer = parse_address(str(meta.get("REMOTE_ADDR") or ""))
    if peer is None:
        return ""
    networks = trusted_networks(tuple(settings.TRUSTED_PROXIES))
    if not networks or not _is_trusted(peer, networks):
        return reduce(peer)
    forwarded = str(meta.get("HTTP_X_FORWARDED_FOR") or "")
    hops = forwarded.split(",") if forwarded.strip() else []
    if len(hops) > MAX_HOPS:
        return reduce(peer)
    client = peer
    for hop in reversed(hops):
        address = parse_address(hop)
        if address is None:
            return reduce(peer)  # garbage: believe nothing the header says
        client = address
        if not _is_trusted(address, networks):
            break
    return reduce(client)
