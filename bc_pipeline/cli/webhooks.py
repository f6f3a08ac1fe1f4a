"""`bc-pipeline webhooks`: register the store's webhook subscriptions, list them, apply the inbox by hand
(through the same Dagster job the sensor launches), and serve the receiver that fills the inbox."""

from __future__ import annotations

import logging
import sys

import click

from bc_pipeline.cli.environment import configured_stores, ensure_dagster_home, settings_or_exit
from bc_pipeline.cli.interrupts import Interrupted, stop_on_signals
from bc_pipeline.cli.webhooks_remove import remove
from bc_pipeline.cli.webhooks_store import STORE_OPTION, call_store, chosen_store
from bc_pipeline.webhooks.receiver import DEADLINE_S, DEFAULT_THREADS


@click.group()
def webhooks() -> None:
    """Webhooks: BigCommerce posts a small event per change; the receiver drops each one in
    BC_WEBHOOK_DIR/inbox, and the webhook_inbox sensor applies them (see docs/webhooks.md)."""


def _header(value: str) -> tuple[str, str]:
    name, sep, content = value.partition(":")
    if not sep or not name.strip():
        raise click.BadParameter(f"expected NAME:VALUE, got a value without a name ({len(value)} characters)")
    return name.strip(), content.strip()


@webhooks.command()
@click.option("--destination", required=True, help="The https URL BigCommerce posts to (port 443).")
@click.option("--header", "headers", multiple=True, metavar="NAME:VALUE",
              help="A header BigCommerce sends with each callback (repeatable). Default: the shared secret "
              "header from BC_WEBHOOK_SECRET / BC_WEBHOOK_SECRET_HEADER.")
@click.option("--scope", "scopes", multiple=True, help="Subscribe to these scopes instead of the pipeline's.")
@STORE_OPTION
def register(destination: str, headers: tuple[str, ...], scopes: tuple[str, ...], label: str | None) -> None:
    """Create the subscriptions the pipeline needs (POST /v3/hooks), skipping ones that exist."""
    from bc_pipeline.webhooks.hooks import ensure_hooks
    from bc_pipeline.webhooks.scopes import SUBSCRIBED_SCOPES

    settings = settings_or_exit()
    store = chosen_store(settings, label)
    sent = dict(_header(h) for h in headers)
    if not sent and settings.webhook_secret is not None:
        sent = {settings.webhook_secret_header: settings.webhook_secret.get_secret_value()}
    if not sent:
        click.echo("warning: no header: the receiver will refuse these callbacks (set BC_WEBHOOK_SECRET)",
                   err=True)
    outcomes = call_store(store, lambda client, token: ensure_hooks(client, token, destination,
                                                                        scopes or SUBSCRIBED_SCOPES, sent))
    for o in outcomes:
        click.echo(f"{o.action:<12} {o.hook_id:>10} {o.scope}")
    click.echo(f"destination {destination}, header(s) sent: {', '.join(sent) or 'none'}")


@webhooks.command("list")
@STORE_OPTION
def list_command(label: str | None) -> None:
    """The store's webhook subscriptions for this API account (header values are not shown)."""
    from bc_pipeline.webhooks.hooks import list_hooks

    hooks = call_store(chosen_store(settings_or_exit(), label), lambda client, token: list_hooks(client))
    if not hooks:
        click.echo("no webhooks registered for this API account")
    for h in hooks:
        state = "active" if h.is_active else "INACTIVE"
        click.echo(f"{h.id:>10} {state:<8} {h.scope:<28} {h.destination}  headers: {', '.join(h.headers) or '-'}")


@webhooks.command()
@click.option("--verbose", is_flag=True, help="Also print Dagster's own log of each run.")
def apply(verbose: bool) -> None:
    """Apply every file waiting in the inbox now, in batches, through the sensor's Dagster job: a line per
    run, then the totals (Dagster's own log only with --verbose; it is always kept on the instance)."""
    settings = settings_or_exit()
    stores = configured_stores(settings)
    if not stores:
        chosen_store(settings)
    home = ensure_dagster_home()
    from bc_pipeline.cli.webhooks_run import apply_inbox
    from bc_pipeline.webhooks.routing import webhook_root

    _log_to_stderr("bc_pipeline.webhooks", "  %(message)s", logging.INFO if verbose else logging.WARNING)
    for store in stores:
        click.echo(f"Applying {webhook_root(settings, store)}/inbox into {store.duckdb_path} "
                   f"(Dagster instance: {home})", err=True)
        with stop_on_signals() as signals:
            try:
                total = apply_inbox(settings, store, echo=lambda line: click.echo(f"  {line}", err=True),
                                    verbose=verbose)
            except Interrupted as exc:  # the signal's own exit code (143 for SIGTERM)
                raise signals.interrupted() or exc from None
            stopped = signals.interrupted()
        if stopped:
            raise stopped
        click.echo(f"store {store.label}: {total}" if settings.stores_file else total)


@webhooks.command()
@click.option("--port", type=int, default=8080, show_default=True)
@click.option("--host", default="127.0.0.1", show_default=True, help="Bind address (keep 127.0.0.1 behind a proxy).")
@click.option("--threads", type=click.IntRange(1, 256), default=DEFAULT_THREADS, show_default=True,
              help="Requests handled at once; more wait in the listen backlog.")
@click.option("--deadline", type=click.FloatRange(0.5, 300), default=DEADLINE_S, show_default=True,
              help="Seconds a sender has for a whole request; slower ones are cut.")
def serve(port: int, host: str, threads: int, deadline: float) -> None:
    """Receive callbacks: check the secret header, write each payload into the inbox, answer 200.
    One log line per request on stderr (status, size, client, reason; never the secret)."""
    from bc_pipeline.webhooks.receiver import WebhookReceiver
    from bc_pipeline.webhooks.routing import routes

    settings = settings_or_exit()
    if settings.webhook_secret is None:
        raise click.ClickException("set BC_WEBHOOK_SECRET (16+ characters): the receiver refuses to run without it")
    _log_to_stderr("bc_pipeline.webhooks.receiver", "%(asctime)s %(message)s", logging.INFO)
    receiver = WebhookReceiver(settings.webhook_dir, settings.webhook_secret.get_secret_value(), host=host, port=port,
                               secret_header=settings.webhook_secret_header, max_bytes=settings.webhook_max_bytes,
                               threads=threads, deadline_s=deadline,
                               routes=routes(settings, configured_stores(settings)))
    click.echo(f"Receiving webhooks at {receiver.url} into {receiver.inbox_dir} "
               f"(header {settings.webhook_secret_header}; Ctrl-C to stop)", err=True)
    try:
        receiver.serve_forever(poll_interval=0.5)
    except KeyboardInterrupt:
        pass
    finally:
        receiver.server_close()
    click.echo(f"stopped: {receiver.accepted} accepted, rejected by status: {receiver.rejected or 'none'}", err=True)


def _log_to_stderr(logger: str, fmt: str, level: int) -> None:
    """Print a logger's lines on stderr (apply: quarantined files as they happen; serve: each request)."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter(fmt))
    handler.set_name("bc-pipeline-cli")
    target = logging.getLogger(logger)
    for previous in [h for h in target.handlers if h.get_name() == handler.get_name()]:
        target.removeHandler(previous)  # a second command in one process (tests) prints once, on its stderr
    target.addHandler(handler)
    target.setLevel(level)
    target.propagate = False


webhooks.add_command(remove)
