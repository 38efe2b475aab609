// The client pack's status page: ask progress.json every two seconds while the pack renders
// and show "7 of 20 teams"; when it is done or failed, reload so the page shows the download
// link or the retry button. Without JavaScript the page's Refresh link does the same.
document.addEventListener("DOMContentLoaded", () => {
  const box = document.getElementById("pack-progress");
  if (!box || !window.fetch) return;
  const url = box.dataset.progressUrl;
  const bar = document.getElementById("pack-progress-bar");
  const text = document.getElementById("pack-progress-text");
  const label = document.getElementById("pack-status-label");
  const INTERVAL = 2000;
  let failures = 0;

  const poll = () => {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then((response) => {
        if (!response.ok) throw new Error(`progress answered ${response.status}`);
        return response.json();
      })
      .then((data) => {
        failures = 0;
        if (data.finished) {
          window.location.reload();
          return;
        }
        bar.max = Math.max(data.teams_total, 1);
        bar.value = data.teams_done;
        if (text.textContent !== data.progress) text.textContent = data.progress;
        label.textContent = data.status_label;
        window.setTimeout(poll, INTERVAL);
      })
      .catch(() => {
        // A few misses (a deploy, a flaky network) are fine; then leave it to the Refresh link.
        failures += 1;
        if (failures < 5) window.setTimeout(poll, INTERVAL * failures);
      });
  };
  window.setTimeout(poll, INTERVAL);
});
