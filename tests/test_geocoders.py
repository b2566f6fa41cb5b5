"""The geocoding providers against fake AMap, Baidu and Nominatim servers on 127.0.0.1.

Every lookup runs geopy's real client code (URL building, HTTP, error mapping) through
:func:`make_provider`; the fakes in :mod:`tests.geoservers` answer in each service's
own format.
"""

from __future__ import annotations

import logging
import math
import re
import socket
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
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
from geopy.location import Location

from mealroute.coords import Datum, to_wgs84
from mealroute.geocode.amap import AMap, hide_keys
from mealroute.geocode.providers import (
    AMAP_LEVELS,
    BAIDU_LEVELS,
    NOMINATIM_LEVELS,
    Answer,
    Level,
    Provider,
    make_provider,
    provider_from_env,
)
from tests.geoservers import (
    AMAP_KEY,
    BAIDU_AK,
    BAIDU_SK,
    DOOR,
    DOOR_BD09,
    DOOR_GCJ02,
    DOOR_WGS84,
    KEYS,
    NOMINATIM_DOOR,
    NOWHERE,
    STREET,
    FakeServer,
    Reply,
    amap_error,
    amap_ok,
    amap_place,
    amap_server,
    baidu_error,
    baidu_ok,
    baidu_server,
    malformed,
    nominatim_place,
    nominatim_server,
    server_error,
    slow,
)

TIMEOUT = 5.0  # generous: a good answer from 127.0.0.1 takes milliseconds
SHORT_TIMEOUT = 0.1  # for the slow-server tests
USER_AGENT = "mealroute-tests/1.0"


@pytest.fixture(scope="module")
def servers() -> Iterator[dict[str, FakeServer]]:
    with (
        amap_server() as amap,
        baidu_server() as baidu,
        baidu_server(security_key=BAIDU_SK) as baidu_signed,
        nominatim_server() as nominatim,
    ):
        yield {"amap": amap, "baidu": baidu, "baidu_signed": baidu_signed, "nominatim": nominatim}


@pytest.fixture
def fakes(servers: dict[str, FakeServer]) -> dict[str, FakeServer]:
    for server in servers.values():
        server.reset()
    return servers


_OPTIONS: dict[str, dict[str, Any]] = {
    "amap": {"key": AMAP_KEY},
    "baidu": {"key": BAIDU_AK},
    "nominatim": {"user_agent": USER_AGENT},
}


@contextmanager
def provider_at(server: FakeServer, name: str, **options: Any) -> Iterator[Provider]:
    """A provider pointed at ``server``; its HTTP session is closed afterwards."""
    settings = {**_OPTIONS[name], "timeout": TIMEOUT, **options}
    provider = make_provider(name, domain=server.host, scheme="http", **settings)
    with provider.geocoder:
        yield provider


def look_up(provider: Provider, address: str, *, city: str | None = None) -> Answer | None:
    return provider.answer(provider.geocoder.geocode(**provider.query(address, city=city)))


def assert_no_key(error: BaseException) -> None:
    """No key in the error as a traceback would show it, chained exceptions included."""
    shown = "".join(traceback.format_exception(error))
    for key in KEYS:
        assert key not in shown


@pytest.fixture
def amap(fakes: dict[str, FakeServer]) -> Iterator[Provider]:
    with provider_at(fakes["amap"], "amap") as provider:
        yield provider


@pytest.fixture
def baidu(fakes: dict[str, FakeServer]) -> Iterator[Provider]:
    with provider_at(fakes["baidu"], "baidu") as provider:
        yield provider


@pytest.fixture
def nominatim(fakes: dict[str, FakeServer]) -> Iterator[Provider]:
    with provider_at(fakes["nominatim"], "nominatim") as provider:
        yield provider


# --- AMap ------------------------------------------------------------------------


def test_amap_reads_lng_lat_in_that_order_and_keeps_gcj02(amap: Provider) -> None:
    answer = look_up(amap, DOOR)
    assert answer == Answer(
        lat=DOOR_GCJ02[0],
        lon=DOOR_GCJ02[1],
        datum=Datum.GCJ02,
        level=Level.BUILDING,
        provider_level="门牌号",
        confidence=None,
        candidates=1,
        matched=DOOR,
        district="历下区",
    )


def test_amap_request_carries_key_address_city_and_output(
    amap: Provider, fakes: dict[str, FakeServer]
) -> None:
    look_up(amap, DOOR, city="济南")
    (request,) = fakes["amap"].seen
    assert request.path == "/v3/geocode/geo"
    assert request.params == {"key": AMAP_KEY, "address": DOOR, "output": "JSON", "city": "济南"}


def test_amap_sends_no_city_unless_given(amap: Provider, fakes: dict[str, FakeServer]) -> None:
    look_up(amap, DOOR)
    assert "city" not in fakes["amap"].seen[0].params


def test_amap_counts_candidates_and_takes_the_first(amap: Provider) -> None:
    answer = look_up(amap, STREET)
    assert answer is not None
    assert answer.candidates == 2
    assert (answer.level, answer.provider_level) == (Level.STREET, "道路")
    assert answer.matched == "山东省济南市历下区解放路"
    assert (answer.lat, answer.lon) == (36.664012, 117.040051)


def test_amap_city_narrows_the_candidates(amap: Provider) -> None:
    answer = look_up(amap, STREET, city="济宁")
    assert answer is not None
    assert (answer.candidates, answer.district) == (1, "任城区")


def test_amap_exactly_one_returns_a_location(amap: Provider) -> None:
    found = amap.geocoder.geocode(STREET)
    assert isinstance(found, Location)
    assert found.address == "山东省济南市历下区解放路"


@pytest.mark.parametrize(
    "reply",
    [
        amap_ok(),
        Reply({"status": "1", "info": "OK", "infocode": "10000", "count": "0"}),
    ],
    ids=["empty-geocodes", "no-geocodes-field"],
)
def test_amap_no_result_is_none(amap: Provider, fakes: dict[str, FakeServer], reply: Reply) -> None:
    fakes["amap"].script[NOWHERE] = reply
    assert amap.geocoder.geocode(**amap.query(NOWHERE)) is None
    assert look_up(amap, NOWHERE) is None


def test_amap_empty_fields_come_as_lists(amap: Provider, fakes: dict[str, FakeServer]) -> None:
    place = amap_place(DOOR, "117.063386,36.667420", "兴趣点", district=[])
    fakes["amap"].script[DOOR] = amap_ok(place)
    answer = look_up(amap, DOOR)
    assert answer is not None
    assert (answer.district, answer.level) == ("", Level.POI)


AMAP_ERRORS = [
    ("10001", "INVALID_USER_KEY", GeocoderAuthenticationFailure),
    ("10002", "SERVICE_NOT_AVAILABLE", GeocoderInsufficientPrivileges),
    ("10003", "DAILY_QUERY_OVER_LIMIT", GeocoderQuotaExceeded),
    ("10004", "ACCESS_TOO_FREQUENT", GeocoderRateLimited),
    ("10005", "INVALID_USER_IP", GeocoderInsufficientPrivileges),
    ("10006", "INVALID_USER_DOMAIN", GeocoderInsufficientPrivileges),
    ("10007", "INVALID_USER_SIGNATURE", GeocoderAuthenticationFailure),
    ("10009", "USERKEY_PLAT_NOMATCH", GeocoderInsufficientPrivileges),
    ("10010", "IP_QUERY_OVER_LIMIT", GeocoderQuotaExceeded),
    ("10014", "QPS_HAS_EXCEEDED_THE_LIMIT", GeocoderRateLimited),
    ("10019", "CQPS_HAS_EXCEEDED_THE_LIMIT", GeocoderRateLimited),
    ("10020", "CKQPS_HAS_EXCEEDED_THE_LIMIT", GeocoderRateLimited),
    ("10021", "CUQPS_HAS_EXCEEDED_THE_LIMIT", GeocoderRateLimited),
    ("10044", "USER_DAILY_QUERY_OVER_LIMIT", GeocoderQuotaExceeded),
    ("20000", "INVALID_PARAMS", GeocoderQueryError),
    ("20003", "UNKNOWN_ERROR", GeocoderServiceError),
    ("20011", "ABROAD_QUERY_NOT_SUPPORTED", GeocoderQueryError),  # unlisted 2xxxx
    ("30001", "ENGINE_RESPONSE_DATA_ERROR", GeocoderServiceError),
    ("32000", "ENGINE_TIMEOUT", GeocoderServiceError),
]


@pytest.mark.parametrize(
    ("infocode", "info", "expected"), AMAP_ERRORS, ids=[row[1] for row in AMAP_ERRORS]
)
def test_amap_error_is_the_geopy_exception(
    amap: Provider,
    fakes: dict[str, FakeServer],
    infocode: str,
    info: str,
    expected: type[GeopyError],
) -> None:
    fakes["amap"].script[DOOR] = amap_error(infocode, info)
    with pytest.raises(GeopyError) as caught:
        look_up(amap, DOOR)
    # Exactly this class: GeocoderRateLimited is also a GeocoderQuotaExceeded, but a
    # spent day's quota must not read as "try again in a moment".
    assert type(caught.value) is expected
    assert info in str(caught.value)
    assert infocode in str(caught.value)
    assert_no_key(caught.value)


def test_amap_wrong_key_is_an_authentication_failure(fakes: dict[str, FakeServer]) -> None:
    with (
        provider_at(fakes["amap"], "amap", key="notTheRightKey0123") as amap,
        pytest.raises(GeocoderAuthenticationFailure) as caught,
    ):
        look_up(amap, DOOR)
    assert "notTheRightKey0123" not in "".join(traceback.format_exception(caught.value))
    assert "INVALID_USER_KEY" in str(caught.value)


@pytest.mark.parametrize(
    "body",
    [
        {"info": "OK", "geocodes": []},  # no status
        {"status": "1", "geocodes": [{"formatted_address": DOOR, "level": "门牌号"}]},
        {"status": "1", "geocodes": [{"location": "117.063386", "level": "门牌号"}]},
        {"status": "1", "geocodes": [{"location": "东经117,北纬36"}]},
        {"status": "1", "geocodes": [{"location": "36.667420,117.063386"}]},  # lat,lng
        {"status": "1", "geocodes": {"location": "117.063386,36.667420"}},
        {"status": "1", "geocodes": ["117.063386,36.667420"]},
        ["not", "an", "object"],
    ],
    ids=[
        "no-status",
        "no-location",
        "location-without-comma",
        "location-not-numbers",
        "latitude-out-of-range",
        "geocodes-not-a-list",
        "entry-not-an-object",
        "answer-not-an-object",
    ],
)
def test_amap_misshapen_answer_is_a_parse_error(
    amap: Provider, fakes: dict[str, FakeServer], body: Any
) -> None:
    fakes["amap"].script[DOOR] = Reply(body)
    with pytest.raises(GeocoderParseError) as caught:
        look_up(amap, DOOR)
    assert_no_key(caught.value)


def test_amap_keeps_the_domain_it_is_given() -> None:
    assert AMap("k").api == "https://restapi.amap.com/v3/geocode/geo"
    assert AMap("k", scheme="http", domain="127.0.0.1:8080/").api == (
        "http://127.0.0.1:8080/v3/geocode/geo"
    )


# --- Baidu -----------------------------------------------------------------------


def test_baidu_answers_in_bd09_with_its_confidence(baidu: Provider) -> None:
    assert look_up(baidu, DOOR) == Answer(
        lat=DOOR_BD09[0],
        lon=DOOR_BD09[1],
        datum=Datum.BD09,
        level=Level.BUILDING,
        provider_level="门址",
        confidence=80,
        candidates=1,
        matched="",  # Baidu's geocoding answer holds no address
        district="",
    )


def test_baidu_request_carries_ak_address_city_and_no_sn(
    baidu: Provider, fakes: dict[str, FakeServer]
) -> None:
    look_up(baidu, DOOR, city="济南市")
    (request,) = fakes["baidu"].seen
    assert request.path == "/geocoding/v3/"
    assert request.params == {"ak": BAIDU_AK, "output": "json", "address": DOOR, "city": "济南市"}


def test_baidu_signs_requests_with_sn_when_given_a_security_key(
    fakes: dict[str, FakeServer],
) -> None:
    # The signed fake answers 211 (SN check failed) unless the SN is right.
    with provider_at(fakes["baidu_signed"], "baidu", security_key=BAIDU_SK) as baidu:
        answer = look_up(baidu, DOOR, city="济南市")
    assert answer is not None and answer.level == Level.BUILDING
    (request,) = fakes["baidu_signed"].seen
    assert len(request.params["sn"]) == 32
    assert request.query.endswith("&sn=" + request.params["sn"])


@pytest.mark.parametrize("security_key", [None, "wrongSk0123456789"], ids=["unsigned", "wrong-sk"])
def test_baidu_bad_sn_is_an_authentication_failure(
    fakes: dict[str, FakeServer], security_key: str | None
) -> None:
    with (
        provider_at(fakes["baidu_signed"], "baidu", security_key=security_key) as baidu,
        pytest.raises(GeocoderAuthenticationFailure) as caught,
    ):
        look_up(baidu, DOOR)
    assert_no_key(caught.value)
    assert "wrongSk0123456789" not in "".join(traceback.format_exception(caught.value))


def test_baidu_wrong_ak_is_an_authentication_failure(fakes: dict[str, FakeServer]) -> None:
    with (
        provider_at(fakes["baidu"], "baidu", key="notTheRightAk0123") as baidu,
        pytest.raises(GeocoderAuthenticationFailure) as caught,
    ):
        look_up(baidu, DOOR)
    assert "notTheRightAk0123" not in "".join(traceback.format_exception(caught.value))


@pytest.mark.parametrize(
    "reply",
    [
        # How Baidu says "nothing found": geopy alone would raise GeocoderServiceError.
        Reply({"status": 1, "msg": "Internal Service Error:无相关结果", "results": []}),
        Reply({"status": 0, "result": {}}),
    ],
    ids=["status-1-no-result", "status-0-empty"],
)
def test_baidu_no_result_is_none(
    baidu: Provider, fakes: dict[str, FakeServer], reply: Reply
) -> None:
    fakes["baidu"].script[NOWHERE] = reply
    assert look_up(baidu, NOWHERE) is None


def test_baidu_exactly_one_false_returns_a_list_of_one(baidu: Provider) -> None:
    # geopy's BaiduV3 iterates over the result's keys here and fails.
    found = baidu.geocoder.geocode(DOOR, exactly_one=False)
    assert isinstance(found, list) and len(found) == 1
    assert (found[0].latitude, found[0].longitude) == DOOR_BD09


# geopy's own mapping of Baidu's statuses (geopy.geocoders.baidu.Baidu._check_status),
# kept as it is; note 5 (bad AK) is a query error and 401/402 (too many at once) count
# as quota, not as rate limiting.
BAIDU_ERRORS = [
    (1, "服务器内部错误", GeocoderServiceError),
    (2, "Parameter Invalid", GeocoderQueryError),
    (3, "Verify Failure", GeocoderAuthenticationFailure),
    (4, "Quota Failure", GeocoderQuotaExceeded),
    (5, "AK Failure", GeocoderQueryError),
    (101, "AK参数不存在", GeocoderAuthenticationFailure),
    (200, "APP不存在，AK有误请检查再重试", GeocoderAuthenticationFailure),
    (210, "APP IP校验失败", GeocoderAuthenticationFailure),
    (211, "APP SN校验失败", GeocoderAuthenticationFailure),
    (240, "APP 服务被禁用", GeocoderAuthenticationFailure),
    (302, "天配额超限，限制访问", GeocoderQuotaExceeded),
    (401, "当前并发量已经超过约定并发配额，限制访问", GeocoderQuotaExceeded),
    (
        402,
        "当前并发量已经超过约定并发配额，并且服务总并发量也已经超过设定的总并发配额",
        GeocoderQuotaExceeded,
    ),
]


@pytest.mark.parametrize(
    ("status", "message", "expected"), BAIDU_ERRORS, ids=[str(row[0]) for row in BAIDU_ERRORS]
)
def test_baidu_error_is_the_geopy_exception(
    baidu: Provider,
    fakes: dict[str, FakeServer],
    status: int,
    message: str,
    expected: type[GeopyError],
) -> None:
    fakes["baidu"].script[DOOR] = baidu_error(status, message)
    with pytest.raises(GeopyError) as caught:
        look_up(baidu, DOOR)
    assert type(caught.value) is expected
    assert_no_key(caught.value)


@pytest.mark.parametrize(
    "body",
    [
        {"result": {"location": {"lng": 117.07, "lat": 36.67}, "level": "门址"}},
        {"status": "0", "result": {}},
        {"status": 0, "result": {"location": {"lng": 117.07}, "level": "门址"}},
        {"status": 0, "result": {"level": "门址"}},
        {"status": 0, "result": {"location": {"lng": 117.07, "lat": 36.67}}},
        {"status": 0, "result": {"location": {"lng": 36.67, "lat": 117.07}, "level": "门址"}},
        [],
    ],
    ids=[
        "no-status",
        "status-as-text",
        "no-lat",
        "no-location",
        "no-level",
        "lat-lng-swapped",
        "answer-not-an-object",
    ],
)
def test_baidu_misshapen_answer_is_a_parse_error(
    baidu: Provider, fakes: dict[str, FakeServer], body: Any
) -> None:
    fakes["baidu"].script[DOOR] = Reply(body)
    with pytest.raises(GeocoderParseError) as caught:
        look_up(baidu, DOOR)
    assert_no_key(caught.value)


def test_baidu_confidence_is_kept_only_when_a_number(
    baidu: Provider, fakes: dict[str, FakeServer]
) -> None:
    fakes["baidu"].script[DOOR] = baidu_ok(*DOOR_BD09, "道路", confidence=20)
    answer = look_up(baidu, DOOR)
    assert answer is not None
    assert (answer.confidence, answer.level) == (20, Level.STREET)


# --- Nominatim -------------------------------------------------------------------


def test_nominatim_answers_in_wgs84_with_the_district(nominatim: Provider) -> None:
    answer = look_up(nominatim, DOOR)
    assert answer == Answer(
        lat=DOOR_WGS84[0],
        lon=DOOR_WGS84[1],
        datum=Datum.WGS84,
        level=Level.BUILDING,
        provider_level="building",
        confidence=None,
        candidates=2,
        matched=NOMINATIM_DOOR[0]["display_name"],
        district="历下区",
    )


def test_nominatim_request_carries_query_details_and_user_agent(
    nominatim: Provider, fakes: dict[str, FakeServer]
) -> None:
    look_up(nominatim, "历下区甸柳新村三区", city="济南市")
    look_up(nominatim, DOOR, city="济南市")  # the city is already in the address
    first, second = fakes["nominatim"].seen
    assert first.path == "/search"
    assert first.params == {
        "q": "济南市 历下区甸柳新村三区",
        "format": "json",
        "limit": "5",
        "countrycodes": "cn",
        "addressdetails": "1",
    }
    assert first.headers["User-Agent"] == USER_AGENT
    assert second.params["q"] == DOOR


def test_nominatim_no_result_is_none(nominatim: Provider) -> None:
    assert look_up(nominatim, NOWHERE) is None


@pytest.mark.parametrize(
    ("osm_class", "osm_type", "addresstype", "level", "word"),
    [
        ("building", "yes", "building", Level.BUILDING, "building"),
        ("place", "house", "place", Level.BUILDING, "house"),
        ("amenity", "social_facility", "amenity", Level.POI, "amenity"),
        ("landuse", "residential", "residential", Level.POI, "residential"),
        ("highway", "residential", "road", Level.STREET, "road"),
        ("boundary", "administrative", "city_district", Level.DISTRICT, "city_district"),
        ("place", "suburb", "suburb", Level.DISTRICT, "suburb"),
        ("place", "city", "city", Level.CITY, "city"),
        ("place", "town", "town", Level.CITY, "town"),
        # Older Nominatim (before 4.0) sends no addresstype: class, then type.
        ("highway", "residential", None, Level.STREET, "highway"),
        ("landuse", "residential", None, Level.POI, "residential"),
        ("building", "apartments", None, Level.BUILDING, "building"),
        ("place", "city", None, Level.CITY, "city"),
        ("boundary", "administrative", None, Level.UNKNOWN, "boundary"),
        ("man_made", "tower", "man_made", Level.UNKNOWN, "man_made"),
    ],
)
def test_nominatim_level_from_addresstype_class_then_type(
    nominatim: Provider,
    fakes: dict[str, FakeServer],
    osm_class: str,
    osm_type: str,
    addresstype: str | None,
    level: Level,
    word: str,
) -> None:
    place = nominatim_place(
        *DOOR_WGS84,
        osm_class=osm_class,
        osm_type=osm_type,
        addresstype=addresstype,
        display_name=DOOR,
    )
    fakes["nominatim"].script[DOOR] = Reply([place])
    answer = look_up(nominatim, DOOR)
    assert answer is not None
    assert (answer.level, answer.provider_level, answer.district) == (level, word, "")


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (400, GeocoderQueryError),
        (403, GeocoderInsufficientPrivileges),  # e.g. a blocked user agent
        (429, GeocoderRateLimited),
        (500, GeocoderServiceError),
        (503, GeocoderTimedOut),  # geopy's reading of 503
    ],
)
def test_nominatim_http_error_is_the_geopy_exception(
    nominatim: Provider, fakes: dict[str, FakeServer], status: int, expected: type[GeopyError]
) -> None:
    body = {"error": {"code": status, "message": "refused"}}
    fakes["nominatim"].script[DOOR] = Reply(body, status=status)
    with pytest.raises(GeopyError) as caught:
        look_up(nominatim, DOOR)
    assert type(caught.value) is expected


def test_nominatim_error_in_a_200_answer_is_a_query_error(
    nominatim: Provider, fakes: dict[str, FakeServer]
) -> None:
    fakes["nominatim"].script[DOOR] = Reply({"error": "Nominatim has not been imported"})
    with pytest.raises(GeocoderQueryError, match="not been imported"):
        look_up(nominatim, DOOR)


@pytest.mark.parametrize(
    "place",
    [
        {"lon": "117.05", "display_name": DOOR},
        {"lat": "36.66", "lon": "117.05"},
        {"lat": "北纬36", "lon": "117.05", "display_name": DOOR},
        "not an object",
    ],
    ids=["no-lat", "no-display-name", "lat-not-a-number", "result-not-an-object"],
)
def test_nominatim_misshapen_answer_is_a_parse_error(
    nominatim: Provider, fakes: dict[str, FakeServer], place: Any
) -> None:
    fakes["nominatim"].script[DOOR] = Reply([place])
    with pytest.raises(GeocoderParseError):
        look_up(nominatim, DOOR)


# --- Every provider ----------------------------------------------------------------


def test_the_three_answers_for_one_door_meet_in_wgs84(
    amap: Provider, baidu: Provider, nominatim: Provider
) -> None:
    # Each answer is in its provider's datum; labelled right, they agree once converted.
    points = []
    for provider in (amap, baidu, nominatim):
        answer = look_up(provider, DOOR)
        assert answer is not None and answer.datum == provider.datum
        points.append(to_wgs84(answer.lat, answer.lon, answer.datum))
    for lat, lon in points[1:]:
        metres = 6_371_000 * math.radians(math.hypot(lat - points[0][0], lon - points[0][1]))
        assert metres < 2


NAMES = ["amap", "baidu", "nominatim"]


@pytest.mark.parametrize("name", NAMES)
def test_http_500_is_a_service_error(fakes: dict[str, FakeServer], name: str) -> None:
    fakes[name].script[DOOR] = server_error()
    with provider_at(fakes[name], name) as provider, pytest.raises(GeopyError) as caught:
        look_up(provider, DOOR)
    assert type(caught.value) is GeocoderServiceError
    assert_no_key(caught.value)


@pytest.mark.parametrize("name", NAMES)
def test_malformed_json_is_a_parse_error(fakes: dict[str, FakeServer], name: str) -> None:
    fakes[name].script[DOOR] = malformed()
    with provider_at(fakes[name], name) as provider, pytest.raises(GeocoderParseError) as caught:
        look_up(provider, DOOR)
    assert_no_key(caught.value)


@pytest.mark.parametrize("name", NAMES)
def test_slow_answer_times_out_without_showing_the_key(
    fakes: dict[str, FakeServer], name: str
) -> None:
    # geopy's requests adapter retries a read timeout twice, then reports it as
    # GeocoderUnavailable with requests' message, which quotes the URL and its key.
    fakes[name].script[DOOR] = slow()
    with (
        provider_at(fakes[name], name, timeout=SHORT_TIMEOUT) as provider,
        pytest.raises(GeocoderUnavailable, match="timed out") as caught,
    ):
        look_up(provider, DOOR)
    assert_no_key(caught.value)
    assert fakes[name].seen  # it did reach the server


@pytest.mark.parametrize("name", NAMES)
def test_unreachable_server_is_unavailable_without_showing_the_key(name: str) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings = {**_OPTIONS[name], "timeout": TIMEOUT}
    provider = make_provider(name, domain=f"127.0.0.1:{port}", scheme="http", **settings)
    with provider.geocoder, pytest.raises(GeocoderUnavailable) as caught:
        look_up(provider, DOOR)
    assert_no_key(caught.value)
    assert "***" in str(caught.value) or name == "nominatim"


def test_keys_stay_out_of_geopy_log(
    fakes: dict[str, FakeServer], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="geopy")
    with (
        provider_at(fakes["amap"], "amap") as amap,
        provider_at(fakes["baidu_signed"], "baidu", security_key=BAIDU_SK) as baidu,
    ):
        look_up(amap, DOOR)
        look_up(baidu, DOOR)
    logged = [record.getMessage() for record in caplog.records if record.name == "geopy"]
    assert len(logged) == 2
    assert all("key=***" in line or "ak=***" in line for line in logged)
    for key in KEYS:
        assert not any(key in line for line in logged)


# --- Level tables, answers, construction -------------------------------------------


@pytest.mark.parametrize(
    ("name", "table"),
    [("amap", AMAP_LEVELS), ("baidu", BAIDU_LEVELS), ("nominatim", NOMINATIM_LEVELS)],
)
def test_every_level_word_and_an_unknown_one(name: str, table: Any) -> None:
    provider = make_provider(name, **_OPTIONS[name], domain="127.0.0.1:9")
    with provider.geocoder:
        for word, level in [*table.items(), ("新的级别", Level.UNKNOWN)]:
            raw = {"level": word, "addresstype": word, "lat": "36.6", "lon": "117.0"}
            answer = provider.answer(Location(word, (36.6, 117.0), raw))
            assert answer is not None
            assert (answer.level, answer.provider_level) == (level, word)


def test_answer_of_nothing_is_none(amap: Provider) -> None:
    assert amap.answer(None) is None
    assert amap.answer([]) is None


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("lat", 117.06, "`lat` must be within -90..90, got 117.06"),
        ("lon", math.nan, "`lon` must be within -180..180, got nan"),
        ("candidates", 0, "`candidates` must be at least 1, got 0"),
        ("confidence", 101, "`confidence` must be within 0..100 or None, got 101"),
    ],
)
def test_answer_checks_its_fields(field: str, value: Any, words: str) -> None:
    fields: dict[str, Any] = {
        "lat": 36.6,
        "lon": 117.0,
        "datum": Datum.GCJ02,
        "level": Level.BUILDING,
        "provider_level": "门牌号",
        "confidence": None,
        "candidates": 1,
        "matched": "",
        "district": "",
        field: value,
    }
    with pytest.raises(ValueError, match=re.escape(words)):
        Answer(**fields)


@pytest.mark.parametrize(
    ("name", "options", "words"),
    [
        ("amap", {}, "needs `key` (from MEALROUTE_AMAP_KEY)"),
        ("baidu", {"key": ""}, "needs `key` (from MEALROUTE_BAIDU_AK)"),
        ("nominatim", {"domain": "nominatim.example.org"}, "needs `user_agent`"),
        ("nominatim", {"user_agent": USER_AGENT}, "needs `domain`"),
        ("amap", {"key": "k", "security_key": "s"}, "`security_key` is for Baidu"),
        ("google", {"key": "k"}, "unknown geocoding provider 'google'"),
    ],
)
def test_make_provider_names_what_is_missing(
    name: str, options: dict[str, Any], words: str
) -> None:
    with pytest.raises(ValueError, match=re.escape(words)):
        make_provider(name, **options)


def test_provider_checks_its_name() -> None:
    with pytest.raises(ValueError, match="`name` must be one of amap, baidu, nominatim"):
        Provider("tencent", Datum.GCJ02, AMap("k"))


def test_provider_from_env_reads_the_keys(
    fakes: dict[str, FakeServer], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MEALROUTE_AMAP_KEY", AMAP_KEY)
    monkeypatch.setenv("MEALROUTE_BAIDU_AK", BAIDU_AK)
    monkeypatch.setenv("MEALROUTE_BAIDU_SK", BAIDU_SK)
    for name, server in [("amap", fakes["amap"]), ("baidu", fakes["baidu_signed"])]:
        provider = provider_from_env(name, domain=server.host, scheme="http", timeout=TIMEOUT)
        with provider.geocoder:
            assert look_up(provider, DOOR) is not None
    assert fakes["amap"].seen[0].params["key"] == AMAP_KEY
    assert "sn" in fakes["baidu_signed"].seen[0].params


def test_provider_from_env_without_sk_does_not_sign(
    fakes: dict[str, FakeServer], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MEALROUTE_BAIDU_AK", BAIDU_AK)
    monkeypatch.delenv("MEALROUTE_BAIDU_SK", raising=False)
    provider = provider_from_env("baidu", domain=fakes["baidu"].host, scheme="http")
    with provider.geocoder:
        assert look_up(provider, DOOR) is not None
    assert "sn" not in fakes["baidu"].seen[0].params


@pytest.mark.parametrize(
    ("name", "variable"), [("amap", "MEALROUTE_AMAP_KEY"), ("baidu", "MEALROUTE_BAIDU_AK")]
)
@pytest.mark.parametrize("value", [None, "", "  "], ids=["unset", "empty", "blank"])
def test_provider_from_env_names_the_missing_variable(
    monkeypatch: pytest.MonkeyPatch, name: str, variable: str, value: str | None
) -> None:
    if value is None:
        monkeypatch.delenv(variable, raising=False)
    else:
        monkeypatch.setenv(variable, value)
    with pytest.raises(ValueError, match=f"set {variable}"):
        provider_from_env(name)


def test_provider_from_env_nominatim_needs_no_key(monkeypatch: pytest.MonkeyPatch) -> None:
    for variable in ("MEALROUTE_AMAP_KEY", "MEALROUTE_BAIDU_AK", "MEALROUTE_BAIDU_SK"):
        monkeypatch.delenv(variable, raising=False)
    provider = provider_from_env("nominatim", domain="127.0.0.1:9", user_agent=USER_AGENT)
    with provider.geocoder:
        assert (provider.name, provider.datum) == ("nominatim", Datum.WGS84)


def test_hide_keys_hides_plain_and_encoded_keys() -> None:
    url = "http://h/p?key=a%2Bb%2Fc&ak=plainkey&other=1"
    assert hide_keys(url, ["a+b/c", "plainkey", None, ""]) == "http://h/p?key=***&ak=***&other=1"
