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
