// The organization page's heatmap: sort by any column in the browser. Without this script each
// heading is a link that sorts on the server (?sort=<column>&dir=asc|desc); with it, the link
// becomes a button that reorders the rows in place and keeps aria-sort up to date.
document.addEventListener("DOMContentLoaded", () => {
  // Texts in the page's language: the JavaScript catalogue (jsi18n, loaded first) when present,
  // else the English source; makemessages finds the gettext() calls. fill() puts values into
  // the %(name)s placeholders.
  const gettext = typeof window.gettext === "function" ? window.gettext : (text) => text;
  const fill = (text, values) => text.replace(/%\((\w+)\)s/g, (match, key) => String(values[key]));
  const table = document.querySelector("table[data-sortable]");
  if (!table) return;
  const body = table.tBodies[0];
  const status = document.getElementById("heatmap-status");
  const headers = Array.from(table.querySelectorAll("thead th[data-sort-key]"));

  const valueOf = (row, index, numeric) => {
    const raw = row.cells[index].dataset.sortValue || "";
    if (raw === "") return null;
    return numeric ? Number(raw) : raw;
  };
  const nameOf = (row) => row.cells[0].dataset.sortValue || "";

  const sortBy = (header, descending) => {
    const index = Array.from(header.parentNode.children).indexOf(header);
    const numeric = header.dataset.sortKey !== "team";
    const rows = Array.from(body.rows);
    const present = rows.filter((row) => valueOf(row, index, numeric) !== null);
    const missing = rows.filter((row) => valueOf(row, index, numeric) === null);
    const byName = (a, b) => nameOf(a).localeCompare(nameOf(b));
    present.sort((a, b) => {
      const x = valueOf(a, index, numeric);
      const y = valueOf(b, index, numeric);
      let order = numeric ? x - y : x.localeCompare(y);
      if (descending) order = -order;
      return order || byName(a, b);
    });
    missing.sort(byName);
    // Rows without a value stay last whichever way the column is sorted, as on the server.
    present.concat(missing).forEach((row) => body.appendChild(row));
    headers.forEach((other) => other.setAttribute("aria-sort", "none"));
    header.setAttribute("aria-sort", descending ? "descending" : "ascending");
    if (status) {
      const label = header.querySelector("button").textContent.trim();
      if (!numeric) {
        status.textContent = descending ? gettext("Sorted by team name, Z to A.") : gettext("Sorted by team name, A to Z.");
      } else {
        const text = descending ? gettext("Sorted by %(column)s, highest first.") : gettext("Sorted by %(column)s, lowest first.");
        status.textContent = fill(text, { column: label });
      }
    }
  };

  headers.forEach((header) => {
    const link = header.querySelector("a.sort-link");
    if (!link) return;
    const button = document.createElement("button");
    button.type = "button";
    button.className = "sort-button";
    while (link.firstChild) button.appendChild(link.firstChild);
    link.replaceWith(button);
    button.addEventListener("click", () => {
      const current = header.getAttribute("aria-sort");
      let descending = header.dataset.firstDir === "desc";
      if (current === "ascending") descending = true;
      if (current === "descending") descending = false;
      sortBy(header, descending);
    });
  });
});
