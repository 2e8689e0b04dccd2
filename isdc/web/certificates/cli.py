"""``flask --app isdc certificates check``: every issued certificate has its stored PDF, unchanged.

The recovery path of the issuing service: a crash between writing a PDF and committing its row
leaves an unreferenced file (harmless; ``--remove-orphans`` deletes it). A certificate whose
file is missing or altered is reported and makes the command fail, for the operator to restore
the file from a backup (a PDF is never re-rendered, see docs/certificates.md).
"""

from __future__ import annotations

import click
from flask import current_app
from sqlalchemy import select

from isdc.extensions import db
from isdc.models import Certificate
from isdc.models.certificate_store import CertificateStore, StoredFileProblem
from isdc.web.certificates import bp


@bp.cli.command("check")
@click.option("--remove-orphans", is_flag=True, help="Delete PDF files no certificate refers to.")
def check(remove_orphans: bool) -> None:
    """Check that every certificate's stored PDF exists and is the one issued."""
    store = CertificateStore(current_app.instance_path)
    referenced: set[str] = set()
    broken = 0
    count = 0
    for certificate in db.session.scalars(select(Certificate).order_by(Certificate.id)):
        count += 1
        if certificate.pdf_path:
            referenced.add(certificate.pdf_path)
        try:
            store.read(certificate)
        except StoredFileProblem as problem:
            broken += 1
            click.echo(f"PROBLEM {problem}", err=True)
    orphans = [path for path in store.files() if path not in referenced]
    for path in orphans:
        if remove_orphans:
            store.remove([path])
            click.echo(f"removed unreferenced file {path}")
        else:
            click.echo(f"unreferenced file {path} (remove with --remove-orphans)")
    click.echo(
        f"{count} certificates checked, {broken} with a problem, {len(orphans)} unreferenced files."
    )
    if broken:
        raise click.ClickException(f"{broken} certificate(s) have a missing or altered PDF")
