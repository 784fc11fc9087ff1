// Timeline: documents or summed amounts per month or year, one bar series per
// category family and a line for all documents. Brushing a range (or clicking a
// bar) opens the search filtered to that period.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("timeline-data").textContent);
  var chart = echarts.init(document.getElementById("timeline"));
  var families = Object.keys(data.series).filter(function (k) { return k !== "all"; });

  function go(from, to) {
    var url = new URL(data.search, window.location.origin);
    url.searchParams.set("date_from", from);
    url.searchParams.set("date_to", to);
    window.location.href = url.pathname + url.search;
  }

  function draw(metric) {
    var series = families.map(function (f) {
      return { name: data.labels[f] || f, type: "bar", data: data.series[f][metric], emphasis: { focus: "series" } };
    });
    if (data.series.all) series.push({ name: "all documents", type: "line", data: data.series.all[metric], symbolSize: 5 });
    chart.setOption({
      animation: false,
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 60, right: 20, top: 40, bottom: 60 },
      toolbox: { feature: { brush: { type: ["lineX", "clear"] } } },
      brush: { xAxisIndex: 0, brushType: "lineX", brushMode: "single", throttleType: "debounce", throttleDelay: 300 },
      xAxis: { type: "category", data: data.periods },
      yAxis: { type: "value", name: metric === "count" ? "documents" : "¥" },
      dataZoom: [{ type: "slider", bottom: 10 }],
      series: series
    }, true);
    // Brushing is on from the start: dragging across the chart selects a range.
    chart.dispatchAction({ type: "takeGlobalCursor", key: "brush", brushOption: { brushType: "lineX", brushMode: "single" } });
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
  document.querySelectorAll("input[name=metric]").forEach(function (r) {
    r.addEventListener("change", function () { draw(r.value); });
  });
  window.addEventListener("resize", function () { chart.resize(); });
  // Drawn and ready for clicks (what the browser tests wait for).
  chart.on("finished", function () { document.body.dataset.chartReady = "1"; });
  draw("count");
  window.tenderlensChart = chart;
})();
