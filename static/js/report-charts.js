// Draw the compare page's overlaid radars from the figure JSON the server embedded, with the
// app's plotly.js bundle (vendor/plotly/plotly-custom.min.js). The report page's radar is
// server-drawn SVG and loads neither.
document.addEventListener("DOMContentLoaded", () => {
  const data = document.getElementById("radar-data");
  const target = document.getElementById("radar-chart");
  if (!data || !target || typeof Plotly === "undefined") return;
  const figure = JSON.parse(data.textContent);
  Plotly.newPlot(target, figure.data, figure.layout, { displayModeBar: false, responsive: true });
});
