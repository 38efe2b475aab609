// Draw one trend chart per dimension from the figure JSON embedded by the server.
document.addEventListener("DOMContentLoaded", () => {
  const data = document.getElementById("history-data");
  if (!data || typeof Plotly === "undefined") return;
  JSON.parse(data.textContent).forEach((figure, index) => {
    const target = document.getElementById(`history-chart-${index}`);
    if (target) Plotly.newPlot(target, figure.data, figure.layout, { displayModeBar: false, responsive: true });
  });
});
