// The navbar's menu button on small screens: all of Bootstrap's JavaScript this app needed.
// Shows or hides the menu the button names in data-bs-target, as Bootstrap's collapse does
// (without its animation), and keeps aria-expanded in step for screen readers.
document.addEventListener("DOMContentLoaded", () => {
  for (const button of document.querySelectorAll('[data-bs-toggle="collapse"][data-bs-target]')) {
    const menu = document.querySelector(button.dataset.bsTarget);
    if (!menu) continue;
    button.addEventListener("click", () => {
      const open = menu.classList.toggle("show");
      button.classList.toggle("collapsed", !open);
      button.setAttribute("aria-expanded", String(open));
    });
  }
});
