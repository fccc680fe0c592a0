//! Building blocks shared by pages.

pub mod areas;
pub mod chart;
pub mod form;
pub mod layout;
pub mod links;
pub mod notice;
pub mod pager;
pub mod slug_field;
