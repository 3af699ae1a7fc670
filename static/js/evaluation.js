/* Evaluation pages: what-if sliders show their value as they move; charts (ECharts) drawn from the json_script
   data named by each container's data-chart attribute. Every chart has its table beside it. */
(function () {
  document.querySelectorAll("input[type=range]").forEach(function (input) {
    var output = document.querySelector('output[for="' + input.id + '"]');
    if (!output) { return; }
    input.addEventListener("input", function () { output.value = input.value; });
  });
  if (typeof echarts === "undefined") { return; }
  var builders = {
    // {labels: [...], values: [...], name}
    bar: function (d) {
      return {
        grid: {left: 8, right: 8, bottom: 8, top: 32, containLabel: true},
        xAxis: {type: "category", data: d.labels, axisLabel: {interval: 0, rotate: d.labels.length > 6 ? 30 : 0}},
        yAxis: {type: "value", name: d.axis || ""},
        series: [{name: d.name, type: "bar", data: d.values.map(Number)}]
      };
    },
    // {indicators: [{name, max}], series: [{name, values}]}
    radar: function (d) {
      return {
        legend: {top: 0},
        radar: {indicator: d.indicators.map(function (i) { return {name: i.name, max: Number(i.max)}; })},
        series: [{type: "radar", data: d.series.map(function (s) { return {name: s.name, value: s.values.map(Number)}; })}]
      };
    },
    // {labels: [...], series: [{name, values, y}], axes: [left name, right name]}
    line: function (d) {
      return {
        legend: {top: 0},
        grid: {left: 8, right: 8, bottom: 8, top: 48, containLabel: true},
        xAxis: {type: "category", data: d.labels},
        yAxis: d.axes.map(function (name, i) { return {type: "value", name: name, min: 0, splitLine: {show: i === 0}}; }),
        series: d.series.map(function (s) {
          return {name: s.name, type: "line", yAxisIndex: s.y,
                  data: s.values.map(function (v) { return v === null ? null : Number(v); })};
        })
      };
    }
  };
  document.querySelectorAll("[data-chart]").forEach(function (box) {
    var data = JSON.parse(document.getElementById(box.dataset.chart).textContent);
    var chart = echarts.init(box);
    var option = builders[data.kind](data);
    option.aria = {enabled: true};
    option.tooltip = {renderMode: "richText"};  // HTML tooltips carry style="…", which the CSP refuses
    chart.setOption(option);
    window.addEventListener("resize", function () { chart.resize(); });
  });
})();
