"""Stand-ins for the geocoding services, on 127.0.0.1.

Each fake answers as the real service does: the same path, parameters, JSON shapes and
error codes (from AMap's and Baidu's web service documentation and Nominatim's
``/search`` format), so the tests run geopy's own client code end to end with no
internet. AMap's and Baidu's fakes check the key, and Baidu's the SN signature when it
is given an SK, the way the real services do. A test scripts the reply to one address
with :attr:`FakeServer.script`; every request is kept in :attr:`FakeServer.seen`.

The places are one door in Jinan, 甸柳新村三区, in each provider's datum (the Baidu and
Nominatim points are AMap's converted with :mod:`mealroute.coords`), and a street name
that two cities share.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self
from urllib.parse import parse_qsl, quote_plus, urlsplit

AMAP_KEY = "amapkey0123456789abcdef01234567"
BAIDU_AK = "baiduAk0123456789ABCDEFghijklmn"
BAIDU_SK = "baiduSk9876543210ZYXWVUtsrqponm"
KEYS = (AMAP_KEY, BAIDU_AK, BAIDU_SK)

DOOR = "山东省济南市历下区甸柳新村三区"  # one result from every provider
STREET = "解放路"  # AMap: a street in 济南 and one in 济宁
NOWHERE = "火星市不存在路1号"  # no result from any provider

# The door's point as each provider gives it: AMap GCJ-02 (lat, lon), Baidu BD-09,
# Nominatim WGS-84.
DOOR_GCJ02 = (36.667420, 117.063386)
DOOR_BD09 = (36.673072, 117.069987)
DOOR_WGS84 = (36.6670082, 117.0573254)


@dataclass(frozen=True)
class Reply:
    """What a fake sends back."""

    body: Any = None  # a JSON-able object, or bytes sent as they are
    status: int = 200
    delay: float = 0.0  # seconds to wait before answering
    content_type: str = "application/json; charset=utf-8"


@dataclass(frozen=True)
class Request:
    """One request a fake received."""

    path: str
    query: str  # the query string as sent, still encoded
    params: dict[str, str]  # decoded
    headers: dict[str, str]


@dataclass
class FakeServer:
    """An HTTP server on 127.0.0.1 that answers as one geocoding service.

    Use it as a context manager; :attr:`host` is then what a geocoder's ``domain``
    takes. Requests are served in threads, so a slow reply holds up no other.

    Parameters
    ----------
    respond
        The service's own behaviour: a reply for every request not scripted.
    address_param
        The query parameter holding the address (``address``, or Nominatim's ``q``).
    """

    respond: Callable[[Request], Reply]
    address_param: str = "address"
    script: dict[str, Reply] = field(default_factory=dict)
    seen: list[Request] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._closing = threading.Event()
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def host(self) -> str:
        """``127.0.0.1:PORT``."""
        assert self._httpd is not None, "the server is not running"
        return f"127.0.0.1:{self._httpd.server_port}"

    def reset(self) -> None:
        """Forget scripted replies and seen requests."""
        self.script.clear()
        self.seen.clear()

    def reply_to(self, request: Request) -> Reply:
        self.seen.append(request)
        scripted = self.script.get(request.params.get(self.address_param, ""))
        return scripted if scripted is not None else self.respond(request)

    def __enter__(self) -> Self:
        self._httpd = _HTTPServer(("127.0.0.1", 0), _Handler)
        self._httpd.fake = self
        # A short poll keeps shutdown quick; the default half second adds up over servers.
        serve = partial(self._httpd.serve_forever, poll_interval=0.02)
        self._thread = threading.Thread(target=serve, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._closing.set()  # wakes handlers still sitting on a slow reply
        assert self._httpd is not None and self._thread is not None
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join()

    def wait(self, seconds: float) -> bool:
        """Sleep ``seconds``; True if the server closed meanwhile."""
        return self._closing.wait(seconds)


class _HTTPServer(ThreadingHTTPServer):
    fake: FakeServer


class _Handler(BaseHTTPRequestHandler):
    server: _HTTPServer

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        request = Request(
            path=parts.path,
            query=parts.query,
            params=dict(parse_qsl(parts.query, keep_blank_values=True)),
            headers=dict(self.headers.items()),
        )
        fake = self.server.fake
        reply = fake.reply_to(request)
        if reply.delay and fake.wait(reply.delay):
            return
        body = (
            reply.body
            if isinstance(reply.body, bytes)
            else json.dumps(reply.body, ensure_ascii=False).encode()
        )
        try:
            self.send_response(reply.status)
            self.send_header("Content-Type", reply.content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client stopped waiting: the timeout tests

    def log_message(self, format: str, *args: Any) -> None:
        pass  # keep test output quiet


def server_error() -> Reply:
    """An HTTP 500 with an HTML page, as a proxy in front of a service sends."""
    page = b"<html><body><h1>500 Internal Server Error</h1></body></html>"
    return Reply(page, status=500, content_type="text/html")


def slow(seconds: float = 5.0) -> Reply:
    """A reply that comes too late for the tests' short timeouts."""
    return Reply({"status": "1"}, delay=seconds)


def malformed() -> Reply:
    """JSON cut off in the middle."""
    return Reply(b'{"status":"1","info":"OK","geocodes":[{"location":"117.06')


# --- AMap: https://lbs.amap.com/api/webservice/guide/api/georegeo -------------------


def amap_place(
    formatted_address: str,
    location: str,
    level: str,
    *,
    province: str = "山东省",
    city: str = "济南市",
    district: str | list[str] = "历下区",
) -> dict[str, Any]:
    """One entry of AMap's ``geocodes``; AMap sends ``[]`` for an empty field."""
    return {
        "formatted_address": formatted_address,
        "country": "中国",
        "province": province,
        "citycode": "0531",
        "city": city,
        "district": district,
        "township": [],
        "neighborhood": {"name": [], "type": []},
        "building": {"name": [], "type": []},
        "adcode": "370102",
        "street": [],
        "number": [],
        "location": location,
        "level": level,
    }


def amap_ok(*places: Mapping[str, Any]) -> Reply:
    """AMap's answer with these results (none: AMap's "count": "0")."""
    return Reply(
        {
            "status": "1",
            "info": "OK",
            "infocode": "10000",
            "count": str(len(places)),
            "geocodes": list(places),
        }
    )


def amap_error(infocode: str, info: str) -> Reply:
    """AMap's refusal: HTTP 200, ``status`` "0", the reason in ``info``/``infocode``."""
    return Reply({"status": "0", "info": info, "infocode": infocode})


AMAP_PLACES: dict[str, list[dict[str, Any]]] = {
    DOOR: [amap_place(DOOR, f"{DOOR_GCJ02[1]:.6f},{DOOR_GCJ02[0]:.6f}", "门牌号")],
    STREET: [
        amap_place("山东省济南市历下区解放路", "117.040051,36.664012", "道路"),
        amap_place(
            "山东省济宁市任城区解放路",
            "116.590123,35.412345",
            "道路",
            city="济宁市",
            district="任城区",
        ),
    ],
}


def amap_respond(request: Request) -> Reply:
    """AMap's ``/v3/geocode/geo``: key check, then the known places, in ``city`` if given."""
    if request.path != "/v3/geocode/geo":
        return Reply({"status": "0", "info": "INVALID_REQUEST", "infocode": "20002"})
    if request.params.get("key") != AMAP_KEY:
        return amap_error("10001", "INVALID_USER_KEY")
    if not request.params.get("address"):
        return amap_error("20001", "MISSING_REQUIRED_PARAMS")
    places = AMAP_PLACES.get(request.params["address"], [])
    city = request.params.get("city")
    if city:
        places = [place for place in places if city in place["city"]]
    return amap_ok(*places)


def amap_server() -> FakeServer:
    return FakeServer(amap_respond)


# --- Baidu: https://lbsyun.baidu.com/faq/api?title=webapi/guide/webservice-geocoding ---


def baidu_ok(lat: float, lon: float, level: str, *, confidence: int = 80) -> Reply:
    """Baidu's answer: one result, BD-09."""
    return Reply(
        {
            "status": 0,
            "result": {
                "location": {"lng": lon, "lat": lat},
                "precise": 1,
                "confidence": confidence,
                "comprehension": 100,
                "level": level,
            },
        }
    )


def baidu_error(status: int, message: str) -> Reply:
    """Baidu's refusal: HTTP 200 and a status other than 0."""
    return Reply({"status": status, "message": message})


def baidu_no_result() -> Reply:
    """How Baidu says it found nothing: status 1, as for a server error."""
    return Reply({"status": 1, "msg": "Internal Service Error:无相关结果", "results": []})


def baidu_sn(path: str, query: str, security_key: str) -> str:
    """Baidu's SN: md5 of path, query string (as sent, before ``&sn=``) and SK, quoted."""
    return hashlib.md5(quote_plus(f"{path}?{query}{security_key}").encode()).hexdigest()


def baidu_respond(request: Request, *, security_key: str | None = None) -> Reply:
    """Baidu's ``/geocoding/v3/``: AK check, SN check when it has an SK, the door."""
    if request.path != "/geocoding/v3/":
        return baidu_error(2, "Parameter Invalid")
    if not request.params.get("ak"):
        return baidu_error(101, "AK参数不存在")
    if request.params["ak"] != BAIDU_AK:
        return baidu_error(200, "APP不存在，AK有误请检查再重试")
    if security_key is not None:
        # The SN comes last; it signs everything before it.
        unsigned, _, sn = request.query.rpartition("&sn=")
        if sn != baidu_sn(request.path, unsigned, security_key):
            return baidu_error(211, "APP SN校验失败")
    if request.params.get("address") == DOOR:
        return baidu_ok(*DOOR_BD09, "门址")
    return baidu_no_result()


def baidu_server(*, security_key: str | None = None) -> FakeServer:
    """Baidu's fake; with ``security_key`` it wants every request signed (SN)."""

    def respond(request: Request) -> Reply:
        return baidu_respond(request, security_key=security_key)

    return FakeServer(respond)


# --- Nominatim: https://nominatim.org/release-docs/latest/api/Search/ ----------------


def nominatim_place(
    lat: float,
    lon: float,
    *,
    osm_class: str,
    osm_type: str,
    addresstype: str | None,
    display_name: str,
    address: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """One result of Nominatim's ``/search?format=json`` (``addresstype`` is
    Nominatim 4's; older servers leave it out)."""
    place: dict[str, Any] = {
        "place_id": 2403151,
        "licence": "Data © OpenStreetMap contributors, ODbL 1.0. http://osm.org/copyright",
        "osm_type": "way",
        "osm_id": 311946302,
        "lat": f"{lat:.7f}",
        "lon": f"{lon:.7f}",
        "class": osm_class,
        "type": osm_type,
        "place_rank": 30,
        "importance": 0.00000999999999995449,
        "name": "",
        "display_name": display_name,
        "boundingbox": [
            f"{lat - 1e-4:.7f}",
            f"{lat + 1e-4:.7f}",
            f"{lon - 1e-4:.7f}",
            f"{lon + 1e-4:.7f}",
        ],
    }
    if addresstype is not None:
        place["addresstype"] = addresstype
    if address is not None:
        place["address"] = dict(address)
    return place


NOMINATIM_DOOR = [
    nominatim_place(
        *DOOR_WGS84,
        osm_class="building",
        osm_type="yes",
        addresstype="building",
        display_name="3号楼, 甸柳新村三区, 甸柳街道, 历下区, 济南市, 山东省, 250014, 中国",
        address={
            "building": "3号楼",
            "residential": "甸柳新村三区",
            "suburb": "甸柳街道",
            "city_district": "历下区",
            "city": "济南市",
            "state": "山东省",
            "ISO3166-2-lvl4": "CN-SD",
            "postcode": "250014",
            "country": "中国",
            "country_code": "cn",
        },
    ),
    nominatim_place(
        36.6668,
        117.0569,
        osm_class="landuse",
        osm_type="residential",
        addresstype="residential",
        display_name="甸柳新村三区, 甸柳街道, 历下区, 济南市, 山东省, 250014, 中国",
        address={
            "residential": "甸柳新村三区",
            "suburb": "甸柳街道",
            "city_district": "历下区",
            "city": "济南市",
            "state": "山东省",
            "country": "中国",
            "country_code": "cn",
        },
    ),
]


def nominatim_respond(request: Request) -> Reply:
    """Nominatim's ``/search``: the door's two results, else an empty list."""
    if request.path != "/search":
        return Reply({"error": {"code": 404, "message": "Not found"}}, status=404)
    results = NOMINATIM_DOOR if request.params.get("q") == DOOR else []
    limit = int(request.params.get("limit", "10"))
    return Reply(results[:limit])


def nominatim_server() -> FakeServer:
    return FakeServer(nominatim_respond, address_param="q")
