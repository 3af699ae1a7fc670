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
    // {labels: [...], values: [...], name}
    line: function (d) {
      return {
        grid: {left: 8, right: 8, bottom: 8, top: 32, containLabel: true},
        xAxis: {type: "category", data: d.labels},
        yAxis: {type: "value", name: d.axis || "", min: 0},
        series: [{name: d.name, type: "line", data: d.values.map(Number)}]
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
