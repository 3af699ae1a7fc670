/* The usage dashboard chart (usage/dashboard.html); data from the json_script #usage-chart-data. */
(function () {
  var data = JSON.parse(document.getElementById("usage-chart-data").textContent);
  var chart = echarts.init(document.getElementById("usage-chart"));
  chart.setOption({
    aria: {enabled: true},
    tooltip: {trigger: "axis", renderMode: "richText"},  // HTML tooltips carry style="…", which the CSP refuses
    legend: {top: 0},
    grid: {left: 8, right: 8, bottom: 8, top: 48, containLabel: true},
    xAxis: {type: "category", data: data.months},
    yAxis: [
      {type: "value", name: data.labels.hours},
      {type: "value", name: "%", min: 0, max: 100, splitLine: {show: false}}
    ],
    series: [
      {name: data.labels.machine_hours, type: "bar", data: data.machine_hours.map(Number)},
      {name: data.labels.external_hours, type: "bar", data: data.external_hours.map(Number)},
      {name: data.labels.sharing_rate, type: "line", yAxisIndex: 1,
       data: data.sharing_rate.map(function (v) { return v === null ? null : Number(v); })}
    ]
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
