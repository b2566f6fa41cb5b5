/* mealroute: draw a map page from the JSON data it holds.
 *
 * Every map page of a day pack (a station's overview, a worker's phone page) holds
 * its markers, lines and popups as one JSON object in <script id="mr-data">, and
 * this one script draws it with Leaflet and Leaflet.markercluster (both inlined in
 * the page). Text from spreadsheets only ever enters the page as text nodes
 * (textContent), never as HTML.
 *
 * One marker per place (the stops of one door or one building, in visiting order);
 * lines run to the markers themselves; markers that crowd at low zoom join a
 * cluster, which opens (zooms in, or fans out at the highest zoom) when tapped.
 *
 * The page's map, markers and lines are kept in window.mealroute for the page's
 * own buttons and for the browser tests.
 *
 * Plain ES5, so that old phone browsers run it.
 */
(function () {
  'use strict';

  function node(tag, cls, text) {
    var el = document.createElement(tag);
    if (cls) { el.className = cls; }
    if (text !== undefined && text !== null) { el.textContent = String(text); }
    return el;
  }

  // [1, 2, 3, 5] -> "1–3, 5": the stop numbers a marker or a cluster stands for.
  function numbersText(numbers) {
    var sorted = numbers.slice().sort(function (a, b) { return a - b; });
    var parts = [], start = null, prev = null;
    sorted.forEach(function (n) {
      if (prev !== null && n === prev + 1) { prev = n; return; }
      if (start !== null) { parts.push(start === prev ? String(start) : start + '–' + prev); }
      start = prev = n;
    });
    if (start !== null) { parts.push(start === prev ? String(start) : start + '–' + prev); }
    return parts.join(',');
  }

  function badge(text, style, size, extra) {
    // A round (or square, or diamond) badge with a number, sized to its text.
    var width = Math.max(size, Math.round(text.length * size * 0.36 + size * 0.5));
    var shape = text.length > 2 && style.shape === 'diamond' ? 'square' : style.shape;
    var outer = node('div', 'mr-num mr-' + shape + (width > size ? ' mr-wide' : '') + (extra || ''));
    outer.style.width = width + 'px';
    outer.style.height = size + 'px';
    outer.style.background = style.color;
    outer.style.color = style.text;
    outer.appendChild(node('span', null, text));
    return {el: outer, width: width, height: size};
  }

  function divIcon(b) {
    return L.divIcon({
      html: b.el,
      className: 'mr-icon',
      iconSize: [b.width, b.height],
      iconAnchor: [b.width / 2, b.height / 2],
      popupAnchor: [0, -b.height / 2]
    });
  }

  function popupBlock(block) {
    var box = node('div', 'mr-pop-block');
    if (block.head) { box.appendChild(node('div', 'mr-pop-head', block.head)); }
    box.appendChild(node('div', 'mr-pop-name', block.title));
    (block.rows || []).forEach(function (row) {
      var line = node('div', 'mr-row');
      line.appendChild(node('span', 'mr-key', row[0]));
      line.appendChild(document.createTextNode(' '));
      line.appendChild(node(row[2] ? 'strong' : 'span', null, row[1]));
      box.appendChild(line);
    });
    if (block.tel && block.tel.length) {
      var phones = node('div', 'mr-row mr-pop-tel');
      phones.appendChild(node('span', 'mr-key', block.telLabel));
      block.tel.forEach(function (phone) {
        phones.appendChild(document.createTextNode(' '));
        var a = node('a', null, phone[0]);
        a.href = phone[1];
        phones.appendChild(a);
      });
      box.appendChild(phones);
    }
    if (block.link) {
      var link = node('a', 'mr-pop-link', block.link[0] + ' ↓');
      link.href = block.link[1];
      box.appendChild(link);
    }
    return box;
  }

  function popupOf(blocks) {
    return function () {
      var box = node('div', 'mr-pop');
      blocks.forEach(function (block) { box.appendChild(popupBlock(block)); });
      return box;
    };
  }

  function popupOptions() {
    return {
      maxWidth: Math.max(200, Math.min(320, window.innerWidth - 90)),
      maxHeight: Math.max(180, Math.round(window.innerHeight * 0.45)),
      autoPanPadding: [40, 40]
    };
  }

  function draw(map, data) {
    var reg = {
      map: map, data: data, places: [], stops: [], unserved: [], station: [],
      lines: [], group: null, shown: []
    };
    var size = data.big ? 40 : 30;
    var workers = data.workers;

    var group = L.markerClusterGroup({
      maxClusterRadius: data.big ? 40 : 28,
      showCoverageOnHover: false,
      spiderfyOnMaxZoom: true,
      zoomToBoundsOnClick: true,
      spiderfyDistanceMultiplier: data.big ? 1.8 : 1.4,
      iconCreateFunction: function (cluster) {
        var numbers = [], owners = {}, count = 0, owner = null;
        cluster.getAllChildMarkers().forEach(function (m) {
          var info = m.options.mr;
          owners[info.w] = true;
          owner = info.w;
          numbers = numbers.concat(info.n);
          count += info.n.length;
        });
        var single = Object.keys(owners).length === 1 && owner !== -1;
        var style = single ? workers[owner] : data.clusterStyle;
        var text = single ? numbersText(numbers) : data.clusterCount.replace('{n}', count);
        return divIcon(badge(text, style, size + 4, ' mr-cluster' + (data.big ? ' mr-big' : '')));
      }
    });
    reg.group = group;

    // Lines first, so markers stay above them. A white casing keeps each line
    // visible on any tile colour; trips of one worker differ by dash pattern.
    var bounds = [];
    data.lines.forEach(function (line) {
      var style = workers[line.w];
      var casing = L.polyline(line.pts, {color: '#ffffff', weight: line.weight + 4, opacity: 0.9,
        interactive: false});
      var stroke = L.polyline(line.pts, {color: style.color, weight: line.weight, opacity: 0.95,
        dashArray: line.dash || null, interactive: false});
      reg.lines.push({w: line.w, casing: casing, stroke: stroke});
      line.pts.forEach(function (p) { bounds.push(p); });
    });

    data.places.forEach(function (place) {
      var style = workers[place.w];
      var marker = L.marker([place.lat, place.lon], {
        icon: divIcon(badge(numbersText(place.n), style, size, data.big ? ' mr-big' : '')),
        keyboard: true,
        title: place.tip || '',
        mr: {w: place.w, n: place.n}
      });
      marker.bindPopup(popupOf(place.pop), popupOptions());
      reg.places.push(marker);
      place.n.forEach(function (n) { reg.stops[n - 1 + (place.offset || 0)] = marker; });
      bounds.push([place.lat, place.lon]);
    });

    (data.unserved || []).forEach(function (item) {
      var marker = L.marker([item.lat, item.lon], {
        icon: divIcon(badge('!', data.unservedStyle, size - 4, ' mr-unserved')),
        title: item.pop[0].title,
        mr: {w: -1, n: [0]}
      });
      marker.bindPopup(popupOf(item.pop), popupOptions());
      reg.unserved.push(marker);
      bounds.push([item.lat, item.lon]);
    });

    if (data.station) {
      var st = data.station;
      var box = node('div', 'mr-station', st.label);
      var ssize = size - 2;
      box.style.width = box.style.height = ssize + 'px';
      box.style.lineHeight = (ssize - 6) + 'px';
      var stationMarker = L.marker([st.lat, st.lon], {
        icon: divIcon({el: box, width: ssize, height: ssize}),
        zIndexOffset: 1000,
        title: st.pop[0].title
      });
      stationMarker.bindPopup(popupOf(st.pop), popupOptions());
      stationMarker.addTo(map);
      reg.station.push(stationMarker);
      bounds.push([st.lat, st.lon]);
    }

    workers.forEach(function (w, i) { reg.shown[i] = true; });
    reg.lines.forEach(function (l) { l.casing.addTo(map); l.stroke.addTo(map); });
    group.addLayers(reg.places.concat(reg.unserved));

    // Show or hide one worker's markers and lines (the overview's list of workers).
    reg.showWorker = function (index, show) {
      reg.shown[index] = show;
      var markers = reg.places.filter(function (m) { return m.options.mr.w === index; });
      if (show) { group.addLayers(markers); } else { group.removeLayers(markers); }
      reg.lines.forEach(function (l) {
        if (l.w !== index) { return; }
        if (show) { l.casing.addTo(map); l.stroke.addTo(map); } else {
          map.removeLayer(l.casing); map.removeLayer(l.stroke);
        }
      });
    };

    // Open a marker's popup, zooming in (or fanning out a cluster) until it shows.
    // The marker comes to the middle of the map first, so that a fanned-out cluster
    // does not open under the legend or off the edge.
    reg.open = function (marker) {
      map.setView(marker.getLatLng(), Math.max(map.getZoom(), 16), {animate: false});
      group.zoomToShowLayer(marker, function () { marker.openPopup(); });
    };

    reg.fit = function () {
      var legend = document.querySelector('.mr-legend');
      var pad = data.big ? 50 : 40;
      var bottom = (legend ? legend.offsetHeight : 0) + pad;
      if (bounds.length) {
        map.fitBounds(L.latLngBounds(bounds), {
          paddingTopLeft: [pad, pad], paddingBottomRight: [pad, bottom],
          maxZoom: data.fitMaxZoom, animate: false
        });
      }
    };
    return reg;
  }

  // A block of the page (written hidden, so it reads without script) moved into a
  // corner of the map as a Leaflet control; null if the page has no such block.
  function mountControl(map, id, position) {
    var source = document.getElementById(id);
    if (!source) { return null; }
    var control = L.control({position: position});
    control.onAdd = function () {
      source.hidden = false;
      L.DomEvent.disableClickPropagation(source);
      L.DomEvent.disableScrollPropagation(source);
      return source;
    };
    control.addTo(map);
    return source;
  }

  // The legend, bottom left.
  function legendControl(map) {
    mountControl(map, 'mr-legend', 'bottomleft');
  }

  // The overview's list of workers: a checkbox shows or hides each worker.
  function workerPanel(map, reg) {
    var source = mountControl(map, 'mr-workers', 'topright');
    if (!source) { return; }
    if (window.innerWidth >= 700) { source.open = true; }
    Array.prototype.forEach.call(source.querySelectorAll('input[data-worker]'), function (box) {
      box.addEventListener('change', function () {
        reg.showWorker(Number(box.getAttribute('data-worker')), box.checked);
      });
    });
  }

  // Navigation buttons open the app of the phone's platform (AMap: iosamap:// on
  // iOS; Baidu: bdapp:// from Android browsers).
  function platformLinks() {
    var ua = navigator.userAgent || '';
    var ios = /iPhone|iPad|iPod/.test(ua), android = /Android/.test(ua);
    Array.prototype.forEach.call(document.querySelectorAll('a.mr-nav'), function (a) {
      if (ios && a.getAttribute('data-ios')) { a.href = a.getAttribute('data-ios'); }
      if (android && a.getAttribute('data-android')) { a.href = a.getAttribute('data-android'); }
    });
  }

  // A stop's number in the list shows it on the map.
  function listButtons(reg) {
    Array.prototype.forEach.call(document.querySelectorAll('button[data-stop]'), function (b) {
      b.addEventListener('click', function () {
        var marker = reg.stops[Number(b.getAttribute('data-stop'))];
        if (!marker) { return; }
        reg.map.getContainer().scrollIntoView({behavior: 'smooth', block: 'start'});
        reg.open(marker);
      });
    });
  }

  function start(map) {
    platformLinks();
    var source = document.getElementById('mr-data');
    var data = JSON.parse(source.textContent);
    legendControl(map);
    var reg = draw(map, data);
    workerPanel(map, reg);
    listButtons(reg);
    // Fit the view before the markers join the map, so that they do not fly in.
    reg.fit();
    map.addLayer(reg.group);
    var fallback = document.querySelector('.mr-map-fallback');
    if (fallback) { fallback.parentNode.removeChild(fallback); }
    window.mealroute = reg;
    return reg;
  }

  window.mealrouteMaps = {start: start, numbersText: numbersText};
})();
