"""AMap (高德) geocoding as a geopy adapter, and the error guard all our adapters share.

:class:`AMap` is written the way geopy writes its own adapters (``geopy.geocoders.baidu``
is the model): geopy's :class:`~geopy.geocoders.base.Geocoder` owns HTTP, timeouts and
the mapping of HTTP errors; the adapter only builds the request URL and reads the
answer. AMap web service API v3, 地理编码:
https://lbs.amap.com/api/webservice/guide/api/georegeo; its status codes (infocode):
https://lbs.amap.com/api/webservice/guide/tools/info.

AMap answers in GCJ-02, the datum of Chinese maps; :class:`AMap` returns the point as
AMap gave it and leaves conversion to :mod:`mealroute.coords`.
"""

from __future__ import annotations

import copy
import math
import traceback
from collections.abc import Iterable, Mapping
from functools import partial
from typing import Any
from urllib.parse import quote, quote_plus, urlencode

from geopy.adapters import AdapterHTTPError
from geopy.exc import (
    GeocoderAuthenticationFailure,
    GeocoderInsufficientPrivileges,
    GeocoderParseError,
    GeocoderQueryError,
    GeocoderQuotaExceeded,
    GeocoderRateLimited,
    GeocoderServiceError,
    GeocoderTimedOut,
    GeocoderUnavailable,
    GeopyError,
)
from geopy.geocoders.base import DEFAULT_SENTINEL, Geocoder
from geopy.location import Location
from geopy.util import logger

__all__ = ("AMap", "SafeErrors", "checked_point", "hide_keys")

_HIDDEN = "***"

# The exceptions geopy's parsers let escape when an answer lacks a field or holds the
# wrong type: a missing key, `None` where a dict was expected, a latitude out of range.
_MISSHAPEN = (KeyError, IndexError, TypeError, ValueError, AttributeError)


def hide_keys(text: str, keys: Iterable[str | None]) -> str:
    """``text`` with every key in it, plain or URL-encoded, replaced by ``***``.

    Parameters
    ----------
    text
        A URL, an error message or a log line.
    keys
        The secrets to hide; ``None`` and empty ones are skipped.
    """
    for key in keys:
        if not key:
            continue
        # A URL carries the key encoded; most keys are hex, but not all of them.
        for form in {key, quote_plus(key), quote(key, safe="")}:
            text = text.replace(form, _HIDDEN)
    return text


def checked_point(lat: Any, lon: Any, *, provider: str) -> tuple[float, float]:
    """``(lat, lon)`` as numbers, or a :class:`~geopy.exc.GeocoderParseError`.

    geopy's ``Point`` would warn, then fail, on a latitude beyond 90 (longitude and
    latitude swapped); this says so before it gets there.

    Parameters
    ----------
    lat, lon
        The coordinates as the answer gave them: numbers or numeric text.
    provider
        The service's name, for the message.
    """
    try:
        point = float(lat), float(lon)
    except (TypeError, ValueError) as error:
        raise GeocoderParseError(
            f"{provider}: the point ({lat!r}, {lon!r}) is not two numbers"
        ) from error
    if not (math.isfinite(point[0]) and math.isfinite(point[1])):
        raise GeocoderParseError(f"{provider}: the point {point!r} is not finite")
    if not (-90 <= point[0] <= 90 and -180 <= point[1] <= 180):
        raise GeocoderParseError(
            f"{provider}: the point {point!r} is out of range; latitude and longitude swapped?"
        )
    return point


class SafeErrors:
    """Mixin for geopy geocoders: no key in an error, a misshapen answer is a parse error.

    geopy's adapters put the whole request URL, key included, into the text of
    :class:`~geopy.exc.GeocoderUnavailable` when a server is unreachable or too slow
    (the text is requests' own message), and a reply that lacks a field escapes geopy's
    parsers as a bare ``KeyError`` or ``TypeError``. This hooks
    ``Geocoder._geocoder_exception_handler``, which geopy calls with every error raised
    while fetching or parsing, so that callers get a :class:`~geopy.exc.GeopyError`
    whose text holds no key. The keys are the instance's ``api_key`` and
    ``security_key`` attributes, where it has them.
    """

    def _secret_keys(self) -> list[str | None]:
        return [getattr(self, "api_key", None), getattr(self, "security_key", None)]

    def _geocoder_exception_handler(self, error: Exception) -> None:
        if isinstance(error, AdapterHTTPError):
            # geopy maps it to an exception by HTTP status next; its text is only
            # "Non-successful status code N", so there is nothing to hide.
            return
        keys = self._secret_keys()
        # geopy raises its exceptions while handling requests' own, whose text quotes
        # the URL: look at everything a traceback would show, not only this message.
        shown = "".join(traceback.format_exception(error))
        leaks = hide_keys(shown, keys) != shown
        text = hide_keys(str(error), keys)
        if isinstance(error, _MISSHAPEN) and not isinstance(error, GeopyError):
            problem = f"{type(error).__name__}: {text}"
            message = f"{type(self).__name__}: a field of the answer is missing or bad ({problem})"
            raise GeocoderParseError(message) from (None if leaks else error)
        if leaks:
            clean = copy.copy(error)  # same class, so callers' except clauses still match
            clean.args = (text,)
            raise clean from None


# infocode -> exception, as geopy maps HTTP statuses (base.ERROR_CODE_MAP): 401 bad
# credentials, 403 not allowed from here, 402 quota spent, 429 too many at once.
_INFOCODE_ERRORS: dict[str, type[GeopyError]] = {
    "10001": GeocoderAuthenticationFailure,  # INVALID_USER_KEY
    "10002": GeocoderInsufficientPrivileges,  # SERVICE_NOT_AVAILABLE: key lacks the service
    "10003": GeocoderQuotaExceeded,  # DAILY_QUERY_OVER_LIMIT
    "10004": GeocoderRateLimited,  # ACCESS_TOO_FREQUENT
    "10005": GeocoderInsufficientPrivileges,  # INVALID_USER_IP: not on the key's IP list
    "10006": GeocoderInsufficientPrivileges,  # INVALID_USER_DOMAIN
    "10007": GeocoderAuthenticationFailure,  # INVALID_USER_SIGNATURE
    "10008": GeocoderInsufficientPrivileges,  # INSUFFICIENT_PRIVILEGES
    "10009": GeocoderInsufficientPrivileges,  # USERKEY_PLAT_NOMATCH: key of another platform
    "10010": GeocoderQuotaExceeded,  # IP_QUERY_OVER_LIMIT
    "10013": GeocoderAuthenticationFailure,  # USER_KEY_RECYCLED: key deleted
    "10014": GeocoderRateLimited,  # QPS_HAS_EXCEEDED_THE_LIMIT
    "10015": GeocoderTimedOut,  # GATEWAY_TIMEOUT (geopy: HTTP 504)
    "10016": GeocoderUnavailable,  # SERVER_IS_BUSY
    "10017": GeocoderUnavailable,  # RESOURCE_UNAVAILABLE
    "10019": GeocoderRateLimited,  # CQPS_HAS_EXCEEDED_THE_LIMIT
    "10020": GeocoderRateLimited,  # CKQPS_HAS_EXCEEDED_THE_LIMIT
    "10021": GeocoderRateLimited,  # CUQPS_HAS_EXCEEDED_THE_LIMIT
    "10029": GeocoderQuotaExceeded,  # ABROAD_DAILY_QUERY_OVER_LIMIT
    "10044": GeocoderQuotaExceeded,  # USER_DAILY_QUERY_OVER_LIMIT
    "10045": GeocoderQuotaExceeded,  # USER_ABROAD_DAILY_QUERY_OVER_LIMIT
    "20000": GeocoderQueryError,  # INVALID_PARAMS
    "20001": GeocoderQueryError,  # MISSING_REQUIRED_PARAMS
    "20002": GeocoderQueryError,  # ILLEGAL_REQUEST
    "20003": GeocoderServiceError,  # UNKNOWN_ERROR
}


def _infocode_error(infocode: str) -> type[GeopyError]:
    known = _INFOCODE_ERRORS.get(infocode)
    if known is not None:
        return known
    # 2xxxx are faults in the request (20800+ belong to routing), 3xxxx are ENGINE_*
    # failures on AMap's side; anything else unknown is treated as the service's fault.
    if infocode.startswith("2") and len(infocode) == 5:
        return GeocoderQueryError
    return GeocoderServiceError


def _text(value: Any) -> str:
    """An AMap text field: AMap sends ``[]`` where it has nothing to say."""
    return value if isinstance(value, str) else ""


class AMap(SafeErrors, Geocoder):
    """Geocoder using the AMap (高德) web service API v3.

    Documentation at https://lbs.amap.com/api/webservice/guide/api/georegeo. Points are
    in GCJ-02, as AMap gives them. Keys never appear in error messages or in geopy's
    log (see :class:`SafeErrors`).

    Parameters
    ----------
    api_key
        The web service key (Web服务 Key) from the AMap console.
    scheme, timeout, proxies, user_agent, ssl_context, adapter_factory
        As for every geopy geocoder; see :class:`geopy.geocoders.options`.
    domain
        Host (and port) of the service: a proxy, or a test server.
    """

    api_path = "/v3/geocode/geo"

    def __init__(
        self,
        api_key: str,
        *,
        scheme: str | None = None,
        timeout: Any = DEFAULT_SENTINEL,
        proxies: Any = DEFAULT_SENTINEL,
        user_agent: str | None = None,
        ssl_context: Any = DEFAULT_SENTINEL,
        adapter_factory: Any = None,
        domain: str = "restapi.amap.com",
    ) -> None:
        super().__init__(
            scheme=scheme,
            timeout=timeout,
            proxies=proxies,
            user_agent=user_agent,
            ssl_context=ssl_context,
            adapter_factory=adapter_factory,
        )
        self.api_key = api_key
        self.domain = domain.strip("/")
        self.api = f"{self.scheme}://{self.domain}{self.api_path}"

    def geocode(
        self,
        query: str,
        *,
        exactly_one: bool = True,
        timeout: Any = DEFAULT_SENTINEL,
        city: str | None = None,
    ) -> Location | list[Location] | None:
        """Return the point(s) AMap finds for an address.

        Parameters
        ----------
        query
            The address, best as structured as possible (省, 市, 区, 街道, 门牌号).
        exactly_one
            Return the first result only, or the list of all AMap gave.
        timeout
            Seconds to wait for AMap on this call only, instead of the geocoder's.
        city
            Limit the search to this city: its name (济南, jinan) or its adcode/citycode.

        Returns
        -------
        Location, list of Location or None
            ``None`` when AMap found nothing. Each ``raw`` is AMap's ``geocodes`` entry.
        """
        params = {"key": self.api_key, "address": query, "output": "JSON"}
        if city:
            params["city"] = city
        url = "?".join((self.api, urlencode(params)))
        logger.debug("%s.geocode: %s", type(self).__name__, hide_keys(url, [self.api_key]))
        callback = partial(self._parse_json, exactly_one=exactly_one)
        return self._call_geocoder(url, callback, timeout=timeout)

    def _parse_json(self, page: Any, exactly_one: bool = True) -> Location | list[Location] | None:
        if not isinstance(page, Mapping):
            raise GeocoderParseError("AMap: the answer is not a JSON object")
        self._check_status(page)
        # "count": "0" comes with "geocodes": [] (older answers leave it out).
        places = page.get("geocodes") or []
        if not isinstance(places, list):
            raise GeocoderParseError("AMap: `geocodes` is not a list")
        if not places:
            return None
        locations = [self._parse_place(place) for place in places]
        return locations[0] if exactly_one else locations

    def _parse_place(self, place: Any) -> Location:
        if not isinstance(place, Mapping):
            raise GeocoderParseError("AMap: a `geocodes` entry is not a JSON object")
        where = place.get("location")
        lon_text, comma, lat_text = str(where).partition(",")
        if not comma:
            raise GeocoderParseError(f"AMap: `location` {where!r} is not 'lng,lat'")
        # "lng,lat": longitude first, as in every AMap API.
        point = checked_point(lat_text, lon_text, provider="AMap")
        return Location(_text(place.get("formatted_address")), point, place)

    def _check_status(self, page: Mapping[str, Any]) -> None:
        status = page.get("status")
        if status == "1":
            return
        if status != "0":
            raise GeocoderParseError(f"AMap: `status` is {status!r}, not '1' or '0'")
        infocode = str(page.get("infocode", ""))
        info = _text(page.get("info")) or "no info"
        message = f"AMap refused the request: {info} (infocode {infocode or 'missing'})"
        raise _infocode_error(infocode)(message)
