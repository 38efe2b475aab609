// A form (or a submit button) marked data-submit-once sends once: after the first submit its
// buttons are disabled and say so, so a double click on a slow connection sends nothing more.
// Without JavaScript the server stays safe: a second submit only lands on the report.
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (event.defaultPrevented || !(form instanceof HTMLFormElement)) return;
  const once = form.hasAttribute("data-submit-once") || event.submitter?.hasAttribute("data-submit-once");
  if (!once) return;
  if (form.dataset.sent === "true") {
    event.preventDefault();
    return;
  }
  form.dataset.sent = "true";
  // After this turn: the form's data (and the button pressed) is gathered first.
  setTimeout(() => {
    form.querySelectorAll('button[type="submit"], input[type="submit"]').forEach((button) => {
      button.disabled = true;
    });
    const status = form.querySelector("[data-submit-status]");
    // In the page's language: the JavaScript catalogue (jsi18n) when present, else English.
    const gettext = typeof window.gettext === "function" ? window.gettext : (text) => text;
    if (status) status.textContent = gettext("Submitting…");
  });
});
