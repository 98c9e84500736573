// Patient pages, better with script: the phone field is checked before sending (the server checks everything
// again), the error summary takes focus and its links focus their field, and a form is not sent twice.
(function () {
  'use strict';

  function focusSummary(summary) {
    summary.focus();
    summary.querySelectorAll('a[href^="#"]').forEach(function (link) {
      link.addEventListener('click', function (event) {
        var target = document.getElementById(link.getAttribute('href').slice(1));
        if (!target) return;
        event.preventDefault();
        target.focus();
      });
    });
  }

  function el(tag, attrs, textContent) {
    var node = document.createElement(tag);
    Object.keys(attrs).forEach(function (name) { node.setAttribute(name, attrs[name]); });
    if (textContent) node.textContent = textContent;
    return node;
  }

  /** The same markup the server writes for a missing phone number: the error beside the field and a summary. */
  function showPhoneMissing(form, input) {
    var messageText = form.dataset.phoneMissing;
    input.closest('.field').classList.add('has-error');
    input.setAttribute('aria-invalid', 'true');
    if (!document.getElementById('phone-error')) {
      var error = el('p', { class: 'field-error', id: 'phone-error' });
      error.appendChild(el('span', { class: 'visually-hidden' }, form.dataset.errorPrefix + ' '));
      error.appendChild(document.createTextNode(messageText));
      input.parentNode.insertBefore(error, input);
      input.setAttribute('aria-describedby', 'phone-hint phone-error');
    }
    var summary = document.querySelector('.error-summary');
    if (!summary) {
      summary = el('div', { class: 'error-summary', role: 'alert', tabindex: '-1', 'aria-labelledby': 'error-summary-title' });
      summary.appendChild(el('h2', { id: 'error-summary-title' }, form.dataset.errorsTitle));
      var item = el('li', {});
      item.appendChild(el('a', { href: '#phone' }, messageText));
      summary.appendChild(el('ul', {})).appendChild(item);
      document.querySelector('main h1').insertAdjacentElement('afterend', summary);
    }
    focusSummary(summary);
  }

  var summary = document.querySelector('.error-summary');
  if (summary) focusSummary(summary);

  document.querySelectorAll('main form').forEach(function (form) {
    form.addEventListener('submit', function (event) {
      var phone = form.querySelector('input[name="phone"]');
      if (phone && phone.value.trim() === '') {
        event.preventDefault();
        showPhoneMissing(form, phone);
        return;
      }
      if (form.dataset.sending) {
        event.preventDefault();
        return;
      }
      form.dataset.sending = 'true';
    });
  });

  // A page brought back from the history may be sent again.
  window.addEventListener('pageshow', function () {
    document.querySelectorAll('main form').forEach(function (form) { delete form.dataset.sending; });
  });
})();
