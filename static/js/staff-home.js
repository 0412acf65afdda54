/* The staff home's charts (templates/applications/admin/staff_home.html): the figures come from the page's
   json_script block, so no inline script is needed under the Content Security Policy. */
(function () {
  "use strict";
  function start() {
    var source = document.getElementById("staff-home-data");
    if (!source || typeof Chart === "undefined") { return; }
    var data = JSON.parse(source.textContent);
    var words = data.words;
    var blue = "#417690", teal = "#2a9d8f", amber = "#e9a23b";
    var common = { responsive: true, maintainAspectRatio: false, animation: false, plugins: { legend: { display: false } } };
    function bar(id, labels, values, label, horizontal) {
      var canvas = document.getElementById(id);
      if (!canvas) { return; }
      new Chart(canvas, {
        type: "bar",
        data: { labels: labels, datasets: [{ label: label, data: values, backgroundColor: blue }] },
        options: Object.assign({}, common, { indexAxis: horizontal ? "y" : "x" })
      });
    }
    bar("chart-status", data.by_status.labels, data.by_status.counts, words.cases, true);
    bar("chart-measure", data.by_measure.labels, data.by_measure.counts, words.cases, true);
    bar("chart-waiting", data.waiting_days.labels, data.waiting_days.days, words.days, false);
    var ratings = document.getElementById("chart-ratings");
    if (ratings && data.by_rating && data.by_rating.labels) {
      new Chart(ratings, {
        type: "bar",
        data: {
          labels: data.by_rating.labels,
          datasets: [
            { label: words.good, data: data.by_rating.good, backgroundColor: teal },
            { label: words.neutral, data: data.by_rating.neutral, backgroundColor: blue },
            { label: words.bad, data: data.by_rating.bad, backgroundColor: amber },
            { label: words.open, data: data.by_rating.open, backgroundColor: "#ba2121" }
          ]
        },
        options: Object.assign({}, common, { indexAxis: "y", plugins: { legend: { display: true, position: "bottom" } } })
      });
    }
    var amounts = document.getElementById("chart-amounts");
    if (amounts) {
      new Chart(amounts, {
        type: "bar",
        data: {
          labels: data.amounts.months,
          datasets: [
            { label: words.proposed, data: data.amounts.proposed.map(Number), backgroundColor: blue },
            { label: words.approved, data: data.amounts.approved.map(Number), backgroundColor: teal },
            { label: words.paid, data: data.amounts.paid.map(Number), backgroundColor: amber }
          ]
        },
        options: Object.assign({}, common, { plugins: { legend: { display: true, position: "bottom" } } })
      });
    }
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
