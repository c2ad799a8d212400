"""Errors the API layer turns into HTTP statuses beyond what DRF and Django map."""

from rest_framework import status
from rest_framework.exceptions import APIException


class Conflict(Exception):
    """The request is valid, but the current state of the data forbids it (409).

    A plain exception, so services raise it whoever calls them: the API answers 409,
    the admin site shows the message.
    """


class PayloadTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "payload_too_large"

    def __init__(self, limit: int):
        super().__init__(f"The request body is larger than the limit of {limit} bytes.")
