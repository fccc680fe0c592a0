use leptos::prelude::*;
use leptos_meta::Title;

/// The 404 page (also shown for pages a user may not see).
#[component]
pub fn NotFound() -> impl IntoView {
    crate::ui::status::set(404);
    view! {
        <Title text="Page not found" />
        <section class="mx-auto max-w-md py-16 text-center">
            <p class="text-5xl" aria-hidden="true">"🥀"</p>
            <h1 class="mt-4 text-2xl font-semibold">"We could not find that page"</h1>
            <p class="mt-2 text-stone-600">"The link may be old, or the page may have moved."</p>
            <a href="/" class="mt-6 inline-block rounded-md bg-rose-700 px-4 py-2 font-medium text-white hover:bg-rose-800">
                "Go to the home page"
            </a>
        </section>
    }
}
