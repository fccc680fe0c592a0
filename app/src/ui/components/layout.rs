//! Header and footer around every page.

use crate::api::account::LogOut;
use crate::dto::Role;
use crate::ui::ViewerResource;
use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn Header() -> impl IntoView {
    let viewer = expect_context::<ViewerResource>();
    let log_out = ServerAction::<LogOut>::new();
    view! {
        <a href="#main" class="sr-only focus:not-sr-only focus:absolute focus:p-2">"Skip to content"</a>
        <header class="border-b border-stone-200 bg-white">
            <nav class="mx-auto flex max-w-5xl items-center justify-between gap-4 px-4 py-3" aria-label="Main">
                <A href="/" attr:class="flex items-center gap-2 text-lg font-semibold text-rose-700">
                    <span aria-hidden="true">"✿"</span>
                    <span>"FutureFlower"</span>
                </A>
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        match viewer.await {
                            Ok(Some(user)) => {
                                view! {
                                    <div class="flex flex-wrap items-center justify-end gap-1 text-sm sm:gap-3">
                                        {(user.role == Role::Admin).then(|| view! {
                                            <A href="/admin" attr:class="rounded px-2 py-1 font-medium text-stone-700 hover:bg-stone-100">"Admin"</A>
                                        })}
                                        {(user.role == Role::Partner).then(|| view! {
                                            <A href="/partner/dashboard" attr:class="rounded px-2 py-1 font-medium text-stone-700 hover:bg-stone-100">"Partner"</A>
                                        })}
                                        <A href="/orders" attr:class="rounded px-2 py-1 font-medium text-stone-700 hover:bg-stone-100">"Orders"</A>
                                        <A href="/account" attr:class="rounded px-2 py-1 font-medium text-stone-700 hover:bg-stone-100">
                                            <span data-testid="viewer-name">{user.full_name()}</span>
                                        </A>
                                        <ActionForm action=log_out>
                                            <button type="submit" class="rounded-md border border-stone-300 px-3 py-1.5 font-medium hover:bg-stone-100">
                                                "Log out"
                                            </button>
                                        </ActionForm>
                                    </div>
                                }
                                .into_any()
                            }
                            _ => {
                                view! {
                                    <div class="flex items-center gap-2 text-sm">
                                        <A href="/login" attr:class="rounded px-3 py-1.5 font-medium text-stone-700 hover:bg-stone-100">"Log in"</A>
                                        <A href="/signup" attr:class="rounded-md bg-rose-700 px-3 py-1.5 font-medium text-white hover:bg-rose-800">"Sign up"</A>
                                    </div>
                                }
                                .into_any()
                            }
                        }
                    })}
                </Suspense>
            </nav>
        </header>
    }
}

#[component]
pub fn Footer() -> impl IntoView {
    view! {
        <footer class="mx-auto max-w-5xl px-4 py-10 text-sm text-stone-500">
            "FutureFlower — flowers for the days that matter, booked ahead."
        </footer>
    }
}
