// The florist sign-up's booking-link box: says whether the name is free while it is typed.
// A small plain script instead of an island, so the sign-up page loads no wasm. Without it the
// server checks the name when the form is sent (it checks again either way).
(() => {
  const input = document.getElementById('field-booking_slug');
  const out = document.getElementById('field-booking_slug-error');
  if (!input || !out) return;
  let typed = 0;
  let timer;
  input.addEventListener('input', () => {
    const mine = ++typed;
    clearTimeout(timer);
    const slug = input.value.trim();
    if (!slug) {
      out.textContent = '';
      return;
    }
    timer = setTimeout(async () => {
      try {
        const answer = await fetch('/api/florists/check-slug', {
          method: 'POST',
          headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
          body: new URLSearchParams({ slug }),
        });
        if (!answer.ok || mine !== typed) return;
        const { available, message } = await answer.json();
        if (mine !== typed) return;
        out.textContent = message;
        out.className = available ? 'text-sm text-emerald-700' : 'text-sm text-red-700';
        input.setAttribute('aria-invalid', available ? 'false' : 'true');
      } catch (_) {
        // Offline or the server is busy: the check on sending the form still happens.
      }
    }, 350);
  });
})();
