// Maps: provinces coloured by purchases (or documents) or summed yuan, circles at prefecture and
// county centres. Every element with data-map (the id of its JSON) is drawn: the map page has one,
// an organisation's page a small one. Where the data names a search, a click opens it filtered to the place.
(function () {
  "use strict";
  // The shapes carry GB/T 2260 province codes as ids; our rows carry the same codes.
  var names = {};
  var geo = echarts.getMap("china");
  (geo.geoJSON || geo.geoJson).features.forEach(function (f) { names[f.id] = f.properties.name; });

  // Yuan as the tooltip and the table write them (web/i18n.py money): ¥3.51亿, ¥5,472万.
  function short(v) { return (+v.toFixed(2)).toLocaleString("en-US"); }
  function fmt(v) { return "¥" + (v >= 1e8 ? short(v / 1e8) + "亿" : v >= 1e4 ? short(v / 1e4) + "万" : short(v)); }

  function mapOf(el) {
    var data = JSON.parse(document.getElementById(el.dataset.map).textContent);
    var chart = echarts.init(el);
    var w = data.words;
    var byName = {};
    data.provinces.forEach(function (p) { if (names[p.code]) byName[names[p.code]] = p; });

    function go(params) {
      if (!data.search) return;
      var url = new URL(data.search, window.location.origin);
      Object.keys(params).forEach(function (k) { if (params[k]) url.searchParams.set(k, params[k]); });
      window.location.href = url.pathname + url.search;
    }

    function draw(metric) {
      var values = data.provinces.map(function (p) { return p[metric]; });
      var max = Math.max.apply(null, values.concat([1]));
      var maxPoint = Math.max.apply(null, data.points.map(function (p) { return p.count; }).concat([1]));
      chart.setOption({
        animation: false,
        tooltip: { trigger: "item", formatter: function (it) {
          var d = it.data && it.data.row;
          if (!d) return it.name;
          var place = [d.province, d.prefecture, d.county].filter(Boolean).join(" ");
          var other = Object.keys(d.other_amounts || {}).map(function (c) { return c + " " + short(d.other_amounts[c]); });
          return echarts.format.encodeHTML(place) + "<br>" + d.count + " " + w.unit +
            (d.amount ? "<br>" + fmt(d.amount) : "") + (other.length ? "<br>" + other.join(" · ") : "");
        } },
        // The legend speaks the tooltip's units: purchases, or yuan in 万 and 亿.
        visualMap: { min: 0, max: max, left: 10, bottom: 10, calculable: true, seriesIndex: 0,
                     text: [metric === "count" ? w.count : "¥", ""], inRange: { color: ["#e8f0f8", "#08519c"] },
                     formatter: function (v) { return metric === "count" ? String(Math.round(v)) : fmt(v); } },
        geo: { map: "china", roam: true, zoom: 1.15, center: [104, 36], itemStyle: { areaColor: "#f4f4f4", borderColor: "#999" },
               emphasis: { label: { show: true } } },
        series: [
          { name: "provinces", type: "map", geoIndex: 0,
            data: Object.keys(byName).map(function (n) { return { name: n, value: byName[n][metric], row: byName[n] }; }) },
          { name: "places", type: "scatter", coordinateSystem: "geo", z: 5,
            data: data.points.map(function (p) { return { name: p.county || p.prefecture, value: [p.lon, p.lat, p.count], row: p }; }),
            symbolSize: function (v) { return 6 + 24 * Math.sqrt(v[2] / maxPoint); },
            itemStyle: { color: "rgba(214, 39, 40, 0.6)", borderColor: "#fff" } }
        ]
      }, true);
    }

    // A click on a circle names its place; a click on a shape (reported by the geo component) its province.
    chart.on("click", function (it) {
      var d = it.data && it.data.row;
      if (it.seriesName === "places" && d) go({ province: d.province, prefecture: d.prefecture, county: d.county });
      else if (byName[it.name]) go({ province: byName[it.name].province });
    });
    document.querySelectorAll("input[name='" + el.id + "-metric']").forEach(function (r) {
      r.addEventListener("change", function () { draw(r.value); });
    });
    window.addEventListener("resize", function () { chart.resize(); });
    // Drawn and ready for clicks (what the browser tests wait for).
    chart.on("finished", function () { el.dataset.ready = "1"; document.body.dataset.chartReady = "1"; });
    draw("count");
    window.tenderlensCharts = window.tenderlensCharts || {};
    window.tenderlensCharts[el.id] = window.tenderlensChart = chart;
  }

  document.querySelectorAll("[data-map]").forEach(mapOf);
})();
