// Draw the radar from the figure JSON that the server embedded in the page.
document.addEventListener("DOMContentLoaded", () => {
  const data = document.getElementById("radar-data");
  const target = document.getElementById("radar-chart");
  if (!data || !target || typeof Plotly === "undefined") return;
  const figure = JSON.parse(data.textContent);
  Plotly.newPlot(target, figure.data, figure.layout, { displayModeBar: false, responsive: true });
});
