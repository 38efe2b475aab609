// Django admin's inline tables leave two header cells empty: the saved row's own column and,
// when rows cannot be deleted, the delete column. Name them for screen readers (axe:
// empty-table-header) without changing what sighted people see.
document.addEventListener("DOMContentLoaded", () => {
  const gettext = typeof window.gettext === "function" ? window.gettext : (text) => text;
  document.querySelectorAll("table thead th").forEach((cell) => {
    if (cell.textContent.trim() !== "") return;
    const label = document.createElement("span");
    label.className = "visually-hidden";
    label.textContent = cell.classList.contains("original") ? gettext("Saved row") : gettext("Actions");
    cell.appendChild(label);
  });
});
