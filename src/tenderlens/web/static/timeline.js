// Timelines: purchases (or documents) or summed amounts per month or year, one bar series per
// category family on its own scale and a line for all purchases. Every element with data-timeline
// (the id of its JSON) is drawn. Where the data names a search, brushing a range (or clicking a bar)
// opens it filtered to that period.
(function () {
  "use strict";
  function short(v) { return (+v.toFixed(2)).toLocaleString("en-US"); }
  // Axis labels as a reader says amounts: 万 and 亿 for yuan, K, M and B for other currencies.
  function axisLabel(currency) {
    return function (v) {
      if (!currency) return String(v);
      if (currency === "CNY") return v >= 1e8 ? short(v / 1e8) + "亿" : v >= 1e4 ? short(v / 1e4) + "万" : short(v);
      return v >= 1e9 ? short(v / 1e9) + "B" : v >= 1e6 ? short(v / 1e6) + "M" : v >= 1e3 ? short(v / 1e3) + "K" : short(v);
    };
  }

  function timelineOf(el) {
    var data = JSON.parse(document.getElementById(el.dataset.timeline).textContent);
    var chart = echarts.init(el);
    var families = Object.keys(data.series).filter(function (k) { return k !== "all"; });
    var w = data.words;
    var small = el.classList.contains("small");

    function go(from, to) {
      if (!data.search) return;
      var url = new URL(data.search, window.location.origin);
      url.searchParams.set("date_from", from);
      url.searchParams.set("date_to", to);
      window.location.href = url.pathname + url.search;
    }

    // metric "count", or "amount" in one currency: yuan sums per family and overall, another currency overall only.
    function draw(metric, currency) {
      var amountOf = function (name) {
        if (currency && currency !== "CNY") return name === "all" ? data.other_amounts[currency] : null;
        return data.series[name][metric];
      };
      // The surveillance families have their own scale (right axis): a few tagged purchases stay visible
      // beside an all-purchases line in the hundreds.
      var series = families.filter(function (f) { return amountOf(f); }).map(function (f) {
        return { name: data.labels[f] || f, type: "bar", yAxisIndex: 1, data: amountOf(f), barMaxWidth: 48,
                 emphasis: { focus: "series" } };
      });
      // A line needs a few periods to read as one; one to three periods are bars.
      if (data.series.all) series.push({ name: w.all_series, type: data.periods.length < 4 ? "bar" : "line", yAxisIndex: 0,
                                         data: amountOf("all"), symbolSize: 5, barMaxWidth: 48 });
      var unit = metric === "count" ? null : (currency || "CNY");
      var sign = { CNY: "¥", USD: "$", EUR: "€" }[unit] || unit || "";
      chart.setOption({
        animation: false,
        tooltip: { trigger: "axis", valueFormatter: function (v) { return v == null ? "" : (unit ? sign : "") + axisLabel(unit)(v); } },
        legend: { top: 0 },
        // A narrow chart's legend wraps onto two lines: the plot starts below it.
        grid: { left: 70, right: 70, top: el.clientWidth < 600 ? 95 : small ? 70 : 60, bottom: small ? 30 : 60 },
        toolbox: data.search ? { feature: { brush: { type: ["lineX", "clear"] } } } : { show: false },
        brush: data.search ? { xAxisIndex: 0, brushType: "lineX", brushMode: "single", throttleType: "debounce", throttleDelay: 300 } : null,
        xAxis: { type: "category", data: data.periods },
        yAxis: [
          { type: "value", name: (metric === "count" ? w.all_series : w.all_series + " " + sign), minInterval: metric === "count" ? 1 : 0,
            axisLabel: { formatter: axisLabel(unit) } },
          { type: "value", name: series.length > 1 ? (metric === "count" ? w.surv_series : w.surv_series + " " + sign) : "",
            show: series.length > 1, position: "right",
            minInterval: metric === "count" ? 1 : 0, splitLine: { show: false }, axisLabel: { formatter: axisLabel(unit) } }
        ],
        dataZoom: small ? [] : [{ type: "slider", bottom: 10 }],
        series: series
      }, true);
      // Brushing is on from the start: dragging across the chart selects a range.
      if (data.search) chart.dispatchAction({ type: "takeGlobalCursor", key: "brush", brushOption: { brushType: "lineX", brushMode: "single" } });
    }

    chart.on("brushEnd", function (ev) {
      var area = ev.areas && ev.areas[0];
      if (!area || !area.coordRange) return;
      var lo = Math.max(0, area.coordRange[0]), hi = Math.min(data.periods.length - 1, area.coordRange[1]);
      if (hi >= lo) go(data.periods[lo], data.periods[hi]);
    });
    chart.on("click", function (it) {
      if (it.componentType === "series" && data.periods[it.dataIndex]) go(data.periods[it.dataIndex], data.periods[it.dataIndex]);
    });
    document.querySelectorAll("input[name='" + el.id + "-metric']").forEach(function (r) {
      r.addEventListener("change", function () { draw(r.value, r.dataset.currency); });
    });
    window.addEventListener("resize", function () { chart.resize(); });
    // Drawn and ready for clicks (what the browser tests wait for).
    chart.on("finished", function () { el.dataset.ready = "1"; document.body.dataset.chartReady = "1"; });
    draw("count");
    window.tenderlensCharts = window.tenderlensCharts || {};
    window.tenderlensCharts[el.id] = window.tenderlensChart = chart;
  }

  document.querySelectorAll("[data-timeline]").forEach(timelineOf);
})();
