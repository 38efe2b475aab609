// The wizard step: save in the background as the person works, warn before leaving unsaved
// changes, and let step links save first. Without JavaScript the buttons save as before.

// A step restored from the back/forward cache shows the page as it was left: after a submit, a
// Submit button that no longer works. Load it again, so it shows what is saved now (a submitted
// assessment's steps lead to its report).
window.addEventListener("pageshow", (event) => {
  if (event.persisted) window.location.reload();
});

document.addEventListener("DOMContentLoaded", () => {
  // Texts in the page's language: the JavaScript catalogue (jsi18n, loaded first) when present,
  // else the English source; makemessages finds the gettext() calls. fill() puts values into
  // the %(name)s placeholders.
  const gettext = typeof window.gettext === "function" ? window.gettext : (text) => text;
  const fill = (text, values) => text.replace(/%\((\w+)\)s/g, (match, key) => String(values[key]));
  // After a refused submit, the error summary takes focus, so it is read out first.
  const summary = document.querySelector("[data-focus-on-load]");
  if (summary) summary.focus();

  const form = document.getElementById("wizard-form");
  if (!form) return;
  const status = document.getElementById("autosave-status");
  const DELAY_MS = 700;
  let edits = 0; // bumped on every change
  let savedEdits = 0; // the edits the last successful save included
  let timer = null;
  let saving = null;
  let submitting = false;
  let blocked = false; // a conflict, sign-out or refusal: the buttons take over

  const say = (text) => {
    if (status) status.textContent = text;
  };
  const unsaved = () => edits !== savedEdits;

  const body = () => {
    const data = new FormData(form);
    data.delete("nav");
    data.delete("goto");
    return data;
  };

  const updateShown = (shown) => {
    Object.entries(shown).forEach(([name, value]) => {
      const input = form.querySelector(`input[type="hidden"][name="${CSS.escape(name)}"]`);
      if (input) input.value = value;
    });
  };

  const save = async () => {
    timer = null;
    if (blocked || submitting || !unsaved()) return;
    const including = edits;
    say(gettext("Saving…"));
    try {
      const response = await fetch(form.action || window.location.href, {
        method: "POST",
        body: body(),
        headers: { "X-Autosave": "1" },
        credentials: "same-origin",
      });
      const answer = await response.json().catch(() => ({}));
      if (response.ok) {
        updateShown(answer.shown || {});
        savedEdits = including;
        say(fill(gettext("Saved %(time)s"), { time: answer.saved_at }));
        if (unsaved()) schedule();
      } else if (response.status === 409 && answer.conflicts) {
        blocked = true;
        const names = answer.conflicts.map((c) =>
          fill(gettext("%(field)s (saved meanwhile: %(theirs)s)"), { field: c.label, theirs: c.theirs }),
        );
        say(
          fill(gettext("Not saved: someone else changed %(fields)s. Press “Save and stay” to compare and choose."), {
            fields: names.join("; "),
          }),
        );
      } else if (response.status === 401) {
        blocked = true;
        say(gettext("You were signed out. Press “Save and stay”, sign in again, and what you entered is saved then."));
      } else if (response.status === 409 && answer.submitted) {
        blocked = true;
        say(gettext("This assessment was submitted meanwhile; nothing more can be changed."));
      } else {
        blocked = true;
        say(gettext("Not saved: some answers need fixing. Press “Save and stay” to see which."));
      }
    } catch (error) {
      say(gettext("Not saved yet (no connection). Your input is still on this page."));
      schedule(DELAY_MS * 4);
    }
  };

  const schedule = (delay = DELAY_MS) => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      saving = save().finally(() => {
        saving = null;
      });
    }, delay);
  };

  const changed = () => {
    edits += 1;
    if (form.dataset.autosave === "on") schedule();
  };
  form.addEventListener("input", changed);
  form.addEventListener("change", (event) => {
    if (event.target.type === "radio") changed();
  });

  form.addEventListener("submit", (event) => {
    if (timer) clearTimeout(timer);
    timer = null;
    if (saving) {
      // Let the background save finish first and take its shown-* values, so this save does
      // not mistake the person's own earlier keystrokes for a colleague's change.
      event.preventDefault();
      const submitter = event.submitter;
      saving.then(() => form.requestSubmit(submitter));
      return;
    }
    submitting = true;
  });

  window.addEventListener("beforeunload", (event) => {
    if (submitting || !unsaved()) return;
    event.preventDefault();
    event.returnValue = "";
  });

  // Step links save the current step first, so jumping around never loses input.
  document.querySelectorAll("a[data-goto]").forEach((link) => {
    link.addEventListener("click", (event) => {
      event.preventDefault();
      const goto = document.createElement("input");
      goto.type = "hidden";
      goto.name = "goto";
      goto.value = link.dataset.goto;
      form.appendChild(goto);
      form.requestSubmit();
    });
  });

  form.dataset.enhanced = "true"; // saving in the background from here on
});
