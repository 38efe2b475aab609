// Draw the team page's charts from the figure JSON embedded by the server: one trend chart
// per dimension (#history-data) and one per outcome metric (#metric-data).
document.addEventListener("DOMContentLoaded", () => {
  if (typeof Plotly === "undefined") return;
  [["history-data", "history-chart"], ["metric-data", "metric-chart"]].forEach(([dataId, prefix]) => {
    const data = document.getElementById(dataId);
    if (!data) return;
    JSON.parse(data.textContent).forEach((figure, index) => {
      const target = document.getElementById(`${prefix}-${index}`);
      if (target) Plotly.newPlot(target, figure.data, figure.layout, { displayModeBar: false, responsive: true });
    });
  });
});
