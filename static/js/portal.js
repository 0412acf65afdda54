// Behaviour that templates ask for with data- attributes: the Content Security Policy allows no inline script.
document.addEventListener("DOMContentLoaded", function () {
  // <select data-autosubmit>: submit the form as soon as a choice is made (the language switch).
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () {
      select.form.submit();
    });
  });
  // <form data-action-template="/applications/new/0/">: put the chosen <select name="measure"> in place of 0.
  document.querySelectorAll("form[data-action-template]").forEach(function (form) {
    form.addEventListener("submit", function () {
      form.action = form.dataset.actionTemplate.replace("/0/", "/" + encodeURIComponent(form.elements.measure.value) + "/");
    });
  });
});
