//! The single funnel from [`crate::Error`] to a JavaScript `Error`.
//!
//! Every exported function returns `Result<_, JsValue>`; `?` on a core result
//! goes through the `From` impl below, so every failure reaching JavaScript is
//! an `Error` whose `name` is `"FlaneurError"` and whose `code` is
//! [`crate::Error::code`] (`CATALOG_INVALID`, `BAD_ARGUMENT`, …).

use wasm_bindgen::JsValue;

use crate::Error;

impl From<Error> for JsValue {
    fn from(err: Error) -> JsValue {
        let js = js_sys::Error::new(&err.to_string());
        js.set_name("FlaneurError");
        // Setting a property on a fresh Error object cannot fail.
        let _ = js_sys::Reflect::set(&js, &JsValue::from_str("code"), &JsValue::from_str(err.code()));
        js.into()
    }
}

/// A bad argument from JavaScript, named by `what`, as a core error.
pub(crate) fn bad_argument(what: &str, detail: impl std::fmt::Display) -> Error {
    Error::BadArgument(format!("{what}: {detail}"))
}
