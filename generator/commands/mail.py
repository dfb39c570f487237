"""`digest mail`: the latest issue, or the one named, mailed to readers over SMTP (or written as .eml files)."""

from __future__ import annotations

import datetime as dt
import os
import re
from contextlib import nullcontext
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from pathlib import Path

import click

from generator.cache import BuildCache
from generator.commands.options import config_option
from generator.config import Config
from generator.mail.address import parse_address
from generator.mail.compose import Edition, Envelope, Mailing, compose, list_id, message
from generator.mail.recipients import from_arguments, from_list
from generator.mail.send import MailError, Server, send_all, server_settings
from generator.mail.state import Plan, one_sender, plan, record_sent
from generator.output import Trees
from generator.problems import ConfigError, DigestError, Problem

_UNSAFE_IN_NAME = re.compile(r"[^A-Za-z0-9@._+-]")


@click.command("mail")
@config_option
@click.argument("issue", required=False)
@click.option("--to", "to", multiple=True, metavar="ADDR", help="Send to this address (repeat for more).")
@click.option("--list", "address_list", type=click.Path(path_type=Path, dir_okay=False), help="Send to every address in FILE, one a line (# comments).")
@click.option("--eml", "eml_dir", type=click.Path(path_type=Path, file_okay=False), help="Write one .eml file per recipient into DIR instead of sending.")
@click.option("--dry-run", is_flag=True, help="Show what would be sent; send and record nothing.")
@click.option("--resend", is_flag=True, help="Send also to addresses that already got this issue.")
def command(config: Config, issue: str | None, to: tuple[str, ...], address_list: Path | None, eml_dir: Path | None, dry_run: bool, resend: bool) -> None:
    """Mail the latest issue, or ISSUE (2024-12-14, 2024-W50), to readers."""
    if bool(to) == bool(address_list):
        raise click.UsageError("give the recipients with --to ADDR (repeatable) or --list FILE")
    if eml_dir and dry_run:
        raise click.UsageError("--eml and --dry-run do not go together")
    recipients = from_list(address_list) if address_list else from_arguments(to)
    envelope = _envelope(config)
    server = None if (eml_dir or dry_run) else server_settings(config.mail, config.path, os.environ)
    edition = issue_edition(config, issue)
    trees = Trees(config.output_dir)
    with one_sender(trees.state, _waiting) if server else nullcontext():
        store = BuildCache(trees.cache_file)
        try:
            todo = plan(store, edition.key, recipients, resend)
            if dry_run:
                _show(edition, envelope, todo)
            elif eml_dir:
                _write_eml(edition, envelope, todo, eml_dir)
            else:
                assert server is not None
                _send(edition, envelope, todo, server, store)
        finally:
            store.close()


def _waiting() -> None:
    click.echo("waiting: another digest mail is sending this site's issues", err=True)


def _envelope(config: Config) -> Envelope:
    mail = config.mail
    if not mail.sender:
        raise ConfigError(
            Problem(config.path, "`mail.from` is not set: give the address issues are sent from", hint="like The Morning Digest <digest@example.org>")
        )
    return Envelope(
        sender=parse_address(mail.sender),
        reply_to=parse_address(mail.reply_to) if mail.reply_to else None,
        unsubscribe=mail.unsubscribe_urls,
        language=config.site.language,
        list_id=list_id(config.site.title, config.base_url),
    )


def issue_edition(config: Config, key: str | None) -> Edition:
    """The issue composed as an email; refused when the content has errors (as a build would be) or has no such issue."""
    from generator.build import collect
    from generator.render.engine import Renderer
    from generator.render.pages import email_page

    collected = collect(config)
    if collected.problems:
        raise DigestError(collected.problems)
    issues = collected.site.issues
    if not issues:
        raise ConfigError(Problem(config.content_dir, "no issue to send: the digest has no published entry"))
    chosen = next((i for i in issues if i.key == key), None) if key else issues[0]
    if chosen is None:
        latest = ", ".join(i.key for i in issues[:3])
        raise ConfigError(Problem(config.content_dir, f"no issue {key!r} in the digest", hint=f"the latest are {latest}; leave ISSUE out to send the latest"))
    from generator.render.templates import site_language

    language = site_language(config)
    renderer = Renderer(collected.site, config, language=language)
    page = email_page(chosen, config, language)
    urls = config.mail.unsubscribe_urls
    footer = next((u for u in urls if u.startswith("http")), urls[0] if urls else "")  # a page is friendlier than a mailto
    return compose(renderer.env, page, chosen.key, Mailing(config.base_url + page.url, footer))


def _copy(edition: Edition, envelope: Envelope, recipient: Address) -> EmailMessage:
    return message(edition, envelope, recipient, dt.datetime.now(dt.UTC))


def _show(edition: Edition, envelope: Envelope, todo: Plan) -> None:
    click.echo(f"{edition.key}: {edition.subject!r} from {envelope.sender}")
    click.echo(f"  HTML part {len(edition.html.encode()):,} bytes, text part {len(edition.text.encode()):,} bytes")
    for recipient in todo.to_send:
        click.echo(f"would send to: {recipient}")
    for recipient in todo.already:
        click.echo(f"already sent to: {recipient}")
    click.echo(f"{edition.key}: {len(todo.to_send)} to send, {_already(todo)} (dry run: nothing sent)")


def _write_eml(edition: Edition, envelope: Envelope, todo: Plan, folder: Path) -> None:
    from generator.ingest.write import write_atomic

    for recipient in todo.to_send:
        path = folder / f"{edition.key}-{_UNSAFE_IN_NAME.sub('_', recipient.addr_spec)}.eml"
        write_atomic(path, _copy(edition, envelope, recipient).as_bytes(policy=policy.SMTP).decode("ascii"))
        click.echo(f"wrote: {path}")
    click.echo(f"{edition.key}: {len(todo.to_send)} .eml files written to {folder}, {_already(todo)} (nothing sent or recorded)")


def _send(edition: Edition, envelope: Envelope, todo: Plan, server: Server, store: BuildCache) -> None:
    def sent(recipient: Address) -> None:
        record_sent(store, edition.key, recipient, dt.datetime.now(dt.UTC))
        click.echo(f"sent: {recipient}")

    refused = send_all(server, envelope.sender, todo.to_send, lambda r: _copy(edition, envelope, r), sent) if todo.to_send else []
    click.echo(f"{edition.key}: {len(todo.to_send) - len(refused)} sent, {len(refused)} refused, {_already(todo)}")
    if refused:
        raise MailError(refused)


def _already(todo: Plan) -> str:
    return f"{len(todo.already)} already sent before" + (" (--resend sends again)" if todo.already else "")
