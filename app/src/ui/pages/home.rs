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
    }
}
