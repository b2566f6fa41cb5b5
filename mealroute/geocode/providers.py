"""One interface over the geocoding services: AMap (高德), Baidu and a self-hosted Nominatim.

Each :class:`Provider` is a geopy geocoder plus what the planner needs to read its
answers: the datum it answers in, the keyword arguments its ``geocode`` takes, and an
:class:`Answer` that says in the planner's words how precise a result is. The network
is geopy's business; nothing here opens a socket.

How to use one::

    provider = provider_from_env("amap")
    found = provider.geocoder.geocode(**provider.query("甸柳新村三区", city="济南"))
    answer = provider.answer(found)  # None when nothing was found

Answers stay in the provider's datum (``answer.datum``); convert them with
:mod:`mealroute.coords` before planning. Level words are read through one table per
provider; a word not in it is :attr:`Level.UNKNOWN`, and where a word is vague the table
errs coarse, since a point taken for a door when it is a street sends a worker astray.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import partial
from typing import Any

from geopy.exc import GeocoderParseError
from geopy.geocoders import BaiduV3, Nominatim
from geopy.geocoders.base import DEFAULT_SENTINEL, Geocoder
from geopy.location import Location
from geopy.util import logger

from ..coords import Datum
from .amap import AMap, SafeErrors, checked_point, hide_keys

__all__ = (
    "AMAP_LEVELS",
    "BAIDU_LEVELS",
    "KEY_ENV",
    "NOMINATIM_LEVELS",
    "PROVIDERS",
    "SECURITY_KEY_ENV",
    "Answer",
    "BaiduV3Geocoder",
    "Level",
    "NominatimGeocoder",
    "Provider",
    "make_provider",
    "provider_from_env",
)


class Level(StrEnum):
    """How precise a result is, in the planner's words."""

    BUILDING = "building"  # a door, building, house number: 门牌号, 门址, 楼栋
    POI = "poi"  # a named place (兴趣点, a compound): good enough to find the door
    STREET = "street"  # a road or street (道路, 交叉路口)
    DISTRICT = "district"  # 区县, 乡镇, 村庄, 开发区, 商圈
    CITY = "city"  # 市, 省, 国家
    UNKNOWN = "unknown"


# AMap 地理编码 `level` (https://lbs.amap.com/api/webservice/guide/api/georegeo, 匹配级别).
AMAP_LEVELS: Mapping[str, Level] = {
    "门牌号": Level.BUILDING,
    "单元号": Level.BUILDING,
    "门址": Level.BUILDING,  # not in AMap's table, but answers carry it
    "兴趣点": Level.POI,
    "住宅区": Level.POI,
    "公交站台、地铁站": Level.POI,
    "公交地铁站点": Level.POI,
    "地铁站": Level.POI,
    "道路": Level.STREET,
    "道路交叉路口": Level.STREET,
    "热点商圈": Level.DISTRICT,
    "村庄": Level.DISTRICT,
    "乡镇": Level.DISTRICT,
    "开发区": Level.DISTRICT,
    "区县": Level.DISTRICT,
    "市": Level.CITY,
    "省": Level.CITY,
    "国家": Level.CITY,
    "未知": Level.UNKNOWN,
}

# Baidu geocoding v3 `level`: an address type or, for a named place, its category
# (https://lbsyun.baidu.com/faq/api?title=webapi/guide/webservice-geocoding).
BAIDU_LEVELS: Mapping[str, Level] = {
    "门址": Level.BUILDING,
    "楼栋": Level.BUILDING,
    **dict.fromkeys(
        (
            "兴趣点",
            "地产小区",
            "商务大厦",
            "政府机构",
            "生活服务",
            "休闲娱乐",
            "餐饮",
            "宾馆",
            "购物",
            "金融",
            "教育",
            "医疗",
            "汽车服务",
            "旅游景点",
            "绿地",
            "火车站",
            "长途汽车站",
            "飞机场",
            "机场",
            "港口",
            "停车场",
            "加油站",
            "收费站",
            "收费处/收费站",
        ),
        Level.POI,
    ),
    "道路": Level.STREET,
    "交叉路口": Level.STREET,
    "桥": Level.STREET,
    "商圈": Level.DISTRICT,
    "工业园区": Level.DISTRICT,
    "村庄": Level.DISTRICT,
    "乡镇": Level.DISTRICT,
    "区县": Level.DISTRICT,
    "城市": Level.CITY,
    "省": Level.CITY,
    "国家": Level.CITY,
    "UNKNOWN": Level.UNKNOWN,
}

# Nominatim words, looked up as `addresstype` (Nominatim 4 and later), then `class`,
# then `type`. `class` comes before `type` because type words are ambiguous across
# classes: highway=residential is a road, landuse=residential a compound.
NOMINATIM_LEVELS: Mapping[str, Level] = {
    "house": Level.BUILDING,
    "building": Level.BUILDING,
    **dict.fromkeys(
        (
            "amenity",
            "shop",
            "office",
            "tourism",
            "leisure",
            "healthcare",
            "craft",
            "historic",
            "residential",  # a named housing compound (小区), addresstype or landuse type
        ),
        Level.POI,
    ),
    "road": Level.STREET,
    "highway": Level.STREET,
    **dict.fromkeys(
        (
            "neighbourhood",
            "quarter",
            "suburb",
            "city_district",
            "district",
            "borough",
            "county",
            "village",
            "hamlet",
        ),
        Level.DISTRICT,
    ),
    **dict.fromkeys(
        ("city", "town", "municipality", "state", "province", "region", "country"),
        Level.CITY,
    ),
}

# Where in Nominatim's `address` (addressdetails=1) the 区/县 is, most specific first.
_NOMINATIM_DISTRICT_KEYS = ("city_district", "district", "county", "suburb")


@dataclass(frozen=True)
class Answer:
    """A provider's best result for an address, read into the planner's terms.

    Attributes
    ----------
    lat, lon
        The point as the provider answered, in :attr:`datum`.
    datum
        AMap answers in GCJ-02, Baidu in BD-09, Nominatim in WGS-84.
    level
        How precise the point is.
    provider_level
        The provider's own word for it ("门牌号", "门址", "house", "UNKNOWN", ...).
    confidence
        Baidu's confidence (0-100); ``None`` where the provider has none.
    candidates
        How many results the provider gave; more than 1 means several candidates.
    matched
        The address the provider matched (AMap's ``formatted_address``, Nominatim's
        ``display_name``), ``""`` if it gives none (Baidu).
    district
        The 区/县 the provider placed it in, ``""`` if it does not say.
    """

    lat: float
    lon: float
    datum: Datum
    level: Level
    provider_level: str
    confidence: int | None
    candidates: int
    matched: str
    district: str

    def __post_init__(self) -> None:
        if not (math.isfinite(self.lat) and -90 <= self.lat <= 90):
            raise ValueError(f"Answer: `lat` must be within -90..90, got {self.lat!r}")
        if not (math.isfinite(self.lon) and -180 <= self.lon <= 180):
            raise ValueError(f"Answer: `lon` must be within -180..180, got {self.lon!r}")
        if self.candidates < 1:
            raise ValueError(f"Answer: `candidates` must be at least 1, got {self.candidates!r}")
        if self.confidence is not None and not 0 <= self.confidence <= 100:
            raise ValueError(
                f"Answer: `confidence` must be within 0..100 or None, got {self.confidence!r}"
            )


class BaiduV3Geocoder(SafeErrors, BaiduV3):
    """geopy's :class:`~geopy.geocoders.BaiduV3`, with a domain, a city and safe errors.

    geopy's ``BaiduV3`` keeps its own URL, SN signing, parsing and mapping of Baidu's
    status codes to exceptions. This subclass changes only what the planner cannot do
    without:

    * ``domain``: geopy always calls ``api.map.baidu.com``, so a test server or a proxy
      could not stand in;
    * ``city`` in :meth:`geocode`, Baidu's filter for same-named places;
    * no result is ``None``: Baidu says so with status 1 and ``无相关结果``, which geopy
      takes for a server error;
    * ``exactly_one=False`` returns a list of the one result (geopy iterates over the
      result's keys and fails);
    * the key stays out of error messages and of geopy's debug log (see
      :class:`~mealroute.geocode.amap.SafeErrors`).

    Parameters
    ----------
    api_key
        Baidu's AK.
    security_key
        Baidu's SK, for keys set to SN checking: every request is then signed.
    domain
        Host (and port) of the service.
    scheme, timeout, proxies, user_agent, ssl_context, adapter_factory
        As for every geopy geocoder.
    """

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
        security_key: str | None = None,
        domain: str = "api.map.baidu.com",
    ) -> None:
        super().__init__(
            api_key,
            scheme=scheme,
            timeout=timeout,
            proxies=proxies,
            user_agent=user_agent,
            ssl_context=ssl_context,
            adapter_factory=adapter_factory,
            security_key=security_key,
        )
        self.domain = domain.strip("/")
        self.api = f"{self.scheme}://{self.domain}{self.api_path}"
        self.reverse_api = f"{self.scheme}://{self.domain}{self.reverse_path}"

    def geocode(
        self,
        query: str,
        *,
        exactly_one: bool = True,
        timeout: Any = DEFAULT_SENTINEL,
        city: str | None = None,
    ) -> Location | list[Location] | None:
        """Return the point Baidu finds for an address (BD-09).

        Parameters
        ----------
        query
            The address.
        exactly_one
            Return the result, or a list of it (Baidu gives at most one).
        timeout
            Seconds to wait on this call only, instead of the geocoder's.
        city
            The city the address is in; filters same-named places.
        """
        params = {"ak": self.api_key, "output": "json", "address": query}
        if city:
            params["city"] = city
        url = self._construct_url(self.api, self.api_path, params)
        # geopy's own geocode logs this URL with the key in it.
        logger.debug("%s.geocode: %s", type(self).__name__, hide_keys(url, [self.api_key]))
        callback = partial(self._parse_json, exactly_one=exactly_one)
        return self._call_geocoder(url, callback, timeout=timeout)

    def _parse_json(self, page: Any, exactly_one: bool = True) -> Location | list[Location] | None:
        if not isinstance(page, Mapping):
            raise GeocoderParseError("Baidu: the answer is not a JSON object")
        status = page.get("status")
        if not isinstance(status, int):
            # geopy would compare None with numbers and raise a TypeError.
            raise GeocoderParseError(f"Baidu: `status` is {status!r}, not a number")
        result = page.get("result")
        if status == 1 and not result and "无相关结果" in str(page.get("msg", "")):
            return None
        if result:
            where = result.get("location") if isinstance(result, Mapping) else None
            if not isinstance(where, Mapping):
                raise GeocoderParseError("Baidu: the result has no `location`")
            checked_point(where.get("lat"), where.get("lng"), provider="Baidu")
        found = super()._parse_json(page, exactly_one=True)
        if found is None or exactly_one:
            return found
        return [found]


class NominatimGeocoder(SafeErrors, Nominatim):
    """geopy's :class:`~geopy.geocoders.Nominatim`; a misshapen answer is a parse error.

    geopy lets a result without ``lat`` or ``display_name`` escape as a ``TypeError``
    and warns before failing on a latitude beyond 90; here both are a
    :class:`~geopy.exc.GeocoderParseError`, as for the other providers.
    """

    def _parse_code(self, place: Any) -> Location:
        if not isinstance(place, Mapping):
            raise GeocoderParseError("Nominatim: a result is not a JSON object")
        checked_point(place.get("lat"), place.get("lon"), provider="Nominatim")
        return super()._parse_code(place)


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _amap_query(address: str, city: str | None) -> dict[str, Any]:
    query: dict[str, Any] = {"query": address, "exactly_one": False}
    if city:
        query["city"] = city
    return query


def _baidu_query(address: str, city: str | None) -> dict[str, Any]:
    # Baidu gives one result at most, so nothing is lost by asking for one.
    query: dict[str, Any] = {"query": address, "exactly_one": True}
    if city:
        query["city"] = city
    return query


def _nominatim_query(address: str, city: str | None) -> dict[str, Any]:
    # Nominatim has no city filter for a free-form query; the city goes into the text
    # unless the address already names it.
    text = f"{city} {address}" if city and city not in address else address
    return {
        "query": text,
        "exactly_one": False,
        "limit": 5,
        "addressdetails": True,
        "country_codes": "cn",
    }


def _amap_answer(place: Location, candidates: int, datum: Datum) -> Answer:
    raw = place.raw
    word = _text(raw.get("level"))
    return Answer(
        lat=place.latitude,
        lon=place.longitude,
        datum=datum,
        level=AMAP_LEVELS.get(word, Level.UNKNOWN),
        provider_level=word,
        confidence=None,
        candidates=candidates,
        matched=place.address,
        district=_text(raw.get("district")),
    )


def _baidu_answer(place: Location, candidates: int, datum: Datum) -> Answer:
    raw = place.raw
    word = _text(raw.get("level"))
    confidence = raw.get("confidence")
    return Answer(
        lat=place.latitude,
        lon=place.longitude,
        datum=datum,
        level=BAIDU_LEVELS.get(word, Level.UNKNOWN),
        provider_level=word,
        confidence=confidence if isinstance(confidence, int) else None,
        candidates=candidates,
        # geopy's Location.address for Baidu is the level word: Baidu's geocoding
        # answer holds no address.
        matched="",
        district="",
    )


def _nominatim_answer(place: Location, candidates: int, datum: Datum) -> Answer:
    raw = place.raw
    words = [_text(raw.get(field)) for field in ("addresstype", "class", "type")]
    level, word = next(
        ((NOMINATIM_LEVELS[word], word) for word in words if word in NOMINATIM_LEVELS),
        (Level.UNKNOWN, next((word for word in words if word), "")),
    )
    address = raw.get("address")
    parts = address if isinstance(address, Mapping) else {}
    district = next((_text(parts[key]) for key in _NOMINATIM_DISTRICT_KEYS if key in parts), "")
    return Answer(
        lat=place.latitude,
        lon=place.longitude,
        datum=datum,
        level=level,
        provider_level=word,
        confidence=None,
        candidates=candidates,
        matched=place.address,
        district=district,
    )


@dataclass(frozen=True)
class _Dialect:
    """What differs between providers, besides their geopy geocoder."""

    datum: Datum
    query: Callable[[str, str | None], dict[str, Any]]
    answer: Callable[[Location, int, Datum], Answer]


_DIALECTS: dict[str, _Dialect] = {
    "amap": _Dialect(Datum.GCJ02, _amap_query, _amap_answer),
    "baidu": _Dialect(Datum.BD09, _baidu_query, _baidu_answer),
    "nominatim": _Dialect(Datum.WGS84, _nominatim_query, _nominatim_answer),
}

PROVIDERS: tuple[str, ...] = tuple(_DIALECTS)
"""The provider names :func:`make_provider` knows."""


@dataclass(frozen=True)
class Provider:
    """A geocoding service: a geopy geocoder and how to ask it and read its answers.

    Attributes
    ----------
    name
        ``"amap"``, ``"baidu"`` or ``"nominatim"``.
    datum
        What it answers in: AMap GCJ-02, Baidu BD-09, Nominatim WGS-84.
    geocoder
        The geopy geocoder that talks to the service.
    """

    name: str
    datum: Datum
    geocoder: Geocoder

    def __post_init__(self) -> None:
        if self.name not in _DIALECTS:
            raise ValueError(
                f"Provider: `name` must be one of {', '.join(PROVIDERS)}, got {self.name!r}"
            )

    def query(self, address: str, *, city: str | None = None) -> dict[str, Any]:
        """Keyword arguments for ``geocoder.geocode`` to look ``address`` up.

        Parameters
        ----------
        address
            The address as written.
        city
            The city it is in, where the provider can use one.

        Returns
        -------
        dict
            Asks for every candidate (``exactly_one=False``) where the provider gives
            several, so that :meth:`answer` can count them.
        """
        return _DIALECTS[self.name].query(address, city)

    def answer(self, found: Location | list[Location] | None) -> Answer | None:
        """Read what ``geocoder.geocode`` returned; ``None`` if it found nothing.

        The first result is the provider's best; the others only count as candidates.
        """
        places = [found] if isinstance(found, Location) else list(found or [])
        if not places:
            return None
        return _DIALECTS[self.name].answer(places[0], len(places), self.datum)


KEY_ENV: Mapping[str, str] = {"amap": "MEALROUTE_AMAP_KEY", "baidu": "MEALROUTE_BAIDU_AK"}
"""The environment variable holding each provider's key."""

SECURITY_KEY_ENV: Mapping[str, str] = {"baidu": "MEALROUTE_BAIDU_SK"}
"""The environment variable holding Baidu's SN signing key (optional)."""


def make_provider(
    name: str,
    *,
    key: str | None = None,
    security_key: str | None = None,
    domain: str | None = None,
    scheme: str | None = None,
    user_agent: str | None = None,
    timeout: float = 10.0,
) -> Provider:
    """A :class:`Provider` for the service called ``name``.

    Parameters
    ----------
    name
        ``"amap"``, ``"baidu"`` or ``"nominatim"``.
    key
        The service's key: AMap's Web服务 Key, Baidu's AK. Required for both.
    security_key
        Baidu's SK, when its key is set to SN checking. Baidu only.
    domain
        Host (and port) of the service; the public one by default for AMap and Baidu.
        Required for Nominatim: the public server's usage policy forbids bulk
        geocoding, so it must be the user's own.
    scheme
        ``"https"`` (the default) or ``"http"``.
    user_agent
        The User-Agent header. Required for Nominatim, which asks every client to name
        itself.
    timeout
        Seconds to wait for an answer.

    Raises
    ------
    ValueError
        For an unknown name or a missing option; the message names the option.
    """
    if name not in _DIALECTS:
        raise ValueError(f"unknown geocoding provider {name!r}: use one of {', '.join(PROVIDERS)}")
    if security_key and name not in SECURITY_KEY_ENV:
        raise ValueError(f"`security_key` is for Baidu's SN signing, not for {name}")
    common: dict[str, Any] = {"scheme": scheme, "timeout": timeout, "user_agent": user_agent}
    geocoder: Geocoder
    if name == "nominatim":
        if not user_agent:
            raise ValueError("the nominatim geocoder needs `user_agent`: a name for this client")
        if not domain:
            raise ValueError("the nominatim geocoder needs `domain`: the host of your own server")
        geocoder = NominatimGeocoder(domain=domain, **common)
    else:
        if not key:
            raise ValueError(f"the {name} geocoder needs `key` (from {KEY_ENV[name]})")
        where = {"domain": domain} if domain else {}
        if name == "amap":
            geocoder = AMap(key, **common, **where)
        else:
            geocoder = BaiduV3Geocoder(key, security_key=security_key, **common, **where)
    return Provider(name, _DIALECTS[name].datum, geocoder)


def provider_from_env(
    name: str,
    *,
    domain: str | None = None,
    scheme: str | None = None,
    user_agent: str | None = None,
    timeout: float = 10.0,
) -> Provider:
    """:func:`make_provider` with the keys read from the environment.

    AMap's key is ``MEALROUTE_AMAP_KEY``; Baidu's AK is ``MEALROUTE_BAIDU_AK`` and its
    optional SK ``MEALROUTE_BAIDU_SK``. Nominatim needs none.

    Raises
    ------
    ValueError
        When a key is missing or empty; the message names the variable.
    """
    key = None
    if name in KEY_ENV:
        variable = KEY_ENV[name]
        key = os.environ.get(variable, "").strip()
        if not key:
            raise ValueError(f"the {name} geocoder needs a key: set {variable}")
    security_key = None
    if name in SECURITY_KEY_ENV:
        security_key = os.environ.get(SECURITY_KEY_ENV[name], "").strip() or None
    return make_provider(
        name,
        key=key,
        security_key=security_key,
        domain=domain,
        scheme=scheme,
        user_agent=user_agent,
        timeout=timeout,
    )
