"""Who may do what. Every view declares its roles here; every account query goes through
`accounts.service.account_scope`, which reads the visibility policy below.

DOMAIN.md: an account manager sees only accounts they own or are on the team of; supervisors and
heads see their department; executives the whole company; finance and the custodian what their
duty needs (credit, arrears and contracts across the company, read-only, never personal files).
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from webapp.auth.models import Role


class Visibility(enum.Enum):
    TEAM = "team"  # accounts the user owns or is a member of
    DEPARTMENT = "department"  # accounts of the user's department
    COMPANY = "company"  # every account
    NONE = "none"


ACCOUNT_VISIBILITY = {
    Role.ACCOUNT_MANAGER: Visibility.TEAM,
    Role.SUPERVISOR: Visibility.DEPARTMENT,
    Role.DEPARTMENT_HEAD: Visibility.DEPARTMENT,
    Role.EXECUTIVE: Visibility.COMPANY,
    Role.FINANCE: Visibility.COMPANY,
    Role.CUSTODIAN: Visibility.COMPANY,
    Role.ADMIN: Visibility.NONE,
}

# Roles that work on accounts (create, edit, record visits); the others only read.
ACCOUNT_EDITORS = frozenset({Role.ACCOUNT_MANAGER, Role.SUPERVISOR, Role.DEPARTMENT_HEAD})
# Roles that read accounts at all.
ACCOUNT_READERS = frozenset(r for r, v in ACCOUNT_VISIBILITY.items() if v is not Visibility.NONE)


def roles_required(*roles: Role) -> Callable:
    """Sign-in plus one of `roles`; anyone else gets the 403 page."""
    allowed = frozenset(roles)

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in allowed:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


# Sales operations (importing plans, purchases, payments, expenses): finance across the company,
# supervisors and department heads for their department's accounts (account_scope decides).
SALES_OPERATORS = frozenset({Role.FINANCE, Role.SUPERVISOR, Role.DEPARTMENT_HEAD})
