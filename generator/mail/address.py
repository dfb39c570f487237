"""Email addresses as users write them: `ana@example.org` or `Ana Ruiz <ana@example.org>`."""

from __future__ import annotations

from email.headerregistry import Address
from email.policy import default


def parse_address(text: str) -> Address:
    """Exactly one well-formed address, or ValueError saying what is wrong."""
    try:
        header = default.header_factory("To", text.strip())
        addresses = header.addresses
    except (IndexError, ValueError):  # the stdlib parser's way of refusing some inputs
        addresses, header = (), None
    if header is None or len(addresses) != 1 or header.defects or not addresses[0].username or not addresses[0].domain:
        raise ValueError(f"not an email address: {text.strip()!r} (write ana@example.org or Ana Ruiz <ana@example.org>)")
    found: Address = addresses[0]
    return found


def address_key(address: Address) -> str:
    """What identifies a recipient: the address itself, case-folded (one reader, however it is spelled)."""
    return address.addr_spec.casefold()
