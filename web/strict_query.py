"""Unknown query parameters are 422 on every route (API.md, Version 1.1), never ignored.

A client that sends `?sort=newest` to a route that does not sort, or misspells `limit`, must
learn it at once rather than read a page it believes is something else. The check is one
dependency every route of an app carries (`forbid_unknown_query`, added by `web.errors.install`
before any router is included): it compares the request's query names with those the matched
route declares, its dependencies' included (the paging parameters, for instance). Bad values of
declared parameters (an unknown enum member) are already 422 by FastAPI's own validation.
"""

from fastapi import Depends, FastAPI, Request
from fastapi.dependencies.utils import get_flat_params
from fastapi.params import Query
from fastapi.routing import APIRoute

from moderation.errors import invalid_fields

#: Query names each route declares, computed once per route.
_DECLARED: dict[int, frozenset[str]] = {}


def declared_query(route: APIRoute) -> frozenset[str]:
    names = _DECLARED.get(id(route))
    if names is None:
        names = frozenset(
            f.alias for f in get_flat_params(route.dependant) if isinstance(f.field_info, Query)
        )
        _DECLARED[id(route)] = names
    return names


async def reject_unknown_query(request: Request) -> None:
    # `async`: it only reads the request, and FastAPI runs a plain `def` dependency in the
    # thread pool (a hop on every request of both APIs, for microseconds of work).
    route = request.scope.get("route")
    if not isinstance(route, APIRoute):
        return
    unknown = sorted(set(request.query_params) - declared_query(route))
    if unknown:
        raise invalid_fields(
            {name: ("這個查詢參數不存在。", "No such query parameter here.") for name in unknown}
        )


def forbid_unknown_query(app: FastAPI) -> None:
    """Make every route added to `app` from now on refuse query parameters it does not know."""
    app.router.dependencies.append(Depends(reject_unknown_query))
