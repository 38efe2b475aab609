// Step links save the current step first, so jumping around never loses input.
// Without JavaScript the links still work; Back and "Save and continue" always save.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("wizard-form");
  if (!form) return;
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
});
