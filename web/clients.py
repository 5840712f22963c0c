import ipaddress

from django.conf import settings
from django.core.exceptions import SuspiciousOperation


def client_ip(request):
    """The address a client is counted by (comment rate limit, sign-in
    lockout): REMOTE_ADDR, unless it is a trusted proxy, then the nearest
    X-Forwarded-For address that is not one (without TRUSTED_PROXIES the
    header is ignored, since any client can send it). See counted_address()
    for how it is written.

    An entry a trusted proxy passed on that is not an address (an empty one
    included) raises SuspiciousOperation, which Django answers with the 400
    page: counting that client as the proxy would put everyone behind it
    under one rate limit and one sign-in lockout."""
    remote = request.META.get("REMOTE_ADDR", "")
    trusted = [ipaddress.ip_network(proxy, strict=False) for proxy in settings.TRUSTED_PROXIES]
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").strip()
    if not forwarded or not _within(remote, trusted):
        return counted_address(remote)
    for entry in reversed(forwarded.split(",")):
        try:
            ip = ipaddress.ip_address(entry.strip())
        except ValueError:
            raise SuspiciousOperation(f"A trusted proxy sent an unreadable X-Forwarded-For: {forwarded!r}") from None
        if not _within(ip, trusted):
            return counted_address(str(ip))
    return counted_address(remote)


def _within(address, networks):
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def counted_address(address):
    """IPv4 clients are counted per address. An IPv6 client commonly holds a
    whole /64 and can pick a fresh address in it for every request, so it is
    counted by its /64 network (written as the network's address, in one
    canonical spelling). IPv4 written as IPv6 (::ffff:a.b.c.d) counts as IPv4."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if ip.version == 6 and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    if ip.version == 6:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False).network_address)
    return str(ip)
