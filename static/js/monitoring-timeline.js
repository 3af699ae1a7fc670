// One instrument's states by day: a bar per state span on a 0–24 h axis, one row per day.
(function () {
  "use strict";
  var holder = document.getElementById("monitoring-timeline");
  var source = document.getElementById("monitoring-timeline-data");
  if (!holder || !source || !window.echarts) { return; }
  var data = JSON.parse(source.textContent);
  var colours = { running: "#198754", standby: "#ffc107", off: "#adb5bd" };
  var chart = window.echarts.init(holder);
  chart.setOption({
    tooltip: {
      formatter: function (p) {
        var v = p.value;
        return data.days[v[0]] + " " + data.state_labels[v[3]] + " " + v[1].toFixed(2) + "–" + v[2].toFixed(2) + " h";
      }
    },
    grid: { left: 90, right: 20, top: 10, bottom: 30 },
    xAxis: { type: "value", min: 0, max: 24, interval: 2 },
    yAxis: { type: "category", data: data.days, inverse: true },
    series: [{
      type: "custom",
      encode: { x: [1, 2], y: 0 },
      data: data.bars,
      renderItem: function (params, api) {
        var start = api.coord([api.value(1), api.value(0)]);
        var end = api.coord([api.value(2), api.value(0)]);
        var height = api.size([0, 1])[1] * 0.6;
        return {
          type: "rect",
          shape: { x: start[0], y: start[1] - height / 2, width: Math.max(end[0] - start[0], 1), height: height },
          style: { fill: colours[data.bars[params.dataIndex][3]] || "#6c757d" }
        };
      }
    }]
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
