use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn HomePage() -> impl IntoView {
    view! {
        <Title text="" />
        <section class="grid gap-8 py-6 sm:grid-cols-2 sm:items-center">
            <div class="space-y-5">
                <h1 class="text-3xl font-semibold leading-tight sm:text-4xl">
                    "Flowers for the days that matter, "<span class="text-rose-700">"booked ahead"</span>"."
                </h1>
                <p class="text-lg text-stone-600">
                    "Plan one delivery, a year of birthdays, or a standing order. A local florist brings them on the day."
                </p>
                <div class="flex flex-wrap gap-3">
                    <a href="/signup" class="rounded-md bg-rose-700 px-5 py-3 font-medium text-white hover:bg-rose-800">"Create an account"</a>
                    <a href="/login" class="rounded-md border border-stone-300 bg-white px-5 py-3 font-medium hover:bg-stone-100">"Log in"</a>
                </div>
            </div>
            <ul class="grid gap-3 text-stone-700" aria-label="How it works">
                <li class="rounded-lg border border-stone-200 bg-white p-4"><strong>"1. Choose"</strong>" a date, a budget and a recipient."</li>
                <li class="rounded-lg border border-stone-200 bg-white p-4"><strong>"2. Pay once"</strong>" or subscribe — we keep the calendar."</li>
                <li class="rounded-lg border border-stone-200 bg-white p-4"><strong>"3. A local florist"</strong>" delivers fresh flowers on the day."</li>
            </ul>
        </section>
        <section class="mt-10 grid gap-4 sm:grid-cols-2" aria-labelledby="partners-heading">
            <h2 id="partners-heading" class="sr-only">"Partner with FutureFlower"</h2>
            <div class="rounded-lg border border-stone-200 bg-white p-6" id="florists">
                <h3 class="text-lg font-semibold">"For florists"</h3>
                <p class="mt-2 text-stone-600">
                    "Deliver FutureFlower orders in your area: we offer you each delivery two weeks ahead, and you accept or decline from your phone (opening soon). Or refer customers with your own discount code, as an affiliate does."
                </p>
                <a href="/partner/register?type=delivery" class="mt-4 inline-block rounded-md bg-rose-700 px-4 py-2 font-medium text-white hover:bg-rose-800">"Become a partner florist"</a>
            </div>
            <div class="rounded-lg border border-stone-200 bg-white p-6" id="affiliates">
                <h3 class="text-lg font-semibold">"For affiliates and creators"</h3>
                <p class="mt-2 text-stone-600">
                    "Share a code your audience can use for a discount on their first order, earn a share of the flower budget on their first payments, and follow every use and commission on your dashboard."
                </p>
                <a href="/partner/register?type=non_delivery" class="mt-4 inline-block rounded-md border border-rose-700 px-4 py-2 font-medium text-rose-700 hover:bg-rose-50">"Join as an affiliate"</a>
            </div>
        </section>
    }
}
