"""Re-check the sources of finished reports: retractions, corrections, withdrawals, new versions.

``notices`` asks the services (Crossref, OpenAlex, arXiv) about one identifier,
``retraction_watch`` reads the Retraction Watch CSV, ``apply`` turns notices into correction
records, a status and a tier, and ``check`` runs it over report folders (``check_reports``).
Submodules are imported where used so that importing the package stays cheap.
"""

from __future__ import annotations
