//! Properties of name comparison and of reading any file: one name under any order,
//! separator, case and padding is the same name; another value is another name; no input
//! makes the document reader or the sniffer panic.

use itl::name::same_name;
use proptest::prelude::*;

fn attrs() -> impl Strategy<Value = Vec<(&'static str, String)>> {
    let key = prop::sample::select(vec!["CN", "OU", "O", "L", "ST", "C"]);
    prop::collection::btree_map(key, "[A-Za-z0-9_.-][A-Za-z0-9 _.-]{0,12}[A-Za-z0-9_.-]", 1..6)
        .prop_map(|m| m.into_iter().collect())
}

proptest! {
    #[test]
    fn order_separator_case_and_padding_do_not_matter(a in attrs(), seed in any::<u64>()) {
        let cucm: Vec<String> = a.iter().map(|(k, v)| format!("{k}={v}")).collect();
        let mut other: Vec<String> = a.iter().map(|(k, v)| format!("{}= {} ", k.to_lowercase(), v.to_uppercase())).collect();
        let n = other.len();
        other.rotate_left((seed as usize) % n);
        prop_assert!(same_name(&cucm.join(";"), &other.join(",")));
    }

    #[test]
    fn another_value_is_another_name(a in attrs(), which in any::<prop::sample::Index>()) {
        let cucm: Vec<String> = a.iter().map(|(k, v)| format!("{k}={v}")).collect();
        let i = which.index(a.len());
        let changed: Vec<String> = a
            .iter()
            .enumerate()
            .map(|(j, (k, v))| if j == i { format!("{k}={v}x") } else { format!("{k}={v}") })
            .collect();
        prop_assert!(!same_name(&cucm.join(";"), &changed.join(";")));
    }

    #[test]
    fn any_bytes_are_read_or_refused_without_panic(data in prop::collection::vec(any::<u8>(), 0..600), name in "[a-zA-Z_.]{0,16}") {
        let _ = itl::sniff::describe(&data);
        let doc = itl::document::Document::read(&data, Some(&name));
        let _ = doc.show(Some(&name), None).to_string();
        let _ = serde_json::to_string(&doc.json(Some(&name)));
    }
}
