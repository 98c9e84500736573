// Manager dashboard: draws the two charts from the JSON the page carries (#dashboard-data). Every number is
// computed on the server; this script only draws. Without it the tables beside the charts say the same.
(function () {
  'use strict';
  var source = document.getElementById('dashboard-data');
  if (!source || typeof window.Chart === 'undefined') return;
  var data = JSON.parse(source.textContent || '{}');
  var Chart = window.Chart;
  // Colour-blind-safe, each at least 3:1 against white; lines also differ by dash so colour is never alone.
  var colours = ['#1d5aa6', '#8a5a00', '#1b6e2e'];
  var dashes = [[], [6, 4], [2, 3]];
  Chart.defaults.font.family = getComputedStyle(document.documentElement).fontFamily;
  Chart.defaults.color = '#1a1a1a';

  var shares = document.getElementById('chart-shares');
  if (shares && data.periods) {
    var datasets = data.series.map(function (s, i) {
      return { label: s.label, data: s.values, borderColor: colours[i], backgroundColor: colours[i], borderDash: dashes[i], spanGaps: true, tension: 0, pointRadius: 3 };
    });
    data.referenceLines.forEach(function (line) {
      datasets.push({
        label: line.label,
        data: data.periods.map(function () { return line.value; }),
        borderColor: '#b00020',
        borderDash: [3, 3],
        borderWidth: 1,
        pointRadius: 0,
        fill: false,
      });
    });
    new Chart(shares, {
      type: 'line',
      data: { labels: data.periods, datasets: datasets },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        scales: { y: { min: 0, max: 100, title: { display: true, text: data.yTitle } } },
        plugins: { legend: { position: 'bottom' } },
      },
    });
  }

  var histogram = document.getElementById('chart-histogram');
  if (histogram && data.histogram) {
    new Chart(histogram, {
      type: 'bar',
      data: { labels: data.histogram.labels, datasets: [{ label: data.histogram.label, data: data.histogram.counts, backgroundColor: '#1d5aa6' }] },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        scales: { x: { title: { display: true, text: data.histogram.xTitle } }, y: { beginAtZero: true, ticks: { precision: 0 } } },
        plugins: { legend: { display: false } },
      },
    });
  }
})();
