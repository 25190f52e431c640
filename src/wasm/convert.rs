//! JavaScript values to core types and back, through serde-wasm-bindgen.

use serde::{Serialize, de::DeserializeOwned};
use wasm_bindgen::JsValue;

use super::error::bad_argument;
use crate::Error;
pub(crate) use crate::util::fields::field_names;

/// Reads `value` as `T`; `undefined` and `null` give `T::default()`.
pub(crate) fn from_js_or_default<T: DeserializeOwned + Default>(
    value: JsValue,
    what: &str,
) -> Result<T, Error> {
    if value.is_undefined() || value.is_null() {
        return Ok(T::default());
    }
    from_js(value, what)
}

/// Reads `value` as `T`, or a `BAD_ARGUMENT` error naming `what`.
pub(crate) fn from_js<T: DeserializeOwned>(value: JsValue, what: &str) -> Result<T, Error> {
    serde_wasm_bindgen::from_value(value).map_err(|e| bad_argument(what, e))
}

/// Writes `value` as a plain JS object (maps become objects, not `Map`s).
pub(crate) fn to_js<T: Serialize>(value: &T) -> Result<JsValue, Error> {
    value.serialize(&serde_wasm_bindgen::Serializer::json_compatible()).map_err(|e| {
        Error::Internal { reason: format!("a result could not be converted for JavaScript ({e})") }
    })
}

/// Like [`from_js_or_default`], but refuses keys that `T` does not know, and
/// for each `(key, names)` in `nested`, unknown keys inside `value[key]`.
/// (serde-wasm-bindgen reads only the fields it expects, so serde's
/// `deny_unknown_fields` never sees a misspelt key: we check it here.)
pub(crate) fn from_js_strict<T: DeserializeOwned + Default>(
    value: JsValue,
    what: &str,
    nested: &[(&str, &'static [&'static str])],
) -> Result<T, Error> {
    if value.is_object() {
        check_keys(&value, field_names::<T>(), what)?;
        for (key, names) in nested {
            let inner =
                js_sys::Reflect::get(&value, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED);
            if inner.is_object() {
                check_keys(&inner, names, &format!("{what}.{key}"))?;
            }
        }
    }
    from_js_or_default(value, what)
}

/// Refuses keys of the object `value` that are not in `known` (an empty `known` allows any).
pub(crate) fn check_keys(value: &JsValue, known: &[&str], what: &str) -> Result<(), Error> {
    if known.is_empty() {
        return Ok(());
    }
    let object: &js_sys::Object = wasm_bindgen::JsCast::unchecked_ref(value);
    for key in js_sys::Object::keys(object).iter().filter_map(|k| k.as_string()) {
        if !known.contains(&key.as_str()) {
            return Err(bad_argument(
                what,
                format!("unknown field `{key}`, expected one of {}", known.join(", ")),
            ));
        }
    }
    Ok(())
}
