// Progressive enhancement only: every page works without this file.
// Disable a form's submit buttons once it is sent, so an impatient second tap does not send it again
// (the server also ignores a duplicate, by the form's submission key).
document.addEventListener('submit', (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || !form.hasAttribute('data-once')) return;
  setTimeout(() => {
    for (const button of form.querySelectorAll('button[type="submit"]')) button.disabled = true;
  }, 0);
});

// "Use the suggested title": copies a suggestion shown on the page into its field. Without JS the
// suggestion is still there to read and type; the button stays hidden.
for (const button of document.querySelectorAll('button[data-fill-target]')) {
  const target = document.getElementById(button.getAttribute('data-fill-target') ?? '');
  const source = document.getElementById(button.getAttribute('data-fill-from') ?? '');
  if (!(target instanceof HTMLInputElement) || !source) continue;
  button.hidden = false;
  button.addEventListener('click', () => {
    target.value = source.textContent?.trim() ?? '';
    target.focus();
  });
}

// The header's menu is a <details> (it opens without JS); with JS it also closes like a menu: on Escape,
// giving focus back to its button, and on a tap anywhere else.
for (const menu of document.querySelectorAll('details.phone-menu')) {
  document.addEventListener('keydown', (event) => {
    if (event.key !== 'Escape' || !menu.open) return;
    menu.open = false;
    menu.querySelector('summary')?.focus();
  });
  document.addEventListener('click', (event) => {
    if (menu.open && event.target instanceof Node && !menu.contains(event.target)) menu.open = false;
  });
}
