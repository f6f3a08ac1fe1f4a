"""ApiError and the two documented error body shapes: v3 {status,title,type[,errors]}, v2 [{status,message}]."""

from __future__ import annotations

from typing import Any

STATUS_DOC = "/api-docs/getting-started/api-status-codes"


class ApiError(Exception):
    def __init__(self, status: int, title: str, errors: dict[str, str] | None = None,
                 details: dict[str, Any] | None = None) -> None:
        super().__init__(title)
        self.status, self.title, self.errors, self.details = status, title, errors, details

    def body(self, version: str) -> Any:
        if version == "v2":
            item: dict[str, Any] = {"status": self.status, "message": self.title}
            if self.details:
                item["details"] = self.details
            return [item]
        out: dict[str, Any] = {"status": self.status, "title": self.title, "type": STATUS_DOC}
        if self.errors is not None:
            out["errors"] = self.errors
        return out


def not_found(version: str) -> ApiError:
    if version == "v2":
        return ApiError(404, "The requested resource was not found.")
    return ApiError(404, "The requested resource was not found.", {})


UNAUTHORIZED_V3 = ("Unauthorized - the v3 Auth client ID or token in the request are not a valid combination "
                   "for this store.")
FORBIDDEN = "You don't have a required scope to access the endpoint"
