// Mounts Stripe's Payment Element on the checkout page and confirms the card.
// Settings come from data attributes on #payment-element (rendered by the server); the order becomes
// paid when Stripe's webhook reaches us, not here. Loaded by the CardForm component after mount.
(function () {
  "use strict";
  const host = document.getElementById("payment-element");
  if (!host || host.dataset.mounted) return;
  host.dataset.mounted = "1";
  const form = document.getElementById("card-form");
  const errors = document.getElementById("card-errors");
  const button = form.querySelector("button[type=submit]");
  const show = (message) => { errors.textContent = message || ""; };

  function withStripe(ready) {
    if (window.Stripe) return ready(window.Stripe);
    const script = document.createElement("script");
    script.src = "https://js.stripe.com/v3/";
    script.onload = () => ready(window.Stripe);
    script.onerror = () => show("The card form could not load. Check your connection and reload the page.");
    document.head.appendChild(script);
  }

  withStripe((Stripe) => {
    const stripe = Stripe(host.dataset.key);
    const elements = stripe.elements({ clientSecret: host.dataset.secret });
    elements.create("payment").mount(host);
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      button.disabled = true;
      button.textContent = "Paying…";
      show("");
      const { error } = await stripe.confirmPayment({
        elements,
        confirmParams: { return_url: host.dataset.return },
      });
      // Only reached when confirmation failed; on success Stripe redirects to return_url.
      show(error && error.message ? error.message : "The payment did not go through. Please try again.");
      button.disabled = false;
      button.textContent = "Pay";
    });
  });
})();
