/* Dashboard charts: decorative complements of the data tables (which stay primary).
   Each <canvas data-chart='{"type":…,"labels":[…],"datasets":[…]}'> is drawn with the
   vendored Chart.js; without JavaScript the tables show the same numbers. */
(function () {
  "use strict";

  var COLOURS = ["#1b4f72", "#7d3c98", "#b9770e", "#1e8449", "#922b21", "#2e4053"];

  function draw(canvas) {
    var spec;
    try {
      spec = JSON.parse(canvas.getAttribute("data-chart"));
    } catch (e) {
      return;
    }
    var stacked = !!spec.stacked;
    var datasets = (spec.datasets || []).map(function (set, i) {
      return {
        label: set.label,
        data: set.data,
        backgroundColor: COLOURS[i % COLOURS.length],
        borderColor: COLOURS[i % COLOURS.length],
        fill: false,
        tension: 0.2
      };
    });
    new window.Chart(canvas, {
      type: spec.type === "line" ? "line" : "bar",
      data: { labels: spec.labels || [], datasets: datasets },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        locale: "de-DE",
        plugins: { legend: { display: datasets.length > 1 } },
        scales: {
          x: { stacked: stacked },
          y: { stacked: stacked, beginAtZero: true, ticks: { precision: 0 } }
        }
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (!window.Chart) { return; }
    Array.prototype.forEach.call(document.querySelectorAll("canvas[data-chart]"), draw);
  });
}());
