// 复制链接 buttons beside the links shown to staff (the survey's, each invitation's): copy the
// link and say 已复制 on the button. The link is a read-only field that can be selected by hand,
// so the buttons are shown only where this script runs.
for (const button of document.querySelectorAll("button[data-copy]")) button.hidden = false;

document.addEventListener("click", (event) => {
  const button = event.target.closest("button[data-copy]");
  if (!button) return;
  const field = document.getElementById(button.dataset.copy);
  field.focus();
  field.select();
  const done = () => {
    button.textContent = button.dataset.copied;
  };
  // Plain-HTTP intranets have no clipboard API (it needs a secure context): the selected
  // field still copies the older way.
  const fallback = () => {
    field.select();
    if (document.execCommand("copy")) done();
  };
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(field.value).then(done, fallback);
  } else {
    fallback();
  }
});
